/**
 * How well a model critiques predicted states against the real outcome on real chains it
 * never trained on, in the critique objective's own prompt (agent/train/world-model.ts):
 * the check that a student trained with that objective learned it, as the next-state
 * probe is for the next-state objective. Beside it, the trivial critic that calls every
 * step wrong (with the copy predictor, most steps change the state).
 */
import { meanInterval, wilson, type Interval } from "../experiment/stats.js";
import { actionText } from "../format/prompt.js";
import { copyPredictor, critique, critiqueExample, type Chain, type Predictor } from "../train/world-model.js";

/** Answers each critique prompt with a critique. */
export type Critic = (prompts: readonly string[]) => Promise<string[]>;

export interface CritiqueProbe {
  chains: number;
  steps: number;
  /** Critiques equal to the target, whole. */
  exact: { rate: number; ci: Interval };
  /** Per step: whether it says "predicted correctly" or "wrong" as the target does. */
  verdict: { rate: number; ci: Interval };
  /** Per step: its line equal to the target's (the verdict and every corrected line). */
  line: { rate: number; ci: Interval };
  /** Per chain, the share of its steps whose line is right (mean over chains). */
  linesPerChain: { mean: number; ci: Interval } | undefined;
  /** Critiques that have no line for some step. */
  incomplete: number;
}

/** A critique's line for each step (`Step k (action): …`), by step number. */
export function critiqueLines(text: string): Map<number, string> {
  const out = new Map<number, string>();
  for (const m of text.matchAll(/^Step (\d+) \(.*?\): .*$/gm)) {
    const k = Number(m[1]);
    if (!out.has(k)) out.set(k, m[0]);
  }
  return out;
}

/** Whether a step's line says the prediction was right or wrong; undefined if it says neither. */
export function verdictOf(line: string | undefined): "right" | "wrong" | undefined {
  if (line === undefined) return undefined;
  if (/\): predicted correctly\.$/.test(line)) return "right";
  if (/\): wrong\b/.test(line)) return "wrong";
  return undefined;
}

/** The chains once each (trees share prefixes, so plans repeat), first seen first. */
export function distinctChains(chains: readonly Chain[]): Chain[] {
  const seen = new Set<string>();
  return chains.filter((c) => {
    const key = `${c.start}\u0000${c.steps.map((s) => actionText(s.action)).join("\u0001")}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Scores `critic` on the chains, each with `predictor`'s predicted states (the copy predictor's, as in training). */
export async function probeCritique(chains: readonly Chain[], critic: Critic, predictor: Predictor = copyPredictor): Promise<CritiqueProbe> {
  const cases = chains.map((c) => {
    const predicted = predictor(c.start, c.steps.map((s) => s.action));
    return { prompt: critiqueExample(c, predicted).messages[0]!.content, target: critique(c, predicted), steps: c.steps.length };
  });
  const replies = await critic(cases.map((c) => c.prompt));
  if (replies.length !== cases.length) throw new Error(`the critic answered ${replies.length} of ${cases.length} prompts`);
  let exact = 0;
  let steps = 0;
  let verdicts = 0;
  let lines = 0;
  let incomplete = 0;
  const perChain: number[] = [];
  cases.forEach((c, i) => {
    const reply = replies[i] as string;
    if (reply.trim() === c.target) exact++;
    const want = critiqueLines(c.target);
    const got = critiqueLines(reply);
    let right = 0;
    for (let k = 1; k <= c.steps; k++) {
      const line = got.get(k);
      if (line === undefined) continue;
      if (verdictOf(line) === verdictOf(want.get(k))) verdicts++;
      if (line === want.get(k)) right++;
    }
    if ([...Array(c.steps).keys()].some((k) => !got.has(k + 1))) incomplete++;
    steps += c.steps;
    lines += right;
    perChain.push(c.steps ? right / c.steps : 0);
  });
  const n = cases.length;
  return {
    chains: n,
    steps,
    exact: { rate: n ? exact / n : 0, ci: wilson(exact, n) },
    verdict: { rate: steps ? verdicts / steps : 0, ci: wilson(verdicts, steps) },
    line: { rate: steps ? lines / steps : 0, ci: wilson(lines, steps) },
    linesPerChain: meanInterval(perChain),
    incomplete,
  };
}

/** The trivial critic: every step was predicted wrong, with no correction. */
export const everyStepWrong: Critic = async (prompts) =>
  prompts.map((p) => {
    const actions = [...p.matchAll(/^<action>(.*)<\/action>$/gm)].map((m) => m[1]);
    return actions.map((a, k) => `Step ${k + 1} (${a}): wrong.`).join("\n");
  });
