/**
 * The online-RL loop: GRPO, RLOO and Dyna-GRPO from an SFT checkpoint, over the protocol.
 *
 * Each iteration plays `groupsPerIteration` groups of G episodes (one task seed per
 * group, so the whole group starts from the same state), computes the paper's returns
 * and group-relative advantages, and makes one policy update (update.ts). Dyna-GRPO's
 * simulation-improvement iterations play G/2 SimRollouts + G/2 plain rollouts per group,
 * update on the combined group, then update again on the refinement pairs with
 * A_refine ∈ {0, 1}; its policy-improvement iterations are plain GRPO.
 *
 * The reference model is the starting checkpoint, frozen: the RL checkpoint stores its
 * path and weights digest (not a copy), and resuming refuses a reference that changed.
 * Every random choice is seeded from the config and the iteration index, so a run
 * gives the same metrics (timings aside) whether or not it was interrupted and resumed.
 */
import * as tf from "@tensorflow/tfjs";
import { SingleBar, Presets } from "cli-progress";
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Logger } from "pino";
import type { EnvClient } from "../client/index.js";
import { isCheckpoint, loadCheckpoint, saveCheckpoint } from "../model/checkpoint.js";
import type { Tokenizer } from "../model/tokenizer.js";
import type { TransformerLM } from "../model/transformer.js";
import { AdamW } from "../train/optimizer.js";
import { grpoAdvantages, mean, refineAdvantage, rlooAdvantages } from "./advantages.js";
import { parseRlConfig, schedule, type RlConfig, type ScheduledIteration } from "./config.js";
import { runEpisodes, type Episode, type EpisodeSpec, type RolloutTiming, type Turn } from "./rollouts.js";
import { ModelSampler, type Sampler } from "./sampler.js";
import { policyUpdate, type Sample, type UpdateStats } from "./update.js";
import { bestLookaheadActions } from "../format/refinement.js";
import { actionText } from "../format/prompt.js";
import { parseResponse } from "../format/response.js";

export interface IterationMetrics {
  kind: "iteration";
  /** 1-based. */
  iteration: number;
  of: number;
  algo: RlConfig["algo"];
  phase: ScheduledIteration["phase"];
  round: number;
  seeds: number[];
  /** Per task seed (group), in `seeds` order: how many of its episodes succeeded, and its mean return. */
  groups: { seed: number; episodes: number; successes: number; return: number }[];
  episodes: number;
  /** Means over the iteration's episodes (the paper's return). */
  return: number;
  success: number;
  steps: number;
  /** Mean Sim Score of responses that stated plans (the first response in SimRollout steps); null when none did. */
  simScore: number | null;
  /** Simulation-improvement iterations: mean Sim Score of refined responses that stated plans. */
  refinedSimScore: number | null;
  /** Simulation-improvement iterations: mean return of SimRollouts − mean return of plain rollouts. */
  refinementGain: number | null;
  simRolloutReturn: number | null;
  plainReturn: number | null;
  refined: number;
  refineAnswerChanged: number;
  /** Refined responses whose answer was missing or rejected: a model never taught the refinement input writes these. */
  refinedRejected: number;
  /** Mean length in tokens of the refinement inputs (state ⊕ draft ⊕ real futures); null when none was built. */
  refineInputTokens: number | null;
  refineSkippedTooLong: number;
  refineNothingToExecute: number;
  /**
   * Refined responses shown a random lookahead, and of them the ones whose answer changed;
   * those where no continuation reached the goal ("dead ends"), and of those the ones whose
   * answer changed.
   */
  lookaheads: number;
  lookaheadChanged: number;
  lookaheadDeadEnds: number;
  lookaheadDeadEndsChanged: number;
  /**
   * "every-action" lookaheads where some first action's random play reached the goal; of
   * them, those whose draft answered with a best such action, and those whose refined
   * response did (the refinement following the search it was shown).
   */
  lookaheadInformative: number;
  lookaheadDraftBest: number;
  lookaheadRefinedBest: number;
  /** SimRollout trajectories with A_refine = 1. */
  refinePositive: number;
  update: UpdateStats;
  /** Episodes left out of the update because every return in their group was equal (RlConfig.flatGroups). */
  flatSkipped: number;
  /** The second (refinement) update; null outside simulation improvement or when no trajectory earned A_refine = 1. */
  refineUpdate: UpdateStats | null;
  /** Mean KL to the reference over the update's gradient steps; null when no update ran (every group flat). */
  kl: number | null;
  clipFraction: number;
  /** Agent steps taken (every response counts, as the step budget does). */
  agentSteps: number;
  /** Steps the environment took (agent steps whose answer was missing or rejected are not). */
  envSteps: number;
  generatedTokens: number;
  /** Agent steps since the run started (resumed iterations included): the budget GRPO, RLOO and Dyna-GRPO are compared at. */
  totalAgentSteps: number;
  totalEnvSteps: number;
  timing: { sec: number; generateSec: number; envSec: number; updateSec: number; generateShare: number; envShare: number; updateShare: number };
  elapsedSec: number;
}

