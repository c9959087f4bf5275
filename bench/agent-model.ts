/**
 * The agent model's throughput (issues #5, #9): training tokens per wall-second
 * and per CPU-second on tfjs wasm with 1 thread and data-parallel over worker
 * threads (the real SFT step: gradients, clipping, AdamW) and, when installed, on
 * the native TensorFlow backend (child processes), generation tokens/s
 * with and without the KV cache, beside the same model in PyTorch CPU (Debian
 * python3-torch, scripts/torch/bench_model.py) at 1 and 2 threads measured in
 * the same run, with the BLAS PyTorch really loaded. Run directly
 * (`npx tsx bench/agent-model.ts [--quick]`) it writes bench/results/agent.json.
 *
 * CPU time: `process.cpuUsage()` is getrusage(RUSAGE_SELF), which on Linux sums
 * every thread of the process — the main thread, the worker threads and
 * Node's helper threads — so one reading around a measurement is the CPU the
 * whole data-parallel step cost (Node 20 has no per-thread reading). PyTorch's
 * `time.process_time()` is the same process-wide figure.
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
import { DataParallelTrainer } from "../agent/train/data-parallel.js";
import type { TokenizedExample } from "../agent/train/dataset.js";
import { AdamW, clipByGlobalNorm } from "../agent/train/optimizer.js";
import { runGemmCeiling } from "./gemm-ceiling.js";
import { load, stats, type Stats } from "./repetitions.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const TARGET = "training >= 0.5x PyTorch CPU per core (tfjs tokens per CPU-second / PyTorch 1-thread tokens per CPU-second >= 0.5)";

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
  /** Repetitions of `trainSteps` steps (median and min–max reported). */
  reps: number;
  genBatch: number;
  genPrompt: number;
  genTokens: number;
}

export type { Stats };


/** Whether other work shared the cores (1-minute load average above half the cores). */
function machineLoaded(l: number[]): string {
  const n = cpus().length;
  return (l[0] ?? 0) > n / 2
    ? `yes: 1-minute load average ${l[0]} on ${n} cores at the start; other processes took CPU, so wall-clock figures (worst for 2 threads, which wait for the slower one) understate both sides, and per-CPU-second figures are the fairer comparison`
    : `no: 1-minute load average ${l[0]} on ${n} cores at the start`;
}


/** Training throughput of the SFT step with `workers` replicas (1 = the single-thread step). */
async function tfjsTrain(s: Shape, workers: number, mainShard = true): Promise<Record<string, unknown>> {
  const model = new TransformerLM({ vocabSize: s.vocabSize, dModel: s.dModel, nLayers: s.nLayers, nHeads: s.nHeads, dFF: s.dFF, maxSeqLen: s.maxSeqLen });
  const opt = new AdamW(model.params, (n) => model.decayed(n));
  const vars = [...model.params.values()];
  const names = new Map(vars.map((v, i) => [v.name, [...model.params.keys()][i] as string]));
  let seed = 1;
  const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % 256);
  const examples: TokenizedExample[] = Array.from({ length: s.batch }, () => {
    const ids = Array.from({ length: s.seqLen + 1 }, rand);
    return { ids, responseMask: ids.map(() => 1) } as TokenizedExample;
  });
  const rows = examples.map((_, i) => i);
  const dp = workers > 1 ? await DataParallelTrainer.start(model, { replicas: workers, mainShard }) : undefined;
  const ids = tf.tensor2d(examples.flatMap((e) => e.ids.slice(0, -1)), [s.batch, s.seqLen], "int32");
  const targets = tf.tensor2d(examples.flatMap((e) => e.ids.slice(1)), [s.batch, s.seqLen], "int32");
  const w = tf.ones([s.batch, s.seqLen]) as tf.Tensor2D;
  const step = async (): Promise<void> => {
    let grads: Map<string, tf.Tensor>;
    if (dp) grads = (await dp.step(examples, rows, 0)).grads;
    else {
      const r = tf.variableGrads(() => model.maskedLoss(ids, targets, w, true), vars);
      await r.value.data();
      r.value.dispose();
      grads = new Map(Object.entries(r.grads).map(([k, g]) => [names.get(k) ?? k, g]));
    }
    const c = clipByGlobalNorm(grads, 1);
    opt.apply(c.grads, 3e-4);
    await c.norm.data();
    tf.dispose([c.norm, ...grads.values(), ...c.grads.values()]);
  };
  const wall: number[] = [];
  const cpu: number[] = [];
  const loadBefore = load();
  try {
    await step();
    for (let r = 0; r < s.reps; r++) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      for (let i = 0; i < s.trainSteps; i++) await step();
      const sec = (performance.now() - t0) / 1000;
      const c = process.cpuUsage(c0);
      const tokens = s.batch * s.seqLen * s.trainSteps;
      wall.push(tokens / sec);
      cpu.push(tokens / ((c.user + c.system) / 1e6));
    }
  } finally {
    await dp?.close();
    tf.dispose([ids, targets, w]);
    opt.dispose();
    model.dispose();
  }
  return {
    workers,
    ...(workers > 1 ? { layout: mainShard ? `main thread + ${workers - 1} worker thread(s), one shard each` : `${workers} worker threads, main thread only averages and applies` } : { layout: "main thread only" }),
    trainTokensPerWallSec: stats(wall),
    trainTokensPerCpuSec: stats(cpu),
    loadAverage: { before: loadBefore, after: load() },
  };
}

