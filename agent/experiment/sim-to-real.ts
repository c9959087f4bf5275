/**
 * Sim-to-real, as DreamGym asks it: does RL inside the learned environment (`dream`)
 * help in the real one? From one SFT checkpoint, three GRPO arms per RL seed:
 *
 * - real: GRPO in the real environment for `realBudget` agent steps;
 * - dream: GRPO in `dream` (wrapping the same environment and tasks) for `dreamBudget`
 *   agent steps, no real steps beyond the ones in dream's replay buffer;
 * - dream → real: the dream arm's policy, then GRPO in the real environment for
 *   `realBudget` agent steps (its KL reference is the dream-trained policy it starts from).
 *
 * Every arm is evaluated in the real environment on seeds training never sees, beside the
 * random policy and the start checkpoint, with Wilson intervals. The report counts real
 * interaction honestly: the real transitions in dream's replay buffer (reset info
 * `buffer_transitions`) are real steps too. Runs and evaluations resume like dyna-grpo's.
 */
import { readFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Logger } from "pino";
import type { EnvClient } from "../client/index.js";
import { CheckpointPolicy } from "../eval/model-policy.js";
import { parseRlConfig, type RlConfigInput } from "../rl/config.js";
import { runRl } from "../rl/trainer.js";
import { SOKOBAN_SPLITS, type SplitConfig } from "./config.js";
import { TRAIN_SEED_BASE } from "./dyna-grpo-experiment.js";
import { barChartSvg, renderPng } from "./plot.js";
import { baselineRows, savedEvaluator, slug, toRow, type Row } from "./saved-eval.js";

export interface SimToRealConfig {
  name: string;
  /** The real environment, and the one dream wraps. */
  env: string;
  /** The training tasks (session config of the real env; dream's base_config). */
  trainConfig: Record<string, unknown>;
  splits: SplitConfig[];
  evalEpisodes: number;
  evalMaxSteps: number;
  maxNewTokens: number;
  /** Agent steps of real-env GRPO (the real arm; the dream → real arm's second phase). */
  realBudget: number;
  /** Agent steps of GRPO in dream (the dream arm; the dream → real arm's first phase). */
  dreamBudget: number;
  /** dream's session config besides base and base_config: operator-registered names only. */
  dream: { model: string; buffer: string; k?: number; history?: number; max_tokens?: number };
  seeds: number[];
  /** Shared GRPO settings (groupSize, maxSteps, beta, clip, lr, temperature, …). */
  rl: Partial<RlConfigInput>;
  /** The start checkpoint writes simulated plans (DISTILL(ReSim)); false for answers only. */
  simulates: boolean;
  /**
   * Real transitions a trained transition model learned from (dream-data's count; 0 for
   * nearest-neighbour): real interaction behind every dream step, like the buffer.
   */
  modelTransitions?: number;
}

/** The Sokoban comparison: 200 real evaluation episodes per split; one seed (each arm takes tens of minutes on two cores). */
export const SIM2REAL_SOKOBAN: SimToRealConfig = {
  name: "sokoban",
  env: "sokoban",
  trainConfig: { preset: "6x6-1box" },
  splits: SOKOBAN_SPLITS.filter((s) => s.name !== "OOD"),
  evalEpisodes: 200,
  evalMaxSteps: 20,
  maxNewTokens: 24,
  realBudget: 3_000,
  dreamBudget: 3_000,
  dream: { model: "nearest-neighbour", buffer: "live", k: 3 },
  seeds: [0],
  rl: { groupSize: 8, groupsPerIteration: 4, maxSteps: 20, maxNewTokens: 24, beta: 0.01, clip: 0.2, lr: 1e-5, temperature: 1, minibatchSize: 32 },
  simulates: false,
};

/**
 * The budget and rooms where real-env GRPO is known to move this project's action-only
 * student: hard rooms (optimal solution ≥ 5 steps) at lr 3e-5, as dyna-grpo's
 * sokoban-action-hard (33.0% → 46–54.5% of hard rooms in 30,000 agent steps). At the
 * "sokoban" configuration's 3,000 steps and lr 1e-5 no arm moves from its start, so
 * nothing can be told apart. 10,000 steps per arm keeps a learned dream arm near half an hour.
 */
export const SIM2REAL_SOKOBAN_HARD: SimToRealConfig = {
  ...SIM2REAL_SOKOBAN,
  name: "sokoban-hard",
  trainConfig: { preset: "6x6-1box", min_solution_length: 5 },
  splits: [SOKOBAN_SPLITS.find((s) => s.name === "hard")!, SOKOBAN_SPLITS.find((s) => s.name === "ID")!],
  realBudget: 10_000,
  dreamBudget: 10_000,
  rl: { ...SIM2REAL_SOKOBAN.rl, lr: 3e-5 },
};