export interface RlRunOptions {
  config: RlConfig;
  /** The starting (SFT) checkpoint, also the frozen reference. */
  from: string;
  /** `checkpoint/` (latest, resumable) and `metrics.jsonl`. */
  outDir: string;
  client: EnvClient;
  /** Continue from `outDir/checkpoint` when it exists (default true). */
  resume?: boolean;
  progress?: boolean;
  logger?: Logger;
  /** Replaces the model sampler (tests script responses with it). */
  sampler?: (model: TransformerLM, tokenizer: Tokenizer) => Sampler;
  onIteration?(m: IterationMetrics): void | Promise<void>;
}

export interface RlResult {
  model: TransformerLM;
  tokenizer: Tokenizer;
  /** Iterations completed in all (resumed ones included). */
  iterations: number;
  startIteration: number;
  history: IterationMetrics[];
  checkpointDir: string;
}

const TrainerKind = "rl";

/** The SHA-256 of a checkpoint's weights, from its manifest (loadCheckpoint checks it against the data). */
function weightsDigest(dir: string): string {
  const file = path.join(dir, "weights.json");
  try {
    const sha = (JSON.parse(readFileSync(file, "utf8")) as { sha256?: unknown }).sha256;
    if (typeof sha === "string") return sha;
  } catch {
    // reported below
  }
  throw new Error(`checkpoint file ${file} is missing or has no sha256`);
}

interface ResumeState {
  iteration: number;
  referencePath: string;
  referenceSha: string;
  totalEnvSteps: number;
  totalAgentSteps: number;
}

/** Settings a resumed run may change: how long it runs and what it records, never what an iteration does. */
const RESUME_MAY_CHANGE: ReadonlySet<string> = new Set(["iterations", "rounds", "maxAgentSteps", "checkpointEvery", "simScore"]);
/**
 * Dyna-GRPO's phase lengths may change too, as long as every iteration already run has
 * the same phase and round in the new schedule: an n_T ablation can then branch from
 * the iterations its settings share (n_T = 10 from n_T = 5's checkpoint after 5).
 */
const RESUME_MAY_CHANGE_IF_SAME_PAST: ReadonlySet<string> = new Set(["nT", "nPi"]);

/** The first iteration before `done` whose phase or round differs between the two schedules. */
function firstChangedIteration(saved: RlConfig, cfg: RlConfig, done: number): number | undefined {
  const a = schedule({ ...saved, rounds: Math.max(saved.rounds, cfg.rounds, done) });
  const b = schedule({ ...cfg, rounds: Math.max(saved.rounds, cfg.rounds, done) });
  for (let i = 0; i < done; i++) if (a[i]?.phase !== b[i]?.phase || a[i]?.round !== b[i]?.round) return i;
  return undefined;
}

