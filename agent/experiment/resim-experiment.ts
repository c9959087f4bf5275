/**
 * `dynamind experiment resim`: the paper's first comparison at small scale, with
 * fixed seeds. Collect ReSim data (and the action-only baseline from the same
 * episodes), distil each into a small model by SFT, and evaluate
 * DISTILL(action-only), DISTILL(ReSim) and ReSim-with-search in and out of
 * distribution. Writes a markdown table, a PNG plot and the raw numbers.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Logger } from "pino";
import type { EnvClient } from "../client/index.js";
import { evaluate, type EvalResult } from "../eval/evaluate.js";
import { CheckpointPolicy } from "../eval/model-policy.js";
import type { ResponsePolicy } from "../eval/policy.js";
import { SearchPolicy } from "../eval/search-policy.js";
import { collectResim, type ResimSummary } from "../resim/collect.js";
import { loadChatJsonl, runSft } from "../train/index.js";
import type { ExperimentConfig } from "./config.js";
import { barChartSvg, renderPng } from "./plot.js";

export interface ExperimentResult {
  config: ExperimentConfig;
  collection: ResimSummary;
  rows: { method: string; id: EvalResult; ood: EvalResult }[];
  seconds: number;
}

export async function runResimExperiment(
  client: EnvClient,
  cfg: ExperimentConfig,
  dirs: { work: string; docs: string },
  command: string,
  log: Logger,
): Promise<ExperimentResult> {
  const started = performance.now();
  await mkdir(dirs.work, { recursive: true });
  await mkdir(dirs.docs, { recursive: true });
  const resimData = join(dirs.work, "resim.jsonl");
  const actionData = join(dirs.work, "action-only.jsonl");

  log.info({ episodes: cfg.trainEpisodes }, "collecting ReSim data");
  const collection = await collectResim(client, {
    envId: cfg.env,
    config: cfg.idConfig,
    episodes: cfg.trainEpisodes,
    seedStart: cfg.trainSeedStart,
    ...cfg.resim,
    policy: "mixed",
    value: "solver",
    history: 0,
    concurrency: 4,
    promptStyle: "compact",
    out: resimData,
    actionOnlyOut: actionData,
  });

  const train = async (name: string, data: string) => {
    log.info({ name }, "supervised fine-tuning");
    const r = await runSft({
      train: await loadChatJsonl(data),
      evalFraction: 0.05,
      outDir: join(dirs.work, name),
      model: cfg.sft.model,
      steps: cfg.sft.steps,
      batchSize: cfg.sft.batchSize,
      lr: cfg.sft.lr,
      warmupSteps: Math.max(1, Math.round(cfg.sft.steps / 20)),
      evalEvery: Math.max(1, Math.round(cfg.sft.steps / 4)),
      checkpointEvery: cfg.sft.steps,
      seed: cfg.seed,
      logger: log,
    });
    r.model.dispose?.();
    return r.checkpointDir;
  };
  const actionCkpt = await train("distill-action-only", actionData);
  const resimCkpt = await train("distill-resim", resimData);

  const policies: { method: string; policy: () => Promise<ResponsePolicy> }[] = [
    {
      method: "DISTILL(action-only)",
      policy: () => CheckpointPolicy.load(actionCkpt, { simulates: false, maxNewTokens: cfg.maxNewTokens.actionOnly, name: "DISTILL(action-only)" }),
    },
    {
      method: "DISTILL(ReSim)",
      policy: () => CheckpointPolicy.load(resimCkpt, { simulates: true, maxNewTokens: cfg.maxNewTokens.resim, name: "DISTILL(ReSim)" }),
    },
    {
      method: "ReSim with search",
      policy: async () => new SearchPolicy({ ...cfg.resim, value: "solver", rollout: "mixed", seed: cfg.seed }),
    },
  ];
  const seeds = (start: number) => Array.from({ length: cfg.evalEpisodes }, (_, i) => start + i);
  const rows: ExperimentResult["rows"] = [];
  for (const p of policies) {
    const policy = await p.policy();
    log.info({ method: p.method }, "evaluating");
    const common = { envId: cfg.env, history: 0, concurrency: 1, simScore: true, promptStyle: "compact" as const, maxSteps: cfg.evalMaxSteps };
    const id = await evaluate(client, policy, { ...common, config: cfg.idConfig, seeds: seeds(cfg.idSeedStart) });
    const ood = await evaluate(client, policy, { ...common, config: cfg.oodConfig, seeds: seeds(cfg.oodSeedStart) });
    rows.push({ method: p.method, id, ood });
  }
  const result: ExperimentResult = { config: cfg, collection, rows, seconds: (performance.now() - started) / 1000 };
  await writeReport(result, dirs.docs, command);
  return result;
}

/** Rebuilds resim.md and resim.png from a saved resim.json (after changing only the report). */
export async function rewriteReport(docs: string): Promise<void> {
  const saved = JSON.parse(await readFile(join(docs, "resim.json"), "utf8")) as ExperimentResult & { command: string };
  await writeReport(saved, docs, saved.command);
}

