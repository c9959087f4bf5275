import * as tf from "@tensorflow/tfjs";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { selectBackend } from "../../../agent/model/backend.js";
import { ByteTokenizer } from "../../../agent/model/tokenizer.js";
import { TransformerLM } from "../../../agent/model/transformer.js";
import { DataParallelTrainer, liveSftWorkers, shardRows } from "../../../agent/train/data-parallel.js";
import { lengthBuckets, makeBatch, tokenizeExamples, type ChatExample } from "../../../agent/train/dataset.js";
import { runSft, type StepMetrics } from "../../../agent/train/sft.js";

const tok = new ByteTokenizer();
const tiny = { dModel: 32, nLayers: 2, nHeads: 2, dFF: 64, maxSeqLen: 64 };
const words = ["Up", "Down", "Left", "Right", "Wait", "Push box", "Go north", "Take key"];
const data: ChatExample[] = words.map((w, i) => ({
  messages: [{ role: "user", content: `grid ${"#".repeat(i + 1)} ${String.fromCharCode(65 + i)}` }, { role: "assistant", content: w }],
}));
let dir: string;

beforeAll(async () => {
  await selectBackend({ prefer: "wasm" });
  dir = mkdtempSync(path.join(tmpdir(), "dynamind-dp-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const trainLosses = (h: { kind: string }[]): number[] => h.filter((m): m is StepMetrics => m.kind === "train").map((m) => m.loss);

describe("shardRows", () => {
  it("splits a batch into shards of similar token counts, deterministically, keeping batch order", () => {
    const { examples } = tokenizeExamples(data, tok, 64);
    const idx = [0, 1, 2, 3, 4, 5, 6, 7];
    const shards = shardRows(examples, idx, 2);
    expect(shards.flat().sort()).toEqual(idx);
    const load = shards.map((s) => s.reduce((n, i) => n + (examples[i]?.ids.length ?? 0) - 1, 0));
    expect(Math.abs((load[0] as number) - (load[1] as number))).toBeLessThanOrEqual(Math.max(...examples.map((e) => e.ids.length)));
    for (const s of shards) expect([...s].sort((a, b) => a - b)).toEqual(s);
    expect(shardRows(examples, idx, 2)).toEqual(shards);
    expect(shardRows(examples, [3], 2)).toEqual([[3], []]);
  });
});

describe("DataParallelTrainer", () => {
  it("gives the single-thread loss and gradients of a batch, up to float rounding", async () => {
    const model = new TransformerLM({ ...tiny, vocabSize: tok.vocabSize }, { seed: 5 });
    const { examples } = tokenizeExamples(data, tok, 64);
    const idx = lengthBuckets(examples, 8)[0] as number[];
    const b = makeBatch(examples, idx, tok.pad);
    const vars = [...model.params.values()];
    const { value, grads } = tf.variableGrads(() => model.maskedLoss(b.ids, b.targets, b.weights, true), vars);
    const dp = await DataParallelTrainer.start(model, { replicas: 2 });
    try {
      const r = await dp.step(examples, idx, tok.pad);
      expect(r.shardLossTokens.every((n) => n > 0)).toBe(true);
      expect(r.lossTokens).toBe(b.lossTokens);
      expect(r.loss).toBeCloseTo((await value.data())[0] as number, 5);
      for (const [i, name] of [...model.params.keys()].entries()) {
        const want = await (grads[vars[i]!.name] as tf.Tensor).data();
        const got = await (r.grads.get(name) as tf.Tensor).data();
        let max = 0;
        let scale = 0;
        for (let j = 0; j < want.length; j++) {
          max = Math.max(max, Math.abs((want[j] as number) - (got[j] as number)));
          scale = Math.max(scale, Math.abs(want[j] as number));
        }
        expect(max, name).toBeLessThanOrEqual(1e-5 + 1e-4 * scale);
      }
      tf.dispose([...r.grads.values()]);
    } finally {
      await dp.close();
      tf.dispose([value, ...Object.values(grads), b.ids, b.targets, b.weights]);
      model.dispose();
    }
    expect(liveSftWorkers()).toBe(0);
  });

  it("reports a worker that dies as a clear error, and closes the rest", async () => {
    const model = new TransformerLM({ ...tiny, vocabSize: tok.vocabSize });
    const { examples } = tokenizeExamples(data, tok, 64);
    const dp = await DataParallelTrainer.start(model, { replicas: 3 });
    try {
      await dp.step(examples, [0, 1, 2, 3], tok.pad);
      dp.workers[1]!.postMessage({ type: "exit", code: 7 });
      await expect(dp.step(examples, [0, 1, 2, 3], tok.pad)).rejects.toThrow(/SFT worker 2 exited unexpectedly \(exit code 7\)/);
    } finally {
      await dp.close();
      model.dispose();
    }
    expect(liveSftWorkers()).toBe(0);
  });
});

describe("runSft with workers", () => {
  const base = { train: data, eval: [], model: tiny, batchSize: 8, lr: 3e-3, warmupSteps: 2, evalEvery: 0, progress: false, seed: 1 };

  it("2 workers follow the 1-worker loss trajectory within float tolerance, and repeat themselves exactly", async () => {
    const one = await runSft({ ...base, outDir: path.join(dir, "w1"), steps: 12, checkpointEvery: 0, workers: 1 });
    const two = await runSft({ ...base, outDir: path.join(dir, "w2"), steps: 12, checkpointEvery: 0, workers: 2 });
    const again = await runSft({ ...base, outDir: path.join(dir, "w2b"), steps: 12, checkpointEvery: 0, workers: 2 });
    const a = trainLosses(one.history);
    const b = trainLosses(two.history);
    expect(b).toHaveLength(12);
    for (let i = 0; i < a.length; i++) expect(Math.abs((a[i] as number) - (b[i] as number)), `step ${i + 1}`).toBeLessThan(2e-3 * Math.max(1, a[i] as number));
    expect(a.at(-1)).toBeLessThan((a[0] as number) * 0.85);
    expect(trainLosses(again.history)).toEqual(b);
    expect(liveSftWorkers()).toBe(0);
    for (const r of [one, two, again]) r.model.dispose();
  });

  it("with --position-shift, 2 workers use the same per-step offsets as 1 (same losses), which differ from no shift", async () => {
    const shifted = { ...base, model: { ...tiny, maxSeqLen: 96 }, steps: 4, checkpointEvery: 0, positionShift: true };
    const one = await runSft({ ...shifted, outDir: path.join(dir, "s1"), workers: 1 });
    const two = await runSft({ ...shifted, outDir: path.join(dir, "s2"), workers: 2 });
    const plain = await runSft({ ...shifted, positionShift: false, outDir: path.join(dir, "s0"), workers: 1 });
    const a = trainLosses(one.history);
    const b = trainLosses(two.history);
    for (let i = 0; i < a.length; i++) expect(Math.abs((a[i] as number) - (b[i] as number)), `step ${i + 1}`).toBeLessThan(2e-3 * Math.max(1, a[i] as number));
    expect(trainLosses(plain.history)).not.toEqual(a);
    for (const r of [one, two, plain]) r.model.dispose();
  });

  it("resumes from a checkpoint with workers and matches an uninterrupted run", async () => {
    const opts = { ...base, batchSize: 4, workers: 2 };
    const full = await runSft({ ...opts, outDir: path.join(dir, "full"), steps: 8, checkpointEvery: 0 });
    const out = path.join(dir, "resumed");
    const crash = { onCheckpoint: (_d: string, step: number) => { if (step === 4) throw new Error("killed"); } };
    await expect(runSft({ ...opts, outDir: out, steps: 8, checkpointEvery: 4, callbacks: crash })).rejects.toThrow("killed");
    expect(liveSftWorkers()).toBe(0);
    const second = await runSft({ ...opts, outDir: out, steps: 8, checkpointEvery: 0 });
    expect(second.startStep).toBe(4);
    expect(trainLosses(second.history)).toEqual(trainLosses(full.history).slice(4));
    expect(liveSftWorkers()).toBe(0);
    full.model.dispose();
    second.model.dispose();
  });

  it("terminates its workers when training fails", async () => {
    const fail = { onStepEnd: (m: StepMetrics) => { if (m.step === 2) throw new Error("stop here"); } };
    await expect(runSft({ ...base, outDir: path.join(dir, "fail"), steps: 5, checkpointEvery: 0, workers: 2, callbacks: fail })).rejects.toThrow("stop here");
    expect(liveSftWorkers()).toBe(0);
  });
});
