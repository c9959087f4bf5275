/**
 * The token-level clipped-ratio objective with a KL penalty to a frozen reference
 * model (GRPO, as in DeepSeekMath; RLOO and Dyna-GRPO share it):
 *
 *   ratio_t = exp(log π(y_t) − log π_old(y_t))
 *   loss_t  = −min(ratio_t · A, clip(ratio_t, 1 − ε, 1 + ε) · A) + β · k3_t
 *   k3_t    = exp(log π_ref(y_t) − log π(y_t)) − (log π_ref(y_t) − log π(y_t)) − 1
 *
 * k3 is Schulman's unbiased, always non-negative estimator of KL(π ‖ π_ref) from
 * samples of π. The loss is a weighted sum over response tokens (token-level, so long
 * responses are not down-weighted): `mask` carries each token's weight, and the sum
 * is divided by `normalizer` (default: the minibatch's total weight, i.e. the mean).
 */
import * as tf from "@tensorflow/tfjs";

export interface ObjectiveInputs {
  /** log π(y_t) under the model being trained [B, T] (differentiable). */
  logprobs: tf.Tensor2D;
  /** log π_old(y_t) of the policy that sampled the data [B, T]. */
  oldLogprobs: tf.Tensor2D;
  /** log π_ref(y_t) of the frozen reference [B, T]. */
  refLogprobs: tf.Tensor2D;
  /** Each token's advantage [B, T] (its episode's). */
  advantages: tf.Tensor2D;
  /** Each response token's weight (1 unless samples are weighted), 0 on prompt and padding [B, T]. */
  mask: tf.Tensor2D;
  clip: number;
  beta: number;
  /**
   * The loss is Σ weight · loss_t / normalizer. A caller that splits one update's samples
   * into minibatches passes one normalizer for all of them, so each minibatch keeps its
   * share of the whole set's weighting instead of being renormalised on its own.
   */
  normalizer?: number;
}

export interface ObjectiveTensors {
  loss: tf.Scalar;
  /** Mean k3 over response tokens. */
  kl: tf.Scalar;
  /** Fraction of response tokens whose clipped term was the smaller (their gradient is cut). */
  clipFraction: tf.Scalar;
}

export function clippedObjective(x: ObjectiveInputs): ObjectiveTensors {
  return tf.tidy(() => {
    const n = tf.maximum(x.mask.sum(), 1e-12);
    const ratio = tf.exp(x.logprobs.sub(x.oldLogprobs));
    const unclipped = ratio.mul(x.advantages);
    const clipped = tf.clipByValue(ratio, 1 - x.clip, 1 + x.clip).mul(x.advantages);
    const surrogate = tf.minimum(unclipped, clipped);
    const d = x.refLogprobs.sub(x.logprobs);
    const k3 = tf.exp(d).sub(d).sub(1);
    const perToken = surrogate.neg().add(k3.mul(x.beta));
    const loss = perToken.mul(x.mask).sum().div(x.normalizer !== undefined ? tf.scalar(Math.max(x.normalizer, 1e-12)) : n) as tf.Scalar;
    const kl = k3.mul(x.mask).sum().div(n) as tf.Scalar;
    const cut = tf.less(clipped, unclipped).cast("float32");
    const clipFraction = cut.mul(x.mask).sum().div(n) as tf.Scalar;
    return { loss, kl, clipFraction };
  });
}