async function writeReport(r: ExperimentResult, docs: string, command: string): Promise<void> {
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  const sim = (x: number | null) => (x === null ? "—" : x.toFixed(3));
  const c = r.config;
  const table = [
    "| method | success (ID) | success (OOD) | Sim Score (ID) | exact sim steps (ID) | tokens / step (ID) | invalid answers (ID) |",
    "|---|---|---|---|---|---|---|",
    ...r.rows.map((row) =>
      `| ${row.method} | ${pct(row.id.successRate)} | ${pct(row.ood.successRate)} | ${sim(row.id.simScore)} | ${sim(row.id.simExact)} | ${row.id.tokensPerStep.toFixed(1)} | ${pct(row.id.invalidAnswerRate)} |`,
    ),
  ].join("\n");
  const md = `# ReSim at small scale: does distilling simulation help?

Produced by \`${command}\` (two CPU cores, TensorFlow.js on wasm). ${
    r.collection.skipped > 0
      ? `This run took ${(r.seconds / 60).toFixed(1)} minutes because it resumed collection and training from its work directory and only evaluated; a fresh run also collects (~1 minute) and trains both models (~35 minutes).`
      : `It took ${(r.seconds / 60).toFixed(1)} minutes.`
  }

![success and Sim Score](resim.png)

${table}

- **Environment:** ${c.env}. Training and in-distribution (ID): \`${JSON.stringify(c.idConfig)}\`, seeds ${c.trainSeedStart}… for
  training and ${c.idSeedStart}… for evaluation (unseen). Out-of-distribution (OOD): \`${JSON.stringify(c.oodConfig)}\`, seeds ${c.oodSeedStart}….
  ${c.evalEpisodes} evaluation episodes per split and method.
- **Data:** ReSim over the protocol, b=${c.resim.b} rollouts of depth d=${c.resim.d} per real step, b_train=${c.resim.bTrain} kept,
  γ=${c.resim.gamma}, mixed rollout policy (the optimal solver's plan plus random ones), values from the solver's distance.
  ${r.collection.episodes} episodes, ${r.collection.examples} examples (success ${pct(r.collection.successRate)}, ${r.collection.nodesPerSecond.toFixed(0)} search nodes/s).
  The action-only baseline is the same states and actions without the simulated plans.
- **Models:** the same decoder-only transformer for both (${JSON.stringify(c.sft.model)}), each with a tokenizer fitted to its training data, ${c.sft.steps} SFT steps of
  batch ${c.sft.batchSize}, peak learning rate ${c.sft.lr}, loss on responses only; greedy decoding.
- **Sim Score:** computed exactly — each plan a response states is executed from the real state and every predicted
  state is compared with the real one (1 − normalised edit distance, averaged). ReSim with search simulates with the
  real environment, so its Sim Score is 1 by construction.
- **Reading it honestly:** these models are tiny and briefly trained, far from the paper's 7B models; the numbers say
  what this configuration does, not what the method can do at scale.
`;
  await writeFile(join(docs, "resim.md"), md);
  await writeFile(join(docs, "resim.json"), JSON.stringify({ command, ...r }, null, 2) + "\n");
  const groups = r.rows.map((row) => ({
    label: row.method,
    values: [
      { name: "success (ID)", value: row.id.successRate },
      { name: "success (OOD)", value: row.ood.successRate },
      { name: "Sim Score (ID)", value: row.id.simScore },
    ],
  }));
  await renderPng(barChartSvg(`ReSim distillation on ${c.env} (small scale)`, groups), join(docs, "resim.png"));
}