async function tfjsGenerate(s: Shape): Promise<Record<string, number>> {
  const model = new TransformerLM({ vocabSize: s.vocabSize, dModel: s.dModel, nLayers: s.nLayers, nHeads: s.nHeads, dFF: s.dFF, maxSeqLen: s.maxSeqLen });
  const prompts = Array.from({ length: s.genBatch }, (_, b) => Array.from({ length: s.genPrompt }, (_, i) => (i * 7 + b) % 256));
  const gen = { maxNewTokens: s.genTokens, temperature: 0 };
  await model.generate(prompts, { ...gen, maxNewTokens: 4 });
  let t0 = performance.now();
  await model.generate(prompts, gen);
  const kv = (s.genBatch * s.genTokens) / ((performance.now() - t0) / 1000);
  t0 = performance.now();
  await model.generate(prompts, { ...gen, useCache: false });
  const noCache = (s.genBatch * s.genTokens) / ((performance.now() - t0) / 1000);
  const params = model.parameterCount;
  model.dispose();
  return { params, generateTokensPerSecKV: Math.round(kv), generateTokensPerSecNoCache: Math.round(noCache) };
}

/**
 * Runs a measuring child process and reads the JSON object on its last stdout line; when it
 * fails or prints no such line, `{ unavailable }` with `why`'s one-line reason.
 */
function childFigures(file: string, args: string[], env: NodeJS.ProcessEnv, why: (stderr: string, err: Error | null) => string): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout: 900_000, env, maxBuffer: 1 << 24 }, (err, stdout, stderr) => {
      if (!err) {
        try {
          resolve(JSON.parse(stdout.trim().split("\n").slice(-1)[0] ?? "") as Record<string, unknown>);
          return;
        } catch {
          // falls through: no figures on the last line
        }
      }
      resolve({ unavailable: why(stderr, err) });
    });
  });
}

function pytorchNumbers(s: Shape, threads: number): Promise<Record<string, unknown>> {
  const python = "/usr/bin/python3";
  const script = path.join(here, "..", "scripts", "torch", "bench_model.py");
  if (!existsSync(python)) return Promise.resolve({ unavailable: "pytorch unavailable: /usr/bin/python3 missing" });
  // OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE may be set on this machine; unset in this child only, so OpenBLAS
  // picks its kernel for the CPU it finds (the script records the kernel that ran).
  const env: NodeJS.ProcessEnv = { ...process.env, OPENBLAS_NUM_THREADS: String(threads) };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  return childFigures(python, [script, JSON.stringify({ ...s, threads })], env, (stderr, err) => {
    if (/No module named 'torch'/.test(stderr)) return "pytorch unavailable: python3-torch not installed (apt-get install -y python3-torch)";
    return `pytorch unavailable: ${err ? (stderr || err.message).trim().split("\n").slice(-1)[0] : "unreadable output"}`;
  });
}

/**
 * The native TensorFlow backend (tfjs-node, scripts/tfjs-native/setup.sh) in a child process:
 * TensorFlow reads its thread counts from the environment once, at load, so each setting
 * needs its own process. `threads` 1 pins both of TensorFlow's pools to one thread (the
 * per-core figure, beside PyTorch at 1 thread); undefined keeps TensorFlow's defaults (one
 * intra-op thread per core: the wall-clock figure, beside PyTorch at 2 threads).
 */
