/**
 * Random position offsets in training (SftOptions.positionShift): a forward pass at
 * offset k is the same as one with explicit positions k…k+T−1, the offset keeps the
 * batch inside the position table and is the same for the same (seed, step), and the
 * rows of the table beyond every training example get gradients (without the shift
 * they never train, which is why 8×8 prompts broke a model trained on 6×6 ones).
 */
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { selectBackend } from "../../../agent/model/backend.js";
import { ByteTokenizer } from "../../../agent/model/tokenizer.js";
import { TransformerLM } from "../../../agent/model/transformer.js";
import { positionOffsetFor, tokenizeExamples, type ChatExample } from "../../../agent/train/dataset.js";

const tok = new ByteTokenizer();
const tiny = { vocabSize: tok.vocabSize, dModel: 32, nLayers: 1, nHeads: 2, dFF: 64, maxSeqLen: 48 };

beforeAll(async () => {
  await selectBackend({ prefer: "wasm" });
});

describe("position shift", () => {
  it("a forward pass at offset k equals one with explicit positions k..k+T-1", () => {
    const model = new TransformerLM(tiny, { seed: 3 });
    const ids = tf.tensor2d([[5, 9, 2, 7], [1, 1, 4, 8]], [2, 4], "int32");
    const positions = tf.tensor2d([[10, 11, 12, 13], [10, 11, 12, 13]], [2, 4], "int32");
    const a = model.forward(ids, { positionOffset: 10 }).logits;
    const b = model.forward(ids, { positions }).logits;
    const c = model.forward(ids).logits;
    expect(tf.max(tf.abs(a.sub(b))).dataSync()[0]).toBeLessThan(1e-5);
    expect(tf.max(tf.abs(a.sub(c))).dataSync()[0]).toBeGreaterThan(1e-4);
    expect(() => model.forward(ids, { positionOffset: 45 })).toThrow(/at position offset 45 exceeds maxSeqLen 48/);
    expect(() => model.forward(ids, { positionOffset: -1 })).toThrow(/non-negative integer/);
    tf.dispose([ids, positions, a, b, c]);
    model.dispose();
  });

  it("trains rows of the position table that no example reaches at offset 0", () => {
    const model = new TransformerLM(tiny, { seed: 3 });
    const ids = tf.tensor2d([[5, 9, 2, 7]], [1, 4], "int32");
    const targets = tf.tensor2d([[9, 2, 7, 3]], [1, 4], "int32");
    const weights = tf.ones([1, 4]) as tf.Tensor2D;
    const posGrad = (offset: number): Float32Array => {
      const pos = [...model.params.entries()].find(([k]) => k === "pos_emb")![1];
      const { value, grads } = tf.variableGrads(() => model.maskedLoss(ids, targets, weights, true, offset), [pos as tf.Variable]);
      const g = Object.values(grads)[0]!.dataSync() as Float32Array;
      tf.dispose([value, ...Object.values(grads)]);
      return g;
    };
    const rowNorm = (g: Float32Array, row: number): number => Math.hypot(...g.subarray(row * tiny.dModel, (row + 1) * tiny.dModel));
    const plain = posGrad(0);
    const shifted = posGrad(20);
    expect(rowNorm(plain, 21)).toBe(0);
    expect(rowNorm(shifted, 21)).toBeGreaterThan(0);
    expect(rowNorm(shifted, 1)).toBe(0);
    tf.dispose([ids, targets, weights]);
    model.dispose();
  });

  it("draws offsets that keep the batch inside the table, the same for the same seed and step", () => {
    const examples: ChatExample[] = [
      { messages: [{ role: "user", content: "##P_##" }, { role: "assistant", content: "Up" }] },
      { messages: [{ role: "user", content: "#X" }, { role: "assistant", content: "Left" }] },
    ];
    const tokenized = tokenizeExamples(examples, tok, 48).examples;
    const cols = Math.max(...tokenized.map((e) => e.ids.length - 1));
    const offsets = Array.from({ length: 200 }, (_, step) => positionOffsetFor(tokenized, [0, 1], 48, step, 7));
    for (const o of offsets) {
      expect(Number.isInteger(o)).toBe(true);
      expect(o).toBeGreaterThanOrEqual(0);
      expect(o + cols).toBeLessThanOrEqual(48);
    }
    expect(new Set(offsets).size).toBeGreaterThan(10);
    expect(offsets.some((o) => o + cols === 48)).toBe(true);
    expect(positionOffsetFor(tokenized, [0, 1], 48, 5, 7)).toBe(offsets[5]);
    expect(positionOffsetFor(tokenized, [0, 1], cols, 5, 7)).toBe(0);
  });
});
