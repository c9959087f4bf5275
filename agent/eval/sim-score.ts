/**
 * The Sim Score, computed exactly: every plan a response states is executed in
 * the real environment from the state the response was written in (Expand: the
 * session does not move), and each state the response predicted is compared with
 * the real one. No judge model is needed when states are text.
 *
 * It scores **what changed**, because most of a state survives an action: copying
 * the current state as every prediction is nearly identical to the truth as text
 * (≈0.95 by edit distance on Sokoban) while simulating nothing. For each predicted
 * step let `prev` be the real state before the step's action (the response's
 * start state for step 1, else the real state after the previous step of the same
 * plan), `real` the real state after it and `pred` the predicted text.
 *
 * - **Unchanged step** (`prev === real`): correct (1) iff `pred === real`, else 0.
 * - **Grid step** (decided by the text's shape, never by environment: `prev` and
 *   `real` have the same number of lines, at least two, and line i has the same
 *   length in both, counted in code points — Sokoban's rooms): the **changed-cell
 *   accuracy**, the fraction of cells where `prev` and `real` differ that `pred`
 *   has right. A `pred` of another shape (line count or any line's length differs
 *   from `real`) scores 0. Cells that did not change are not scored here (`exact`
 *   reports whole-state matches).
 * - **Line step** (any other text: ALFWorld prose, Android element lists): lines
 *   are compared as multisets, each line with trailing whitespace removed and
 *   blank lines dropped. The real new lines are `N_real = lines(real) − lines(prev)`
 *   and the predicted new lines `N_pred = lines(pred) − lines(prev)` (multiset
 *   differences). The score is their F1, `2·|N_pred ∩ N_real| / (|N_pred| + |N_real|)`:
 *   recall is the fraction of real new lines the prediction has, and precision
 *   penalises predicted new lines that are not real (hallucinated lines, in neither
 *   `prev` nor `real`, or duplicated ones). Lines the step removed are not scored by
 *   F1 (any garbage "removes" a one-line state's only line). When `N_real` is empty
 *   (the step only removed or reordered lines) the step is correct iff `pred === real`.
 * - **Past the end**: a step predicted after the real episode ended has no real
 *   state and scores 0 (and 0 for the copy baseline).
 * - **Invalid plan**: a plan with an action the environment rejects simulates
 *   nothing real and scores 0 on every metric (each plan is retried alone, so one
 *   invalid plan does not zero the others).
 *
 * Copying the current state (`pred := prev`) therefore scores 0 on every changed
 * step by construction: in a grid every changed cell differs from `prev`; for lines
 * `N_pred` is empty, so recall is 0; otherwise `prev !== real`. It is reported beside
 * the score as `copyBaseline`, computed on the same plans and real states: the
 * score a model gets for simulating nothing (it is not 0 when some steps change
 * nothing, e.g. walking into a wall).
 *
 * A plan scores the mean over its steps, a response the mean over its plans (the
 * same for `changed`, `copyBaseline` and the old `similarity`, 1 − normalised edit
 * distance, kept for continuity). A response without plans has no Sim Score.
 */
import type { RemoteSession, StateRef } from "../client/index.js";
import type { ActionInput } from "../client/actions.js";
import { parseResponse } from "../format/response.js";

export interface SimScore {
  /** The Sim Score: accuracy on what changed, 0..1 (see the module comment); undefined when the response states no plan. */
  changed: number | undefined;
  /** What copying the current state as every prediction scores on the same plans. */
  copyBaseline: number | undefined;
  /** The old score: mean text similarity (1 − normalised edit distance). */
  similarity: number | undefined;
  /** @deprecated The old score under its old name; equal to `similarity`. */
  score: number | undefined;
  /** Fraction of predicted steps whose whole state matches exactly. */
  exact: number | undefined;
  plans: number;
  /** Predicted steps scored (those of invalid plans are not counted). */
  steps: number;
  /** Steps whose action changed the state. */
  changedSteps: number;
  /** Steps whose action changed nothing (`prev === real`): scored as exact matches. */
  unchangedSteps: number;
  /** Changed steps scored cell by cell (grid-shaped text). */
  gridSteps: number;
  /** Steps predicted past the real end of the episode. */
  pastEndSteps: number;
  /** Plans with an action the environment rejects. */
  invalidPlans: number;
}

