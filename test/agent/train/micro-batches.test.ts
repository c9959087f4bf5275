import * as tf from "@tensorflow/tfjs";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { selectBackend } from "../../../agent/model/backend.js";
import { ByteTokenizer } from "../../../agent/model/tokenizer.js";
import { TransformerLM } from "../../../agent/model/transformer.js";
import { batchGradients, explainAbort, flattenGradients, microBatches } from "../../../agent/train/batch-gradients.js";
import { DataParallelTrainer, liveSftWorkers } from "../../../agent/train/data-parallel.js";
import { batchArrays, makeBatch, tokenizeExamples, type ChatExample } from "../../../agent/train/dataset.js";
import { evaluateLoss, runSft, type StepMetrics } from "../../../agent/train/sft.js";

const tok = new ByteTokenizer();
const tiny = { dModel: 32, nLayers: 2, nHeads: 2, dFF: 64, maxSeqLen: 64 };
// Rows of different lengths and different numbers of response tokens, so an unweighted
// mean of the passes' losses would differ from the batch's mean.
const data: ChatExample[] = ["Up", "Down", "Left", "Right", "Push the box", "Go north now", "Take key", "Wait"].map((w, i) => ({
  messages: [{ role: "user", content: `grid ${"#".repeat(2 * i + 1)}` }, { role: "assistant", content: w.repeat(1 + (i % 3)) }],
}));
let dir: string;