function parseTrainerState(trainer: Record<string, unknown> | undefined, file: string, cfg: RlConfig): ResumeState {
  if (trainer?.kind !== TrainerKind) throw new Error(`checkpoint file ${file} is not an RL trainer state (kind ${JSON.stringify(trainer?.kind)}); use another --out or --no-resume`);
  const it = trainer.iteration;
  if (typeof it !== "number" || !Number.isInteger(it) || it < 0) throw new Error(`checkpoint file ${file} has no valid "iteration"`);
  const saved = parseRlConfig(trainer.config, `checkpoint file ${file}: config`);
  if (saved.algo !== cfg.algo) throw new Error(`checkpoint file ${file} was trained with --algo ${saved.algo}, not ${cfg.algo}; use another --out or --no-resume`);
  const differs = (k: string) => JSON.stringify(saved[k as keyof RlConfig]) !== JSON.stringify(cfg[k as keyof RlConfig]);
  const changed = Object.keys(saved).filter((k) => !RESUME_MAY_CHANGE.has(k) && !RESUME_MAY_CHANGE_IF_SAME_PAST.has(k) && differs(k));
  if (changed.length === 0 && [...RESUME_MAY_CHANGE_IF_SAME_PAST].some(differs)) {
    const at = firstChangedIteration(saved, cfg, it);
    if (at !== undefined) {
      throw new Error(
        `checkpoint file ${file} was trained with nT ${saved.nT} and nPi ${saved.nPi}; with nT ${cfg.nT} and nPi ${cfg.nPi}, its iteration ${at + 1} would have had another phase: resume with the same settings, or use another --out or --no-resume`,
      );
    }
  }
  // A resumed run with other settings would be neither run: its iterations would mix two experiments under one name.
  if (changed.length > 0) {
    const show = (v: unknown) => (JSON.stringify(v) ?? "undefined").slice(0, 60);
    const diffs = changed.slice(0, 4).map((k) => `${k} ${show(saved[k as keyof RlConfig])}, not ${show(cfg[k as keyof RlConfig])}`);
    throw new Error(`checkpoint file ${file} was trained with ${diffs.join("; ")}${changed.length > 4 ? ` (and ${changed.length - 4} more)` : ""}; resume with the same settings, or use another --out or --no-resume`);
  }
  const ref = trainer.reference as { path?: unknown; sha256?: unknown } | undefined;
  if (typeof ref?.path !== "string" || typeof ref.sha256 !== "string") throw new Error(`checkpoint file ${file} has no valid "reference" {path, sha256}`);
  const count = (v: unknown, name: string) => {
    if (typeof v !== "number" || !Number.isInteger(v) || v < 0) throw new Error(`checkpoint file ${file} has no valid "${name}"`);
    return v;
  };
  return { iteration: it, referencePath: ref.path, referenceSha: ref.sha256, totalEnvSteps: count(trainer.totalEnvSteps, "totalEnvSteps"), totalAgentSteps: count(trainer.totalAgentSteps, "totalAgentSteps") };
}

/** The task seeds of an iteration and its episodes (SimRollouts first in a simulation-improvement group). */
export function iterationEpisodes(cfg: RlConfig, it: ScheduledIteration): { seeds: number[]; specs: EpisodeSpec[] } {
  const seeds = Array.from({ length: cfg.groupsPerIteration }, (_, g) => {
    const k = it.index * cfg.groupsPerIteration + g;
    return cfg.seedStart + (cfg.taskPool > 0 ? k % cfg.taskPool : k);
  });
  const specs = seeds.flatMap((seed, group) => Array.from({ length: cfg.groupSize }, (_, k) => ({ seed, group, sim: it.phase === "sim" && k < cfg.groupSize / 2 })));
  return { seeds, specs };
}

/** The loss weight of each of an episode's steps (RlConfig.stepWeighting). */
export function stepWeight(cfg: RlConfig, e: Episode): number {
  return cfg.stepWeighting === "episode" ? 1 / Math.max(1, e.turns.length) : 1;
}

