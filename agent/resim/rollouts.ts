/**
 * Step 1 of ReSim: from the current real state, b rollouts of at most d steps in
 * the real environment, never disturbing the episode. Built level by level on
 * Expand: the first level of every rollout is one call from the session's state,
 * and each later level is one call per rollout from its saved leaf — one round
 * trip per search node. Policies that know their whole rollout up front
 * (expert, random plans) cost a single call for all of it.
 */
import type { ActionInput, RemoteSession, StateRef, Step } from "../client/index.js";
import type { Observation } from "../../gen/ts/dynamind/env/v1/types_pb.js";
import type { RolloutPolicy } from "./policies.js";

export interface Rollout {
  index: number;
  actions: ActionInput[];
  /** The real result after each action. */
  steps: Step[];
  /** The saved state at the rollout's end (released by the caller). */
  leaf: StateRef | undefined;
}

export interface RolloutStats {
  /** Environment steps taken in the search (tree nodes). */
  nodes: number;
  /** Expand calls made. */
  calls: number;
}

export async function sampleRollouts(
  session: RemoteSession,
  root: Observation,
  policy: RolloutPolicy,
  b: number,
  d: number,
): Promise<{ rollouts: Rollout[]; stats: RolloutStats }> {
  const stats: RolloutStats = { nodes: 0, calls: 0 };
  const rootNode = { session, observation: root, state: undefined };
  const rollouts: Rollout[] = Array.from({ length: b }, (_, index) => ({ index, actions: [], steps: [], leaf: undefined }));

  // Level 1 (or whole planned rollouts) for every rollout in one call.
  const first: ActionInput[][] = await Promise.all(
    rollouts.map(async (r) => (policy.plan ? await policy.plan(rootNode, d, r.index) : [await policy.act(rootNode, r.index)])),
  );
  const planned = policy.plan !== undefined;
  const branches = await session.expand(first, { returnLeafStates: true });
  stats.calls++;
  branches.forEach((branch, i) => {
    const r = rollouts[i]!;
    r.actions.push(...first[i]!.slice(0, branch.steps.length));
    r.steps.push(...branch.steps);
    r.leaf = branch.leaf;
    stats.nodes += branch.steps.length;
  });
  if (planned) return { rollouts, stats };

  // Later levels: each live rollout asks its policy at its own leaf, all in parallel.
  for (let depth = 1; depth < d; depth++) {
    const live = rollouts.filter((r) => r.steps.length === depth && !ended(r.steps.at(-1)!));
    if (live.length === 0) break;
    await Promise.all(
      live.map(async (r) => {
        const node = { session, observation: r.steps.at(-1)!.observation, state: r.leaf };
        const action = await policy.act(node, r.index);
        const [branch] = await session.expand([[action]], { from: r.leaf, returnLeafStates: true });
        stats.calls++;
        stats.nodes += branch!.steps.length;
        const previous = r.leaf;
        r.actions.push(action);
        r.steps.push(...branch!.steps);
        r.leaf = branch!.leaf;
        if (previous) await session.client.release([previous]);
      }),
    );
  }
  return { rollouts, stats };
}

export function ended(step: Step): boolean {
  return step.terminated || step.truncated;
}

/** Success as the protocol reports it: the episode terminated on a positive reward. */
export function succeeded(steps: Step[]): boolean {
  const last = steps.at(-1);
  return last !== undefined && last.terminated && last.reward > 0;
}
