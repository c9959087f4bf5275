/**
 * The pieces of SimRollout (Dyna-GRPO): take the plan a response states, execute it
 * in the real environment from the current state (Expand runs from a server-side
 * clone: the episode does not move), and write the refinement input — the state,
 * the response, and the real future states — from which a refined response is sampled.
 */
import type { ActionInput } from "../client/actions.js";
import type { RemoteSession } from "../client/index.js";
import type { Observation } from "../../gen/ts/dynamind/env/v1/types_pb.js";
import { randomValidAction, validActionInputs } from "../resim/policies.js";
import { succeeded } from "../resim/rollouts.js";
import { SeededRandom } from "../resim/seeded-random.js";
import { actionText } from "../format/prompt.js";
import type { Lookahead, LookaheadScope } from "../format/refinement.js";
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
  /** Random play after the plan (randomLookahead), when asked for. */
  lookahead?: Lookahead;
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

/**
 * Random play after the plan, in one Expand: `tries` sequences, each the plan followed by
 * `horizon` actions drawn uniformly (seeded) from the current observation's valid actions,
 * run from a clone; counts the sequences whose episode ended in success. With a rollout
 * policy that is uniform over a state-independent action set (Sokoban's moves), this is
 * the quantity ReSim's Monte-Carlo value measures (`resim --policy random`): whether the
 * plan's end state still leads to the goal. Undefined when there is nothing to continue
 * (no plan, a rejected plan, an ended episode) or when the environment rejects a drawn
 * action (an action set that changes with the state).
 *
 * Scope "every-action" plays `tries` continuations after each valid first action instead
 * (one Expand for all of them), whatever the plan: the counts are then the drafted first
 * action's, and `byAction` holds every action's. It is played whenever the plan was
 * executed, also when the drafted action ended the episode (the other actions did not).
 */
export async function randomLookahead(
  session: RemoteSession,
  observation: Observation,
  actions: readonly ActionInput[],
  future: RealFuture,
  opts: { tries: number; horizon: number; seed: number; scope?: LookaheadScope },
): Promise<Lookahead | undefined> {
  const last = future.states.at(-1);
  if (opts.tries <= 0 || future.rejected || last === undefined) return undefined;
  const everyAction = opts.scope === "every-action";
  if (!everyAction && (last.terminated || last.truncated)) return undefined;
  const firsts = everyAction ? validActionInputs({ session, observation, state: undefined }) : [];
  const sequences = everyAction ? everyActionSequences(session, observation, firsts, opts) : lookaheadSequences(session, observation, actions, opts);
  let branches: Awaited<ReturnType<RemoteSession["expand"]>>;
  try {
    branches = await session.expand(sequences, { leafObservationsOnly: true });
  } catch (err) {
    // CAPACITY: more continuations than the server's Expand takes (many valid actions × tries × horizon); none is shown.
    const reason = (err as { reason?: string }).reason;
    if (reason !== "INVALID_ACTION" && reason !== "CAPACITY") throw err;
    return undefined;
  }
  if (!everyAction) return { tries: opts.tries, successes: branches.filter((b) => succeeded(b.steps)).length };
  const byAction = firsts.map((a, k) => ({
    action: actionText(a),
    tries: opts.tries,
    successes: branches.slice(k * opts.tries, (k + 1) * opts.tries).filter((b) => succeeded(b.steps)).length,
  }));
  const drafted = byAction.find((b) => b.action === actionText(actions[0]!));
  return drafted === undefined ? undefined : { tries: drafted.tries, successes: drafted.successes, byAction };
}

/** randomLookahead's sequences: the plan, then `horizon` seeded uniform draws from the observation's valid actions. */
export function lookaheadSequences(session: RemoteSession, observation: Observation, actions: readonly ActionInput[], opts: { tries: number; horizon: number; seed: number }): ActionInput[][] {
  return continuations(session, observation, [actions], opts);
}

/** The "every-action" scope's sequences: `tries` per first action, in the order given, each continued by `horizon` seeded uniform draws. */
export function everyActionSequences(session: RemoteSession, observation: Observation, firsts: readonly ActionInput[], opts: { tries: number; horizon: number; seed: number }): ActionInput[][] {
  return continuations(session, observation, firsts.map((a) => [a]), opts);
}

/** `tries` sequences per prefix, each the prefix then `horizon` draws from one seeded stream over the observation's valid actions. */
function continuations(session: RemoteSession, observation: Observation, prefixes: readonly (readonly ActionInput[])[], opts: { tries: number; horizon: number; seed: number }): ActionInput[][] {
  const random = new SeededRandom(opts.seed);
  const node = { session, observation, state: undefined };
  return prefixes.flatMap((prefix) => Array.from({ length: opts.tries }, () => [...prefix, ...Array.from({ length: opts.horizon }, () => randomValidAction(node, random))]));
}

// The refinement input is a prompt format, shared with the SFT data that teaches it (agent/train/world-model.ts).
export type { Lookahead, LookaheadScope } from "../format/refinement.js";
export { REFINE_HEADER, REAL_FUTURE_HEADER, PLAN_FUTURE_HEADER, REFINE_INSTRUCTION, REFINE_INPUT_FORMS, refinementMessages, type RefineInputForm } from "../format/refinement.js";