/** Per-episode advantages, normalised within each group, and whether the episode's group had all returns equal. */
export function groupAdvantages(cfg: RlConfig, episodes: readonly Episode[]): { advantage: number[]; flat: boolean[] } {
  const advantage = new Array<number>(episodes.length).fill(0);
  const flat = new Array<boolean>(episodes.length).fill(false);
  for (let g = 0; g < cfg.groupsPerIteration; g++) {
    const idx = episodes.map((e, i) => (e.spec.group === g ? i : -1)).filter((i) => i >= 0);
    const returns = idx.map((i) => episodes[i]!.return);
    const adv = cfg.algo === "rloo" ? rlooAdvantages(returns) : grpoAdvantages(returns);
    const isFlat = adv.every((a) => a === 0);
    idx.forEach((i, k) => {
      advantage[i] = adv[k]!;
      flat[i] = isFlat;
    });
  }
  return { advantage, flat };
}

/** Dyna-GRPO's refinement pairs: (refinement input, refined response) with its trajectory's A_refine. */
export function refinementSamples(cfg: RlConfig, episodes: readonly Episode[]): { samples: Sample[]; positive: number } {
  const samples: Sample[] = [];
  let positive = 0;
  for (let g = 0; g < cfg.groupsPerIteration; g++) {
    const group = episodes.filter((e) => e.spec.group === g);
    const simMean = mean(group.filter((e) => e.spec.sim).map((e) => e.return));
    const plainMean = mean(group.filter((e) => !e.spec.sim).map((e) => e.return));
    for (const e of group.filter((x) => x.spec.sim)) {
      const a = refineAdvantage(e.return, e.success, simMean, plainMean);
      positive += a;
      for (const t of e.turns) if (t.refinement) samples.push({ prompt: t.refinement.input, completion: t.completion, advantage: a, weight: stepWeight(cfg, e) });
    }
  }
  return { samples, positive };
}

const meanOrNull = (xs: number[]) => (xs.length ? mean(xs) : null);

/**
 * Drops the metrics of iterations after `iteration` (the checkpoint's): a run stopped
 * between checkpoints logged iterations the resume will run again, and a fresh start
 * (iteration 0) owns none of the file's lines.
 */
export function keepMetricsThrough(file: string, iteration: number): void {
  if (!existsSync(file)) return;
  const lines = readFileSync(file, "utf8").split("\n").filter((l) => l.trim() !== "");
  const iterationOf = (l: string, i: number): number => {
    let it: unknown;
    try {
      it = (JSON.parse(l) as { iteration?: unknown }).iteration;
    } catch {
      it = undefined;
    }
    if (typeof it !== "number") throw new Error(`${file}:${i + 1}: not an iteration's metrics line; move the file away to start its metrics afresh`);
    return it;
  };
  const kept = lines.filter((l, i) => iterationOf(l, i) <= iteration);
  if (kept.length !== lines.length) writeFileSync(file, kept.map((l) => l + "\n").join(""));
}

