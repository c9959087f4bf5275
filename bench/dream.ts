/**
 * dream-env throughput (issue 15): steps/s of a `dream` session over gRPC with each kind
 * of transition model, beside the real base env's steps/s through the same server and
 * client in the same run.
 *
 * - nearest-neighbour: retrieval alone (what tests and CI use).
 * - checkpoint: the project's TransformerLM at the experiments' shape (d 128, 3 layers,
 *   byte tokenizer, untrained: the figure is the machinery's cost per generated token,
 *   not a model's quality), generating `maxTokens` tokens per step.
 * - endpoint: the same checkpoint behind the project's OpenAI-compatible server
 *   (`serve-model`), over HTTP on this machine: the endpoint path's own overhead.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { EnvClient, type RemoteSession } from "../agent/client/index.js";
import { startServer } from "../env-server/server.js";
import { createLogger } from "../env-server/logger.js";
import { OperatorResources } from "../adapters/operator-resources.js";
import { MAX_BATCH_TOKENS } from "../adapters/dream/sources.js";
import { load, stats, type Stats } from "./repetitions.js";

/** Sessions per BatchStep in the batched checkpoint figure (a GRPO iteration steps 32; 16 keeps the bench short). */
const BATCH = 16;
/** The committed transition model (models/README.md), served as the learned sim-to-real serves it. */
const TRAINED = new URL("../models/sokoban-dream-compact/", import.meta.url).pathname;

/** Steps/s of `steps` moves (a fresh reset when an episode ends), `reps` times. */
async function rate(session: RemoteSession, steps: number, reps: number): Promise<Stats> {
  const moves = ["Up", "Right", "Down", "Left"];
  const out: number[] = [];
  let seed = 5_000_000;
  await session.reset(seed);
  for (let rep = 0; rep < reps; rep++) {
    const t0 = performance.now();
    for (let i = 0; i < steps; i++) {
      const s = await session.step(moves[i % 4]!);
      if (s.terminated || s.truncated) await session.reset(++seed);
    }
    out.push(steps / ((performance.now() - t0) / 1000));
  }
  return stats(out, 2);
}

/** Steps/s over `sessions.length` sessions stepped together by one BatchStep per round (all steps counted), `reps` times. */
async function batchRate(client: EnvClient, sessions: RemoteSession[], rounds: number, reps: number): Promise<Stats> {
  const moves = ["Up", "Right", "Down", "Left"];
  const out: number[] = [];
  let seed = 5_000_000;
  await Promise.all(sessions.map((s) => s.reset(seed++)));
  for (let rep = 0; rep < reps; rep++) {
    const t0 = performance.now();
    for (let i = 0; i < rounds; i++) {
      const results = await client.batchStep(sessions.map((session) => ({ session, action: moves[i % 4]! })));
      // A session whose episode the model ended starts the next one (inside the timing, as in rate()).
      await Promise.all(
        results.map((r, k) => {
          if (!("observation" in r)) throw r;
          return r.terminated || r.truncated ? sessions[k]!.reset(seed++) : undefined;
        }),
      );
    }
    out.push((rounds * sessions.length) / ((performance.now() - t0) / 1000));
  }
  return stats(out, 2);
}

