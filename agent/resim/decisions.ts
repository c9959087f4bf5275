/**
 * What a ReSim search could tell apart at one real step. With random rollouts most
 * Sokoban searches see no success at all: every first action is valued 0 and the
 * teacher's choice among them is a coin toss, which a student cannot learn from
 * (on sokoban-quick's 6,950 examples: 69% unvalued, 8% tied, 23% decided).
 */
import type { ExampleMetadata } from "./dataset.js";

export type Decision = "unvalued" | "tied" | "decided";

interface SearchedPlan {
  actions: unknown[];
  value: number;
}

/**
 * "decided": one first action's best plan value is > 0 and above every other first
 * action's; "tied": the best value is > 0 but shared; "unvalued": no plan valued above 0.
 * Uses only what the search itself saw (its tree), never the solver.
 */
export function classifyDecision(metadata: ExampleMetadata | Record<string, unknown>): Decision {
  const tree = metadata.tree;
  if (!Array.isArray(tree) || tree.length === 0) throw new Error("the example has no search tree in its metadata (not ReSim data)");
  const best = new Map<string, number>();
  for (const p of tree as SearchedPlan[]) {
    if (!Array.isArray(p.actions) || p.actions.length === 0 || typeof p.value !== "number") throw new Error("malformed search tree in the example's metadata");
    const first = JSON.stringify(p.actions[0]);
    best.set(first, Math.max(best.get(first) ?? 0, p.value));
  }
  const values = [...best.values()].sort((a, b) => b - a);
  const top = values[0] ?? 0;
  if (top <= 0) return "unvalued";
  return values.length > 1 && values[1] === top ? "tied" : "decided";
}

/** Key pairing a ReSim example with the action-only example of the same real step. */
export function stepKey(metadata: Record<string, unknown> | undefined): string {
  return `${String(metadata?.seed)}/${String(metadata?.step)}`;
}

/**
 * Which steps a student trains on: every step, the steps where some first action was
 * valued above 0 (decided or tied: a tie between two good plans still names a good
 * action), or only the decided ones.
 */
export type ExampleSelection = "all" | "valued" | "decided";

export function selects(selection: ExampleSelection, decision: Decision): boolean {
  if (selection === "all") return true;
  if (selection === "valued") return decision !== "unvalued";
  return decision === "decided";
}

/**
 * The examples of the selected steps; `what` names the data set in the error a non-ReSim example raises.
 * `paired` (ReSim metadata by {@link stepKey}) decides for examples that carry no tree of their own,
 * e.g. the action-only examples of the same collection.
 */
export function selectSteps<T extends { metadata?: Record<string, unknown> }>(
  examples: T[],
  selection: ExampleSelection,
  what: string,
  paired?: ReadonlyMap<string, Record<string, unknown>>,
): T[] {
  return examples.filter((x, i) => {
    try {
      const own = x.metadata ?? {};
      const meta = Array.isArray(own.tree) || paired === undefined ? own : (paired.get(stepKey(own)) ?? own);
      return selects(selection, classifyDecision(meta));
    } catch (err) {
      throw new Error(`${what}, example ${i + 1}: ${(err as Error).message}`);
    }
  });
}
