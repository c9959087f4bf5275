/**
 * The agent model's throughput (issue #5): training tokens/s and generation
 * tokens/s with and without the KV cache on tfjs wasm, beside the same model
 * in PyTorch CPU (Debian python3-torch, scripts/torch/bench_model.py) measured
 * in the same run. Run directly (`npx tsx bench/agent-model.ts [--quick]`) it
 * writes bench/results/agent.json.
 */
import * as tf from "@tensorflow/tfjs";
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { selectBackend } from "../agent/model/backend.js";
import { ByteTokenizer } from "../agent/model/tokenizer.js";
import { TransformerLM } from "../agent/model/transformer.js";
import { AdamW, clipByGlobalNorm } from "../agent/train/optimizer.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const TARGET = "within 2x of PyTorch CPU (tokens/s ratio tfjs/pytorch >= 0.5)";

function log(msg: string): void {
  process.stderr.write(`[bench:agent] ${msg}\n`);
}

interface Shape {
  vocabSize: number;
  dModel: number;
  nLayers: number;
  nHeads: number;
  dFF: number;
  maxSeqLen: number;
  batch: number;
  seqLen: number;
  trainSteps: number;
  genBatch: number;
  genPrompt: number;
  genTokens: number;
}

async function tfjsNumbers(s: Shape): Promise<Record<string, number>> {
  const model = new TransformerLM({ vocabSize: s.vocabSize, dModel: s.dModel, nLayers: s.nLayers, nHeads: s.nHeads, dFF: s.dFF, maxSeqLen: s.maxSeqLen });
  const opt = new AdamW(model.params, (n) => model.decayed(n));
  const vars = [...model.params.values()];
  const names = new Map(vars.map((v, i) => [v.name, [...model.params.keys()][i] as string]));
  const ids = tf.randomUniform([s.batch, s.seqLen], 0, 256, "int32", 1) as tf.Tensor2D;
  const w = tf.ones([s.batch, s.seqLen]) as tf.Tensor2D;
  const step = async (): Promise<void> => {
    const { value, grads } = tf.variableGrads(() => model.maskedLoss(ids, ids, w, true), vars);
    const named = new Map(Object.entries(grads).map(([k, g]) => [names.get(k) ?? k, g]));
    const c = clipByGlobalNorm(named, 1);
    opt.apply(c.grads, 3e-4);
    await value.data();
    tf.dispose([value, c.norm, ...Object.values(grads), ...c.grads.values()]);
  };
  await step();
  let t0 = performance.now();
  for (let i = 0; i < s.trainSteps; i++) await step();
  const train = (s.batch * s.seqLen * s.trainSteps) / ((performance.now() - t0) / 1000);
  const prompts = Array.from({ length: s.genBatch }, (_, b) => Array.from({ length: s.genPrompt }, (_, i) => (i * 7 + b) % 256));
  const gen = { maxNewTokens: s.genTokens, temperature: 0 };
  await model.generate(prompts, { ...gen, maxNewTokens: 4 });
  t0 = performance.now();
  await model.generate(prompts, gen);
  const kv = (s.genBatch * s.genTokens) / ((performance.now() - t0) / 1000);
  t0 = performance.now();
  await model.generate(prompts, { ...gen, useCache: false });
  const noCache = (s.genBatch * s.genTokens) / ((performance.now() - t0) / 1000);
  const params = model.parameterCount;
  tf.dispose([ids, w]);
  opt.dispose();
  model.dispose();
  return { params, trainTokensPerSec: Math.round(train), generateTokensPerSecKV: Math.round(kv), generateTokensPerSecNoCache: Math.round(noCache) };
}

function pytorchNumbers(s: Shape, threads: number): Promise<Record<string, unknown>> {
  const python = "/usr/bin/python3";
  const script = path.join(here, "..", "scripts", "torch", "bench_model.py");
  if (!existsSync(python)) return Promise.resolve({ unavailable: "pytorch unavailable: /usr/bin/python3 missing" });
  return new Promise((resolve) => {
    execFile(python, [script, JSON.stringify({ ...s, threads })], { timeout: 900_000 }, (err, stdout, stderr) => {
      if (err) {
        const why = /No module named 'torch'/.test(stderr) ? "python3-torch not installed (apt-get install -y python3-torch)" : (stderr || err.message).trim().split("\n").slice(-1)[0];
        resolve({ unavailable: `pytorch unavailable: ${why}` });
        return;
      }
      try {
        resolve(JSON.parse(stdout.trim().split("\n").slice(-1)[0] ?? "") as Record<string, unknown>);
      } catch {
        resolve({ unavailable: `pytorch unavailable: unreadable output ${stdout.slice(0, 200)}` });
      }
    });
  });
}

export async function runAgentModelBench(opts: { quick?: boolean } = {}): Promise<Record<string, unknown>> {
  const backend = await selectBackend({ prefer: (process.env.DYNAMIND_BACKEND as "wasm" | undefined) ?? "wasm" });
  const tok = new ByteTokenizer();
  const shape: Shape = {
    vocabSize: tok.vocabSize,
    dModel: 128,
    nLayers: 4,
    nHeads: 4,
    dFF: 512,
    maxSeqLen: 256,
    batch: 8,
    seqLen: 256,
    trainSteps: opts.quick ? 2 : 5,
    genBatch: 8,
    genPrompt: 32,
    genTokens: opts.quick ? 16 : 32,
  };
  log(`tfjs ${backend}: ${JSON.stringify(shape)}`);
  const tfjs = await tfjsNumbers(shape);
  log(`tfjs: ${JSON.stringify(tfjs)}`);
  log("pytorch CPU, 1 thread (as wasm)");
  const torch1 = await pytorchNumbers(shape, 1);
  log(`pytorch: ${JSON.stringify(torch1)}`);
  const ratio = (k: string): number | null => (typeof torch1[k] === "number" ? Math.round(((tfjs[k] as number) / (torch1[k] as number)) * 100) / 100 : null);
  const ratios = {
    train: ratio("trainTokensPerSec"),
    generateKV: ratio("generateTokensPerSecKV"),
    generateNoCache: ratio("generateTokensPerSecNoCache"),
  };
  const met = Object.values(ratios).every((r) => r !== null && r >= 0.5);
  return {
    measuredAt: new Date().toISOString(),
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, node: process.version },
    model: shape,
    tfjs: { backend, threads: 1, ...tfjs },
    pytorch: { ...torch1 },
    ratioTfjsOverPytorch: ratios,
    target: TARGET,
    targetMet: met,
    notes:
      "Same model, same shapes, same process run. tfjs-backend-wasm runs one thread in Node (no SharedArrayBuffer worker pool), so PyTorch is pinned to 1 thread too. Wall-clock figures: on a shared machine they move with load.",
  };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const quick = process.argv.includes("--quick");
  const result = await runAgentModelBench({ quick });
  const dir = path.join(here, "results");
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, quick ? "agent.quick.json" : "agent.json");
  writeFileSync(file, JSON.stringify(result, null, 2) + "\n");
  log(`wrote ${file}`);
}
