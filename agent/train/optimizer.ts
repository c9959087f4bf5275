/**
 * AdamW (Loshchilov & Hutter): Adam moments with weight decay applied to the
 * weights directly (decoupled), not added to the gradient — tf.train.adam has
 * no weight decay. Plus global-norm gradient clipping.
 */
import * as tf from "@tensorflow/tfjs";

export interface AdamWConfig {
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
}

export const DEFAULT_ADAMW: AdamWConfig = { beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1 };

export class AdamW {
  readonly config: AdamWConfig;
  /** Number of updates applied so far (bias correction uses it). */
  step = 0;
  private readonly m = new Map<string, tf.Variable>();
  private readonly v = new Map<string, tf.Variable>();

  /**
   * @param params the weights, by name
   * @param decayed whether a weight gets weight decay (typically matrices only)
   */
  constructor(
    private readonly params: Map<string, tf.Variable>,
    private readonly decayed: (name: string) => boolean,
    config: Partial<AdamWConfig> = {},
  ) {
    this.config = { ...DEFAULT_ADAMW, ...config };
    for (const [name, p] of params) {
      this.m.set(name, tf.tidy(() => tf.variable(tf.zerosLike(p), false)));
      this.v.set(name, tf.tidy(() => tf.variable(tf.zerosLike(p), false)));
    }
  }

  /** Applies one update with learning rate `lr`; `grads` are keyed by weight name. */
  apply(grads: Map<string, tf.Tensor>, lr: number): void {
    this.step += 1;
    const { beta1, beta2, eps, weightDecay } = this.config;
    const c1 = 1 - beta1 ** this.step;
    const c2 = 1 - beta2 ** this.step;
    tf.tidy(() => {
      for (const [name, p] of this.params) {
        const g = grads.get(name);
        if (!g) continue;
        const m = this.m.get(name) as tf.Variable;
        const v = this.v.get(name) as tf.Variable;
        const m1 = m.mul(beta1).add(g.mul(1 - beta1));
        const v1 = v.mul(beta2).add(g.square().mul(1 - beta2));
        m.assign(m1);
        v.assign(v1);
        const update = m1.div(c1).div(v1.div(c2).sqrt().add(eps));
        const decay = this.decayed(name) ? 1 - lr * weightDecay : 1;
        p.assign(decay === 1 ? p.sub(update.mul(lr)) : p.mul(decay).sub(update.mul(lr)));
      }
    });
  }

  /** Moments as named tensors (copies) and metadata, for checkpoints. */
  state(): { tensors: Map<string, tf.Tensor>; meta: Record<string, unknown> } {
    const tensors = new Map<string, tf.Tensor>();
    for (const [name, t] of this.m) tensors.set(`m.${name}`, t.clone());
    for (const [name, t] of this.v) tensors.set(`v.${name}`, t.clone());
    return { tensors, meta: { kind: "adamw", step: this.step, ...this.config } };
  }

  /** Restores `state()` output; throws when a moment is missing or mis-shaped. */
  load(state: { tensors: Map<string, tf.Tensor>; meta: Record<string, unknown> }): void {
    if (state.meta.kind !== "adamw") throw new Error(`optimizer state is "${String(state.meta.kind)}", expected "adamw"`);
    const step = state.meta.step;
    if (typeof step !== "number" || !Number.isInteger(step) || step < 0) throw new Error("optimizer state has no valid step");
    for (const [prefix, map] of [["m", this.m], ["v", this.v]] as const) {
      for (const [name, t] of map) {
        const s = state.tensors.get(`${prefix}.${name}`);
        if (!s) throw new Error(`optimizer state lacks ${prefix}.${name}`);
        if (s.shape.join(",") !== t.shape.join(",")) throw new Error(`optimizer state ${prefix}.${name} has shape [${s.shape}], expected [${t.shape}]`);
        t.assign(s);
      }
    }
    this.step = step;
  }

  dispose(): void {
    for (const t of [...this.m.values(), ...this.v.values()]) t.dispose();
  }
}

/**
 * Scales gradients so their global L2 norm is at most `maxNorm` (no-op when
 * maxNorm <= 0). Returns the new gradients (caller disposes) and the norm before clipping.
 */
export function clipByGlobalNorm(grads: Map<string, tf.Tensor>, maxNorm: number): { grads: Map<string, tf.Tensor>; norm: tf.Scalar } {
  const out = new Map<string, tf.Tensor>();
  const norm = tf.tidy(() => {
    const n = tf.addN([...grads.values()].map((g) => g.square().sum())).sqrt() as tf.Scalar;
    const scale = maxNorm > 0 ? tf.minimum(1, tf.div(maxNorm, n.add(1e-6))) : tf.scalar(1);
    // Tensors kept here outlive the tidy; the caller disposes them.
    for (const [k, g] of grads) out.set(k, tf.keep(g.mul(scale)));
    return n;
  });
  return { grads: out, norm };
}
