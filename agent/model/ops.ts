/**
 * Matrix products that stay on tfjs-backend-wasm's fast path.
 *
 * The wasm BatchMatMul kernel is only fast (XNNPACK, ≈14 GFLOP/s on one core
 * here) for a single, untransposed 2-D product; with a transpose flag or a
 * batch dimension it falls back to a loop at ≈0.6–1 GFLOP/s — and autodiff of
 * `tf.matMul` produces exactly those transposed products. These helpers
 * transpose explicitly (cheap) and split batches into 2-D products, with
 * custom gradients built from the same fast products. Results equal
 * `tf.matMul` up to float rounding; on other backends the 2-D helpers are
 * merely equivalent, and batched products skip the slicing (see batchedMatMul).
 */
import * as tf from "@tensorflow/tfjs";

/** a [M, K] × b [K, N] with a fast-path gradient. */
type GradFn = Parameters<typeof tf.customGrad>[0];

export const matMul2d = tf.customGrad(((a: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => {
  save([a, b]);
  return {
    value: tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sa, sb] = saved as [tf.Tensor2D, tf.Tensor2D];
      return [tf.matMul(dy as tf.Tensor2D, sb.transpose()), tf.matMul(sa.transpose(), dy as tf.Tensor2D)];
    },
  };
}) as unknown as GradFn) as unknown as (a: tf.Tensor2D, b: tf.Tensor2D) => tf.Tensor2D;

/**
 * x [M, K] × w [K, N] + b [N] with a fast-path gradient. The bias gradient is
 * the product ones [1, M] × dy (one fast 2-D product) instead of the Sum over
 * axis 0 that broadcasting `add` differentiates to, which wasm runs as a
 * transpose plus a reduction (≈30× slower for [2048, 128]).
 */
export const linear2d = tf.customGrad(((x: tf.Tensor, w: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => {
  save([x, w]);
  return {
    value: tf.matMul(x as tf.Tensor2D, w as tf.Tensor2D).add(b),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sx, sw] = saved as [tf.Tensor2D, tf.Tensor2D];
      const d = dy as tf.Tensor2D;
      return [tf.matMul(d, sw.transpose()), tf.matMul(sx.transpose(), d), columnSums(d)];
    },
  };
}) as unknown as GradFn) as unknown as (x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D) => tf.Tensor2D;

/**
 * xhat [M, D] · g [D] + b [D] (LayerNorm's affine part) with the same
 * fast-path column sums for the gradients of g and b.
 */
export const affineRows = tf.customGrad(((xhat: tf.Tensor, g: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => {
  save([xhat, g]);
  return {
    value: xhat.mul(g).add(b),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sx, sg] = saved as [tf.Tensor2D, tf.Tensor1D];
      const d = dy as tf.Tensor2D;
      return [d.mul(sg), columnSums(d.mul(sx) as tf.Tensor2D), columnSums(d)];
    },
  };
}) as unknown as GradFn) as unknown as (xhat: tf.Tensor2D, g: tf.Tensor1D, b: tf.Tensor1D) => tf.Tensor2D;

/** Sum over rows of [M, N] as ones [1, M] × x: one fast product. */
function columnSums(x: tf.Tensor2D): tf.Tensor1D {
  const [m, n] = x.shape;
  return tf.matMul(tf.ones([1, m]), x).reshape([n]);
}

/** Row-major [rows, cols] → [cols, rows] in JS (wasm's Transpose costs ≈10–70 ns per element; this ≈1–2). */
function transposeInto(src: Float32Array, rows: number, cols: number, dst: Float32Array): Float32Array {
  const B = 32;
  for (let r0 = 0; r0 < rows; r0 += B) {
    const r1 = Math.min(rows, r0 + B);
    for (let c0 = 0; c0 < cols; c0 += B) {
      const c1 = Math.min(cols, c0 + B);
      for (let r = r0; r < r1; r++) for (let c = c0; c < c1; c++) dst[c * rows + r] = src[r * cols + c] as number;
    }
  }
  return dst;
}

/**
 * n independent 2-D products. The slices go through JS typed arrays because
 * wasm's Slice/Unpack/SplitV kernels copy at ≈100 ns per element — slower than
 * the products themselves — while a typed-array subarray is free.
 */
function sliceProducts(a: tf.Tensor3D, b: tf.Tensor3D, ta: boolean, tb: boolean): tf.Tensor3D {
  const [n, a1, a2] = a.shape;
  const [, b1, b2] = b.shape;
  const m = ta ? a2 : a1;
  const p = tb ? b1 : b2;
  const ad = a.dataSync() as Float32Array;
  const bd = b.dataSync() as Float32Array;
  const out = new Float32Array(n * m * p);
  const at = ta ? new Float32Array(a1 * a2) : undefined;
  const bt = tb ? new Float32Array(b1 * b2) : undefined;
  for (let i = 0; i < n; i++) {
    const r = tf.tidy(() => {
      const as = ad.subarray(i * a1 * a2, (i + 1) * a1 * a2);
      const bs = bd.subarray(i * b1 * b2, (i + 1) * b1 * b2);
      const ai = at ? tf.tensor2d(transposeInto(as, a1, a2, at), [a2, a1]) : tf.tensor2d(as, [a1, a2]);
      const bi = bt ? tf.tensor2d(transposeInto(bs, b1, b2, bt), [b2, b1]) : tf.tensor2d(bs, [b1, b2]);
      return tf.matMul(ai, bi);
    });
    out.set(r.dataSync() as Float32Array, i * m * p);
    r.dispose();
  }
  return tf.tensor3d(out, [n, m, p]);
}

/** Batched a [N, M, K] × b [N, K, P] as N fast 2-D products, with a fast-path gradient. */
export const bmm = tf.customGrad(((a: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => {
  save([a, b]);
  return {
    value: sliceProducts(a as tf.Tensor3D, b as tf.Tensor3D, false, false),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sa, sb] = saved as [tf.Tensor3D, tf.Tensor3D];
      return [sliceProducts(dy as tf.Tensor3D, sb, false, true), sliceProducts(sa, dy as tf.Tensor3D, true, false)];
    },
  };
}) as unknown as GradFn) as unknown as (a: tf.Tensor3D, b: tf.Tensor3D) => tf.Tensor3D;

/** x [..., M, K] × y [..., K, P] over equal leading dims (4-D attention products). */
export function batchedMatMul(x: tf.Tensor, y: tf.Tensor): tf.Tensor {
  const lead = x.shape.slice(0, -2);
  const [m, k] = x.shape.slice(-2) as [number, number];
  const p = y.shape[y.rank - 1] as number;
  const n = lead.reduce((s, d) => s * d, 1);
  // One query row (cached generation): the batched kernel's loop is cheaper than n tiny ops.
  // Native backends (TensorFlow's BatchMatMul) run batched and transposed products at full
  // speed, and their per-op cost makes n slices plus a data sync each far slower.
  if (m === 1 || tf.getBackend() !== "wasm") return tf.matMul(x as tf.Tensor3D, y as tf.Tensor3D);
  return bmm(x.reshape([n, m, k]) as tf.Tensor3D, y.reshape([n, k, p]) as tf.Tensor3D).reshape([...lead, m, p]);
}