async function nativeNumbers(s: Shape, threads: number | undefined): Promise<Record<string, unknown>> {
  const env: NodeJS.ProcessEnv = { ...process.env, DYNAMIND_BACKEND: "node" };
  if (threads !== undefined) {
    env.TF_NUM_INTRAOP_THREADS = String(threads);
    env.TF_NUM_INTEROP_THREADS = String(threads);
  }
  const r = await childFigures(process.execPath, ["--import", "tsx", fileURLToPath(import.meta.url), "--native-child", JSON.stringify(s)], env, (stderr, err) => {
    const line = `${stderr}\n${err?.message ?? ""}`.split("\n").find((l) => /\bError: /.test(l))?.trim() ?? "no figures printed";
    return `native backend unavailable (run scripts/tfjs-native/setup.sh): ${line.slice(0, 200)}`;
  });
  return "unavailable" in r ? r : { tfThreads: threads ?? "TensorFlow's default (one per core)", ...r };
}

/** In the child: only the native backend, nothing else; one JSON line on stdout. */
async function nativeChild(s: Shape): Promise<void> {
  const backend = await selectBackend({ prefer: "node" });
  if (backend !== "tensorflow") throw new Error(`tfjs-node did not start (got ${backend})`);
  const binding = (tf.backend() as unknown as { binding?: { TF_Version?: string } }).binding;
  const train = await tfjsTrain(s, 1, true);
  const gen = await tfjsGenerate(s);
  process.stdout.write(JSON.stringify({ backend, tensorflowVersion: binding?.TF_Version ?? "unknown", train, ...gen }) + "\n");
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
    trainSteps: opts.quick ? 1 : 3,
    reps: opts.quick ? 2 : 3,
    genBatch: 8,
    genPrompt: 32,
    genTokens: opts.quick ? 16 : 32,
  };
  const loadAtStart = load();
  log(`tfjs ${backend}: ${JSON.stringify(shape)} (load ${loadAtStart.join(" ")})`);
  const train: Record<string, unknown>[] = [];
  for (const [workers, mainShard] of [[1, true], [2, true], [2, false]] as const) {
    log(`tfjs training, ${workers} replica(s)${workers > 1 ? (mainShard ? ", main thread computes a shard" : ", 2 workers + coordinating main thread") : ""}`);
    const r = await tfjsTrain(shape, workers, mainShard);
    log(JSON.stringify(r));
    train.push(r);
  }
  const gen = await tfjsGenerate(shape);
  log(`tfjs generation: ${JSON.stringify(gen)}`);
  const torch: Record<string, Record<string, unknown>> = {};
  for (const threads of [1, 2]) {
    log(`pytorch CPU, ${threads} thread(s)`);
    torch[`threads${threads}`] = { ...(await pytorchNumbers(shape, threads)), loadAverageAfter: load() };
    log(`pytorch: ${JSON.stringify(torch[`threads${threads}`])}`);
  }
  const native: Record<string, Record<string, unknown>> = {};
  for (const threads of [1, undefined]) {
    const key = threads === 1 ? "threads1" : "defaultThreads";
    log(`tfjs native (tensorflow) in a child process, TensorFlow threads: ${threads ?? "default"}`);
    native[key] = await nativeNumbers(shape, threads);
    log(`native: ${JSON.stringify(native[key])}`);
  }
  log("GEMM ceiling: tf.matMul (wasm) vs torch.mm, one thread, the step's shapes");
  const gemmCeiling = await runGemmCeiling(shape, { reps: opts.quick ? 3 : 5, minSeconds: opts.quick ? 0.05 : 0.2 });
  log(`gemm: median ratio ${String(gemmCeiling.medianRatio)}`);
  const med = (x: unknown, k: string): number | undefined => ((x as Record<string, Stats | undefined>)?.[k]?.median);
  const ratio = (a: number | undefined, b: number | undefined): number | null => (a !== undefined && b !== undefined && b > 0 ? Math.round((a / b) * 100) / 100 : null);
  const t1 = torch.threads1;
  const t2 = torch.threads2;
  const bestWall = train.reduce((b, r) => ((med(r, "trainTokensPerWallSec") ?? 0) > (med(b, "trainTokensPerWallSec") ?? 0) ? r : b));
  const ratios = {
    trainPerCpuSecond1Thread: ratio(med(train[0], "trainTokensPerCpuSec"), med(t1, "trainTokensPerCpuSec")),
    trainPerCpuSecond2Replicas: ratio(med(train[1], "trainTokensPerCpuSec"), med(t1, "trainTokensPerCpuSec")),
    trainPerWallSecondBestTfjsVsTorch2Threads: ratio(med(bestWall, "trainTokensPerWallSec"), med(t2, "trainTokensPerWallSec")),
    generateKV: ratio(gen.generateTokensPerSecKV, t1?.generateTokensPerSecKV as number | undefined),
    generateNoCache: ratio(gen.generateTokensPerSecNoCache, t1?.generateTokensPerSecNoCache as number | undefined),
  };
  const n1 = native.threads1 as { train?: Record<string, unknown>; generateTokensPerSecKV?: number } | undefined;
  const nd = native.defaultThreads as { train?: Record<string, unknown> } | undefined;
  const nativeRatios = {
    trainPerCpuSecond1Thread: ratio(med(n1?.train, "trainTokensPerCpuSec"), med(t1, "trainTokensPerCpuSec")),
    trainPerWallSecondDefaultThreadsVsTorch2Threads: ratio(med(nd?.train, "trainTokensPerWallSec"), med(t2, "trainTokensPerWallSec")),
    generateKV: ratio(n1?.generateTokensPerSecKV, t1?.generateTokensPerSecKV as number | undefined),
  };
  const wasmPerCore = Math.max(ratios.trainPerCpuSecond1Thread ?? 0, ratios.trainPerCpuSecond2Replicas ?? 0);
  const nativePerCore = nativeRatios.trainPerCpuSecond1Thread ?? 0;
  const perCore = Math.max(wasmPerCore, nativePerCore);
  return {
    measuredAt: new Date().toISOString(),
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, node: process.version, loadAverageAtStart: loadAtStart, loadAverageAtEnd: load() },
    machineLoaded: machineLoaded(loadAtStart),
    model: shape,
    tfjs: { backend, params: gen.params, train, generateTokensPerSecKV: gen.generateTokensPerSecKV, generateTokensPerSecNoCache: gen.generateTokensPerSecNoCache },
    pytorch: torch,
    ratioTfjsOverPytorch: ratios,
    tfjsNative: native,
    ratioTfjsNativeOverPytorch: nativeRatios,
    gemmCeiling,
    target: TARGET,
    targetMet: t1 && !("unavailable" in t1) ? perCore >= 0.5 : null,
    targetMetBy: perCore >= 0.5 ? (nativePerCore >= wasmPerCore ? "tensorflow (tfjs-node built by scripts/tfjs-native/setup.sh), 1 TensorFlow thread" : "wasm") : null,
    notes:
      "Same model, same shapes, same run. Training = the SFT step (loss + gradients, global-norm clip, AdamW) on batch x seqLen tokens; figures are median and min-max over reps of trainSteps steps. " +
      "Tokens per CPU-second use process-wide CPU time (process.cpuUsage / time.process_time: all threads), so they measure work per core whatever the thread count; tokens per wall-second move with the machine's load. " +
      "tfjs-backend-wasm runs one thread in Node, so more cores means more worker threads, each with its own backend (agent/train/data-parallel.ts). " +
      "PyTorch's BLAS is read from the libraries the process loaded (/proc/self/maps) and threadpoolctl; OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE are unset for it. " +
      "Load averages are recorded beside each figure: on a loaded 2-core machine wall-clock figures understate both sides. " +
      "gemmCeiling: the same products as single 2-D GEMMs on both sides (bench/gemm-ceiling.ts); about half of a tfjs training step is in these kernels, so the training ratio cannot rise much above the GEMM ratio on wasm. " +
      "tfjsNative: the same step on TensorFlow's own kernels (@tensorflow/tfjs-node, whose binding scripts/tfjs-native/setup.sh builds against the tensorflow-cpu wheel because the package's installer downloads from storage.googleapis.com), each setting in its own child process: threads1 pins TensorFlow to one thread (beside PyTorch at 1 thread, per CPU-second), defaultThreads keeps TensorFlow's pools (beside PyTorch at 2 threads, per wall-second). Generation there pays an eager TensorFlow call per op and is slower than wasm for this model size, which is why the agent's \"auto\" backend takes it for training only (agent/model/backend.ts).",
  };
}

const childAt = process.argv.indexOf("--native-child");
if (childAt >= 0) {
  await nativeChild(JSON.parse(process.argv[childAt + 1] ?? "{}") as Shape);
} else if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const quick = process.argv.includes("--quick");
  const result = await runAgentModelBench({ quick });
  const dir = path.join(here, "results");
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, quick ? "agent.quick.json" : "agent.json");
  writeFileSync(file, JSON.stringify(result, null, 2) + "\n");
  log(`wrote ${file}`);
}
