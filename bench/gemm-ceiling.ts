/**
 * The ceiling under the agent bench's training ratio (issue #9): single-thread GEMM
 * speed of tfjs-backend-wasm's 2-D matMul (the XNNPACK fast path agent/model/ops.ts
 * keeps every product on) against PyTorch CPU's torch.mm with its BLAS
 * (scripts/torch/gemm.py), on the shapes the model's training step multiplies, in the
 * same run. Most of a tfjs training step is these products (a CPU profile of `dynamind
 * sft` on one thread: ≈52% inside the wasm GEMM kernels), so the end-to-end ratio to
 * PyTorch cannot exceed this one by much whatever the code around the products does.
 *
 * Run directly (`npx tsx bench/gemm-ceiling.ts`) it prints JSON; bench/agent-model.ts
 * puts the same figures in bench/results/agent.json.
 */
import * as tf from "@tensorflow/tfjs";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { loadavg } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { selectBackend } from "../agent/model/backend.js";

const here = path.dirname(fileURLToPath(import.meta.url));

export interface GemmStats {
  median: number;
  min: number;
  max: number;
  reps: number;
}

/** [M, K, N] products of a training step of the bench's model (dModel, dFF, heads, batch × seqLen rows). */
export function stepShapes(s: { dModel: number; dFF: number; nHeads: number; batch: number; seqLen: number }): { what: string; shape: [number, number, number] }[] {
  const rows = s.batch * s.seqLen;
  const dh = s.dModel / s.nHeads;
  return [
    { what: "qkv projection (rows × d × 3d)", shape: [rows, s.dModel, 3 * s.dModel] },
    { what: "MLP up (rows × d × dFF)", shape: [rows, s.dModel, s.dFF] },
    { what: "MLP down (rows × dFF × d)", shape: [rows, s.dFF, s.dModel] },
    { what: "weight gradient of MLP up (d × rows × dFF)", shape: [s.dModel, rows, s.dFF] },
    { what: "attention scores per head (T × dh × T)", shape: [s.seqLen, dh, s.seqLen] },
    { what: "attention-weighted values per head (T × T × dh)", shape: [s.seqLen, s.seqLen, dh] },
  ];
}

function stats(xs: number[]): GemmStats {
  const s = [...xs].sort((a, b) => a - b);
  const r = (x: number) => Math.round(x * 100) / 100;
  return { median: r(s[Math.floor(s.length / 2)]!), min: r(s[0]!), max: r(s.at(-1)!), reps: s.length };
}

/** GFLOP/s of tf.matMul on [M, K] × [K, N], each repetition long enough (minSeconds) to time. */
function tfjsGemm([m, k, n]: [number, number, number], reps: number, minSeconds: number): GemmStats {
  const a = tf.randomNormal([m, k]) as tf.Tensor2D;
  const b = tf.randomNormal([k, n]) as tf.Tensor2D;
  // The wasm backend runs kernels synchronously: the product is done when matMul returns.
  const once = (): void => tf.matMul(a, b).dispose();
  once();
  let t0 = performance.now();
  once();
  const inner = Math.max(1, Math.floor(minSeconds / Math.max(1e-6, (performance.now() - t0) / 1000)));
  const rates: number[] = [];
  for (let r = 0; r < reps; r++) {
    t0 = performance.now();
    for (let i = 0; i < inner; i++) once();
    rates.push((2 * m * k * n * inner) / ((performance.now() - t0) / 1000) / 1e9);
  }
  tf.dispose([a, b]);
  return stats(rates);
}

function torchGemm(shapes: [number, number, number][], reps: number, minSeconds: number): Promise<Record<string, unknown>> {
  const python = "/usr/bin/python3";
  const script = path.join(here, "..", "scripts", "torch", "gemm.py");
  if (!existsSync(python)) return Promise.resolve({ unavailable: "pytorch unavailable: /usr/bin/python3 missing" });
  const env: NodeJS.ProcessEnv = { ...process.env, OPENBLAS_NUM_THREADS: "1" };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  return new Promise((resolve) => {
    execFile(python, [script, JSON.stringify({ shapes, reps, minSeconds })], { timeout: 300_000, env }, (err, stdout, stderr) => {
      if (err) {
        const why = /No module named 'torch'/.test(stderr) ? "python3-torch not installed (scripts/torch/setup.sh)" : (stderr || err.message).trim().split("\n").slice(-1)[0];
        resolve({ unavailable: `pytorch unavailable: ${why}` });
        return;
      }
      try {
        resolve(JSON.parse(stdout.trim().split("\n").slice(-1)[0] ?? "") as Record<string, unknown>);
      } catch {
        resolve({ unavailable: "pytorch unavailable: unreadable output" });
      }
    });
  });
}

export async function runGemmCeiling(shape: { dModel: number; dFF: number; nHeads: number; batch: number; seqLen: number }, opts: { reps?: number; minSeconds?: number } = {}): Promise<Record<string, unknown>> {
  const reps = opts.reps ?? 5;
  const minSeconds = opts.minSeconds ?? 0.2;
  const backend = await selectBackend({ prefer: "wasm" });
  const shapes = stepShapes(shape);
  const loadBefore = loadavg().map((x) => Math.round(x * 100) / 100);
  const tfjs = shapes.map((s) => tfjsGemm(s.shape, reps, minSeconds));
  const torch = await torchGemm(
    shapes.map((s) => s.shape),
    reps,
    minSeconds,
  );
  const torchRows = (torch.gemm as { gflops: GemmStats }[] | undefined) ?? [];
  const rows = shapes.map((s, i) => {
    const t = torchRows[i]?.gflops;
    return { what: s.what, shape: s.shape, tfjsGflops: tfjs[i]!, torchGflops: t ?? null, ratio: t ? Math.round((tfjs[i]!.median / t.median) * 100) / 100 : null };
  });
  const ratios = rows.flatMap((r) => (r.ratio === null ? [] : [r.ratio])).sort((a, b) => a - b);
  return {
    what: "single-thread GEMM GFLOP/s, tf.matMul on tfjs-backend-wasm vs torch.mm on PyTorch CPU (1 thread), the same [M, K, N] products in the same run",
    backend,
    rows,
    medianRatio: ratios.length ? ratios[Math.floor(ratios.length / 2)] : null,
    torch: "unavailable" in torch ? torch : { torchVersion: torch.torchVersion, blas: torch.blas },
    loadAverage: { before: loadBefore, after: loadavg().map((x) => Math.round(x * 100) / 100) },
  };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const r = await runGemmCeiling({ dModel: 128, dFF: 512, nHeads: 4, batch: 8, seqLen: 256 }, { reps: 3, minSeconds: 0.1 });
  console.log(JSON.stringify(r, null, 2));
}
