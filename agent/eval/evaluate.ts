/**
 * Evaluation over the protocol: a policy plays full episodes; we report the
 * success rate, mean steps, generated tokens per step, invalid answers, and the
 * exact Sim Score of every response that states plans (accuracy on what changed,
 * beside what copying the current state scores; see sim-score.ts). Written once for every
 * environment. An answer that is missing or that the environment rejects wastes
 * the step (the episode's budget still runs out), as it would for a real agent.
 */
import type { EnvClient, Step } from "../client/index.js";
import { buildPrompt, goalOf, recent, type HistoryEntry, type PromptStyle } from "../format/prompt.js";
import { parseResponse } from "../format/response.js";
import type { ResponsePolicy } from "./policy.js";
import { simScore, type SimScore } from "./sim-score.js";

export interface EvalOptions {
  envId: string;
  config: Record<string, unknown>;
  seeds: number[];
  history: number;
  concurrency: number;
  /** Compute the Sim Score of responses that state plans. */
  simScore: boolean;
  /** The prompt layout the policy was trained with (default "full"). */
  promptStyle?: PromptStyle;
  /** Cap on steps per episode below the environment's own budget (quick runs). */
  maxSteps?: number;
}

export interface EvalResult {
  policy: string;
  env: string;
  config: Record<string, unknown>;
  episodes: number;
  successRate: number;
  meanSteps: number;
  tokensPerStep: number;
  invalidAnswerRate: number;
  /** The Sim Score of the responses that stated plans. */
  sim: SimSummary;
  /** Per episode, for confidence intervals: success, and the mean Sim Scores of its responses (null without plans). */
  perEpisode: { seed: number; success: boolean; steps: number; changed: number | null; copyBaseline: number | null }[];
  /** @deprecated The old Sim Score (text similarity), kept for continuity: `sim.similarity`. */
  simScore: number | null;
  /** @deprecated `sim.exact`. */
  simExact: number | null;
}

/**
 * Sim Scores over an evaluation: the score metrics are means over the responses
 * that stated plans (null when none did), the counts are totals.
 */
export interface SimSummary {
  /** Responses that stated at least one plan. */
  responses: number;
  /** The Sim Score: accuracy on what changed. */
  changed: number | null;
  /** What copying the current state as every prediction scores on the same plans. */
  copyBaseline: number | null;
  /** The old score: 1 − normalised edit distance. */
  similarity: number | null;
  /** Fraction of predicted steps whose whole state matches exactly. */
  exact: number | null;
  plans: number;
  steps: number;
  changedSteps: number;
  unchangedSteps: number;
  gridSteps: number;
  pastEndSteps: number;
  invalidPlans: number;
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
type SimCount = "plans" | "steps" | "changedSteps" | "unchangedSteps" | "gridSteps" | "pastEndSteps" | "invalidPlans";
const total = (scores: SimScore[], key: SimCount) => scores.reduce((a, s) => a + s[key], 0);

/** Aggregates the Sim Scores of responses (those without plans are skipped). */
export function summarizeSim(all: SimScore[]): SimSummary {
  const scores = all.filter((s) => s.changed !== undefined);
  return {
    responses: scores.length,
    changed: mean(scores.map((s) => s.changed!)),
    copyBaseline: mean(scores.map((s) => s.copyBaseline!)),
    similarity: mean(scores.map((s) => s.similarity!)),
    exact: mean(scores.map((s) => s.exact!)),
    plans: total(scores, "plans"),
    steps: total(scores, "steps"),
    changedSteps: total(scores, "changedSteps"),
    unchangedSteps: total(scores, "unchangedSteps"),
    gridSteps: total(scores, "gridSteps"),
    pastEndSteps: total(scores, "pastEndSteps"),
    invalidPlans: total(scores, "invalidPlans"),
  };
}

export async function evaluate(client: EnvClient, policy: ResponsePolicy, opts: EvalOptions): Promise<EvalResult> {
  const episodes: { seed: number; success: boolean; steps: number; tokens: number; responses: number; invalid: number; sims: SimScore[] }[] = [];
  let next = 0;
  const worker = async () => {
    while (next < opts.seeds.length) episodes.push(await playEpisode(client, policy, opts, opts.seeds[next++]!));
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.concurrency) }, worker));
  const responses = episodes.reduce((a, e) => a + e.responses, 0);
  const sim = summarizeSim(episodes.flatMap((e) => e.sims));
  return {
    policy: policy.name,
    env: opts.envId,
    config: opts.config,
    episodes: episodes.length,
    successRate: episodes.filter((e) => e.success).length / Math.max(1, episodes.length),
    meanSteps: mean(episodes.map((e) => e.steps)) ?? 0,
    tokensPerStep: responses ? episodes.reduce((a, e) => a + e.tokens, 0) / responses : 0,
    invalidAnswerRate: responses ? episodes.reduce((a, e) => a + e.invalid, 0) / responses : 0,
    sim,
    simScore: sim.similarity,
    simExact: sim.exact,
    perEpisode: episodes
      .map((e) => {
        const s = summarizeSim(e.sims);
        return { seed: e.seed, success: e.success, steps: e.steps, changed: s.changed, copyBaseline: s.copyBaseline };
      })
      .sort((a, b) => a.seed - b.seed),
  };
}

async function playEpisode(client: EnvClient, policy: ResponsePolicy, opts: EvalOptions, seed: number) {
  const session = await client.createSession(opts.envId, { config: opts.config });
  const limit = Math.min(session.spec.maxSteps || 100, opts.maxSteps ?? Infinity);
  const history: HistoryEntry[] = [];
  const out = { seed, success: false, steps: 0, tokens: 0, responses: 0, invalid: 0, sims: [] as SimScore[] };
  try {
    let current: Step = await session.reset(seed);
    const goal = goalOf(current.info);
    for (let t = 0; t < limit && !current.terminated && !current.truncated; t++) {
      const messages = buildPrompt(session.spec, current.observation, recent(history, opts.history), policy.simulates, opts.promptStyle, goal);
      const response = await policy.respond(messages, { session, step: t, observation: current.observation, episodeSeed: seed, goal });
      out.responses++;
      out.tokens += response.tokens;
      if (opts.simScore) {
        const s = await simScore(session, response.text, { start: current.observation.text });
        if (s.changed !== undefined) out.sims.push(s);
      }
      out.steps = t + 1;
      const answer = parseResponse(response.text).answer;
      if (answer === undefined) {
        out.invalid++;
        continue;
      }
      try {
        current = await session.step(answer);
        history.push({ action: answer, observation: current.observation.text });
      } catch (err) {
        if ((err as { reason?: string }).reason !== "INVALID_ACTION") throw err;
        out.invalid++;
      }
    }
    out.success = current.terminated && current.reward > 0;
    return out;
  } finally {
    await session.close().catch(() => undefined);
  }
}