export async function runRl(opts: RlRunOptions): Promise<RlResult> {
  const cfg = opts.config;
  const log = opts.logger;
  mkdirSync(opts.outDir, { recursive: true });
  const ckDir = path.join(opts.outDir, "checkpoint");
  const metricsFile = path.join(opts.outDir, "metrics.jsonl");
  const plan = schedule(cfg);

  let model: TransformerLM;
  let tokenizer: Tokenizer;
  let optimizerState: Awaited<ReturnType<typeof loadCheckpoint>>["optimizer"];
  let start = 0;
  let totalEnvSteps = 0;
  let totalAgentSteps = 0;
  let referencePath = path.resolve(opts.from);
  if ((opts.resume ?? true) && isCheckpoint(ckDir)) {
    const ck = await loadCheckpoint(ckDir);
    ({ model, tokenizer } = ck);
    optimizerState = ck.optimizer;
    try {
      const state = parseTrainerState(ck.trainer, path.join(ckDir, "trainer.json"), cfg);
      if (!isCheckpoint(state.referencePath)) throw new Error(`the reference checkpoint ${state.referencePath} named in ${path.join(ckDir, "trainer.json")} is gone`);
      const sha = weightsDigest(state.referencePath);
      if (sha !== state.referenceSha) throw new Error(`the reference checkpoint ${state.referencePath} changed since training started (weights ${sha.slice(0, 12)}… != ${state.referenceSha.slice(0, 12)}…)`);
      start = state.iteration;
      referencePath = state.referencePath;
      totalEnvSteps = state.totalEnvSteps;
      totalAgentSteps = state.totalAgentSteps;
    } catch (err) {
      model.dispose();
      if (optimizerState) tf.dispose([...optimizerState.tensors.values()]);
      throw err;
    }
    log?.info({ checkpoint: ckDir, iteration: start }, "resuming RL");
  } else {
    ({ model, tokenizer } = await loadCheckpoint(opts.from, { withOptimizer: false }));
  }
  keepMetricsThrough(metricsFile, start);
  const referenceSha = weightsDigest(referencePath);
  let reference: TransformerLM;
  try {
    reference = (await loadCheckpoint(referencePath, { withOptimizer: false })).model;
  } catch (err) {
    model.dispose();
    throw err;
  }
  if (JSON.stringify(reference.config) !== JSON.stringify(model.config)) {
    model.dispose();
    reference.dispose();
    throw new Error(`the reference checkpoint ${referencePath} has another architecture than the policy`);
  }
  const optimizer = new AdamW(model.params, (n) => model.decayed(n), { weightDecay: cfg.weightDecay });
  if (optimizerState) {
    try {
      optimizer.load(optimizerState);
    } finally {
      tf.dispose([...optimizerState.tensors.values()]);
    }
  }
  const sampler =
    opts.sampler?.(model, tokenizer) ??
    new ModelSampler(model, tokenizer, { maxNewTokens: cfg.maxNewTokens, temperature: cfg.temperature, topP: cfg.topP, minResponseTokens: cfg.minResponseTokens });

  const saveAt = async (iteration: number): Promise<void> => {
    const state = optimizer.state();
    try {
      await saveCheckpoint(ckDir, {
        model,
        tokenizer,
        optimizer: state,
        trainer: { kind: TrainerKind, iteration, config: cfg, reference: { path: referencePath, sha256: referenceSha }, totalEnvSteps, totalAgentSteps },
      });
    } finally {
      tf.dispose([...state.tensors.values()]);
    }
  };
  const updateOpts = (seed: number) => ({ clip: cfg.clip, beta: cfg.beta, lr: cfg.lr, gradClip: cfg.gradClip, epochs: cfg.epochs, minibatchSize: cfg.minibatchSize, seed });

  log?.info({ algo: cfg.algo, iterations: plan.length, start, params: model.parameterCount, reference: referencePath }, "RL starting");
  const showBar = opts.progress ?? Boolean(process.stderr.isTTY);
  const bar = showBar
    ? new SingleBar({ format: `${cfg.algo} {bar} {value}/{total} | {phase} | return {ret} | success {succ} | kl {kl} | {sps} steps/s | eta {eta_formatted}`, stream: process.stderr }, Presets.shades_classic)
    : undefined;
  bar?.start(plan.length, start, { phase: "-", ret: "-", succ: "-", kl: "-", sps: "-" });
  const history: IterationMetrics[] = [];
  const t0 = performance.now();
  let done = start;
  try {
    const budgetSpent = () => cfg.maxAgentSteps > 0 && totalAgentSteps >= cfg.maxAgentSteps;
    for (const it of plan.slice(start)) {
      if (budgetSpent()) break;
      const tIt = performance.now();
      const { seeds, specs } = iterationEpisodes(cfg, it);
      const { episodes, timing } = await runEpisodes({ client: opts.client, sampler, tokenizer, cfg }, specs, cfg.seed * 7919 + it.index);
      const tUpdate = performance.now();
      const adv = groupAdvantages(cfg, episodes);
      const kept = episodes.map((_, i) => cfg.flatGroups === "kl" || !adv.flat[i]);
      const main: Sample[] = episodes.flatMap((e, i) => (kept[i] ? e.turns.map((t) => ({ prompt: t.prompt, completion: t.completion, advantage: adv.advantage[i]!, weight: stepWeight(cfg, e) })) : []));
      const update = await policyUpdate(model, reference, optimizer, main, updateOpts(cfg.seed + it.index));
      const flatSkipped = kept.filter((k) => !k).length;
      let refineUpdate: UpdateStats | null = null;
      let refinePositive = 0;
      if (it.phase === "sim") {
        const r = refinementSamples(cfg, episodes);
        refinePositive = r.positive;
        // Every A_refine = 0 would leave only the KL term: no update (the paper's second update teaches refinements that won).
        if (r.positive > 0) refineUpdate = await policyUpdate(model, reference, optimizer, r.samples, updateOpts(cfg.seed + it.index + 1));
      }
      const updateSec = (performance.now() - tUpdate) / 1000;
      totalEnvSteps += timing.envSteps;
      totalAgentSteps += episodes.reduce((a, e) => a + e.steps, 0);
      done = it.index + 1;
      const m = iterationMetrics(cfg, it, plan.length, seeds, episodes, timing, update, flatSkipped, refineUpdate, refinePositive, updateSec, (performance.now() - tIt) / 1000, { agentSteps: totalAgentSteps, envSteps: totalEnvSteps }, (performance.now() - t0) / 1000);
      history.push(m);
      appendFileSync(metricsFile, JSON.stringify(m) + "\n");
      log?.info({ iteration: m.iteration, phase: m.phase, return: m.return, success: m.success, kl: m.kl }, "RL iteration");
      bar?.update(done, { phase: it.phase, ret: m.return.toFixed(2), succ: m.success.toFixed(2), kl: m.kl === null ? "-" : m.kl.toExponential(1), sps: (m.agentSteps / m.timing.sec).toFixed(1) });
      await opts.onIteration?.(m);
      if (cfg.checkpointEvery > 0 && done % cfg.checkpointEvery === 0) await saveAt(done);
    }
    if (done > start || !isCheckpoint(ckDir)) {
      if (cfg.checkpointEvery <= 0 || done % cfg.checkpointEvery !== 0 || done === 0) await saveAt(done);
    }
  } catch (err) {
    bar?.stop();
    optimizer.dispose();
    reference.dispose();
    model.dispose();
    throw err;
  }
  bar?.stop();
  optimizer.dispose();
  reference.dispose();
  log?.info({ iterations: done, checkpoint: ckDir }, "RL done");
  return { model, tokenizer, iterations: done, startIteration: start, history, checkpointDir: ckDir };
}

