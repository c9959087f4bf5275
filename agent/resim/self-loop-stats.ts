/**
 * How often a ReSim collection's chosen first action changed nothing: the plan the answer
 * follows starts with a state equal to the current one (in Sokoban, walking into a wall).
 * With the search tree of the metadata, also whether that action was valued strictly above
 * every other first action, tied with the best other, or below it.
 */
import { actionText } from "../format/prompt.js";
import { parseResponse } from "../format/response.js";
import type { ChatExample } from "../train/dataset.js";
import { currentState } from "../train/world-model.js";

export interface SelfLoopStats {
  steps: number;
  /** Steps whose chosen first action left the state unchanged. */
  selfLoops: number;
  /** Of those, by the best tree value of the chosen first action against the best other's. */
  above: number;
  tied: number;
  below: number;
  /** Steps where the tree holds no other first action to compare with. */
  alone: number;
}

export function selfLoopStats(examples: readonly ChatExample[]): SelfLoopStats {
  const out: SelfLoopStats = { steps: 0, selfLoops: 0, above: 0, tied: 0, below: 0, alone: 0 };
  for (const ex of examples) {
    const reply = ex.messages.find((m) => m.role === "assistant");
    const state = currentState(ex);
    if (reply === undefined || state === undefined) continue;
    const { plans, answer } = parseResponse(reply.content);
    if (answer === undefined) continue;
    const chosen = actionText(answer);
    const plan = plans.find((p) => p.steps.length > 0 && actionText(p.steps[0]!.action) === chosen);
    if (plan === undefined) continue;
    out.steps++;
    if (plan.steps[0]!.state !== state) continue;
    out.selfLoops++;
    const tree = (ex.metadata?.tree ?? []) as { actions: string[]; value: number }[];
    const best = (keep: (a: string) => boolean) => Math.max(-Infinity, ...tree.filter((t) => keep(t.actions[0]!)).map((t) => t.value));
    const mine = best((a) => a === chosen);
    const other = best((a) => a !== chosen);
    if (other === -Infinity) out.alone++;
    else if (mine > other) out.above++;
    else if (mine === other) out.tied++;
    else out.below++;
  }
  return out;
}
