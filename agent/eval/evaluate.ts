/**
 * Evaluation over the protocol: a policy plays full episodes; we report the
 * success rate, mean steps, generated tokens per step, invalid answers, and the
 * exact Sim Score of every response that states plans. Written once for every
 * environment. An answer that is missing or that the environment rejects wastes
 * the step (the episode's budget still runs out), as it would for a real agent.
 */
import type { EnvClient, Step } from "../client/index.js";
import { buildPrompt, recent, type HistoryEntry, type PromptStyle } from "../format/prompt.js";
import { parseResponse } from "../format/response.js";
import type { ResponsePolicy } from "./policy.js";
import { simScore } from "./sim-score.js";

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
  /** Mean over responses with plans; null when none had any. */
  simScore: number | null;
  simExact: number | null;
}

export async function evaluate(client: EnvClient, policy: ResponsePolicy, opts: EvalOptions): Promise<EvalResult> {
  const episodes: { success: boolean; steps: number; tokens: number; responses: number; invalid: number; sims: number[]; exact: number[] }[] = [];
  let next = 0;
  const worker = async () => {
    while (next < opts.seeds.length) episodes.push(await playEpisode(client, policy, opts, opts.seeds[next++]!));
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.concurrency) }, worker));
  const responses = episodes.reduce((a, e) => a + e.responses, 0);
  const sims = episodes.flatMap((e) => e.sims);
  const exact = episodes.flatMap((e) => e.exact);
  const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
  return {
    policy: policy.name,
    env: opts.envId,
    config: opts.config,
    episodes: episodes.length,
    successRate: episodes.filter((e) => e.success).length / Math.max(1, episodes.length),
    meanSteps: mean(episodes.map((e) => e.steps)) ?? 0,
    tokensPerStep: responses ? episodes.reduce((a, e) => a + e.tokens, 0) / responses : 0,
    invalidAnswerRate: responses ? episodes.reduce((a, e) => a + e.invalid, 0) / responses : 0,
    simScore: mean(sims),
    simExact: mean(exact),
  };
}

async function playEpisode(client: EnvClient, policy: ResponsePolicy, opts: EvalOptions, seed: number) {
  const session = await client.createSession(opts.envId, { config: opts.config });
  const limit = Math.min(session.spec.maxSteps || 100, opts.maxSteps ?? Infinity);
  const history: HistoryEntry[] = [];
  const out = { success: false, steps: 0, tokens: 0, responses: 0, invalid: 0, sims: [] as number[], exact: [] as number[] };
  try {
    let current: Step = await session.reset(seed);
    for (let t = 0; t < limit && !current.terminated && !current.truncated; t++) {
      const messages = buildPrompt(session.spec, current.observation, recent(history, opts.history), policy.simulates, opts.promptStyle);
      const response = await policy.respond(messages, { session, step: t, observation: current.observation });
      out.responses++;
      out.tokens += response.tokens;
      if (opts.simScore) {
        const s = await simScore(session, response.text);
        if (s.score !== undefined) {
          out.sims.push(s.score);
          out.exact.push(s.exact!);
        }
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
