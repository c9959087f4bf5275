/**
 * How an environment state becomes a chat prompt. ReSim data, distillation and
 * evaluation all use this one function, so a model sees at evaluation exactly
 * the layout it was trained on. Written once for every environment: it reads
 * the spec's instructions and the observation, never the env id.
 */
import type { EnvSpec, Observation } from "../../gen/ts/dynamind/env/v1/types_pb.js";
import type { ActionInput } from "../client/actions.js";

export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

/** One previous step shown to the model: what it did and what it saw. */
export interface HistoryEntry {
  action: ActionInput;
  observation: string;
}

/** Actions are written as text: commands as they are, indices as numbers, JSON compactly. */
export function actionText(action: ActionInput): string {
  return typeof action === "string" ? action : typeof action === "number" ? String(action) : JSON.stringify(action);
}

/** The inverse of {@link actionText}, for the spec's preferred action kind. */
export function parseActionText(text: string): ActionInput {
  const t = text.trim();
  if (t.startsWith("{")) return JSON.parse(t) as Record<string, unknown>;
  if (/^\d+$/.test(t)) return Number(t);
  return t;
}

export const RESPONSE_FORMAT =
  "Think inside <think>...</think>: simulate candidate plans as <plan id=N value=V> blocks holding " +
  "<action>...</action><state>...</state> pairs (the state you expect after each action), compare them, " +
  "then give the next action as <answer>ACTION</answer>.";

/**
 * "full": the spec's instructions as the system message, and the valid actions — for
 * capable LLMs. "compact": only the state (and history) — for the small models
 * trained here, which learn the rules from the data and should not spend their
 * context on a constant kilobyte of instructions. "compact-actions": compact, plus the
 * valid actions — for text environments whose commands name objects of the current
 * state (ALFWorld's "take spoon 1 from countertop 1"), which a small model otherwise
 * has to invent.
 */
export type PromptStyle = "full" | "compact" | "compact-actions";

/** The prompt styles, for command-line choices and config schemas. */
export const PROMPT_STYLES = ["full", "compact", "compact-actions"] as const satisfies readonly PromptStyle[];

/**
 * System + user messages for the current state, with `history` (the previous steps,
 * oldest first) and the episode's `goal` (see {@link goalOf}) when it has one and the
 * observation does not already state it. No
 * step counter is shown: a small model trained on short episodes meets step numbers
 * at evaluation that it never saw, and the state alone decides what to do (the step budget is the environment's to enforce).
 */
export function buildPrompt(spec: EnvSpec, observation: Observation, history: HistoryEntry[], simulate: boolean, style: PromptStyle = "full", goal?: string): ChatMessage[] {
  const lines: string[] = [];
  // Android restates its goal in every observation, ALFWorld only in the first one.
  if (goal !== undefined && !observation.text.includes(goal)) lines.push(`Goal: ${goal}`, "");
  if (history.length > 0) {
    lines.push("Previous steps, oldest first:");
    history.forEach((h, i) => {
      lines.push(`Action: ${actionText(h.action)}`);
      // The last step's observation is the current one, written once below.
      if (i < history.length - 1 || h.observation !== observation.text) lines.push("Observation:", h.observation);
    });
    lines.push("");
  }
  lines.push("Current observation:", observation.text);
  if (style === "compact") return [{ role: "user", content: lines.join("\n") }];
  if (observation.validActions.length > 0 && observation.validActions.length <= 60) {
    lines.push("", `Valid actions: ${observation.validActions.join(", ")}`);
  }
  if (style === "compact-actions") return [{ role: "user", content: lines.join("\n") }];
  const system = simulate ? `${spec.instructions}\n\n${RESPONSE_FORMAT}` : `${spec.instructions}\n\nGive the next action as <answer>ACTION</answer>.`;
  return [
    { role: "system", content: system },
    { role: "user", content: lines.join("\n") },
  ];
}

/**
 * The episode's goal in words, when the environment's reset info names one (`goal`,
 * a string). Environments whose observations stop restating the task after reset
 * (ALFWorld says it once) need it shown at every step, or a policy that sees only the
 * current observation and a few past steps forgets what it is doing.
 */
export function goalOf(info: Record<string, unknown>): string | undefined {
  const g = info["goal"];
  return typeof g === "string" && g.length > 0 ? g : undefined;
}

/** The last `n` entries of the history (none for n ≤ 0; note slice(-0) would return everything). */
export function recent(history: readonly HistoryEntry[], n: number): HistoryEntry[] {
  return n > 0 ? history.slice(-n) : [];
}
