/**
 * Step 3 of ReSim: a value for every plan's last state.
 *
 * - "mc": the paper's Monte-Carlo estimate, computed by the search tree (tree.ts)
 *   from the trajectories through the state.
 * - "solver" (privileged, and named so): where the environment has an expert that
 *   reaches the goal (an optimal solver), the state's real distance to the goal:
 *   V = γ^(steps + distance). An upper bound to compare with, not the paper's method.
 *   Environments without an expert (EnvSpec.has_expert false) keep "mc".
 */
import type { RemoteSession } from "../client/index.js";
import { succeeded, type Rollout } from "./rollouts.js";

export type ValueFunction = "mc" | "solver";

export interface ValuedRollout extends Rollout {
  value: number;
  /** Steps from the root to the goal along this rollout (and the expert after it), when known. */
  stepsToGoal: number | undefined;
  /** Monte-Carlo values: trajectories through the plan's last state, and how many succeeded. */
  visits?: number;
  successes?: number;
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