/** The CI configuration: every stage, on a handful of steps and episodes. */
export const SIM2REAL_TINY: SimToRealConfig = {
  ...SIM2REAL_SOKOBAN,
  name: "tiny",
  splits: SOKOBAN_SPLITS.filter((s) => s.name === "ID"),
  evalEpisodes: 2,
  evalMaxSteps: 2,
  maxNewTokens: 96,
  realBudget: 4,
  dreamBudget: 4,
  rl: { groupSize: 2, maxSteps: 2, maxNewTokens: 96, lr: 1e-4, minibatchSize: 8 },
  simulates: true,
};

export const SIM2REAL_CONFIGS: Record<string, SimToRealConfig> = { sokoban: SIM2REAL_SOKOBAN, "sokoban-hard": SIM2REAL_SOKOBAN_HARD, tiny: SIM2REAL_TINY };

export type Arm = "real" | "dream" | "dream → real";

export interface ArmRun {
  arm: Arm;
  seed: number;
  /** Agent steps trained in dream and in the real env. */
  dreamAgentSteps: number;
  realAgentSteps: number;
  /** Real interaction in all: the real env steps of training plus, when the arm used dream, its buffer and its model's training transitions. */
  realTransitions: number;
  trainSeconds: number;
}

export interface SimToRealResult {
  config: SimToRealConfig;
  from: string;
  /** Real transitions in dream's replay buffer for the training config. */
  bufferTransitions: number;
  runs: ArmRun[];
  rows: Row[];
  command: string;
  generatedAt: string;
}

/** dream's session config for the training tasks. */
export function dreamConfig(cfg: SimToRealConfig): Record<string, unknown> {
  return { base: cfg.env, base_config: cfg.trainConfig, ...cfg.dream };
}

function rlConfig(cfg: SimToRealConfig, env: string, envConfig: Record<string, unknown>, seed: number, budget: number, where: string) {
  const groupSize = cfg.rl.groupSize ?? 8;
  return parseRlConfig(
    {
      ...cfg.rl,
      algo: "grpo",
      env,
      envConfig,
      simulates: cfg.simulates,
      seed,
      // The same tasks as dyna-grpo's RL seed k: disjoint from the SFT data and every evaluation split.
      seedStart: TRAIN_SEED_BASE + seed * 100_000,
      iterations: Math.ceil(budget / groupSize) + 1,
      maxAgentSteps: budget,
      checkpointEvery: 0,
    },
    where,
  );
}

interface TrainerState {
  totalAgentSteps: number;
  totalEnvSteps: number;
}

const trainerState = (dir: string) => JSON.parse(readFileSync(join(dir, "checkpoint", "trainer.json"), "utf8")) as TrainerState;
const trainSeconds = (dir: string) =>
  readFileSync(join(dir, "metrics.jsonl"), "utf8")
    .trim()
    .split("\n")
    .reduce((a, l) => a + (JSON.parse(l) as { timing: { sec: number } }).timing.sec, 0);

export const runLabel = (arm: Arm, seed: number) => `GRPO ${arm}, seed ${seed}`;

