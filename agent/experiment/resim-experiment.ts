/**
 * `dynamind experiment resim`: the paper's first comparison, per environment, with
 * fixed seeds and enough evaluation episodes to tell methods apart.
 *
 * 1. Collect ReSim data with the non-privileged search (random or lexical rollouts,
 *    Monte-Carlo values); the action-only dataset holds the same states and actions.
 * 2. Distil: DISTILL(ReSim); DISTILL(action-only) on the same examples for the same
 *    number of steps (equal examples); and DISTILL(action-only) for as many training
 *    tokens as DISTILL(ReSim) consumed (equal tokens).
 * 3. Evaluate on every split: the random policy, the three distilled models, and the
 *    teacher itself (ReSim with search), with 95% intervals; Sim Scores beside what
 *    copying the current state scores.
 *
 * Every stage resumes from its work directory; the report describes the data by
 * reading the dataset files, so a resumed run describes what it trained on.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { Logger } from "pino";
import type { EnvClient } from "../client/index.js";
import { evaluate, type EvalResult } from "../eval/evaluate.js";
import { CheckpointPolicy } from "../eval/model-policy.js";
import type { ResponsePolicy } from "../eval/policy.js";
import { RandomResponsePolicy } from "../eval/random-policy.js";
import { SearchPolicy } from "../eval/search-policy.js";
import { ByteTokenizer } from "../model/tokenizer.js";
import { collectResim } from "../resim/collect.js";
import type { Example } from "../resim/dataset.js";
import { loadChatJsonl, runSft, type ChatExample } from "../train/index.js";
import { classifyDecision, selectSteps, stepKey, type Decision, type ExampleSelection } from "../resim/decisions.js";
import type { EnvExperiment, ExperimentConfig } from "./config.js";
import { barChartSvg, renderPng } from "./plot.js";
import { meanInterval, wilson, type Interval } from "./stats.js";

export interface DataDescription {
  episodes: number;
  successfulEpisodes: number;
  examples: number;
  /** Byte tokens per example (the tokenizer-independent size): mean and max. */
  meanBytes: number;
  maxBytes: number;
  /** What the search could tell apart at each step (agent/resim/decisions.ts); absent in reports made before it was counted. */
  decisions?: Record<Decision, number>;
  /** Examples the models trained on ("decided" keeps only those steps). */
  trainedOn?: { selection: ExampleSelection; examples: number };
}

export interface TrainedModel {
  method: string;
  data: "resim" | "action-only";
  steps: number;
  /** Tokens the model was trained on (all input tokens of every batch), from its metrics file. */
  trainTokens: number;
  seconds: number;
  checkpoint: string;
}

export interface MethodRow {
  method: string;
  split: string;
  result: EvalResult;
  success: { rate: number; ci: Interval };
  changed: { mean: number; ci: Interval } | undefined;
  copyBaseline: { mean: number; ci: Interval } | undefined;
  seconds: number;
}

export interface EnvReport {
  env: string;
  config: EnvExperiment;
  data: DataDescription;
  collectionSeconds: number | null;
  models: TrainedModel[];
  rows: MethodRow[];
}

export interface ExperimentResult {
  name: string;
  evalEpisodes: number;
  envs: EnvReport[];
  seconds: number;
  command: string;
  machine: string;
  /** How the run went when it was not one uninterrupted command (written by hand into resim.json). */
  notes?: string;
}

export async function runResimExperiment(
  client: EnvClient,
  cfg: ExperimentConfig,
  dirs: { work: string; docs: string },
  command: string,
  log: Logger,
): Promise<ExperimentResult> {
  const started = performance.now();
  await mkdir(dirs.docs, { recursive: true });
  const envs: EnvReport[] = [];
  for (const e of cfg.envs) envs.push(await runEnv(client, cfg, e, join(dirs.work, e.env), log));
  const result: ExperimentResult = {
    name: cfg.name,
    evalEpisodes: cfg.evalEpisodes,
    envs,
    seconds: (performance.now() - started) / 1000,
    command,
    machine: `${process.platform} ${process.arch}, node ${process.version}`,
  };
  await writeReport(result, dirs.docs);
  return result;
}

