/**
 * AndroidWorld's JSON action space, validated. Both device backends (the
 * browser-hosted device and Appium) execute exactly these actions, so an agent
 * cannot tell which one it is driving.
 *
 * Semantics (AndroidWorld): clicks tap the centre of the element's pixel box;
 * `input_text` taps the target, types (optionally clearing first), then presses
 * Enter; `scroll` swipes from the element's (or the screen's) centre toward the
 * opposite edge of `direction`; `wait` sleeps 1 s; `status` ends the episode
 * (complete | infeasible); `answer` gives the answer of an information task.
 */
import { z } from "zod";
import { EnvError } from "../contract.js";

const direction = z.enum(["up", "down", "left", "right"]);
const target = {
  index: z.number().int().min(0).optional(),
  x: z.number().int().min(0).optional(),
  y: z.number().int().min(0).optional(),
};

export const androidActionSchema = z.discriminatedUnion("action_type", [
  z.strictObject({ action_type: z.literal("click"), ...target }),
  z.strictObject({ action_type: z.literal("double_tap"), ...target }),
  z.strictObject({ action_type: z.literal("long_press"), ...target }),
  z.strictObject({ action_type: z.literal("input_text"), text: z.string(), clear_text: z.boolean().optional(), ...target }),
  z.strictObject({ action_type: z.literal("keyboard_enter") }),
  z.strictObject({ action_type: z.literal("navigate_home") }),
  z.strictObject({ action_type: z.literal("navigate_back") }),
  z.strictObject({ action_type: z.literal("scroll"), direction, index: target.index }),
  z.strictObject({ action_type: z.literal("swipe"), direction, ...target }),
  z.strictObject({ action_type: z.literal("open_app"), app_name: z.string().min(1) }),
  z.strictObject({ action_type: z.literal("wait") }),
  z.strictObject({ action_type: z.literal("status"), goal_status: z.enum(["complete", "infeasible"]) }),
  z.strictObject({ action_type: z.literal("answer"), text: z.string() }),
]);

export type AndroidAction = z.infer<typeof androidActionSchema>;
export type AndroidActionType = AndroidAction["action_type"];

/** Actions that must say where: an element index or a point. */
const TARGETED: ReadonlySet<string> = new Set(["click", "double_tap", "long_press"]);

export const ACTION_TYPES: readonly AndroidActionType[] = androidActionSchema.options.map((o) => o.shape.action_type.value);

/** JSON Schema of the action, for EnvSpec.action.jsonSchema. */
export const androidActionJsonSchema = z.toJSONSchema(androidActionSchema) as Record<string, unknown>;

/**
 * Parses and validates an action given as JSON text. Element-targeting actions must
 * name either `index` or both `x` and `y`, never both; `index` must exist on the
 * current screen (`elementCount`). Throws EnvError(INVALID_ACTION) with a clear message.
 */
export function parseAndroidAction(json: string, elementCount: number): AndroidAction {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (err) {
    throw new EnvError("INVALID_ACTION", `the action is not valid JSON: ${(err as Error).message}`);
  }
  const parsed = androidActionSchema.safeParse(raw);
  if (!parsed.success) {
    const type = (raw as { action_type?: unknown } | null)?.action_type;
    if (typeof type !== "string" || !ACTION_TYPES.includes(type as AndroidActionType)) {
      throw new EnvError("INVALID_ACTION", `unknown action_type ${JSON.stringify(type)}; expected one of ${ACTION_TYPES.join(", ")}`);
    }
    throw new EnvError("INVALID_ACTION", `invalid ${type} action: ${z.prettifyError(parsed.error)}`);
  }
  const action = parsed.data;
  const a = action as { action_type: string; index?: number; x?: number; y?: number };
  const hasIndex = a.index !== undefined;
  const hasXY = a.x !== undefined || a.y !== undefined;
  if (hasIndex && hasXY) throw new EnvError("INVALID_ACTION", `${a.action_type}: give either index or x,y, not both`);
  if (hasXY && (a.x === undefined || a.y === undefined)) throw new EnvError("INVALID_ACTION", `${a.action_type}: x and y go together`);
  if (TARGETED.has(a.action_type) && !hasIndex && !hasXY) throw new EnvError("INVALID_ACTION", `${a.action_type} needs an index or x,y`);
  if (hasIndex && a.index! >= elementCount) {
    throw new EnvError("INVALID_ACTION", `index ${a.index} is out of range: the screen has ${elementCount} elements (0..${elementCount - 1})`);
  }
  return action;
}
