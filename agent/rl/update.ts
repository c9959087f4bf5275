/**
 * One policy update on a set of (prompt, completion, advantage) samples: the old
 * and reference log-probabilities are scored first (teacher forcing), then
 * `epochs` passes of minibatch gradient steps on the clipped objective with AdamW.
 *
 * Old log-probabilities are re-scored rather than taken from generation because a
 * sample's completion may come from another prompt (Dyna-GRPO trains (s_t, refined)
 * where the refined response was sampled from the refinement input), and because
 * scoring with the same forward pass as the loss makes the first ratio exactly 1.
 */
import * as tf from "@tensorflow/tfjs";
import type { TransformerLM } from "../model/transformer.js";
import { SeededRng } from "../model/rng.js";
import { AdamW, clipByGlobalNorm } from "../train/optimizer.js";
import { clippedObjective } from "./objective.js";

export interface Sample {
  prompt: readonly number[];
  completion: readonly number[];
  advantage: number;
  /** Weight of this sample's tokens in the loss (default 1; see RlConfig.stepWeighting). */
  weight?: number;
}

export interface UpdateOptions {
  clip: number;
  beta: number;
  lr: number;
  gradClip: number;
  epochs: number;
  minibatchSize: number;
  /** Orders the minibatches of later epochs. */
  seed: number;
  /**
   * Most padded tokens (rows × longest row) one forward/backward pass holds: a larger
   * minibatch runs as micro-batches whose gradients add up to the minibatch's (the
   * loss's one normalizer makes the sum exact). Bounds wasm memory on long inputs such
   * as refinement prompts. Default 4096.
   */
  microbatchTokens?: number;
}

/** Splits one minibatch (sample indices) into runs whose padded size stays within `budget` tokens. */
export function microbatches(lengths: readonly number[], budget: number): number[][] {
  const out: number[][] = [];
  let cur: number[] = [];
  let longest = 0;
  lengths.forEach((len, i) => {
    const next = Math.max(longest, len);
    if (cur.length > 0 && next * (cur.length + 1) > budget) {
      out.push(cur);
      cur = [];
      longest = 0;
    }
    cur.push(i);
    longest = Math.max(longest, len);
  });
  if (cur.length > 0) out.push(cur);
  return out;
}

export interface UpdateStats {
  samples: number;
  tokens: number;
  gradientSteps: number;
  /** Means over gradient steps. */
  loss: number;
  kl: number;
  clipFraction: number;
  gradNorm: number;
}

/** Scores samples in chunks of `size` (bounded memory). */
async function scoreAll(model: TransformerLM, samples: readonly Sample[], size: number): Promise<number[][]> {
  const out: number[][] = [];
  for (let i = 0; i < samples.length; i += size) out.push(...(await model.scoreCompletions(samples.slice(i, i + size))));
  return out;
}

/** Right-padded [B, T] arrays of a minibatch: inputs, targets, and per response token its old/ref log-probs and advantage. */
function pack(samples: readonly Sample[], old: readonly number[][], ref: readonly number[][]) {
  const T = Math.max(...samples.map((s) => s.prompt.length + s.completion.length - 1));
  const B = samples.length;
  const ids = new Int32Array(B * T);
  const targets = new Int32Array(B * T);
  const mask = new Float32Array(B * T);
  const oldLp = new Float32Array(B * T);
  const refLp = new Float32Array(B * T);
  const adv = new Float32Array(B * T);
  let tokens = 0;
  samples.forEach((s, b) => {
    const seq = [...s.prompt, ...s.completion];
    for (let t = 0; t < seq.length - 1; t++) {
      ids[b * T + t] = seq[t]!;
      targets[b * T + t] = seq[t + 1]!;
    }
    for (let j = 0; j < s.completion.length; j++) {
      const at = b * T + s.prompt.length - 1 + j;
      mask[at] = s.weight ?? 1;
      oldLp[at] = old[b]![j]!;
      refLp[at] = ref[b]![j]!;
      adv[at] = s.advantage;
      tokens++;
    }
  });
  return {
    tokens,
    ids: tf.tensor2d(ids, [B, T], "int32"),
    targets: tf.tensor2d(targets, [B, T], "int32"),
    mask: tf.tensor2d(mask, [B, T]),
    oldLp: tf.tensor2d(oldLp, [B, T]),
    refLp: tf.tensor2d(refLp, [B, T]),
    adv: tf.tensor2d(adv, [B, T]),
  };
}