/**
 * What SimRollout's random lookahead showed in these turns: refined responses shown one,
 * "dead ends" (no continuation after the drafted action or plan reached the goal), and dead
 * ends after which the answer changed; for "every-action" lookaheads, those with a best
 * first action and how often the draft and the refined response answered with one.
 */
export function lookaheadCounts(
  turns: readonly Turn[],
): Pick<IterationMetrics, "lookaheads" | "lookaheadChanged" | "lookaheadDeadEnds" | "lookaheadDeadEndsChanged" | "lookaheadInformative" | "lookaheadDraftBest" | "lookaheadRefinedBest"> {
  const c = { lookaheads: 0, lookaheadChanged: 0, lookaheadDeadEnds: 0, lookaheadDeadEndsChanged: 0, lookaheadInformative: 0, lookaheadDraftBest: 0, lookaheadRefinedBest: 0 };
  for (const t of turns) {
    const l = t.refinement?.lookahead;
    if (l === undefined) continue;
    c.lookaheads++;
    if (t.refinement!.answerChanged) c.lookaheadChanged++;
    if (l.successes === 0) {
      c.lookaheadDeadEnds++;
      if (t.refinement!.answerChanged) c.lookaheadDeadEndsChanged++;
    }
    const best = l.byAction === undefined ? [] : bestLookaheadActions(l.byAction);
    if (best.length === 0) continue;
    c.lookaheadInformative++;
    const draft = parseResponse(t.refinement!.firstText).answer;
    if (draft !== undefined && best.includes(actionText(draft))) c.lookaheadDraftBest++;
    if (t.answer !== undefined && best.includes(actionText(t.answer))) c.lookaheadRefinedBest++;
  }
  return c;
}