export async function runDreamBench(opts: { quick: boolean; log: (msg: string) => void }): Promise<Record<string, unknown>> {
  const [{ selectBackend }, { saveCheckpoint }, { ByteTokenizer }, { TransformerLM }, { startModelServer }] = await Promise.all([
    import("../agent/model/backend.js"),
    import("../agent/model/checkpoint.js"),
    import("../agent/model/tokenizer.js"),
    import("../agent/model/transformer.js"),
    import("../agent/llm/server.js"),
  ]);
  const backend = await selectBackend({ prefer: "wasm" });
  const dir = mkdtempSync(join(tmpdir(), "dream-bench-"));
  const reps = opts.quick ? 1 : 3;
  const maxTokens = 96;
  // A byte-level dream prompt (rules, three retrieved transitions, history) runs to ~2,000 tokens.
  const modelShape = { dModel: 128, nLayers: 3, nHeads: 4, dFF: 512, maxSeqLen: 3072 };
  const loadAtStart = load();
  const model = new TransformerLM({ ...modelShape, vocabSize: new ByteTokenizer().vocabSize }, { seed: 1 });
  const ck = join(dir, "checkpoint");
  await saveCheckpoint(ck, { model, tokenizer: new ByteTokenizer() });
  const served = await startModelServer({ model, tokenizer: new ByteTokenizer(), modelId: "bench", port: 0, defaultMaxTokens: maxTokens });
  const resources = new OperatorResources({
    dream: { models: { ck: { checkpoint: ck }, ep: { endpoint: served.url, model: "bench" }, trained: { checkpoint: TRAINED, prompt: "compact" } } },
  });
  const server = await startServer({ port: 0, logger: createLogger("bench", "warn"), resources });
  const client = new EnvClient({ addresses: server.address });
  try {
    const base = { preset: "6x6-1box" };
    const real = await client.createSession("sokoban", { config: base });
    const dream = (model: string) => client.createSession("dream", { config: { base: "sokoban", base_config: base, model, max_tokens: maxTokens } });
    opts.log("dream bench: the real env");
    const realRate = await rate(real, opts.quick ? 200 : 2000, reps);
    opts.log("dream bench: nearest-neighbour");
    const nn = await rate(await dream("nearest-neighbour"), opts.quick ? 50 : 500, reps);
    opts.log("dream bench: checkpoint");
    const ckRate = await rate(await dream("ck"), opts.quick ? 2 : 6, reps);
    opts.log(`dream bench: checkpoint, ${BATCH} sessions per BatchStep`);
    const group = await Promise.all(Array.from({ length: BATCH }, () => dream("ck")));
    const ckBatch = await batchRate(client, group, opts.quick ? 1 : 2, reps);
    opts.log("dream bench: endpoint");
    const epRate = await rate(await dream("ep"), opts.quick ? 2 : 6, reps);
    // The trained model on its own compact prompt (k 0, history 0), one session and a BatchStep of 16.
    const trained = () => client.createSession("dream", { config: { base: "sokoban", base_config: base, model: "trained", k: 0, history: 0, max_tokens: 72 } });
    opts.log("dream bench: the trained model");
    const trainedRate = await rate(await trained(), opts.quick ? 4 : 40, reps);
    opts.log(`dream bench: the trained model, ${BATCH} sessions per BatchStep`);
    const trainedBatch = await batchRate(client, await Promise.all(Array.from({ length: BATCH }, trained)), opts.quick ? 1 : 5, reps);
    return {
      backend,
      loadAverage: { start: loadAtStart, end: load() },
      machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, node: process.version },
      measured:
        "steps/s of one session over gRPC (server in this process), Sokoban 6x6-1box, moves cycling Up/Right/Down/Left; " +
        `checkpoint batch: ${BATCH} sessions stepped by one BatchStep per round, every session's step counted (their generations share batches of at most ${MAX_BATCH_TOKENS} padded tokens: ${Math.floor(MAX_BATCH_TOKENS / (2000 + maxTokens))} of these ~2,000-token prompts at a time); ` +
        `a model generates up to ${maxTokens} tokens per step (an untrained one: its replies are not in the reply format, so every step is the full ${maxTokens} tokens)`,
      model: { ...modelShape, tokenizer: "byte", parameters: "untrained" },
      trainedModel: { checkpoint: "models/sokoban-dream-compact", prompt: "compact", k: 0, history: 0, maxTokens: 72, note: "~174-token prompts, replies of ~64 tokens that end at the model's stop token" },
      results: {
        realSokobanStepsPerSec: realRate,
        dreamNearestNeighbourStepsPerSec: nn,
        dreamCheckpointStepsPerSec: ckRate,
        [`dreamCheckpointBatch${BATCH}StepsPerSec`]: ckBatch,
        dreamEndpointStepsPerSec: epRate,
        dreamTrainedModelStepsPerSec: trainedRate,
        [`dreamTrainedModelBatch${BATCH}StepsPerSec`]: trainedBatch,
      },
    };
  } finally {
    client.close();
    await server.stop(1000);
    await served.close();
    model.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}
