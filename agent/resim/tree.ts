/**
 * Steps 1–3 of ReSim as the paper does them: a search tree over real rollouts and
 * Monte-Carlo values.
 *
 * From the current real state, b trajectories are sampled with the rollout policy
 * (random, an LLM, the model under training, or — labelled as privileged — the
 * expert) and followed to the episode's end or the search horizon. Trajectories
 * that choose the same action at the same node share it, so the trajectories form
 * a tree whose nodes are real states (each one Expand from its parent's saved
 * state; the main episode never moves). Every node counts the trajectories through
 * it and how many of them succeeded.
 *
 * A plan is the path from the root to depth d (or to where its episode ended). Its
 * value is the paper's V(s) = γ^(t_max − t) × (fraction of collected trajectories
 * through s that succeeded), for s the plan's last state at time t. Where the paper
 * is silent we chose: t_max is the end of the search horizon (root step + horizon),
 * and a state where the episode ended in success counts as t = t_max (nothing is
 * left to discount), so reaching the goal early is never worth less than later.
 *
 * The paper grows the tree depth-first. The tree here is the same one (each
 * trajectory's choices depend only on its own path and the seeded policy), built
 * level by level so that the nodes of a level are expanded in parallel: one Expand
 * per parent node per level, however many new children it gets.
 */
import type { ActionInput, RemoteSession, StateRef, Step } from "../client/index.js";
import type { Observation } from "../../gen/ts/dynamind/env/v1/types_pb.js";
import { actionText } from "../format/prompt.js";
import type { RolloutPolicy } from "./policies.js";
import { ended, succeeded } from "./rollouts.js";
import type { ValuedRollout } from "./value.js";

export interface TreeNode {
  readonly depth: number;
  readonly parent: TreeNode | undefined;
  /** The action from the parent (undefined at the root). */
  readonly action: ActionInput | undefined;
  /** The real result of that action (undefined at the root). */
  readonly step: Step | undefined;
  readonly observation: Observation;
  /** The saved state, to expand from (undefined at the root: the session's own state). */
  readonly state: StateRef | undefined;
  readonly children: Map<string, TreeNode>;
  visits: number;
  successes: number;
}

export interface SearchOptions {
  /** Trajectories sampled from the root. */
  b: number;
  /** Steps a plan shows (the prefix of a trajectory that becomes a plan). */
  d: number;
  /** Steps a trajectory is followed for its Monte-Carlo outcome (≥ d). */
  horizon: number;
  gamma: number;
  /** The episode's goal, shown to the rollout policy at every node. */
  goal?: string;
}

export interface SearchResult {
  root: TreeNode;
  /** One candidate plan per distinct node at plan depth, valued. */
  plans: ValuedRollout[];
  /** Trajectories sampled and how many succeeded. */
  trajectories: number;
  successes: number;
  /** Environment steps taken (tree nodes) and Expand calls made. */
  nodes: number;
  calls: number;
  /** Every handle the search holds; release them when the response is written. */
  handles: StateRef[];
}

export async function searchTree(session: RemoteSession, rootObservation: Observation, policy: RolloutPolicy, opts: SearchOptions): Promise<SearchResult> {
  if (opts.d < 1 || opts.horizon < opts.d) throw new Error(`need 1 ≤ d ≤ horizon, got d=${opts.d}, horizon=${opts.horizon}`);
  const root = node(0, undefined, undefined, undefined, rootObservation, undefined);
  const handles: StateRef[] = [];
  let nodes = 0;
  let calls = 0;
  const paths: TreeNode[][] = Array.from({ length: opts.b }, () => [root]);

  for (let depth = 0; depth < opts.horizon; depth++) {
    const live = paths.map((p, i) => ({ path: p, i })).filter(({ path }) => path.length === depth + 1 && !isEnd(path.at(-1)!));
    if (live.length === 0) break;
    // Every live trajectory picks its next action at its node (in parallel: LLM or model policies are slow).
    const choices = await Promise.all(
      live.map(async ({ path, i }) => {
        const at = path.at(-1)!;
        const action = await policy.act({ session, observation: at.observation, state: at.state, goal: opts.goal }, i);
        return { path, at, action, key: actionText(action) };
      }),
    );
    // New children, grouped by parent: one Expand per parent expands all of them.
    const wanted = new Map<TreeNode, Map<string, ActionInput>>();
    for (const c of choices) {
      if (c.at.children.has(c.key)) continue;
      let m = wanted.get(c.at);
      if (m === undefined) wanted.set(c.at, (m = new Map()));
      m.set(c.key, c.action);
    }
    await Promise.all(
      [...wanted].map(async ([parent, actions]) => {
        const list = [...actions];
        const branches = await session.expand(
          list.map(([, a]) => [a]),
          { from: parent.state, returnLeafStates: true },
        );
        calls++;
        branches.forEach((branch, k) => {
          const step = branch.steps[0]!;
          if (branch.leaf) handles.push(branch.leaf);
          nodes++;
          parent.children.set(list[k]![0], node(parent.depth + 1, parent, list[k]![1], step, step.observation, branch.leaf));
        });
      }),
    );
    for (const c of choices) c.path.push(c.at.children.get(c.key)!);
  }

  let successes = 0;
  for (const path of paths) {
    const win = succeeded(path.slice(1).map((n) => n.step!));
    if (win) successes++;
    for (const n of path) {
      n.visits++;
      if (win) n.successes++;
    }
  }
  return { root, plans: plansOf(paths, opts), trajectories: paths.length, successes, nodes, calls, handles };
}

/** The candidate plans: the distinct nodes at plan depth on the sampled paths, each with its value. */
function plansOf(paths: TreeNode[][], opts: SearchOptions): ValuedRollout[] {
  const seen = new Set<TreeNode>();
  const plans: ValuedRollout[] = [];
  for (const path of paths) {
    const leaf = path[Math.min(opts.d, path.length - 1)]!;
    if (leaf.depth === 0 || seen.has(leaf)) continue;
    seen.add(leaf);
    const chain = pathTo(leaf);
    const steps = chain.map((n) => n.step!);
    const won = succeeded(steps);
    const t = won ? opts.horizon : leaf.depth;
    plans.push({
      index: plans.length,
      actions: chain.map((n) => n.action!),
      steps,
      leaf: leaf.state,
      value: opts.gamma ** (opts.horizon - t) * (leaf.successes / leaf.visits),
      stepsToGoal: won ? leaf.depth : undefined,
      successes: leaf.successes,
      visits: leaf.visits,
    });
  }
  return plans;
}

function pathTo(n: TreeNode): TreeNode[] {
  const out: TreeNode[] = [];
  for (let at: TreeNode | undefined = n; at !== undefined && at.depth > 0; at = at.parent) out.push(at);
  return out.reverse();
}

function isEnd(n: TreeNode): boolean {
  return n.step !== undefined && ended(n.step);
}

function node(
  depth: number,
  parent: TreeNode | undefined,
  action: ActionInput | undefined,
  step: Step | undefined,
  observation: Observation,
  state: StateRef | undefined,
): TreeNode {
  return { depth, parent, action, step, observation, state, children: new Map(), visits: 0, successes: 0 };
}
