/**
 * AndroidWorld's JSON action space (`json_action.py`), validated. Both device
 * backends (the browser-hosted device and Appium) execute exactly these actions, so
 * an agent cannot tell which one it is driving.
 *
 * Input as AndroidWorld takes it: `index` is an int or a numeric string (AndroidWorld
 * calls `int()` on it; a float is truncated too); `x`/`y` may be floats, truncated
 * toward zero (`int(x)`); `text` may be a number (`str()`); `unknown` is a step that
 * does nothing. The parsed action has integer `index`, `x` and `y`.
 *
 * Semantics (AndroidWorld's `actuation.py`): clicks tap the truncated centre of the
 * element's pixel box; `input_text` with a non-empty text taps the target (when one is
 * given), optionally clears the field, types, then presses Enter — with an empty text
 * it does nothing; `scroll` and `swipe` drag as `gesture.ts` says; `wait` lets 1 s
 * pass; `status` ends the episode (complete or infeasible: both are scored by the
 * task's check, as AndroidWorld scores them); `answer` gives the answer of an
 * information task.
 */
import { z } from "zod";
import { EnvError } from "../contract.js";

const direction = z.enum(["up", "down", "left", "right"]);
/** Python's int() of a string: optional sign, digits, surrounding whitespace. */
const INT_STRING = /^\s*[+-]?\d+\s*$/;
const index = z
  .union([z.number().finite(), z.string().regex(INT_STRING, "index must be an integer or a string of digits")])
  .describe("element index: an integer or a numeric string (truncated to an integer, as AndroidWorld's int())");
const coordinate = z.number().finite().describe("screen pixels; floats are truncated toward zero, as AndroidWorld's int()");
const text = z.union([z.string(), z.number().finite()]).describe("text; a number is converted to its string");
const target = { index: index.optional(), x: coordinate.optional(), y: coordinate.optional() };

export const androidActionInputSchema = z.discriminatedUnion("action_type", [
  z.strictObject({ action_type: z.literal("click"), ...target }),
  z.strictObject({ action_type: z.literal("double_tap"), ...target }),
  z.strictObject({ action_type: z.literal("long_press"), ...target }),
  z.strictObject({ action_type: z.literal("input_text"), text, clear_text: z.boolean().optional(), ...target }),
  z.strictObject({ action_type: z.literal("keyboard_enter") }),
  z.strictObject({ action_type: z.literal("navigate_home") }),
  z.strictObject({ action_type: z.literal("navigate_back") }),
  // AndroidWorld's scroll reads only index (its x,y are accepted and ignored); its swipe reads neither.
  z.strictObject({ action_type: z.literal("scroll"), direction, ...target }),
  z.strictObject({ action_type: z.literal("swipe"), direction, ...target }),
  z.strictObject({ action_type: z.literal("open_app"), app_name: z.string().min(1) }),
  z.strictObject({ action_type: z.literal("wait") }),
  z.strictObject({ action_type: z.literal("status"), goal_status: z.enum(["complete", "infeasible"]) }),
  z.strictObject({ action_type: z.literal("answer"), text }),
  // AndroidWorld's fallback when a model's output names no known action: a step that does nothing.
  z.strictObject({
    action_type: z.literal("unknown"),
    ...target,
    text: text.optional(),
    direction: direction.optional(),
    app_name: z.string().optional(),
    goal_status: z.string().optional(),
    clear_text: z.boolean().optional(),
  }),
]);

type Targeted = { index?: number; x?: number; y?: number };
/** `text` as a string, optional where the input's is. */
type TextOf<A> = "text" extends keyof A ? (undefined extends A["text" & keyof A] ? { text?: string } : { text: string }) : unknown;
type Normalised<A> = A extends unknown ? Omit<A, "index" | "x" | "y" | "text"> & Targeted & TextOf<A> : never;
/** A parsed action: the input with `index`, `x`, `y` as integers and `text` as a string. */
export type AndroidAction = Normalised<z.infer<typeof androidActionInputSchema>>;
export type AndroidActionType = AndroidAction["action_type"];

/** Actions that must say where: an element index or a point. */
const TARGETED: ReadonlySet<string> = new Set(["click", "double_tap", "long_press"]);

export const ACTION_TYPES: readonly AndroidActionType[] = androidActionInputSchema.options.map((o) => o.shape.action_type.value);

/** JSON Schema of the action, for EnvSpec.action.jsonSchema. */
export const androidActionJsonSchema = z.toJSONSchema(androidActionInputSchema) as Record<string, unknown>;

/**
 * Parses and validates an action given as JSON text, and normalises it as AndroidWorld
 * does (index, x, y to integers; text to a string). Element-targeting actions must name
 * either `index` or both `x` and `y`, never both; `index` must exist on the current
 * screen (`elementCount`). Throws EnvError(INVALID_ACTION) with a clear message.
 */
export function parseAndroidAction(json: string, elementCount: number): AndroidAction {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (err) {
    throw new EnvError("INVALID_ACTION", `the action is not valid JSON: ${(err as Error).message}`);
  }
  const parsed = androidActionInputSchema.safeParse(raw);
  if (!parsed.success) {
    const type = (raw as { action_type?: unknown } | null)?.action_type;
    if (typeof type !== "string" || !ACTION_TYPES.includes(type as AndroidActionType)) {
      throw new EnvError("INVALID_ACTION", `unknown action_type ${JSON.stringify(type)}; expected one of ${ACTION_TYPES.join(", ")}`);
    }
    throw new EnvError("INVALID_ACTION", `invalid ${type} action: ${z.prettifyError(parsed.error)}`);
  }
  const a = { ...parsed.data } as Record<string, unknown> & { action_type: string };
  if (a.index !== undefined) a.index = Math.trunc(Number(a.index));
  if (a.x !== undefined) a.x = Math.trunc(a.x as number);
  if (a.y !== undefined) a.y = Math.trunc(a.y as number);
  if (typeof a.text === "number") a.text = String(a.text);
  const t = a as Targeted & { action_type: string };
  const hasIndex = t.index !== undefined;
  const hasXY = t.x !== undefined || t.y !== undefined;
  if (hasIndex && hasXY) throw new EnvError("INVALID_ACTION", `${t.action_type}: give either index or x,y, not both`);
  if (a.action_type === "unknown") return a as AndroidAction;
  if (hasXY && (t.x === undefined || t.y === undefined)) throw new EnvError("INVALID_ACTION", `${t.action_type}: x and y go together`);
  if (TARGETED.has(t.action_type) && !hasIndex && !hasXY) throw new EnvError("INVALID_ACTION", `${t.action_type} needs an index or x,y`);
  if (hasIndex && (t.index! < 0 || t.index! >= elementCount)) {
    throw new EnvError("INVALID_ACTION", `index ${t.index} is out of range: the screen has ${elementCount} elements (0..${elementCount - 1})`);
  }
  return a as AndroidAction;
}
