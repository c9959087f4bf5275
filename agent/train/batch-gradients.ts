/**
 * The gradient of one batch's mean loss, computed in micro-batches when the batch
 * is too large for one forward and backward pass.
 *
 * A pass keeps every intermediate tensor until its gradients are taken, and the
 * attention scores alone are rows × heads × length² floats per layer. Critique
 * examples of ~460 tokens in batches of 23 rows aborted tensorflow.js's wasm
 * backend (its heap stops at 4 GiB) where batches of 8,900 tokens ran. Rows are
 * independent, so the batch is cut by rows into passes of at most
 * `microBatchTokens` padded tokens and their gradients summed, each weighted by its
 * share of the batch's loss tokens: the gradient of the whole batch's mean loss, as
 * one pass computes it, up to float rounding. A batch that fits is one pass,
 * exactly as before.
 */
import * as tf from "@tensorflow/tfjs";
import type { TransformerLM } from "../model/transformer.js";
import type { PaddedRows } from "./dataset.js";

/** Padded tokens per pass by default: batches of 8,878 tokens (386-token rows) ran on the wasm backend; 10,557 (459-token rows) aborted it. */
export const DEFAULT_MICRO_BATCH_TOKENS = 8192;

/**
 * Consecutive row ranges of a padded batch, each of at most `budget` padded tokens
 * (at least one row each, so a row longer than the budget is still one pass).
 */
export function microBatches(b: PaddedRows, budget: number): PaddedRows[] {
  if (!(budget > 0)) throw new Error(`micro-batch tokens must be positive, got ${budget}`);
  const per = Math.max(1, Math.floor(budget / Math.max(1, b.cols)));
  if (per >= b.rows) return [b];
  const out: PaddedRows[] = [];
  for (let r0 = 0; r0 < b.rows; r0 += per) {
    const rows = Math.min(per, b.rows - r0);
    const from = r0 * b.cols;
    const to = from + rows * b.cols;
    const mask = b.mask.subarray(from, to);
    let lossTokens = 0;
    for (let i = 0; i < mask.length; i++) lossTokens += mask[i] as number;
    out.push({ ids: b.ids.subarray(from, to), targets: b.targets.subarray(from, to), mask, rows, cols: b.cols, lossTokens });
  }
  return out;
}

/** One pass: the mean loss of `b` and its gradient per variable, in `vars` order (the caller disposes them). */
function passGradients(model: TransformerLM, vars: readonly tf.Variable[], b: PaddedRows, positionOffset: number): { loss: number; grads: tf.Tensor[] } {
  const ids = tf.tensor2d(b.ids, [b.rows, b.cols], "int32");
  const targets = tf.tensor2d(b.targets, [b.rows, b.cols], "int32");
  const mask = tf.tensor2d(b.mask, [b.rows, b.cols], "float32");
  try {
    const { value, grads } = tf.variableGrads(() => model.maskedLoss(ids, targets, mask, true, positionOffset), vars as tf.Variable[]);
    const loss = value.dataSync()[0] as number;
    value.dispose();
    // A variable the loss does not reach gets a zero gradient.
    return { loss, grads: vars.map((v) => grads[v.name] ?? tf.zerosLike(v)) };
  } finally {
    tf.dispose([ids, targets, mask]);
  }
}

/**
 * The mean loss of a padded batch over its loss tokens and that loss's gradient per
 * variable (tensors in `vars` order, which the caller disposes), in passes of at most
 * `microBatchTokens` padded tokens. The gradients stay on the backend: one pass hands
 * over the tensors autodiff made, and passes are summed there.
 */
export function batchGradients(
  model: TransformerLM,
  vars: readonly tf.Variable[],
  b: PaddedRows,
  positionOffset = 0,
  microBatchTokens = DEFAULT_MICRO_BATCH_TOKENS,
): { loss: number; grads: tf.Tensor[]; passes: number } {
  const parts = microBatches(b, microBatchTokens);
  if (parts.length === 1 || b.lossTokens <= 0) return { ...passGradients(model, vars, b, positionOffset), passes: 1 };
  let sum: tf.Tensor[] | undefined;
  let loss = 0;
  let passes = 0;
  for (const part of parts) {
    if (part.lossTokens <= 0) continue;
    const r = passGradients(model, vars, part, positionOffset);
    passes++;
    const w = part.lossTokens / b.lossTokens;
    const prev = sum;
    sum = r.grads.map((g, i) => tf.tidy(() => (prev ? prev[i]!.add(g.mul(w)) : g.mul(w))));
    tf.dispose([...r.grads, ...(prev ?? [])]);
    loss += w * r.loss;
  }
  return { loss, grads: sum ?? vars.map((v) => tf.zerosLike(v)), passes };
}

/** Gradients flattened into one Float32Array in their order (for a worker thread's reply); disposes them. */
export function flattenGradients(grads: readonly tf.Tensor[]): Float32Array {
  const flat = new Float32Array(grads.reduce((s, g) => s + g.size, 0));
  let off = 0;
  for (const g of grads) {
    flat.set(g.dataSync() as Float32Array, off);
    off += g.size;
  }
  tf.dispose([...grads]);
  return flat;
}

/** Flat gradients back into tensors by weight name (the caller disposes them). */
export function gradientTensors(flat: Float32Array, vars: readonly tf.Variable[], names: readonly string[]): Map<string, tf.Tensor> {
  const out = new Map<string, tf.Tensor>();
  let off = 0;
  vars.forEach((v, i) => {
    out.set(names[i] as string, tf.tensor(flat.subarray(off, off + v.size), v.shape, "float32"));
    off += v.size;
  });
  return out;
}

/**
 * A backend that aborts (wasm's "Aborted()", most often its 4 GiB heap running out)
 * cannot go on, and its message names neither the cause nor the remedy.
 */
export function explainAbort(err: unknown, step: number, microBatchTokens: number): unknown {
  const message = (err as Error)?.message ?? String(err);
  if (!/Aborted\(/.test(message)) return err;
  return new Error(
    `the tensorflow.js backend aborted at step ${step} (most likely out of memory: wasm's heap stops at 4 GiB); ` +
      `lower --micro-batch-tokens (now ${microBatchTokens}) to compute each batch in smaller passes, and resume from the last checkpoint`,
  );
}
