/**
 * The Dyna-GRPO comparison: from one SFT checkpoint, GRPO vs RLOO vs Dyna-GRPO at the
 * same budget of agent steps, evaluated on Sokoban in distribution (6×6, 1 box) and out
 * of it (8×8, 2 boxes) with Wilson 95% intervals, beside the random policy and the
 * starting checkpoint; success and Sim Score over training as PNG line plots.
 *
 * Every stage resumes: training continues from each run's checkpoint, and each
 * evaluation is saved as it completes, so a rerun of the same command picks up where
 * the last one stopped.
 */
import { existsSync, readFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Logger } from "pino";
import type { EnvClient } from "../client/index.js";
import type { EvalResult } from "../eval/evaluate.js";
import { CheckpointPolicy } from "../eval/model-policy.js";
import { parseRlConfig, type Algo } from "../rl/config.js";
import { runRl } from "../rl/trainer.js";
import type { SplitConfig } from "./config.js";
import { runName, type DynaGrpoExperimentConfig } from "./dyna-grpo-configs.js";
import { lineChartSvg, renderPng, type LineSeries } from "./plot.js";
import { baselineRows, pairedBySeed, savedEvalPath, savedEvaluator, slug, toRow, type Paired, type Row } from "./saved-eval.js";
import { meanInterval, meanTInterval, pearson, type Interval } from "./stats.js";

export interface CurvePoint {
  run: string;
  agentSteps: number;
  success: number;
  simScore: number | null;
  /** Success sampled at the configuration's `sampledEval` temperature (absent when it has none). */
  sampledSuccess?: number;
}

/** The name a sampled evaluation's row (and saved file) carries. */
export const sampledName = (method: string, temperature: number): string => `${method}, sampled T=${temperature}`;

export interface DynaGrpoResult {
  config: DynaGrpoExperimentConfig;
  from: string;
  rows: Row[];
  curves: CurvePoint[];
  /** Wall seconds each training run took in all (its metrics' iteration times). */
  trainSeconds: Record<string, number>;
  /** Dyna-GRPO runs: what SimRollout's refinement did over the simulation-improvement iterations (from metrics.jsonl). */
  refinement?: Record<string, RefinementSummary>;
  /**
   * Each run of another algorithm against GRPO of the same RL seed on the same episodes (when
   * GRPO ran): greedy, and sampled at `sampled` (the configuration's sampledEval) when set.
   */
  versusGrpo?: { run: string; grpo: string; split: string; sampled?: number; paired: Paired }[];
  command: string;
  generatedAt: string;
}

export interface RefinementSummary {
  /** Simulation-improvement iterations that refined at least one response. */
  iterations: number;
  refined: number;
  /** Refined responses whose answer differs from the first response's. */
  answerChanged: number;
  /** Refined responses whose answer was missing or rejected; null when the metrics predate the count. */
  rejected: number | null;
  /** Mean refinement-input length in tokens over those iterations; null when the metrics predate it. */
  inputTokens: number | null;
  /** Mean over those iterations of (mean SimRollout return − mean plain-rollout return). */
  meanGain: { mean: number; ci: Interval } | undefined;
  /** Mean Sim Score of the first responses and of the refined ones, over the same iterations. */
  simFirst: number | null;
  simRefined: number | null;
  /** SimRollout's random lookahead (RlConfig.lookaheadTries): refined responses shown one, those where no continuation reached the goal, and of those the ones whose answer changed; absent when none was shown. */
  lookahead?: {
    shown: number;
    /** Of those shown one, the refined responses whose answer changed; absent for runs whose metrics predate the count. */
    changed?: number;
    deadEnds: number;
    deadEndsChanged: number;
    /** "every-action" lookaheads (RlConfig.lookaheadScope) with a best first action, and how often the draft and the refined answer took one; absent for the "plan" scope. */
    best?: { informative: number; draft: number; refined: number };
  };
}