async function runEnv(client: EnvClient, cfg: ExperimentConfig, e: EnvExperiment, work: string, log: Logger): Promise<EnvReport> {
  await mkdir(work, { recursive: true });
  const resimData = join(work, "resim.jsonl");
  const actionData = join(work, "action-only.jsonl");

  const rollout = e.rollout ?? "random";
  const history = e.history ?? 0;
  log.info({ env: e.env, episodes: e.trainEpisodes, rollout }, "collecting ReSim data (Monte-Carlo values)");
  const t0 = performance.now();
  const collection = await collectResim(client, {
    envId: e.env,
    config: e.trainConfig,
    episodes: e.trainEpisodes,
    seedStart: e.trainSeedStart,
    ...e.resim,
    policy: rollout,
    value: "mc",
    history,
    concurrency: 4,
    promptStyle: e.promptStyle ?? "compact",
    maxEpisodeSteps: e.collectMaxSteps,
    out: resimData,
    actionOnlyOut: actionData,
  });
  const collectionSeconds = collection.episodes > 0 ? (performance.now() - t0) / 1000 : null;

  const collectedResim = await loadChatJsonl(resimData);
  const collectedAction = await loadChatJsonl(actionData);
  const data = describeData(resimData, collectedResim);
  const selection = e.examples ?? "all";
  const kept = new Set(selectSteps(collectedResim, selection, resimData).map((x) => stepKey(x.metadata)));
  const keep = (x: ChatExample): boolean => kept.has(stepKey(x.metadata));
  const resimExamples = collectedResim.filter(keep);
  const actionExamples = collectedAction.filter(keep);
  if (resimExamples.length === 0 || actionExamples.length === 0) throw new Error(`no examples left to train on (selection "${selection}")`);
  data.trainedOn = { selection, examples: resimExamples.length };
  const maxSeqLen = contextFor(resimExamples, e.maxNewTokens.resim);

  const models: TrainedModel[] = [];
  const train = async (method: string, kind: TrainedModel["data"], examples: ChatExample[], steps: number, seqLen: number): Promise<TrainedModel> => {
    log.info({ env: e.env, method, steps }, "supervised fine-tuning");
    const outDir = join(work, slug(method));
    const t = performance.now();
    const r = await runSft({
      train: examples,
      evalFraction: 0.02,
      outDir,
      model: { ...e.sft.model, maxSeqLen: seqLen },
      steps,
      batchSize: e.sft.batchSize,
      lr: e.sft.lr,
      promptLossWeight: e.sft.promptLossWeight,
      positionShift: e.sft.positionShift ?? false,
      warmupSteps: Math.max(1, Math.round(steps / 20)),
      evalEvery: Math.max(1, Math.round(steps / 4)),
      checkpointEvery: Math.max(1, Math.round(steps / 4)),
      seed: cfg.seed,
      logger: log,
    });
    r.model.dispose?.();
    const m: TrainedModel = { method, data: kind, steps, trainTokens: trainedTokens(join(outDir, "metrics.jsonl")), seconds: (performance.now() - t) / 1000, checkpoint: r.checkpointDir };
    models.push(m);
    return m;
  };
  const actionSeqLen = contextFor(actionExamples, e.maxNewTokens.actionOnly);
  const resim = await train("DISTILL(ReSim)", "resim", resimExamples, e.sft.steps, maxSeqLen);
  const equalExamples = await train("DISTILL(action-only), equal examples", "action-only", actionExamples, e.sft.steps, actionSeqLen);
  // As many training tokens as the ReSim model saw: action-only examples are short, so many more steps.
  const perStep = equalExamples.trainTokens / Math.max(1, equalExamples.steps);
  const equalTokenSteps = Math.max(e.sft.steps, Math.round(resim.trainTokens / Math.max(1, perStep)));
  const equalTokens = await train("DISTILL(action-only), equal tokens", "action-only", actionExamples, equalTokenSteps, actionSeqLen);

  const studentDecoding = { answers: e.studentAnswers ?? "write", temperature: e.studentTemperature ?? 0, seed: cfg.seed } as const;
  // A student's saved evaluation is reused only under the same decoding: a work directory may predate a config change.
  const studentTag = studentDecoding.answers === "write" && studentDecoding.temperature === 0 ? "" : `--${studentDecoding.answers}-t${studentDecoding.temperature}`;
  const methods: { method: string; policy: () => Promise<ResponsePolicy>; concurrency: number; tag?: string }[] = [
    { method: "random policy", policy: async () => new RandomResponsePolicy(cfg.seed), concurrency: 4 },
    ...[equalExamples, equalTokens].map((m) => ({
      method: m.method,
      policy: () => CheckpointPolicy.load(m.checkpoint, { ...studentDecoding, simulates: false, maxNewTokens: e.maxNewTokens.actionOnly, name: m.method }),
      // Episodes in flight share batched generation (CheckpointPolicy batches concurrent prompts).
      concurrency: 32,
      tag: studentTag,
    })),
    {
      method: resim.method,
      policy: () => CheckpointPolicy.load(resim.checkpoint, { ...studentDecoding, simulates: true, maxNewTokens: e.maxNewTokens.resim, name: resim.method }),
      concurrency: 16,
      tag: studentTag,
    },
    {
      method: "ReSim with search (the teacher)",
      policy: async () => new SearchPolicy({ ...e.resim, value: "mc", rollout, seed: cfg.seed }),
      concurrency: 8,
    },
  ];
  // Each (method, split) result is saved as it completes, so a rerun resumes the evaluation too, and
  // several processes can share the work (claim files; a process started with evalOrder "reverse"
  // takes the list from its end).
  const evalDir = join(work, "eval");
  await mkdir(evalDir, { recursive: true });
  const jobs = methods.flatMap((m) => e.splits.map((split) => ({ m, split, file: join(evalDir, `${slug(m.method)}--${slug(split.name)}${m.tag ?? ""}.json`) })));
  if (cfg.evalOrder === "reverse") jobs.reverse();
  const policies = new Map<string, Promise<ResponsePolicy>>();
  for (const { m, split, file } of jobs) {
    if (existsSync(file) || !claim(`${file}.claim`)) continue;
    let policy = policies.get(m.method);
    if (policy === undefined) policies.set(m.method, (policy = m.policy()));
    log.info({ env: e.env, method: m.method, split: split.name, episodes: cfg.evalEpisodes }, "evaluating");
    const t = performance.now();
    const result = await evaluate(client, await policy, {
      envId: e.env,
      config: split.config,
      seeds: Array.from({ length: cfg.evalEpisodes }, (_, i) => split.seedStart + i),
      history,
      concurrency: m.concurrency,
      simScore: true,
      promptStyle: e.promptStyle ?? "compact",
      maxSteps: e.evalMaxSteps,
    });
    await writeFile(file, JSON.stringify(row(m.method, split.name, result, (performance.now() - t) / 1000)));
  }
  // Results another process is still computing are waited for.
  const rows: MethodRow[] = [];
  for (const { file } of [...jobs].sort((a, b) => methods.indexOf(a.m) - methods.indexOf(b.m) || e.splits.indexOf(a.split) - e.splits.indexOf(b.split))) {
    while (!existsSync(file)) await new Promise((r) => setTimeout(r, 2000));
    rows.push(JSON.parse(readFileSync(file, "utf8")) as MethodRow);
  }
  return { env: e.env, config: e, data, collectionSeconds, models, rows };
}

