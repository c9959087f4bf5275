/**
 * Multi-turn episodes over the protocol, many at once: every episode has its own
 * session, and each step makes one batched generation call across all episodes still
 * running (SimRollout episodes make a second one, for their refined responses), then
 * one BatchStep. Plain rollouts act on their response; SimRollouts (Dyna-GRPO) act on
 * the refined one. An answer that is missing or that the environment rejects wastes
 * the step, as in evaluation.
 */
import type { ActionInput } from "../client/actions.js";
import type { EnvClient, RemoteSession, Step } from "../client/index.js";
import { simScore } from "../eval/sim-score.js";
import { actionText, buildPrompt, goalOf, recent, type HistoryEntry } from "../format/prompt.js";
import { parseResponse } from "../format/response.js";
import type { Tokenizer } from "../model/tokenizer.js";
import type { RlConfig } from "./config.js";
import { episodeReturn } from "./rewards.js";
import type { Sampler } from "./sampler.js";
import { executePlan, extractPlan, randomLookahead, refinementMessages, type Lookahead } from "./sim-rollout.js";

export interface EpisodeSpec {
  seed: number;
  /** Index of the group (task) the episode belongs to. */
  group: number;
  /** A SimRollout (Dyna-GRPO) rather than a plain rollout. */
  sim: boolean;
}

export interface Refinement {
  /** The refinement input's tokens (state ⊕ first response ⊕ real future states). */
  input: number[];
  firstText: string;
  /** Actions of the first response's plan that were executed. */
  planActions: number;
  /** The refined answer differs from the first response's. */
  answerChanged: boolean;
  /** The random lookahead shown with the real future (RlConfig.lookaheadTries), when one was played. */
  lookahead?: Lookahead;
}

export interface Turn {
  /** The state's prompt tokens (s_t). */
  prompt: number[];
  /** The response acted on: the refined one in a refined SimRollout step. */
  completion: number[];
  text: string;
  answer: ActionInput | undefined;
  /** The environment took the answer. */
  accepted: boolean;
  /** Sim Score (what changed) of the first response, when it stated plans and scores were asked for. */
  simScore?: number;
  /** Sim Score of the refined response, when it stated plans. */
  refinedSimScore?: number;
  refinement?: Refinement;
  /** Why a SimRollout step was not refined. */
  refineSkipped?: "too-long" | "nothing-to-execute";
}

export interface Episode {
  spec: EpisodeSpec;
  turns: Turn[];
  steps: number;
  success: boolean;
  /** The paper's return (rewards.ts), never the environment's. */
  return: number;
}

export interface RolloutTiming {
  generateSec: number;
  envSec: number;
  generatedTokens: number;
  generateCalls: number;
  /** Real environment steps taken (wasted steps excluded). */
  envSteps: number;
}

export interface RolloutContext {
  client: EnvClient;
  sampler: Sampler;
  tokenizer: Tokenizer;
  cfg: RlConfig;
}

interface Live {
  spec: EpisodeSpec;
  session: RemoteSession;
  current: Step;
  /** The episode's goal from its reset info (see goalOf). */
  goal: string | undefined;
  history: HistoryEntry[];
  limit: number;
  turns: Turn[];
  done: boolean;
}

/** Seed of one generation call, distinct for every (base, step, call). */
const callSeed = (base: number, step: number, call: number) => (((base * 1_000_003 + step * 2 + call) % 2_147_483_646) + 2_147_483_646) % 2_147_483_646;

