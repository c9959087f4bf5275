/**
 * RL throughput (issue 10): environment steps/s and generated tokens/s while GRPO and
 * Dyna-GRPO train, and the share of wall time spent generating, in environment calls
 * (over gRPC to a server in another process) and in gradient steps (scoring the old
 * and reference log-probabilities included). The policy is a small model distilled
 * for a few dozen steps from real ReSim data, so it writes plans; the figures measure
 * the machinery, not what the policy learns.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { EnvClient } from "../agent/client/index.js";
import { selectBackend } from "../agent/model/backend.js";
import { collectResim } from "../agent/resim/collect.js";
import { parseRlConfig, type RlConfigInput } from "../agent/rl/config.js";
import { runRl, type IterationMetrics } from "../agent/rl/trainer.js";
import { loadChatJsonl } from "../agent/train/dataset.js";
import { runSft } from "../agent/train/sft.js";
import { startServerProcess } from "./server-child.js";
import { load, stats, type Stats } from "./repetitions.js";




const SFT_STEPS = (quick: boolean) => (quick ? 40 : 120);
export const RL_BENCH_MODEL = { dModel: 64, nLayers: 2, nHeads: 2, dFF: 128, maxSeqLen: 640 };

export async function runRlBench(opts: { quick: boolean; log: (msg: string) => void }): Promise<Record<string, unknown>> {
  const backend = await selectBackend({ prefer: "wasm" });
  const server = await startServerProcess();
  const client = new EnvClient(server.address);
  const dir = mkdtempSync(join(tmpdir(), "rl-bench-"));
  const loadAtStart = load();
  try {
    opts.log("RL bench: ReSim data and a small distilled policy");
    await collectResim(client, {
      envId: "sokoban",
      config: { preset: "6x6-1box" },
      episodes: 12,
      seedStart: 0,
      b: 4,
      d: 2,
      // One plan per response: short enough for a small model to learn to write whole in a few dozen steps.
      bTrain: 1,
      gamma: 0.95,
      policy: "mixed",
      value: "solver",
      history: 0,
      concurrency: 4,
      promptStyle: "compact",
      maxEpisodeSteps: 10,
      out: join(dir, "resim.jsonl"),
    });
    const train = await loadChatJsonl(join(dir, "resim.jsonl"));
    const sft = await runSft({ train, eval: [], outDir: join(dir, "sft"), model: RL_BENCH_MODEL, steps: SFT_STEPS(opts.quick), batchSize: 8, lr: 5e-3, evalEvery: 0, progress: false, workers: 1, seed: 1 });
    const params = sft.model.parameterCount;
    sft.model.dispose();
    const from = join(dir, "sft", "checkpoint");

    const common: Partial<RlConfigInput> = { envConfig: { preset: "6x6-1box" }, groupSize: 8, maxSteps: 5, maxNewTokens: 200, seedStart: 100, minibatchSize: 8, temperature: 0.7 };
    const runs: Record<string, { config: Partial<RlConfigInput> }> = {
      grpo: { config: { algo: "grpo", iterations: opts.quick ? 1 : 2, ...common } },
      "dyna-grpo": { config: { algo: "dyna-grpo", nT: 1, nPi: opts.quick ? 0 : 1, rounds: 1, ...common } },
    };
    const reps = opts.quick ? 1 : 3;
    const results: Record<string, unknown> = {};
    for (const [name, run] of Object.entries(runs)) {
      const per: { agentSteps: number; envSteps: number; tokens: number; sec: number; gen: number; env: number; upd: number; iterations: IterationMetrics[] }[] = [];
      const loadBefore = load();
      for (let rep = 0; rep < reps; rep++) {
        opts.log(`RL bench: ${name}, repetition ${rep + 1}/${reps}`);
        const r = await runRl({ config: parseRlConfig(run.config), from, outDir: join(dir, `${name}-${rep}`), client, resume: false, progress: false });
        r.model.dispose();
        const h = r.history;
        const sum = (f: (m: IterationMetrics) => number) => h.reduce((a, m) => a + f(m), 0);
        per.push({
          agentSteps: sum((m) => m.agentSteps),
          envSteps: sum((m) => m.envSteps),
          tokens: sum((m) => m.generatedTokens),
          sec: sum((m) => m.timing.sec),
          gen: sum((m) => m.timing.generateSec),
          env: sum((m) => m.timing.envSec),
          upd: sum((m) => m.timing.updateSec),
          iterations: h,
        });
      }
      const last = per.at(-1)!.iterations;
      results[name] = {
        config: parseRlConfig(run.config),
        iterations: last.length,
        perRepetition: { agentSteps: per[0]!.agentSteps, envSteps: per[0]!.envSteps, episodes: last.reduce((a, m) => a + m.episodes, 0), generatedTokens: per[0]!.tokens },
        /** Agent steps: every response, as the step budget counts them (the environment took envSteps of them). */
        agentStepsPerSec: stats(per.map((p) => p.agentSteps / p.sec), 2),
        envStepsPerSec: stats(per.map((p) => p.envSteps / p.sec), 2),
        generatedTokensPerSec: stats(per.map((p) => p.tokens / p.sec)),
        share: {
          generation: stats(per.map((p) => p.gen / p.sec), 3),
          environmentCalls: stats(per.map((p) => p.env / p.sec), 3),
          gradientSteps: stats(per.map((p) => p.upd / p.sec), 3),
        },
        secondsPerIteration: stats(per.map((p) => p.sec / last.length), 2),
        outcome: { success: last.map((m) => m.success), return: last.map((m) => Math.round(m.return * 100) / 100), simScore: last.map((m) => m.simScore), refined: last.map((m) => m.refined) },
        loadAverage: { before: loadBefore, after: load() },
      };
    }
    return {
      measuredAt: new Date().toISOString(),
      machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, node: process.version, backend, loadAverageAtStart: loadAtStart, loadAverageAtEnd: load() },
      note:
        "Throughput over whole iterations (rollouts + updates), environment calls over gRPC to a server in another process. Shares are of iteration wall time: generation (batched sampling), environment calls (create/reset/step/Expand/Sim Score/close) and gradient steps (scoring old and reference log-probabilities, then the clipped-objective updates); the rest is bookkeeping. Shares of generation and environment calls are of wall time spent waiting, and environment calls overlap nothing (one step at a time).",
      model: { ...RL_BENCH_MODEL, params, sftSteps: SFT_STEPS(opts.quick), sftExamples: train.length },
      results,
    };
  } finally {
    client.close();
    server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