/** SimRollout's effect in one run, from its metrics file. */
export function summariseRefinement(metricsJsonl: string): RefinementSummary {
  const its = metricsJsonl
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map(
      (l) =>
        JSON.parse(l) as {
          refined?: number;
          refineAnswerChanged?: number;
          refinedRejected?: number;
          refineInputTokens?: number | null;
          refinementGain?: number | null;
          simScore?: number | null;
          refinedSimScore?: number | null;
          lookaheads?: number;
          lookaheadChanged?: number;
          lookaheadDeadEnds?: number;
          lookaheadDeadEndsChanged?: number;
          lookaheadInformative?: number;
          lookaheadDraftBest?: number;
          lookaheadRefinedBest?: number;
        },
    )
    .filter((m) => (m.refined ?? 0) > 0);
  const avg = (xs: number[]): number | null => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
  const paired = its.filter((m) => typeof m.simScore === "number" && typeof m.refinedSimScore === "number");
  const sum = (f: (m: (typeof its)[number]) => number | undefined) => its.reduce((a, m) => a + (f(m) ?? 0), 0);
  const shown = sum((m) => m.lookaheads);
  const informative = sum((m) => m.lookaheadInformative);
  const best = informative > 0 ? { best: { informative, draft: sum((m) => m.lookaheadDraftBest), refined: sum((m) => m.lookaheadRefinedBest) } } : {};
  return {
    iterations: its.length,
    refined: its.reduce((a, m) => a + (m.refined ?? 0), 0),
    answerChanged: its.reduce((a, m) => a + (m.refineAnswerChanged ?? 0), 0),
    rejected: its.length > 0 && its.every((m) => typeof m.refinedRejected === "number") ? its.reduce((a, m) => a + m.refinedRejected!, 0) : null,
    inputTokens: avg(its.flatMap((m) => (typeof m.refineInputTokens === "number" ? [m.refineInputTokens] : []))),
    meanGain: meanInterval(its.flatMap((m) => (typeof m.refinementGain === "number" ? [m.refinementGain] : []))),
    simFirst: avg(paired.map((m) => m.simScore as number)),
    simRefined: avg(paired.map((m) => m.refinedSimScore as number)),
    // Runs written before lookaheadChanged existed leave it out: unknown, not zero.
    ...(shown > 0
      ? {
          lookahead: {
            shown,
            ...(its.every((m) => (m.lookaheads ?? 0) === 0 || typeof m.lookaheadChanged === "number") ? { changed: sum((m) => m.lookaheadChanged) } : {}),
            deadEnds: sum((m) => m.lookaheadDeadEnds),
            deadEndsChanged: sum((m) => m.lookaheadDeadEndsChanged),
            ...best,
          },
        }
      : {}),
  };
}

/**
 * Agent steps the run had taken when it stopped at a budget cap: the first iteration that
 * reached the cap (an iteration overshoots it by up to a group's episodes). Read from the
 * metrics, not the checkpoint, so a rerun that resumes a finished run plots each point
 * where it was evaluated, not at the run's final count.
 */
export function stepsAtCap(metricsJsonl: string, cap: number): number {
  let last = 0;
  for (const line of metricsJsonl.split("\n")) {
    if (line.trim() === "") continue;
    const total = (JSON.parse(line) as { totalAgentSteps?: number }).totalAgentSteps ?? 0;
    if (total >= cap) return total;
    last = total;
  }
  return last;
}

/** Sim Score against success across every evaluated checkpoint (the paper reports r ≈ 0.7–0.96 across models). */
export function simSuccessCorrelation(curves: readonly CurvePoint[]): ReturnType<typeof pearson> {
  const pts = curves.filter((p) => p.simScore !== null);
  return pearson(
    pts.map((p) => p.simScore as number),
    pts.map((p) => p.success),
  );
}