export async function policyUpdate(model: TransformerLM, reference: TransformerLM, optimizer: AdamW, samples: readonly Sample[], opts: UpdateOptions): Promise<UpdateStats> {
  const kept = samples.filter((s) => s.completion.length > 0);
  const stats: UpdateStats = { samples: kept.length, tokens: 0, gradientSteps: 0, loss: 0, kl: 0, clipFraction: 0, gradNorm: 0 };
  if (kept.length === 0) return stats;
  const old = await scoreAll(model, kept, opts.minibatchSize);
  const ref = await scoreAll(reference, kept, opts.minibatchSize);
  const vars = [...model.params.values()];
  const nameOf = new Map(vars.map((v, i) => [v.name, [...model.params.keys()][i]!]));
  const rng = new SeededRng(opts.seed);
  const order = kept.map((_, i) => i);
  // One normalizer for every minibatch: the whole set's weighted token mean, spread over its minibatches.
  const minibatches = Math.ceil(kept.length / opts.minibatchSize);
  const normalizer = kept.reduce((a, s) => a + (s.weight ?? 1) * s.completion.length, 0) / minibatches;
  for (let epoch = 0; epoch < opts.epochs; epoch++) {
    // Samples arrive episode by episode; unshuffled, a minibatch would hold one episode's steps, all with one advantage.
    rng.shuffle(order);
    for (let i = 0; i < order.length; i += opts.minibatchSize) {
      const idx = order.slice(i, i + opts.minibatchSize);
      const named = new Map<string, tf.Tensor>();
      let loss = 0;
      let klSum = 0;
      let clipSum = 0;
      let weightSum = 0;
      for (const part of microbatches(idx.map((k) => kept[k]!.prompt.length + kept[k]!.completion.length - 1), opts.microbatchTokens ?? 4096)) {
        const sub = part.map((j) => idx[j]!);
        const p = pack(
          sub.map((k) => kept[k]!),
          sub.map((k) => old[k]!),
          sub.map((k) => ref[k]!),
        );
        let kl: tf.Scalar | undefined;
        let clipFraction: tf.Scalar | undefined;
        const { value, grads } = tf.variableGrads(() => {
          const logprobs = model.tokenLogprobs(p.ids, p.targets);
          const o = clippedObjective({ logprobs, oldLogprobs: p.oldLp, refLogprobs: p.refLp, advantages: p.adv, mask: p.mask, clip: opts.clip, beta: opts.beta, normalizer });
          kl = tf.keep(o.kl);
          clipFraction = tf.keep(o.clipFraction);
          return o.loss;
        }, vars);
        for (const [k, g] of Object.entries(grads)) {
          const name = nameOf.get(k) ?? k;
          const prev = named.get(name);
          named.set(name, prev ? tf.tidy(() => prev.add(g)) : g);
          if (prev) tf.dispose([prev, g]);
        }
        // kl and clipFraction are weighted means within the micro-batch: weigh them back by its token weight.
        const w = sub.reduce((a, k) => a + (kept[k]!.weight ?? 1) * kept[k]!.completion.length, 0);
        const [l, kv, cv] = await Promise.all([value, kl!, clipFraction!].map(async (t) => (await t.data())[0]!));
        tf.dispose([value, kl!, clipFraction!, p.ids, p.targets, p.mask, p.oldLp, p.refLp, p.adv]);
        loss += l;
        klSum += kv * w;
        clipSum += cv * w;
        weightSum += w;
        if (epoch === 0) stats.tokens += p.tokens;
      }
      const clipped = clipByGlobalNorm(named, opts.gradClip);
      optimizer.apply(clipped.grads, opts.lr);
      const norm = (await clipped.norm.data())[0]!;
      tf.dispose([clipped.norm, ...named.values(), ...clipped.grads.values()]);
      if (!Number.isFinite(loss)) throw new Error(`the RL loss became ${loss}; lower the learning rate`);
      stats.gradientSteps++;
      stats.loss += loss;
      stats.kl += weightSum > 0 ? klSum / weightSum : 0;
      stats.clipFraction += weightSum > 0 ? clipSum / weightSum : 0;
      stats.gradNorm += norm;
    }
  }
  const n = stats.gradientSteps;
  return { ...stats, loss: stats.loss / n, kl: stats.kl / n, clipFraction: stats.clipFraction / n, gradNorm: stats.gradNorm / n };
}