export type StepKind = "unchanged" | "grid" | "lines" | "pastEnd";

export interface StepScore {
  kind: StepKind;
  /** The prediction's score on this step. */
  changed: number;
  /** What `pred := prev` scores on this step. */
  copy: number;
  similarity: number;
  exact: boolean;
}

export interface SimScoreOptions {
  /** Run the plans from this saved state instead of the session's current one. */
  from?: StateRef;
  /**
   * The observation text of the state the plans start from (the session's current
   * one, or `from`'s). When absent it is read from a short-lived fork.
   */
  start?: string;
}

export async function simScore(session: RemoteSession, response: string, options: SimScoreOptions | StateRef = {}): Promise<SimScore> {
  const opts: SimScoreOptions = "server" in options ? { from: options } : options;
  const { plans } = parseResponse(response);
  const checkable = plans.filter((p) => p.steps.length > 0);
  if (checkable.length === 0) return scoreResponse("", []);
  const real = await runPlans(
    session,
    checkable.map((p) => p.steps.map((s) => s.action)),
    opts.from,
  );
  const start = opts.start ?? (await startText(session, opts.from));
  return scoreResponse(
    start,
    checkable.map((p, i) => ({ predicted: p.steps.map((s) => s.state), real: real[i]! })),
  );
}

/**
 * The real observation texts along each plan (null for a plan the environment
 * rejects). Shorter than the plan when the episode ended first.
 */
async function runPlans(session: RemoteSession, sequences: ActionInput[][], from: StateRef | undefined): Promise<(string[] | null)[]> {
  const texts = (steps: { observation: { text: string } }[]) => steps.map((s) => s.observation.text);
  try {
    return (await session.expand(sequences, { from })).map((b) => texts(b.steps));
  } catch (err) {
    if (!isInvalidAction(err)) throw err;
  }
  // One plan was rejected (Expand stops at the first): run each alone to score the rest.
  const out: (string[] | null)[] = [];
  for (const seq of sequences) {
    try {
      out.push(texts((await session.expand([seq], { from }))[0]!.steps));
    } catch (err) {
      if (!isInvalidAction(err)) throw err;
      out.push(null);
    }
  }
  return out;
}

const isInvalidAction = (err: unknown) => (err as { reason?: string }).reason === "INVALID_ACTION";

/** The observation text at the plans' start state, from a fork (the session does not move). */
async function startText(session: RemoteSession, from: StateRef | undefined): Promise<string> {
  const fork = from === undefined ? await session.fork() : await session.client.fork(from);
  try {
    if (fork.initial === undefined) throw new Error("the server's Fork reply had no observation; pass the start state's text as `start`");
    return fork.initial.observation.text;
  } finally {
    await fork.close().catch(() => undefined);
  }
}

/**
 * Scores predicted plans against the real states (no server needed). `start` is the
 * real state the plans start from; each plan's `real` lists the real states after
 * its actions (shorter when the episode ended), or is null for a rejected plan.
 * Plans without steps are ignored.
 */