beforeAll(async () => {
  await selectBackend({ prefer: "wasm" });
  dir = mkdtempSync(path.join(tmpdir(), "dynamind-micro-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function maxRelDiff(want: Float32Array | ArrayLike<number>, got: ArrayLike<number>): number {
  let max = 0;
  let scale = 1e-3;
  for (let j = 0; j < want.length; j++) {
    max = Math.max(max, Math.abs((want[j] as number) - (got[j] as number)));
    scale = Math.max(scale, Math.abs(want[j] as number));
  }
  return max / scale;
}

describe("microBatches", () => {
  it("cuts a padded batch by rows into passes within the budget, keeping every row and the loss tokens", () => {
    const { examples } = tokenizeExamples(data, tok, 64);
    const b = batchArrays(examples, [0, 1, 2, 3, 4, 5, 6, 7], tok.pad);
    const parts = microBatches(b, 3 * b.cols);
    expect(parts.map((p) => p.rows)).toEqual([3, 3, 2]);
    for (const p of parts) expect(p.rows * p.cols).toBeLessThanOrEqual(3 * b.cols);
    expect(parts.reduce((s, p) => s + p.lossTokens, 0)).toBe(b.lossTokens);
    expect(Array.from(parts.flatMap((p) => Array.from(p.ids)))).toEqual(Array.from(b.ids));
    // A batch within the budget is one pass, the batch itself; a row above it is still one pass.
    expect(microBatches(b, b.rows * b.cols)).toEqual([b]);
    expect(microBatches(b, 1).map((p) => p.rows)).toEqual(new Array(8).fill(1));
    expect(() => microBatches(b, 0)).toThrow(/must be positive/);
  });
});

describe("batchGradients", () => {
  it("in passes gives the one-pass loss and gradient of the batch's mean, up to float rounding", async () => {
    const model = new TransformerLM({ ...tiny, vocabSize: tok.vocabSize }, { seed: 3 });
    const vars = [...model.params.values()];
    const { examples } = tokenizeExamples(data, tok, 64);
    const idx = [0, 1, 2, 3, 4, 5, 6, 7];
    const t = makeBatch(examples, idx, tok.pad);
    const { value, grads } = tf.variableGrads(() => model.maskedLoss(t.ids, t.targets, t.weights, true), vars);
    const want = new Float32Array(vars.reduce((s, v) => s + v.size, 0));
    let off = 0;
    for (const v of vars) {
      want.set((await (grads[v.name] as tf.Tensor).data()) as Float32Array, off);
      off += v.size;
    }
    const wantLoss = (await value.data())[0] as number;
    tf.dispose([value, ...Object.values(grads), t.ids, t.targets, t.weights]);

    const b = batchArrays(examples, idx, tok.pad);
    const whole = batchGradients(model, vars, b, 0, 1_000_000);
    expect(whole.passes).toBe(1);
    expect(whole.loss).toBe(wantLoss);
    expect(Array.from(flattenGradients(whole.grads))).toEqual(Array.from(want));

    for (const rowsPerPass of [1, 3]) {
      const parts = batchGradients(model, vars, b, 0, rowsPerPass * b.cols);
      expect(parts.passes).toBe(Math.ceil(8 / rowsPerPass));
      expect(parts.loss).toBeCloseTo(wantLoss, 5);
      expect(maxRelDiff(want, flattenGradients(parts.grads)), `${rowsPerPass} rows per pass`).toBeLessThan(1e-4);
    }
    // Held-out loss in passes: the same mean over the loss tokens.
    const one = await evaluateLoss(model, examples, [idx], tok.pad, 1_000_000);
    const split = await evaluateLoss(model, examples, [idx], tok.pad, 2 * b.cols);
    expect(split.tokens).toBe(one.tokens);
    expect(split.loss).toBeCloseTo(one.loss, 5);
    model.dispose();
  });

  it("data-parallel replicas take the budget, and in passes still give the batch's gradient", async () => {
    const model = new TransformerLM({ ...tiny, vocabSize: tok.vocabSize }, { seed: 4 });
    const vars = [...model.params.values()];
    const { examples } = tokenizeExamples(data, tok, 64);
    const idx = [0, 1, 2, 3, 4, 5, 6, 7];
    const b = batchArrays(examples, idx, tok.pad);
    const one = batchGradients(model, vars, b, 0, 1_000_000);
    const want = { loss: one.loss, grads: flattenGradients(one.grads) };
    const dp = await DataParallelTrainer.start(model, { replicas: 2, microBatchTokens: b.cols });
    try {
      const r = await dp.step(examples, idx, tok.pad);
      expect(r.loss).toBeCloseTo(want.loss, 5);
      const got = new Float32Array(want.grads.length);
      let off = 0;
      for (const name of model.params.keys()) {
        const g = r.grads.get(name) as tf.Tensor;
        got.set((await g.data()) as Float32Array, off);
        off += g.size;
      }
      expect(maxRelDiff(want.grads, got)).toBeLessThan(1e-4);
      tf.dispose([...r.grads.values()]);
    } finally {
      await dp.close();
    }
    // The budget reaches the worker threads: with no main-thread shard, only a worker can refuse this one.
    const bad = await DataParallelTrainer.start(model, { replicas: 2, mainShard: false, microBatchTokens: 0 });
    try {
      await expect(bad.step(examples, idx, tok.pad)).rejects.toThrow(/micro-batch tokens must be positive/);
    } finally {
      await bad.close();
      model.dispose();
    }
    expect(liveSftWorkers()).toBe(0);
  });
});

describe("runSft --micro-batch-tokens", () => {
  const base = { train: data, eval: data.slice(0, 3), model: tiny, batchSize: 8, lr: 3e-3, warmupSteps: 2, evalEvery: 0, checkpointEvery: 0, progress: false, seed: 2, workers: 1, steps: 8 };
  const losses = (h: { kind: string }[]): number[] => h.filter((m): m is StepMetrics => m.kind === "train").map((m) => m.loss);

  it("trains the same run in passes of one row as in one pass, within float tolerance", async () => {
    const one = await runSft({ ...base, outDir: path.join(dir, "one") });
    const rows = await runSft({ ...base, outDir: path.join(dir, "rows"), microBatchTokens: 1 });
    const a = losses(one.history);
    const b = losses(rows.history);
    expect(b).toHaveLength(8);
    for (let i = 0; i < a.length; i++) expect(Math.abs((a[i] as number) - (b[i] as number)), `step ${i + 1}`).toBeLessThan(2e-3 * Math.max(1, a[i] as number));
    expect(a.at(-1)).toBeLessThan((a[0] as number) * 0.9);
    one.model.dispose();
    rows.model.dispose();
  });

  it("refuses a budget that is not a positive integer", async () => {
    await expect(runSft({ ...base, outDir: path.join(dir, "bad"), microBatchTokens: 0 })).rejects.toThrow(/micro-batch tokens must be a positive integer, got 0/);
    await expect(runSft({ ...base, outDir: path.join(dir, "bad2"), microBatchTokens: 2.5 })).rejects.toThrow(/positive integer/);
  });
});

describe("explainAbort", () => {
  it("turns a backend's bare abort into its likely cause and remedy, and leaves other errors alone", () => {
    const e = explainAbort(new Error("Aborted(). Build with -sASSERTIONS for more info."), 46, 8192) as Error;
    expect(e.message).toMatch(/aborted at step 46 \(most likely out of memory.*lower --micro-batch-tokens \(now 8192\)/);
    const other = new Error("loss became NaN");
    expect(explainAbort(other, 3, 8192)).toBe(other);
  });
});
