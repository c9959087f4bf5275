/**
 * The pieces of SimRollout (Dyna-GRPO): take the plan a response states, execute it
 * in the real environment from the current state (Expand runs from a server-side
 * clone: the episode does not move), and write the refinement input — the state,
 * the response, and the real future states — from which a refined response is sampled.
 */
import type { ActionInput } from "../client/actions.js";
import type { RemoteSession } from "../client/index.js";
import { actionText, type ChatMessage } from "../format/prompt.js";
import { parseResponse } from "../format/response.js";

export interface ExtractedPlan {
  actions: ActionInput[];
  /** "plan": the stated plan that starts with the answer (else the first one); "answer": no plan, the answer alone; "none": nothing to execute. */
  source: "plan" | "answer" | "none";
}

/** The plan to execute: at most `maxActions` actions of the plan the response acts on. */
export function extractPlan(text: string, maxActions: number): ExtractedPlan {
  const { plans, answer } = parseResponse(text);
  const withSteps = plans.filter((p) => p.steps.length > 0);
  const answerText = answer === undefined ? undefined : actionText(answer);
  const chosen = withSteps.find((p) => actionText(p.steps[0]!.action) === answerText) ?? withSteps[0];
  if (chosen) return { actions: chosen.steps.slice(0, maxActions).map((s) => s.action), source: "plan" };
  if (answer !== undefined) return { actions: [answer], source: "answer" };
  return { actions: [], source: "none" };
}

export interface RealFuture {
  /** The real observation after each executed action (shorter than the plan when the episode ended). */
  states: { action: ActionInput; text: string; terminated: boolean; truncated: boolean; success: boolean }[];
  /** The environment rejected an action of the plan: nothing of it is reported. */
  rejected: boolean;
}

/** Executes the plan from the session's current state without moving the session. */
export async function executePlan(session: RemoteSession, actions: readonly ActionInput[]): Promise<RealFuture> {
  if (actions.length === 0) return { states: [], rejected: false };
  try {
    const [branch] = await session.expand([[...actions]]);
    return {
      rejected: false,
      states: branch!.steps.map((s, i) => ({
        action: actions[i]!,
        text: s.observation.text,
        terminated: s.terminated,
        truncated: s.truncated,
        success: s.terminated && s.reward > 0,
      })),
    };
  } catch (err) {
    if ((err as { reason?: string }).reason !== "INVALID_ACTION") throw err;
    return { states: [], rejected: true };
  }
}

export const REFINE_HEADER = "Your draft response:";
export const REAL_FUTURE_HEADER = "What really happens when the draft's plan is executed from the current observation:";
export const REFINE_INSTRUCTION = "Use what really happens to write an improved response, then give the next action as <answer>ACTION</answer>.";

/**
 * The refinement input: the state's prompt, with the draft response and the real
 * future states appended to its last user message (the model sees one prompt, in
 * the chat template it was trained on).
 */
export function refinementMessages(prompt: readonly ChatMessage[], response: string, future: RealFuture): ChatMessage[] {
  const lines: string[] = ["", "", REFINE_HEADER, response.trim(), "", REAL_FUTURE_HEADER];
  if (future.rejected) lines.push("The environment rejected an action of the plan.");
  else if (future.states.length === 0) lines.push("The draft states no plan or action to execute.");
  for (const s of future.states) {
    lines.push(`Action: ${actionText(s.action)}`, "Observation:", s.text);
    if (s.terminated) lines.push(s.success ? "The episode ends: success." : "The episode ends: failure.");
    else if (s.truncated) lines.push("The episode is cut off here.");
  }
  lines.push("", REFINE_INSTRUCTION);
  const out = prompt.map((m) => ({ ...m }));
  let last = out.length - 1;
  while (last >= 0 && out[last]!.role !== "user") last--;
  if (last < 0) throw new Error("the prompt has no user message to refine");
  out[last] = { role: "user", content: out[last]!.content + lines.join("\n") };
  return out;
}
