/**
 * How well a model predicts the next state on real transitions it never trained on, in
 * the next-state objective's own prompt (agent/train/world-model.ts). This is the
 * simulation measure for a student that writes no plans (an action-only student trained
 * with world-model objectives): the Sim Score's per-step rule, applied to one step from
 * a real state, always beside the copy-the-current-state baseline.
 */
import { meanInterval, wilson, type Interval } from "../experiment/stats.js";
import { nextStatePrompt, type Transition } from "../train/world-model.js";
import { scoreStep } from "./sim-score.js";

/** Predicts the next state for each query (its prompt, and the current state it shows); undefined where the reply holds no state. */
export type NextStatePredictor = (queries: readonly { prompt: string; state: string }[]) => Promise<(string | undefined)[]>;

export interface NextStateProbe {
  transitions: number;
  /** Predictions equal to the real next state, over every transition. */
  exact: { rate: number; ci: Interval };
  /** Transitions whose state changed (a move, not a bump into a wall). */
  changing: number;
  /** The Sim Score's changed-cell (grids) or new-line F1 (text) accuracy, over the changing transitions. */
  changed: { mean: number; ci: Interval } | undefined;
  /** Replies without a `<state>` block. */
  unparseable: number;
}

/** The state block of a next-state reply (`<state>\n…\n</state>`), if there is one. */
export function stateOfReply(reply: string): string | undefined {
  return /<state>\n([\s\S]*?)\n<\/state>/.exec(reply)?.[1];
}

/** Scores `predict` on the transitions. */
export async function probeNextState(transitions: readonly Transition[], predict: NextStatePredictor): Promise<NextStateProbe> {
  const predicted = await predict(transitions.map((t) => ({ prompt: nextStatePrompt(t.state, t.action), state: t.state })));
  if (predicted.length !== transitions.length) throw new Error(`the predictor answered ${predicted.length} of ${transitions.length} prompts`);
  let exact = 0;
  let unparseable = 0;
  const changed: number[] = [];
  transitions.forEach((t, i) => {
    const pred = predicted[i];
    if (pred === undefined) unparseable++;
    const step = scoreStep(t.state, t.next, pred ?? "");
    if (step.exact) exact++;
    if (step.kind !== "unchanged") changed.push(step.changed);
  });
  const n = transitions.length;
  return { transitions: n, exact: { rate: n ? exact / n : 0, ci: wilson(exact, n) }, changing: changed.length, changed: meanInterval(changed), unparseable };
}

/** The trivial baseline: the next state is the current one. */
export const copyCurrentState: NextStatePredictor = async (queries) => queries.map((q) => q.state);