/** The agent steps an RL checkpoint has trained (its trainer.json). */
export function checkpointAgentSteps(dir: string): number {
  return (JSON.parse(readFileSync(join(dir, "trainer.json"), "utf8")) as { totalAgentSteps: number }).totalAgentSteps;
}

/** RL training tasks start here: above the SFT collection's seeds and the evaluation splits'. */
export const TRAIN_SEED_BASE = 10_000_000;

/** The RL config of one run at a budget cap (iterations enough for it: every iteration takes at least G agent steps). */
export function runConfig(cfg: DynaGrpoExperimentConfig, algo: Algo, seed: number, cap: number) {
  const groupSize = cfg.rl.groupSize ?? 8;
  const iterations = Math.ceil(cap / groupSize) + 1;
  const perRound = cfg.dyna.nT + cfg.dyna.nPi;
  return parseRlConfig(
    {
      ...cfg.rl,
      algo,
      env: cfg.env,
      envConfig: cfg.trainConfig,
      simulates: cfg.simulates ?? true,
      seed,
      // Each RL seed trains on its own tasks, disjoint from the SFT data's (seeds 0…) and from every evaluation split's (1e6…, 2e6…, 3e6…).
      seedStart: TRAIN_SEED_BASE + seed * 100_000,
      iterations,
      nT: cfg.dyna.nT,
      nPi: cfg.dyna.nPi,
      rounds: perRound > 0 ? Math.ceil(iterations / perRound) : 0,
      maxAgentSteps: cap,
      checkpointEvery: 0,
    },
    `experiment ${cfg.name}: ${algo}`,
  );
}