/** Takes a claim file for a job; a claim left by a process that is gone is taken over. */
function claim(path: string): boolean {
  try {
    writeFileSync(path, String(process.pid), { flag: "wx" });
    return true;
  } catch {
    const pid = Number(readFileSync(path, "utf8"));
    if (pid !== process.pid && Number.isInteger(pid) && alive(pid)) return false;
    writeFileSync(path, String(process.pid));
    return true;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function row(method: string, split: string, result: EvalResult, seconds: number): MethodRow {
  const successes = result.perEpisode.filter((p) => p.success).length;
  const changed = result.perEpisode.flatMap((p) => (p.changed === null ? [] : [p.changed]));
  const copy = result.perEpisode.flatMap((p) => (p.copyBaseline === null ? [] : [p.copyBaseline]));
  return {
    method,
    split,
    result,
    success: { rate: successes / Math.max(1, result.episodes), ci: wilson(successes, result.episodes) },
    changed: meanInterval(changed),
    copyBaseline: meanInterval(copy),
    seconds,
  };
}

/** What the search could tell apart, and what the models trained on, in words. */
function decisionText(d: DataDescription): string {
  if (!d.decisions) return "";
  const n = Math.max(1, d.examples);
  const pct = (k: number): string => `${((100 * k) / n).toFixed(0)}%`;
  const { unvalued, tied, decided } = d.decisions;
  const what = `; at ${pct(unvalued)} of the steps the search valued no first action above 0 (the teacher's choice was a coin toss), at ${pct(tied)} the best value was tied, at ${pct(decided)} one first action was best`;
  const sel = d.trainedOn?.selection ?? "all";
  const trained =
    sel === "decided"
      ? `; the models trained on those ${d.trainedOn!.examples} decided steps only`
      : sel === "valued"
        ? `; the models trained on the ${d.trainedOn!.examples} steps where some first action was valued above 0 (decided or tied) only`
        : "; the models trained on every step";
  return what + trained;
}

/** The dataset as it is on disk (not as this run collected it: a resumed run collects nothing). */
function describeData(file: string, examples: ChatExample[]): DataDescription {
  const tok = new ByteTokenizer();
  const ends = readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => (JSON.parse(l) as Example).metadata)
    .filter((m) => m.episodeEnd);
  const lengths = examples.map((x) => tok.encodeChat(x.messages).ids.length);
  const decisions: Record<Decision, number> = { unvalued: 0, tied: 0, decided: 0 };
  for (const x of examples) decisions[classifyDecision(x.metadata ?? {})]++;
  return {
    decisions,
    episodes: ends.length,
    successfulEpisodes: ends.filter((m) => m.episodeSuccess).length,
    examples: examples.length,
    meanBytes: lengths.reduce((a, b) => a + b, 0) / Math.max(1, lengths.length),
    maxBytes: Math.max(0, ...lengths),
  };
}

/**
 * A context that holds the longest example whole and leaves room to generate a
 * response as long as the budget, in byte tokens (an upper bound for any tokenizer
 * the SFT may fit), rounded up to a multiple of 64.
 */
function contextFor(examples: ChatExample[], maxNewTokens: number): number {
  const tok = new ByteTokenizer();
  let longest = 0;
  let longestPrompt = 0;
  for (const x of examples) {
    longest = Math.max(longest, tok.encodeChat(x.messages).ids.length);
    longestPrompt = Math.max(longestPrompt, tok.encodeChat(x.messages.filter((m) => m.role !== "assistant"), true).ids.length);
  }
  return Math.ceil((Math.max(longest, longestPrompt + maxNewTokens) + 8) / 64) * 64;
}

/** Training wall time from a metrics file, summed over resumed segments (each restarts its clock). */
function trainedSeconds(metricsFile: string): number | undefined {
  if (!existsSync(metricsFile)) return undefined;
  let total = 0;
  let last = 0;
  for (const line of readFileSync(metricsFile, "utf8").split("\n")) {
    if (line.trim() === "") continue;
    const m = JSON.parse(line) as { kind: string; elapsedSec?: number };
    if (m.kind !== "train" || m.elapsedSec === undefined) continue;
    if (m.elapsedSec < last) total += last;
    last = m.elapsedSec;
  }
  return total + last;
}

function trainedTokens(metricsFile: string): number {
  if (!existsSync(metricsFile)) return 0;
  let total = 0;
  for (const line of readFileSync(metricsFile, "utf8").split("\n")) {
    if (line.trim() === "") continue;
    const m = JSON.parse(line) as { kind: string; tokens?: number };
    if (m.kind === "train") total += m.tokens ?? 0;
  }
  return total;
}

function slug(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}

/** Rebuilds resim.md and resim.png from a saved resim.json (after changing only the report). */
export async function rewriteReport(docs: string): Promise<void> {
  const saved = JSON.parse(await readFile(join(docs, "resim.json"), "utf8")) as ExperimentResult;
  await writeReport(saved, docs);
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const ci = (i: Interval, f: (x: number) => string) => `[${f(i.low)}, ${f(i.high)}]`;
const num = (x: number) => x.toFixed(3);

function envSection(r: EnvReport, evalEpisodes: number): string {
  const e = r.config;
  const head = ["| method | " + e.splits.map((s) => `success ${s.name}`).join(" | ") + ` | Sim Score ${e.splits[0]!.name} (copy-state baseline) | tokens / step (${e.splits[0]!.name}) | invalid answers (${e.splits[0]!.name}) |`];
  head.push("|---|" + e.splits.map(() => "---|").join("") + "---|---|---|");
  const methods = [...new Set(r.rows.map((x) => x.method))];
  const lines = methods.map((m) => {
    const byName = new Map(r.rows.filter((x) => x.method === m).map((x) => [x.split, x]));
    const first = byName.get(e.splits[0]!.name)!;
    const cells = e.splits.map((s) => {
      const x = byName.get(s.name);
      return x ? `${pct(x.success.rate)} ${ci(x.success.ci, pct)}` : "—";
    });
    const sim = first.changed ? `${num(first.changed.mean)} ${ci(first.changed.ci, num)} (${first.copyBaseline ? num(first.copyBaseline.mean) : "—"})` : "— (no plans)";
    return `| ${m} | ${cells.join(" | ")} | ${sim} | ${first.result.tokensPerStep.toFixed(1)} | ${pct(first.result.invalidAnswerRate)} |`;
  });
  const d = r.data;
  const models = r.models
    .map((m) => {
      // From the model's metrics file when it is still there: the time it really trained, also when this run resumed.
      const seconds = trainedSeconds(join(dirname(m.checkpoint), "metrics.jsonl")) ?? m.seconds;
      return `  - ${m.method}: ${m.steps} steps, ${(m.trainTokens / 1e6).toFixed(2)} M training tokens, ${(seconds / 60).toFixed(1)} min of training.`;
    })
    .join("\n");
  const times = r.rows.map((x) => `${x.method} / ${x.split}: ${(x.seconds / 60).toFixed(1)} min`).join("; ");
  return `## ${r.env}

${[...head, ...lines].join("\n")}

Success: ${evalEpisodes} episodes per split and method, capped at ${e.evalMaxSteps} steps, with 95% Wilson intervals. Sim Score: accuracy on
what changed between consecutive real states, averaged per episode, with a 95% interval, beside what copying the current
state as every prediction scores on the same plans (see agent/eval/sim-score.ts).

- **Splits:** ${e.splits.map((s) => `${s.name} = ${s.description} (\`${JSON.stringify(s.config)}\`, seeds ${s.seedStart}…)`).join("; ")}.
- **Data (read from the dataset file):** ${d.episodes} episodes (${d.successfulEpisodes} successful) of \`${JSON.stringify(e.trainConfig)}\`, seeds
  ${e.trainSeedStart}…, collection capped at ${e.collectMaxSteps} steps per episode; ${d.examples} examples of ${d.meanBytes.toFixed(0)} bytes on
  average (longest ${d.maxBytes})${decisionText(d)}. Search: b=${e.resim.b} trajectories with the ${e.rollout ?? "random"} policy, plans of d=${e.resim.d} steps, followed
  ${e.resim.horizon} steps for Monte-Carlo values (γ=${e.resim.gamma}), b_train=${e.resim.bTrain} plans per response.${
    r.collectionSeconds === null ? " This run found the data already collected (resumed)." : ` Collection took ${(r.collectionSeconds / 60).toFixed(1)} min.`
  }
- **Models** (the same architecture, \`${JSON.stringify(e.sft.model)}\`, batch ${e.sft.batchSize}, peak learning rate ${e.sft.lr}, ${
    e.sft.promptLossWeight > 0 ? `loss on responses and, with weight ${e.sft.promptLossWeight}, on prompts` : "loss on responses only"
  }; at evaluation ${decodingText(e)}):
${models}
- **Wall time of the evaluations:** ${times}.
`;
}

/** How the students answered at evaluation, in words. */
function decodingText(e: EnvExperiment): string {
  const t = e.studentTemperature ?? 0;
  const how = t > 0 ? `sampled at temperature ${t} from a stream seeded by the episode and step` : "greedy";
  return e.studentAnswers === "valid" ? `answers picked among the valid actions by the student's likelihood, ${how}` : `${how} decoding`;
}

async function writeReport(r: ExperimentResult, docs: string): Promise<void> {
  const md = `# ReSim: does distilling simulation help a small model?

Produced by \`${r.command}\` on ${r.machine} (TensorFlow.js on wasm) in ${(r.seconds / 60).toFixed(1)} minutes${
    r.envs.some((e) => e.collectionSeconds === null) ? " (some stages resumed from the work directory; the times are this run's)" : ""
  }. The teacher searches without privileged information: ${[...new Set(r.envs.map((e) => e.config.rollout ?? "random"))].join(" or ")} rollouts and
Monte-Carlo values, as the paper describes (with rollouts from its own model). Rows: the random policy (the trivial baseline), DISTILL(action-only)
trained on the same examples for the same steps and again for as many tokens as DISTILL(ReSim), DISTILL(ReSim), and the
teacher itself.
${r.notes ? `\n${r.notes}\n` : ""}
![success per method and split](resim.png)

${r.envs.map((e) => envSection(e, r.evalEpisodes)).join("\n")}
These are small models trained on two CPU cores, far from the paper's 7B models: the numbers say what this
configuration does, not what the method can do at scale.
`;
  await writeFile(join(docs, "resim.md"), md);
  await writeFile(join(docs, "resim.json"), JSON.stringify(r, null, 2) + "\n");
  const groups = r.envs.flatMap((e) =>
    [...new Set(e.rows.map((x) => x.method))].map((m) => ({
      label: m.replace("DISTILL", "D").replace(", equal examples", " =ex").replace(", equal tokens", " =tok").replace("ReSim with search (the teacher)", "teacher"),
      values: e.config.splits.map((s) => ({ name: `success ${s.name}`, value: e.rows.find((x) => x.method === m && x.split === s.name)?.success.rate ?? null })),
    })),
  );
  await renderPng(barChartSvg(`ReSim distillation on ${r.envs.map((e) => e.env).join(" and ")}: success rate per split`, groups, 1200, 520), join(docs, "resim.png"));
}
