/**
 * The Sim Score, computed exactly: every plan a response states is executed in
 * the real environment from the state the response was written in (Expand: the
 * session does not move), and each state the response predicted is compared with
 * the real one. No judge model is needed when states are text.
 *
 * Per step the score is the similarity of predicted and real text (1 − normalised
 * edit distance; 1 for an exact match). A plan scores the mean over its steps, a
 * response the mean over its plans; a response without plans has no Sim Score.
 */
import type { RemoteSession, StateRef } from "../client/index.js";
import { parseResponse } from "../format/response.js";

export interface SimScore {
  /** Mean similarity, 0..1; undefined when the response states no plan. */
  score: number | undefined;
  /** Fraction of predicted steps that match exactly. */
  exact: number | undefined;
  plans: number;
  steps: number;
}

export async function simScore(session: RemoteSession, response: string, from?: StateRef): Promise<SimScore> {
  const { plans } = parseResponse(response);
  const checkable = plans.filter((p) => p.steps.length > 0);
  if (checkable.length === 0) return { score: undefined, exact: undefined, plans: 0, steps: 0 };
  let branches;
  try {
    branches = await session.expand(
      checkable.map((p) => p.steps.map((s) => s.action)),
      { from },
    );
  } catch (err) {
    // A plan with an action the environment rejects simulates nothing real.
    if ((err as { reason?: string }).reason === "INVALID_ACTION") return { score: 0, exact: 0, plans: checkable.length, steps: 0 };
    throw err;
  }
  let planSum = 0;
  let exactSteps = 0;
  let steps = 0;
  checkable.forEach((plan, i) => {
    const real = branches[i]!.steps;
    let sum = 0;
    plan.steps.forEach((predicted, j) => {
      const actual = real[j]?.observation.text;
      // Steps predicted past the episode's real end have no real state to match.
      const sim = actual === undefined ? 0 : similarity(predicted.state, actual);
      sum += sim;
      if (sim === 1) exactSteps++;
      steps++;
    });
    planSum += sum / plan.steps.length;
  });
  return { score: planSum / checkable.length, exact: exactSteps / steps, plans: checkable.length, steps };
}

/** 1 − Levenshtein distance / longer length, over characters. */
export function similarity(a: string, b: string): number {
  if (a === b) return 1;
  const n = a.length;
  const m = b.length;
  if (n === 0 || m === 0) return 0;
  let prev = new Uint32Array(m + 1).map((_, j) => j);
  let cur = new Uint32Array(m + 1);
  for (let i = 1; i <= n; i++) {
    cur[0] = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= m; j++) {
      const cost = ca === b.charCodeAt(j - 1) ? 0 : 1;
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
    }
    [prev, cur] = [cur, prev];
  }
  return 1 - prev[m]! / Math.max(n, m);
}