export async function runEpisodes(ctx: RolloutContext, specs: readonly EpisodeSpec[], baseSeed: number): Promise<{ episodes: Episode[]; timing: RolloutTiming }> {
  const { cfg, tokenizer, sampler } = ctx;
  const timing: RolloutTiming = { generateSec: 0, envSec: 0, generatedTokens: 0, generateCalls: 0, envSteps: 0 };
  const env = async <T>(work: Promise<T>): Promise<T> => {
    const t0 = performance.now();
    try {
      return await work;
    } finally {
      timing.envSec += (performance.now() - t0) / 1000;
    }
  };
  const generate = async (prompts: number[][], seed: number): Promise<number[][]> => {
    const t0 = performance.now();
    const { completions } = await sampler.sample(prompts, seed);
    timing.generateSec += (performance.now() - t0) / 1000;
    timing.generateCalls++;
    timing.generatedTokens += completions.reduce((a, c) => a + c.length, 0);
    return completions;
  };

  const sessions = await env(Promise.all(specs.map(() => ctx.client.createSession(cfg.env, { config: cfg.envConfig }))));
  try {
    const live: Live[] = await env(
      Promise.all(
        specs.map(async (spec, i) => {
          const session = sessions[i]!;
          const current = await session.reset(spec.seed);
          return { spec, session, current, goal: goalOf(current.info), history: [], limit: Math.min(session.spec.maxSteps || Infinity, cfg.maxSteps), turns: [], done: false };
        }),
      ),
    );
    for (let t = 0; live.some((e) => !e.done); t++) {
      const active = live.filter((e) => !e.done);
      const messages = active.map((e) => buildPrompt(e.session.spec, e.current.observation, recent(e.history, cfg.history), cfg.simulates, cfg.promptStyle, e.goal));
      const prompts = messages.map((m) => tokenizer.encodeChat(m, true).ids);
      const first = await generate(prompts, callSeed(baseSeed, t, 0));
      const turns: Turn[] = active.map((_, i) => {
        const text = tokenizer.decode(first[i]!);
        return { prompt: prompts[i]!, completion: first[i]!, text, answer: parseResponse(text).answer, accepted: false };
      });

      // SimRollout: execute each draft's plan from the current state, then refine.
      const simIdx = active.map((e, i) => (e.spec.sim ? i : -1)).filter((i) => i >= 0);
      if (simIdx.length > 0) {
        const futures = await env(
          Promise.all(
            simIdx.map(async (i) => {
              const plan = extractPlan(turns[i]!.text, cfg.planMaxActions);
              if (plan.source === "none") return { plan, future: undefined };
              const future = await executePlan(active[i]!.session, plan.actions);
              const lookahead = await randomLookahead(active[i]!.session, active[i]!.current.observation, plan.actions, future, {
                tries: cfg.lookaheadTries,
                horizon: cfg.lookaheadHorizon,
                scope: cfg.lookaheadScope,
                seed: callSeed(baseSeed, t, 2) + i,
              });
              return { plan, future: lookahead === undefined ? future : { ...future, lookahead } };
            }),
          ),
        );
        const refine: { i: number; input: number[]; planActions: number; lookahead?: Lookahead }[] = [];
        simIdx.forEach((i, k) => {
          const { plan, future } = futures[k]!;
          if (!future) {
            turns[i]!.refineSkipped = "nothing-to-execute";
            return;
          }
          const input = tokenizer.encodeChat(refinementMessages(messages[i]!, turns[i]!.text, future, cfg.refineInput), true).ids;
          const room = sampler.maxSeqLen - input.length;
          if (room < cfg.minResponseTokens) {
            // Never cut: the state, the draft or the real future would be lost without a trace.
            if (cfg.refineTooLong === "fail") {
              throw new Error(
                `a refinement input has ${input.length} tokens, leaving ${room} of the ${sampler.maxSeqLen}-token context (at least minResponseTokens = ${cfg.minResponseTokens} needed); lower maxNewTokens or planMaxActions, or set refineTooLong "skip"`,
              );
            }
            turns[i]!.refineSkipped = "too-long";
            return;
          }
          refine.push({ i, input, planActions: plan.actions.length, ...(future.lookahead ? { lookahead: future.lookahead } : {}) });
        });
        if (refine.length > 0) {
          const refined = await generate(
            refine.map((r) => r.input),
            callSeed(baseSeed, t, 1),
          );
          refine.forEach((r, k) => {
            const turn = turns[r.i]!;
            const text = tokenizer.decode(refined[k]!);
            const answer = parseResponse(text).answer;
            turn.refinement = {
              input: r.input,
              firstText: turn.text,
              planActions: r.planActions,
              answerChanged: (answer === undefined ? undefined : actionText(answer)) !== (turn.answer === undefined ? undefined : actionText(turn.answer)),
              ...(r.lookahead ? { lookahead: r.lookahead } : {}),
            };
            Object.assign(turn, { completion: refined[k]!, text, answer });
          });
        }
      }

      if (cfg.simScore) {
        await env(
          Promise.all(
            active.map(async (e, i) => {
              const turn = turns[i]!;
              const start = e.current.observation.text;
              const firstText = turn.refinement?.firstText ?? turn.text;
              const s = await simScore(e.session, firstText, { start });
              if (s.changed !== undefined) turn.simScore = s.changed;
              if (turn.refinement) {
                const r = await simScore(e.session, turn.text, { start });
                if (r.changed !== undefined) turn.refinedSimScore = r.changed;
              }
            }),
          ),
        );
      }

      const stepping = active.map((e, i) => ({ e, i, action: turns[i]!.answer })).filter((x): x is { e: Live; i: number; action: ActionInput } => x.action !== undefined);
      const results = stepping.length ? await env(ctx.client.batchStep(stepping.map((x) => ({ session: x.e.session, action: x.action })))) : [];
      stepping.forEach((x, k) => {
        const r = results[k]!;
        if ("observation" in r) {
          x.e.current = r;
          x.e.history.push({ action: x.action, observation: r.observation.text });
          turns[x.i]!.accepted = true;
          timing.envSteps++;
        } else if (r.reason !== "INVALID_ACTION") {
          throw r;
        }
      });
      active.forEach((e, i) => {
        e.turns.push(turns[i]!);
        if (e.current.terminated || e.current.truncated || e.turns.length >= e.limit) e.done = true;
      });
    }
    const episodes = live.map((e) => {
      const success = e.current.terminated && e.current.reward > 0;
      return { spec: e.spec, turns: e.turns, steps: e.turns.length, success, return: episodeReturn(e.turns.length, success) };
    });
    return { episodes, timing };
  } finally {
    await env(Promise.all(sessions.map((s) => s.close().catch(() => undefined))));
  }
}
