import type { Action } from "../../gen/ts/dynamind/env/v1/types_pb.js";

/** What callers pass as an action: an index, a text command, or a JSON object. */
export type ActionInput = number | string | Record<string, unknown>;

export function toAction(input: ActionInput): Action {
  if (typeof input === "number") return { kind: { $case: "index", index: input } };
  if (typeof input === "string") return { kind: { $case: "text", text: input } };
  return { kind: { $case: "json", json: JSON.stringify(input) } };
}

/** The inverse of {@link toAction}. */
export function fromAction(action: Action): ActionInput {
  const k = action.kind;
  if (k === undefined) throw new Error("an action without a kind");
  if (k.$case === "index") return k.index;
  if (k.$case === "text") return k.text;
  return JSON.parse(k.json) as Record<string, unknown>;
}