export async function runDynaGrpoExperiment(
  client: EnvClient,
  cfg: DynaGrpoExperimentConfig,
  dirs: { work: string; docs: string; from: string },
  command: string,
  log: Logger,
  /** false: no random or start rows (a second process on the same work directory, while the first evaluates them). */
  baselines = true,
): Promise<DynaGrpoResult> {
  const evalSaved = await savedEvaluator(client, cfg.env, dirs.work, cfg.evalMaxSteps, log);
  const checkpointPolicy =
    (dir: string, temperature = 0) =>
    () =>
      CheckpointPolicy.load(dir, { simulates: cfg.simulates ?? true, maxNewTokens: cfg.maxNewTokens, temperature });
  const t = cfg.sampledEval;
  /** The sampled rows of one checkpoint, when the configuration asks for them; a run's rows are paired with the start's sampled ones. */
  const sampledRows = async (method: string, rowName: string, dir: string, episodes: number, paired = false, record?: (split: string, result: EvalResult) => void): Promise<Row[]> => {
    if (t === undefined) return [];
    const out: Row[] = [];
    for (const split of cfg.splits) {
      const r = await evalSaved(sampledName(method, t), split, episodes, checkpointPolicy(dir, t));
      record?.(split.name, r.result);
      const row = toRow(sampledName(rowName, t), split.name, r.result, r.seconds);
      if (paired) row.vsStart = pairedBySeed(r.result, (await evalSaved(sampledName("start checkpoint", t), split, episodes, checkpointPolicy(dirs.from, t))).result);
      out.push(row);
    }
    return out;
  };
  /**
   * A checkpoint's point on the curve split: greedy success and Sim Score, and sampled
   * success when asked for. `current` false: the run's checkpoint has trained past this
   * point, so only a saved sampled result may fill it (a configuration that gained
   * sampledEval after the point was evaluated leaves it out rather than mislabel a later
   * checkpoint).
   */
  const curvePoint = async (method: string, dir: string, current = true): Promise<Omit<CurvePoint, "run" | "agentSteps">> => {
    const e = await evalSaved(method, curveSplit, cfg.curveEpisodes, checkpointPolicy(dir));
    const point = { success: e.result.successRate, simScore: e.result.sim.changed };
    const name = t === undefined ? undefined : sampledName(method, t);
    if (name === undefined || (!current && !existsSync(savedEvalPath(dirs.work, name, curveSplit.name, cfg.curveEpisodes)))) return point;
    const s = await evalSaved(name, curveSplit, cfg.curveEpisodes, checkpointPolicy(dir, t));
    return { ...point, sampledSuccess: s.result.successRate };
  };

  const rows: Row[] = !baselines ? [] : [...(await baselineRows(evalSaved, cfg.splits, cfg.evalEpisodes, checkpointPolicy(dirs.from))), ...(await sampledRows("start checkpoint", "start checkpoint (SFT)", dirs.from, cfg.evalEpisodes))];
  const curves: CurvePoint[] = [];
  const curveSplit = cfg.splits[0]!;
  const start = await curvePoint("start checkpoint", dirs.from);
  const trainSeconds: Record<string, number> = {};
  const refinement: Record<string, RefinementSummary> = {};
  const finals = new Map<string, { run: string; result: EvalResult }>();
  for (const algo of cfg.algos) {
    for (const seed of cfg.seeds) {
      const run = runName(cfg, algo, seed);
      const out = join(dirs.work, slug(run));
      curves.push({ run, agentSteps: 0, ...start });
      for (let k = 1; k <= cfg.curvePoints; k++) {
        const cap = Math.round((cfg.budget * k) / cfg.curvePoints);
        log.info({ run, budget: cap }, "training");
        const r = await runRl({ config: runConfig(cfg, algo, seed, cap), from: dirs.from, outDir: out, client, logger: log, progress: false });
        r.model.dispose();
        const atCap = stepsAtCap(readFileSync(join(out, "metrics.jsonl"), "utf8"), cap);
        const point = await curvePoint(`${run} at ${cap}`, join(out, "checkpoint"), checkpointAgentSteps(join(out, "checkpoint")) === atCap);
        curves.push({ run, agentSteps: atCap, ...point });
      }
      if (algo === "dyna-grpo") refinement[run] = summariseRefinement(readFileSync(join(out, "metrics.jsonl"), "utf8"));
      trainSeconds[run] = readFileSync(join(out, "metrics.jsonl"), "utf8")
        .trim()
        .split("\n")
        .reduce((a, l) => a + (JSON.parse(l) as { timing: { sec: number } }).timing.sec, 0);
      for (const split of cfg.splits) {
        const r = await evalSaved(run, split, cfg.evalEpisodes, checkpointPolicy(join(out, "checkpoint")));
        const start = await evalSaved("start checkpoint", split, cfg.evalEpisodes, checkpointPolicy(dirs.from));
        rows.push({ ...toRow(run, split.name, r.result, r.seconds), vsStart: pairedBySeed(r.result, start.result) });
        finals.set(`${algo}|${seed}|${split.name}`, { run, result: r.result });
      }
      const sampledRun = t === undefined ? run : sampledName(run, t);
      rows.push(...(await sampledRows(run, run, join(out, "checkpoint"), cfg.evalEpisodes, true, (split, result) => finals.set(`${algo}|${seed}|${split}|sampled`, { run: sampledRun, result }))));
    }
  }
  // The paper's comparison is against GRPO: the same rooms make it a paired test, far tighter than two intervals.
  const versusGrpo: NonNullable<DynaGrpoResult["versusGrpo"]> = [];
  for (const algo of cfg.algos.filter((a) => a !== "grpo")) {
    for (const seed of cfg.seeds) {
      for (const sampled of t === undefined ? [undefined] : [undefined, t]) {
        for (const split of cfg.splits) {
          const key = `${seed}|${split.name}${sampled === undefined ? "" : "|sampled"}`;
          const a = finals.get(`${algo}|${key}`);
          const g = finals.get(`grpo|${key}`);
          if (a && g) versusGrpo.push({ run: a.run, grpo: g.run, split: split.name, ...(sampled === undefined ? {} : { sampled }), paired: pairedBySeed(a.result, g.result) });
        }
      }
    }
  }
  const result: DynaGrpoResult = { config: cfg, from: dirs.from, rows, curves, trainSeconds, refinement, ...(versusGrpo.length ? { versusGrpo } : {}), command, generatedAt: new Date().toISOString() };
  await writeReport(result, dirs.docs);
  return result;
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const points = (x: number) => `${x >= 0 ? "+" : "−"}${Math.abs(100 * x).toFixed(1)}`;

/** A run's success minus the start's on the same episodes, in points, with the discordant counts' exact p. */
function pairedCell(p: Paired | undefined): string {
  if (!p) return "—";
  return `${points(p.diff)} [${points(p.ci.low)}, ${points(p.ci.high)}]; p ${p.p < 0.001 ? "< 0.001" : `= ${p.p.toFixed(3)}`} (${p.onlyA} gained, ${p.onlyB} lost)`;
}

/** Each algorithm's paired difference from the start, averaged over its RL seeds (one figure per seed), with a t interval. */
function seedMeanLines(rows: readonly Row[]): string[] {
  const groups = new Map<string, number[]>();
  for (const row of rows) {
    if (!row.vsStart) continue;
    const key = `${row.method.replace(/ seed \d+/, "")} | ${row.split}`;
    groups.set(key, [...(groups.get(key) ?? []), row.vsStart.diff]);
  }
  const lines = [...groups].flatMap(([key, diffs]) => {
    const m = meanTInterval(diffs);
    return m ? [`| ${key} | ${diffs.length} | ${points(m.mean)} [${points(m.ci.low)}, ${points(m.ci.high)}] |`] : [];
  });
  if (lines.length === 0) return [];
  return ["Over RL seeds: each run's difference from the start on the same episodes, averaged, with a t 95% interval over seeds.", "", "| method | split | seeds | mean − start [95% CI] |", "|---|---|---|---|", ...lines, ""];
}

export function versusGrpoLines(pairs: NonNullable<DynaGrpoResult["versusGrpo"]>): string[] {
  if (pairs.length === 0) return [];
  const decoding = (x: { sampled?: number }) => (x.sampled === undefined ? "greedy" : `sampled T=${x.sampled}`);
  // Over RL seeds: one difference per seed, as seedMeanLines does for the start.
  const groups = new Map<string, number[]>();
  for (const x of pairs) {
    const key = `${x.run.replace(/ seed \d+/, "").replace(/, sampled T=[\d.]+$/, "")} | ${x.split} | ${decoding(x)}`;
    groups.set(key, [...(groups.get(key) ?? []), x.paired.diff]);
  }
  const means = [...groups].flatMap(([key, diffs]) => {
    const m = diffs.length > 1 ? meanTInterval(diffs) : undefined;
    return m ? [`| ${key} | ${diffs.length} | ${points(m.mean)} [${points(m.ci.low)}, ${points(m.ci.high)}] |`] : [];
  });
  return [
    "Against GRPO of the same RL seed, on the same episodes (the paper's comparison):",
    "",
    "| run | against | split | decoding | − GRPO [95% CI]; McNemar p |",
    "|---|---|---|---|---|",
    ...pairs.map((x) => `| ${x.run} | ${x.grpo} | ${x.split} | ${decoding(x)} | ${pairedCell(x.paired).replace("gained", "won").replace("lost", "lost to GRPO")} |`),
    "",
    ...(means.length === 0
      ? []
      : ["Over RL seeds: each seed's difference from GRPO, averaged, with a t 95% interval over seeds.", "", "| method | split | decoding | seeds | mean − GRPO [95% CI] |", "|---|---|---|---|---|", ...means, ""]),
  ];
}

function correlationLine(curves: readonly CurvePoint[]): string {
  const c = simSuccessCorrelation(curves);
  if (!c) return "**Sim Score and success across checkpoints:** too few checkpoints with a Sim Score (or no spread) for a correlation.";
  return `**Sim Score and success across checkpoints:** Pearson r = ${c.r.toFixed(2)} [${c.ci.low.toFixed(2)}, ${c.ci.high.toFixed(2)}] (95%, Fisher z) over ${c.n} evaluated checkpoints (every curve point of every run, the start included).`;
}

function refinementLines(ref: Record<string, RefinementSummary>): string[] {
  const runs = Object.entries(ref);
  if (runs.length === 0) return [];
  const f = (x: number | null): string => (x === null ? "—" : x.toFixed(3));
  return [
    "**SimRollout's refined responses against the first ones** (simulation-improvement iterations; gain = mean SimRollout return − mean plain-rollout return of the same iteration, with a 95% interval over iterations):",
    "",
    "| run | iterations | refined responses | answer changed | refined answer missing or rejected | refinement input, tokens (mean) | return gain [95% CI] | Sim Score first → refined |",
    "|---|---|---|---|---|---|---|---|",
    ...runs.map(
      ([run, s]) =>
        `| ${run} | ${s.iterations} | ${s.refined} | ${s.refined ? pct(s.answerChanged / s.refined) : "—"} | ` +
        `${s.rejected !== null && s.refined ? pct(s.rejected / s.refined) : "—"} | ${s.inputTokens === null ? "—" : Math.round(s.inputTokens)} | ` +
        `${s.meanGain ? `${s.meanGain.mean.toFixed(2)} [${s.meanGain.ci.low.toFixed(2)}, ${s.meanGain.ci.high.toFixed(2)}]` : "—"} | ${f(s.simFirst)} → ${f(s.simRefined)} |`,
    ),
    "",
    ...runs.flatMap(([run, s]) => (s.lookahead ? [lookaheadSummary(run, s), ""] : [])),
  ];
}

/**
 * What the random lookahead showed and what the refinement did after it: answers changed
 * after a dead end against the other lookaheads (older runs, without the count of changes
 * among lookaheads: against every other refined response, said so).
 */
export function lookaheadSummary(run: string, s: RefinementSummary): string {
  const l = s.lookahead!;
  const others = l.changed === undefined ? s.refined - l.deadEnds : l.shown - l.deadEnds;
  const othersChanged = (l.changed ?? s.answerChanged) - l.deadEndsChanged;
  const whom = l.changed === undefined ? "the other refined responses (with or without a lookahead)" : "the other lookaheads";
  return (
    `**Random lookahead (${run}):** shown with ${l.shown} of ${s.refined} refined responses; no continuation reached the goal in ${l.deadEnds} (${pct(l.deadEnds / l.shown)}); ` +
    `the answer changed after ${l.deadEnds ? pct(l.deadEndsChanged / l.deadEnds) : "—"} of those and after ${others ? pct(othersChanged / others) : "—"} of ${whom}.` +
    (l.best
      ? ` Some first action's random play reached the goal in ${l.best.informative} (${pct(l.best.informative / l.shown)}); there the draft answered with a best such action in ${pct(l.best.draft / l.best.informative)} and the refined response in ${pct(l.best.refined / l.best.informative)}.`
      : "")
  );
}

const ALGO_TITLES: Record<Algo, string> = { grpo: "GRPO", rloo: "RLOO", "dyna-grpo": "Dyna-GRPO" };

export async function writeReport(r: DynaGrpoResult, docs: string): Promise<void> {
  await mkdir(docs, { recursive: true });
  await writeFile(join(docs, "dyna-grpo.json"), JSON.stringify(r, null, 1));
  const c = r.config;
  // An answers-only start states no futures: no Sim Score to plot or correlate.
  const hasSim = r.config.simulates ?? true;
  const lines = [
    `# ${c.algos.map((a) => ALGO_TITLES[a]).join(" vs ")} on ${c.env} (configuration "${c.name}")`,
    "",
    `Command: \`${r.command}\` (from \`${r.from}\`), ${r.generatedAt}.`,
    "",
    (c.simulates ?? true)
      ? "The start checkpoint writes simulated plans; SimRollout executes the plan its answer starts."
      : "The start checkpoint answers without plans (DISTILL(action-only)): SimRollout executes the draft's answer, a one-action plan, and refines on the real next state. No response states a future, so there is no Sim Score.",
    "",
    `RL tasks: seeds from ${TRAIN_SEED_BASE} + 100000 × RL seed, disjoint from the SFT data and every evaluation split.`,
    "",
    `Each algorithm trains from the same checkpoint for ${c.budget} agent steps (every response counts), RL seeds ${c.seeds.join(", ")}; ` +
      `${c.evalEpisodes} evaluation episodes per split (greedy, at most ${c.evalMaxSteps} steps), success with Wilson 95% intervals, ` +
      "Sim Score (accuracy on what changed) with normal 95% intervals beside what copying the state scores." +
      (c.sampledEval === undefined
        ? ""
        : ` Rows marked "sampled T=${c.sampledEval}" evaluate the same checkpoint with every answer drawn at temperature ${c.sampledEval}, the policy RL samples from, from a stream seeded by the episode's seed and step.`),
    "",
    "| method | split | success [95% CI] | − start, same episodes [95% CI]; McNemar p | Sim Score [95% CI] | copy baseline | eval s |",
    "|---|---|---|---|---|---|---|",
    ...r.rows.map(
      (row) =>
        `| ${row.method} | ${row.split} | ${pct(row.success.rate)} [${pct(row.success.ci.low)}, ${pct(row.success.ci.high)}] | ${pairedCell(row.vsStart)} | ` +
        `${row.simScore ? `${row.simScore.mean.toFixed(3)} [${row.simScore.ci.low.toFixed(3)}, ${row.simScore.ci.high.toFixed(3)}]` : "—"} | ` +
        `${row.copyBaseline ? row.copyBaseline.mean.toFixed(3) : "—"} | ${Math.round(row.seconds)} |`,
    ),
    "",
    ...seedMeanLines(r.rows),
    ...versusGrpoLines(r.versusGrpo ?? []),
    "Training wall time per run: " + Object.entries(r.trainSeconds).map(([run, s]) => `${run} ${Math.round(s)} s`).join(", ") + ".",
    "",
    ...(hasSim ? [correlationLine(r.curves), ""] : []),
    ...refinementLines(r.refinement ?? {}),
    `![success over training](dyna-grpo-success.png)`,
    "",
    ...(hasSim ? [`![Sim Score over training](dyna-grpo-sim.png)`, ""] : []),
  ];
  await writeFile(join(docs, "dyna-grpo.md"), lines.join("\n"));
  const runs = [...new Set(r.curves.map((p) => p.run))];
  const series = (f: (p: CurvePoint) => number | null): LineSeries[] =>
    runs.map((run, i) => ({ name: run, color: i, points: r.curves.filter((p) => p.run === run && f(p) !== null).map((p) => ({ x: p.agentSteps, y: f(p)! })) }));
  const split = c.splits[0]!.name;
  const sampled: LineSeries[] =
    c.sampledEval === undefined ? [] : series((p) => p.sampledSuccess ?? null).map((s) => ({ ...s, name: sampledName(s.name, c.sampledEval!), dashed: true }));
  await renderPng(
    lineChartSvg(`Success over training (${split}, ${c.curveEpisodes} episodes per point)`, "agent steps of training", [...series((p) => p.success), ...sampled]),
    join(docs, "dyna-grpo-success.png"),
  );
  if (hasSim) await renderPng(lineChartSvg(`Sim Score over training (${split})`, "agent steps of training", series((p) => p.simScore)), join(docs, "dyna-grpo-sim.png"));
}
