/**
 * The native CPU backend (tfjs-node, built by scripts/tfjs-native/setup.sh) computes the
 * training step's loss and gradients as wasm does, and takes one batched attention product.
 * Skipped, with a message, where the package or its binding is not installed (CI, fresh clones).
 */
import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { selectBackend } from "../../../agent/model/backend.js";
import { TransformerLM } from "../../../agent/model/transformer.js";

// A variable specifier: the package is optional, so neither tsc nor vite may resolve it ahead of time.
const NATIVE_PACKAGE = "@tensorflow/tfjs-node";
const native = await import(/* @vite-ignore */ NATIVE_PACKAGE).then(
  () => true,
  (err: unknown) => {
    console.warn(`skipping the native-backend test: @tensorflow/tfjs-node does not load (${String((err as Error).message).split("\n")[0]}); scripts/tfjs-native/setup.sh installs it`);
    return false;
  },
);

beforeAll(async () => {
  await selectBackend({ prefer: "wasm" });
});
afterAll(async () => {
  await tf.setBackend("wasm");
});

/** Loss and gradients of one masked-loss step, read back to plain arrays. */
function lossAndGrads(m: TransformerLM, ids: number[], targets: number[], shape: [number, number]): { loss: number; grads: Map<string, Float32Array> } {
  let out: { loss: number; grads: Map<string, Float32Array> } | undefined;
  tf.tidy(() => {
    const vars = [...m.params.values()];
    const r = tf.variableGrads(
      () => m.maskedLoss(tf.tensor2d(ids, shape, "int32"), tf.tensor2d(targets, shape, "int32"), tf.ones(shape) as tf.Tensor2D, true),
      vars,
    );
    const grads = new Map([...m.params].map(([name, v]) => [name, (r.grads[v.name] as tf.Tensor).dataSync() as Float32Array]));
    out = { loss: r.value.dataSync()[0] as number, grads };
  });
  return out!;
}

describe.skipIf(!native)("the native CPU backend (tfjs-node)", () => {
  it("gives wasm's loss and gradients for a training step, with one BatchMatMul per attention product", async () => {
    const shape: [number, number] = [3, 12];
    const ids = Array.from({ length: 36 }, (_, i) => (i * 7) % 40);
    const targets = Array.from({ length: 36 }, (_, i) => (i * 11 + 3) % 40);
    const m = new TransformerLM({ vocabSize: 40, dModel: 32, nLayers: 2, nHeads: 4, dFF: 64, maxSeqLen: 16, initStd: 0.3 }, { seed: 9 });
    const onWasm = lossAndGrads(m, ids, targets, shape);
    expect(await tf.setBackend("tensorflow")).toBe(true);
    const onNative = lossAndGrads(m, ids, targets, shape);
    expect(onNative.loss).toBeCloseTo(onWasm.loss, 4);
    for (const [name, want] of onWasm.grads) {
      const got = onNative.grads.get(name)!;
      let diff = 0;
      let scale = 0;
      for (let i = 0; i < want.length; i++) {
        diff = Math.max(diff, Math.abs(got[i]! - want[i]!));
        scale = Math.max(scale, Math.abs(want[i]!));
      }
      expect(diff, name).toBeLessThanOrEqual(1e-6 + 1e-3 * scale);
    }
    // Forward pass: per layer, one product for the scores and one for the weighted values (no per-head slices).
    const profile = await tf.profile(() => m.maskedLoss(tf.tensor2d(ids, shape, "int32"), tf.tensor2d(targets, shape, "int32"), tf.ones(shape) as tf.Tensor2D, true));
    const batched = profile.kernels.filter((k) => k.name === "BatchMatMul" && k.inputShapes[0]?.length === 4);
    expect(batched).toHaveLength(2 * 2);
    m.dispose();
  });
});