export function scoreResponse(start: string, plans: { predicted: string[]; real: string[] | null }[]): SimScore {
  const out: SimScore = {
    changed: undefined,
    copyBaseline: undefined,
    similarity: undefined,
    score: undefined,
    exact: undefined,
    plans: plans.length,
    steps: 0,
    changedSteps: 0,
    unchangedSteps: 0,
    gridSteps: 0,
    pastEndSteps: 0,
    invalidPlans: 0,
  };
  plans = plans.filter((p) => p.predicted.length > 0);
  out.plans = plans.length;
  if (plans.length === 0) return out;
  let changed = 0;
  let copy = 0;
  let sim = 0;
  let exactSteps = 0;
  for (const plan of plans) {
    if (plan.real === null) {
      out.invalidPlans++;
      continue; // scores 0
    }
    let c = 0;
    let k = 0;
    let s = 0;
    let prev = start;
    plan.predicted.forEach((pred, j) => {
      const real = plan.real![j];
      const step = scoreStep(prev, real, pred);
      c += step.changed;
      k += step.copy;
      s += step.similarity;
      if (step.exact) exactSteps++;
      out.steps++;
      if (step.kind === "unchanged") out.unchangedSteps++;
      else if (step.kind === "pastEnd") out.pastEndSteps++;
      else {
        out.changedSteps++;
        if (step.kind === "grid") out.gridSteps++;
      }
      if (real !== undefined) prev = real;
    });
    const n = plan.predicted.length;
    changed += c / n;
    copy += k / n;
    sim += s / n;
  }
  out.changed = changed / plans.length;
  out.copyBaseline = copy / plans.length;
  out.similarity = out.score = sim / plans.length;
  out.exact = out.steps ? exactSteps / out.steps : 0;
  return out;
}

/** Scores one predicted step: `prev` the real state before its action, `real` after it (undefined past the episode's end). */
export function scoreStep(prev: string, real: string | undefined, pred: string): StepScore {
  if (real === undefined) return { kind: "pastEnd", changed: 0, copy: 0, similarity: 0, exact: false };
  const exact = pred === real;
  const sim = similarity(pred, real);
  if (prev === real) return { kind: "unchanged", changed: exact ? 1 : 0, copy: 1, similarity: sim, exact };
  const prevRows = gridRows(prev);
  const realRows = gridRows(real);
  if (sameShape(prevRows, realRows) && prevRows.length >= 2) {
    return { kind: "grid", changed: exact ? 1 : changedCells(prevRows, realRows, gridRows(pred)), copy: 0, similarity: sim, exact };
  }
  return { kind: "lines", changed: exact ? 1 : newLinesF1(prev, real, pred), copy: 0, similarity: sim, exact };
}

/** Rows of code points. */
const gridRows = (text: string): string[][] => text.split("\n").map((row) => Array.from(row));

function sameShape(a: string[][], b: string[][]): boolean {
  return a.length === b.length && a.every((row, i) => row.length === b[i]!.length);
}

/** Fraction of the cells that changed from `prev` to `real` that `pred` has right; 0 for a pred of another shape. */
function changedCells(prev: string[][], real: string[][], pred: string[][]): number {
  if (!sameShape(pred, real)) return 0;
  let changed = 0;
  let right = 0;
  real.forEach((row, i) =>
    row.forEach((cell, j) => {
      if (prev[i]![j] === cell) return;
      changed++;
      if (pred[i]![j] === cell) right++;
    }),
  );
  return changed === 0 ? 1 : right / changed;
}

/** Non-blank lines, trailing whitespace removed, as a multiset. */
function lineCounts(text: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const raw of text.split("\n")) {
    const line = raw.trimEnd();
    if (line !== "") m.set(line, (m.get(line) ?? 0) + 1);
  }
  return m;
}

/** Multiset difference a − b. */
function minus(a: Map<string, number>, b: Map<string, number>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [line, n] of a) {
    const d = n - (b.get(line) ?? 0);
    if (d > 0) out.set(line, d);
  }
  return out;
}

const size = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);

/** F1 between the lines `pred` adds to `prev` and the lines `real` adds; exact match when `real` adds none. */
function newLinesF1(prev: string, real: string, pred: string): number {
  const before = lineCounts(prev);
  const realNew = minus(lineCounts(real), before);
  const predNew = minus(lineCounts(pred), before);
  const nReal = size(realNew);
  if (nReal === 0) return pred === real ? 1 : 0;
  let both = 0;
  for (const [line, n] of predNew) both += Math.min(n, realNew.get(line) ?? 0);
  return (2 * both) / (nReal + size(predNew));
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