export async function runSimToRealExperiment(
  client: EnvClient,
  cfg: SimToRealConfig,
  dirs: { work: string; docs: string; from: string; report?: string },
  command: string,
  log: Logger,
): Promise<SimToRealResult> {
  const evalSaved = await savedEvaluator(client, cfg.env, dirs.work, cfg.evalMaxSteps, log);
  const policyAt = (dir: string) => () => CheckpointPolicy.load(dir, { simulates: cfg.simulates, maxNewTokens: cfg.maxNewTokens, temperature: 0 });

  // How much real interaction stands behind the dream: its buffer, read from a reset.
  const probe = await client.createSession("dream", { config: dreamConfig(cfg) });
  let bufferTransitions: number;
  try {
    const n = (await probe.reset(TRAIN_SEED_BASE)).info.buffer_transitions;
    if (typeof n !== "number") throw new Error("the dream env's reset info has no buffer_transitions: the server predates sim-to-real accounting");
    bufferTransitions = n;
  } finally {
    await probe.close();
  }

  const rows: Row[] = await baselineRows(evalSaved, cfg.splits, cfg.evalEpisodes, policyAt(dirs.from));

  // Every real transition behind the dream: the buffer it retrieves from and the data its model was trained on.
  const behindDream = bufferTransitions + (cfg.modelTransitions ?? 0);
  const runs: ArmRun[] = [];
  const train = async (arm: Arm, seed: number, env: string, envConfig: Record<string, unknown>, budget: number, from: string): Promise<string> => {
    const out = join(dirs.work, slug(runLabel(arm, seed)));
    log.info({ arm, seed, budget }, "training");
    const r = await runRl({ config: rlConfig(cfg, env, envConfig, seed, budget, `sim-to-real ${arm}`), from, outDir: out, client, logger: log, progress: false });
    r.model.dispose();
    return out;
  };
  for (const seed of cfg.seeds) {
    const real = await train("real", seed, cfg.env, cfg.trainConfig, cfg.realBudget, dirs.from);
    const dream = await train("dream", seed, "dream", dreamConfig(cfg), cfg.dreamBudget, dirs.from);
    const warm = await train("dream → real", seed, cfg.env, cfg.trainConfig, cfg.realBudget, join(dream, "checkpoint"));
    const r = trainerState(real), d = trainerState(dream), w = trainerState(warm);
    runs.push(
      { arm: "real", seed, dreamAgentSteps: 0, realAgentSteps: r.totalAgentSteps, realTransitions: r.totalEnvSteps, trainSeconds: trainSeconds(real) },
      { arm: "dream", seed, dreamAgentSteps: d.totalAgentSteps, realAgentSteps: 0, realTransitions: behindDream, trainSeconds: trainSeconds(dream) },
      {
        arm: "dream → real",
        seed,
        dreamAgentSteps: d.totalAgentSteps,
        realAgentSteps: w.totalAgentSteps,
        realTransitions: behindDream + w.totalEnvSteps,
        trainSeconds: trainSeconds(dream) + trainSeconds(warm),
      },
    );
    for (const [arm, dir] of [["real", real], ["dream", dream], ["dream → real", warm]] as const) {
      for (const split of cfg.splits) {
        const e = await evalSaved(runLabel(arm, seed), split, cfg.evalEpisodes, policyAt(join(dir, "checkpoint")));
        rows.push(toRow(runLabel(arm, seed), split.name, e.result, e.seconds));
      }
    }
  }
  const result: SimToRealResult = { config: cfg, from: dirs.from, bufferTransitions, runs, rows, command, generatedAt: new Date().toISOString() };
  await writeSimToRealReport(result, dirs.docs, dirs.report);
  return result;
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

export async function writeSimToRealReport(r: SimToRealResult, docs: string, report = "sim-to-real"): Promise<string> {
  await mkdir(docs, { recursive: true });
  await writeFile(join(docs, `${report}.json`), JSON.stringify(r, null, 1));
  const c = r.config;
  const lines = [
    `# Sim-to-real: GRPO in the learned env (dream) against GRPO in the real ${c.env} (configuration "${c.name}")`,
    "",
    `Command: \`${r.command}\` (from \`${r.from}\`), ${r.generatedAt}.`,
    "",
    `dream wraps ${c.env} with the training tasks (\`${JSON.stringify(c.trainConfig)}\`), transition model \`${c.dream.model}\`` +
      `${c.modelTransitions ? ` (trained on ${c.modelTransitions} real transitions)` : ""}, buffer \`${c.dream.buffer}\` ` +
      `(${r.bufferTransitions} real transitions), session window k ${c.dream.k ?? "default"}, history ${c.dream.history ?? "default"}${c.dream.max_tokens !== undefined ? `, at most ${c.dream.max_tokens} tokens per transition` : ""}. Arms, each GRPO from the same checkpoint: real (${c.realBudget} agent steps in ${c.env}), ` +
      `dream (${c.dreamBudget} agent steps in dream), dream → real (the dream arm's policy, then ${c.realBudget} agent steps in ${c.env}, ` +
      "with the dream-trained policy as its KL reference). RL tasks are dyna-grpo's (seeds from " +
      `${TRAIN_SEED_BASE} + 100000 × RL seed); every row is evaluated in the real ${c.env} on its split's unseen seeds: ` +
      `${c.evalEpisodes} greedy episodes, at most ${c.evalMaxSteps} steps, Wilson 95% intervals.`,
    "",
    `| run | dream agent steps | real agent steps | real transitions (buffer${c.modelTransitions ? " and model data" : ""} included) | training s |`,
    "|---|---|---|---|---|",
    ...r.runs.map((x) => `| ${runLabel(x.arm, x.seed)} | ${x.dreamAgentSteps} | ${x.realAgentSteps} | ${x.realTransitions} | ${Math.round(x.trainSeconds)} |`),
    "",
    "| method | split | success [95% CI] | eval s |",
    "|---|---|---|---|",
    ...r.rows.map((row) => `| ${row.method} | ${row.split} | ${pct(row.success.rate)} [${pct(row.success.ci.low)}, ${pct(row.success.ci.high)}] | ${Math.round(row.seconds)} |`),
    "",
    `![real-env success per arm](${report}.png)`,
    "",
  ];
  const file = join(docs, `${report}.md`);
  await writeFile(file, lines.join("\n"));
  const methods = [...new Set(r.rows.map((x) => x.method))];
  const groups = c.splits.map((s) => ({
    label: s.name,
    values: methods.map((m) => ({ name: m, value: r.rows.find((x) => x.method === m && x.split === s.name)?.success.rate ?? null })),
  }));
  await renderPng(barChartSvg(`Real-env success after GRPO in dream and in ${c.env}`, groups, 1250, 520), join(docs, `${report}.png`));
  return file;
}
