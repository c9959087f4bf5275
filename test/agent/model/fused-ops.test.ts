/**
 * The training path's fused ops (linear2d, affineRows, sigmoid-form GELU, JS
 * transposes in the attention products) compute the same function and the same
 * gradients as the plain formulas they replaced, up to float rounding.
 */
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { selectBackend } from "../../../agent/model/backend.js";
import { batchedMatMul } from "../../../agent/model/ops.js";
import { TransformerLM } from "../../../agent/model/transformer.js";

beforeAll(async () => {
  await selectBackend({ prefer: "wasm" });
});

/** The model's forward pass as it was written before the fused ops: plain tf ops only. */
function referenceLoss(m: TransformerLM, ids: tf.Tensor2D, targets: tf.Tensor2D, weights: tf.Tensor2D): tf.Scalar {
  const c = m.config;
  const p = (n: string): tf.Tensor => m.params.get(n) as tf.Tensor;
  const [B, T] = ids.shape;
  const H = c.nHeads;
  const dh = c.dModel / H;
  const ln = (x: tf.Tensor, pre: string): tf.Tensor => {
    const { mean, variance } = tf.moments(x, -1, true);
    return x.sub(mean).mul(tf.rsqrt(variance.add(1e-5))).mul(p(`${pre}.g`)).add(p(`${pre}.b`));
  };
  const lin = (x: tf.Tensor, pre: string): tf.Tensor => tf.matMul(x as tf.Tensor2D, p(`${pre}.w`) as tf.Tensor2D).add(p(`${pre}.b`));
  const gelu = (x: tf.Tensor): tf.Tensor => x.mul(tf.tanh(x.add(x.mul(x).mul(x).mul(0.044715)).mul(Math.sqrt(2 / Math.PI))).add(1)).mul(0.5);
  const onehot = tf.oneHot(ids.reshape([B * T]) as tf.Tensor1D, c.vocabSize).cast("float32");
  let x: tf.Tensor = tf.matMul(onehot as tf.Tensor2D, p("tok_emb") as tf.Tensor2D).reshape([B, T, c.dModel]).add(tf.slice(p("pos_emb"), [0, 0], [T, c.dModel])).reshape([B * T, c.dModel]);
  const mask = TransformerLM.causalMask(T);
  for (let l = 0; l < c.nLayers; l++) {
    const qkv = lin(ln(x, `h.${l}.ln1`), `h.${l}.attn.qkv`).reshape([B, T, 3 * H, dh]).transpose([0, 2, 1, 3]);
    const [q, k, v] = tf.split(qkv, 3, 1) as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D];
    const att = tf.softmax(tf.matMul(q.mul(1 / Math.sqrt(dh)) as tf.Tensor4D, k, false, true).add(mask));
    const y = tf.matMul(att as tf.Tensor4D, v).transpose([0, 2, 1, 3]).reshape([B * T, c.dModel]);
    x = x.add(lin(y, `h.${l}.attn.proj`));
    x = x.add(lin(gelu(lin(ln(x, `h.${l}.ln2`), `h.${l}.mlp.fc`)), `h.${l}.mlp.proj`));
  }
  const logits = tf.matMul(ln(x, "ln_f") as tf.Tensor2D, p("tok_emb") as tf.Tensor2D, false, true).reshape([B, T, c.vocabSize]);
  const lp = tf.logSoftmax(logits).mul(tf.oneHot(targets, c.vocabSize).cast("float32")).sum(-1);
  return lp.mul(weights).sum().neg().div(tf.maximum(weights.sum(), 1)) as tf.Scalar;
}

describe("fused training ops", () => {
  it("give the loss and gradients of the plain formulas", async () => {
    const m = new TransformerLM({ vocabSize: 40, dModel: 32, nLayers: 2, nHeads: 4, dFF: 64, maxSeqLen: 16, initStd: 0.3 }, { seed: 9 });
    // Larger weights than the default initialisation, so GELU and LayerNorm work away from their linear regions.
    for (const [name, v] of m.params) if (name.endsWith(".b") || name.endsWith(".g")) v.assign(tf.randomNormal(v.shape, name.endsWith(".g") ? 1 : 0, 0.5, "float32", 3));
    const ids = tf.tensor2d(Array.from({ length: 3 * 12 }, (_, i) => (i * 7) % 40), [3, 12], "int32");
    const targets = tf.tensor2d(Array.from({ length: 3 * 12 }, (_, i) => (i * 11 + 3) % 40), [3, 12], "int32");
    const weights = tf.tensor2d(Array.from({ length: 3 * 12 }, (_, i) => (i % 5 === 0 ? 0 : 1)), [3, 12]);
    const vars = [...m.params.values()];
    const got = tf.variableGrads(() => m.maskedLoss(ids, targets, weights, true), vars);
    const want = tf.variableGrads(() => referenceLoss(m, ids, targets, weights), vars);
    expect((await got.value.data())[0]).toBeCloseTo((await want.value.data())[0] as number, 5);
    for (const [name, v] of m.params) {
      const a = await (got.grads[v.name] as tf.Tensor).data();
      const b = await (want.grads[v.name] as tf.Tensor).data();
      let diff = 0;
      let scale = 0;
      for (let i = 0; i < a.length; i++) {
        diff = Math.max(diff, Math.abs((a[i] as number) - (b[i] as number)));
        scale = Math.max(scale, Math.abs(b[i] as number));
      }
      expect(scale, name).toBeGreaterThan(0);
      expect(diff, name).toBeLessThanOrEqual(1e-6 + 1e-4 * scale);
    }
    tf.dispose([ids, targets, weights, got.value, want.value, ...Object.values(got.grads), ...Object.values(want.grads)]);
    m.dispose();
  });
});

describe("batchedMatMul on a backend other than wasm", () => {
  it("takes the plain batched product, equal in value and gradients to the sliced wasm path", async () => {
    const a = tf.randomNormal([2, 3, 5, 4], 0, 1, "float32", 1);
    const b = tf.randomNormal([2, 3, 4, 6], 0, 1, "float32", 2);
    const dy = tf.randomNormal([2, 3, 5, 6], 0, 1, "float32", 3);
    const run = (): { y: Float32Array; ga: Float32Array; gb: Float32Array } => {
      const g = tf.grads((x: tf.Tensor, w: tf.Tensor) => batchedMatMul(x, w));
      const y = batchedMatMul(a, b).dataSync() as Float32Array;
      const [ga, gb] = g([a, b], dy);
      return { y, ga: ga!.dataSync() as Float32Array, gb: gb!.dataSync() as Float32Array };
    };
    // The sliced path reads its operands back (dataSync) to cut them; the plain one never does.
    const reads = (): number => {
      const spy = vi.spyOn(tf.Tensor.prototype, "dataSync");
      try {
        batchedMatMul(a, b).dispose();
        return spy.mock.calls.length;
      } finally {
        spy.mockRestore();
      }
    };
    const sliced = run();
    expect(reads()).toBeGreaterThan(0);
    await tf.setBackend("cpu");
    try {
      const plain = run();
      expect(reads()).toBe(0);
      for (const key of ["y", "ga", "gb"] as const) {
        const p = plain[key];
        const s = sliced[key];
        expect(p.length).toBe(s.length);
        for (let i = 0; i < p.length; i++) expect(p[i]).toBeCloseTo(s[i]!, 4);
      }
    } finally {
      await tf.setBackend("wasm");
    }
  });
});
