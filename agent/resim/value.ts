/**
 * Step 3 of ReSim: a value for every rollout's leaf.
 *
 * - "mc": the paper's estimate, V = γ^(steps to success) when the rollout itself
 *   succeeded, else 0 (the fraction of trajectories through the leaf that
 *   succeeded, with one trajectory per leaf).
 * - "solver": where the environment has an expert that reaches the goal (an
 *   optimal solver), the leaf's real distance to the goal: V = γ^(steps + distance).
 *   Environments without an expert (EnvSpec.has_expert false) get "mc".
 */
import type { RemoteSession } from "../client/index.js";
import { succeeded, type Rollout } from "./rollouts.js";

export type ValueFunction = "mc" | "solver";

export interface ValuedRollout extends Rollout {
  value: number;
  /** Steps from the root to the goal along this rollout (and the expert after it), when known. */
  stepsToGoal: number | undefined;
}

export async function valueRollouts(
  session: RemoteSession,
  rollouts: Rollout[],
  fn: ValueFunction,
  gamma: number,
): Promise<{ valued: ValuedRollout[]; expertCalls: number }> {
  let expertCalls = 0;
  if (!session.spec.hasExpert) fn = "mc";
  const valued = await Promise.all(
    rollouts.map(async (r): Promise<ValuedRollout> => {
      const k = r.steps.length;
      if (succeeded(r.steps)) return { ...r, value: gamma ** k, stepsToGoal: k };
      const last = r.steps.at(-1);
      if (fn === "mc" || (last !== undefined && (last.terminated || last.truncated)) || r.leaf === undefined) {
        return { ...r, value: 0, stepsToGoal: undefined };
      }
      expertCalls++;
      const plan = await session.expertPlan(r.leaf);
      if (!plan.reachesGoal) return { ...r, value: 0, stepsToGoal: undefined };
      const total = k + plan.actions.length;
      return { ...r, value: gamma ** total, stepsToGoal: total };
    }),
  );
  return { valued, expertCalls };
}