function iterationMetrics(
  cfg: RlConfig,
  it: ScheduledIteration,
  of: number,
  seeds: number[],
  episodes: Episode[],
  timing: RolloutTiming,
  update: UpdateStats,
  flatSkipped: number,
  refineUpdate: UpdateStats | null,
  refinePositive: number,
  updateSec: number,
  sec: number,
  totals: { agentSteps: number; envSteps: number },
  elapsedSec: number,
): IterationMetrics {
  const turns = episodes.flatMap((e) => e.turns);
  const sim = episodes.filter((e) => e.spec.sim);
  const plain = episodes.filter((e) => !e.spec.sim);
  const isSim = it.phase === "sim";
  const share = (x: number) => (sec > 0 ? x / sec : 0);
  return {
    kind: "iteration",
    iteration: it.index + 1,
    of,
    algo: cfg.algo,
    phase: it.phase,
    round: it.round,
    seeds,
    groups: seeds.map((seed, g) => {
      const own = episodes.filter((e) => e.spec.group === g);
      return { seed, episodes: own.length, successes: own.filter((e) => e.success).length, return: mean(own.map((e) => e.return)) };
    }),
    episodes: episodes.length,
    return: mean(episodes.map((e) => e.return)),
    success: mean(episodes.map((e) => (e.success ? 1 : 0))),
    steps: mean(episodes.map((e) => e.steps)),
    simScore: meanOrNull(turns.flatMap((t) => (t.simScore === undefined ? [] : [t.simScore]))),
    refinedSimScore: isSim ? meanOrNull(turns.flatMap((t) => (t.refinedSimScore === undefined ? [] : [t.refinedSimScore]))) : null,
    refinementGain: isSim ? mean(sim.map((e) => e.return)) - mean(plain.map((e) => e.return)) : null,
    simRolloutReturn: isSim ? mean(sim.map((e) => e.return)) : null,
    plainReturn: isSim ? mean(plain.map((e) => e.return)) : null,
    refined: turns.filter((t) => t.refinement).length,
    refineAnswerChanged: turns.filter((t) => t.refinement?.answerChanged).length,
    refinedRejected: turns.filter((t) => t.refinement && !t.accepted).length,
    refineInputTokens: meanOrNull(turns.flatMap((t) => (t.refinement ? [t.refinement.input.length] : []))),
    refineSkippedTooLong: turns.filter((t) => t.refineSkipped === "too-long").length,
    refineNothingToExecute: turns.filter((t) => t.refineSkipped === "nothing-to-execute").length,
    ...lookaheadCounts(turns),
    refinePositive,
    update,
    flatSkipped,
    refineUpdate,
    kl: update.gradientSteps > 0 ? update.kl : null,
    clipFraction: update.clipFraction,
    agentSteps: turns.length,
    envSteps: timing.envSteps,
    generatedTokens: timing.generatedTokens,
    totalAgentSteps: totals.agentSteps,
    totalEnvSteps: totals.envSteps,
    timing: {
      sec,
      generateSec: timing.generateSec,
      envSec: timing.envSec,
      updateSec,
      generateShare: share(timing.generateSec),
      envShare: share(timing.envSec),
      updateShare: share(updateSec),
    },
    elapsedSec,
  };
}
