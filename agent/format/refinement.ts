/**
 * The refinement input of SimRollout (Dyna-GRPO): the state's prompt with the draft
 * response and the real future states of its plan appended. The RL rollouts write it,
 * and SFT data that teaches a small model to answer it (agent/train/world-model.ts)
 * writes the same bytes.
 *
 * Two forms. "response" is the paper's: the whole draft, then what its plan really does.
 * "plan" leaves the draft's text out and shows only its plan's real outcome (each action
 * is named beside its state). A Sokoban ReSim draft is ~300 tokens, so this halves the
 * input, and a small student has fewer tokens to look past to find the current state.
 */
import type { ActionInput } from "../client/actions.js";
import { actionText, type ChatMessage } from "./prompt.js";

/**
 * Where random play starts: "plan", after the draft's executed plan; "every-action", after
 * each valid first action in turn (a one-step search at RL time: the refinement sees a
 * value for the actions the draft did not take, not only for the one it did).
 */
export const LOOKAHEAD_SCOPES = ["plan", "every-action"] as const;
export type LookaheadScope = (typeof LOOKAHEAD_SCOPES)[number];

/** Random play after one first action: how many of `tries` continuations reached the goal. */
export interface ActionLookahead {
  action: string;
  tries: number;
  successes: number;
}

/**
 * Random play continued from a plan's last state: how many of `tries` continuations reached
 * the goal. With `byAction` ("every-action" scope) the counts are the drafted first action's
 * and every valid first action has its own.
 */
export interface Lookahead {
  tries: number;
  successes: number;
  byAction?: readonly ActionLookahead[];
}

/** What executing a draft's plan really gave (SimRollout's RealFuture, structurally). */
export interface FutureStates {
  states: readonly { action: ActionInput; text: string; terminated: boolean; truncated: boolean; success: boolean }[];
  rejected: boolean;
  /**
   * A value the draft's own states do not show (a one-step student predicts its next state
   * almost always, not whether that state still leads anywhere).
   */
  lookahead?: Lookahead;
}

export const REFINE_HEADER = "Your draft response:";
export const REAL_FUTURE_HEADER = "What really happens when the draft's plan is executed from the current observation:";
export const PLAN_FUTURE_HEADER = "Your draft's plan, executed for real from the current observation:";
export const REFINE_INSTRUCTION = "Use what really happens to write an improved response, then give the next action as <answer>ACTION</answer>.";

export function lookaheadLine(l: Lookahead): string {
  if (l.byAction === undefined) return `Random play from there reached the goal in ${l.successes} of ${l.tries} tries.`;
  // One order whatever the source (the environment's valid actions live, a search record's visit order in SFT data).
  const sorted = [...l.byAction].sort((a, b) => (a.action < b.action ? -1 : a.action > b.action ? 1 : 0));
  return `Random play after each first action reached the goal: ${sorted.map((a) => `${a.action} ${a.successes} of ${a.tries}`).join(", ")}.`;
}

/** The first actions whose random play reached the goal most often (none when no continuation did). */
export function bestLookaheadActions(byAction: readonly ActionLookahead[]): string[] {
  const share = (a: ActionLookahead) => (a.tries > 0 ? a.successes / a.tries : 0);
  const top = Math.max(0, ...byAction.map(share));
  return top === 0 ? [] : byAction.filter((a) => share(a) === top).map((a) => a.action);
}

export const REFINE_INPUT_FORMS = ["response", "plan"] as const;
export type RefineInputForm = (typeof REFINE_INPUT_FORMS)[number];

/**
 * The refinement input: the state's prompt, with the draft response and the real
 * future states appended to its last user message (the model sees one prompt, in
 * the chat template it was trained on).
 */
export function refinementMessages(prompt: readonly ChatMessage[], response: string, future: FutureStates, form: RefineInputForm = "response"): ChatMessage[] {
  const lines: string[] = form === "response" ? ["", "", REFINE_HEADER, response.trim(), "", REAL_FUTURE_HEADER] : ["", "", PLAN_FUTURE_HEADER];
  if (future.rejected) lines.push("The environment rejected an action of the plan.");
  else if (future.states.length === 0) lines.push("The draft states no plan or action to execute.");
  for (const s of future.states) {
    lines.push(`Action: ${actionText(s.action)}`, "Observation:", s.text);
    if (s.terminated) lines.push(s.success ? "The episode ends: success." : "The episode ends: failure.");
    else if (s.truncated) lines.push("The episode is cut off here.");
  }
  if (future.lookahead !== undefined && !future.rejected) lines.push(lookaheadLine(future.lookahead));
  lines.push("", REFINE_INSTRUCTION);
  const out = prompt.map((m) => ({ ...m }));
  let last = out.length - 1;
  while (last >= 0 && out[last]!.role !== "user") last--;
  if (last < 0) throw new Error("the prompt has no user message to refine");
  out[last] = { role: "user", content: out[last]!.content + lines.join("\n") };
  return out;
}
