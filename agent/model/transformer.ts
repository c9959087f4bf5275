/**
 * A decoder-only transformer language model (GPT-2 layout: learned positions,
 * pre-LayerNorm blocks, GELU MLP, output head tied to the token embedding), or with
 * rotary positions instead of the position table (config `positions: "rotary"`).
 *
 * Weights are `tf.Variable`s named like `h.0.attn.qkv.w`; every tensor
 * computation runs inside `tf.tidy`. Token embeddings are looked up as one-hot
 * × matrix rather than `gather` because the wasm backend has no kernel for
 * gather's gradient (UnsortedSegmentSum); with a 263-token vocabulary the cost
 * equals one small dense layer, and the results are identical.
 */
import * as tf from "@tensorflow/tfjs";
import { parseModelConfig, type ModelConfig, type ModelConfigInput } from "./config.js";
import { affineRows, batchedMatMul, linear2d, matMul2d } from "./ops.js";
import { SeededRng } from "./rng.js";

/** Per-layer attention keys and values kept between generation steps: [B, H, T, dh]. */
export interface LayerKV {
  k: tf.Tensor4D;
  v: tf.Tensor4D;
}

export interface GenerateOptions {
  maxNewTokens: number;
  /** 0 = greedy. Default 1. */
  temperature?: number;
  /** Nucleus sampling mass, (0, 1]. Default 1. */
  topP?: number;
  /** Generation of a row ends after it emits one of these (the token is kept in the output). */
  stopTokens?: readonly number[];
  /** Seed of the sampler; the same seed and inputs give the same samples. Default 0. */
  seed?: number;
  /**
   * One sampler seed per prompt, instead of `seed`: each row then draws from its own
   * stream, so what a prompt samples does not depend on which prompts share its batch
   * (an evaluation batches whichever episodes are waiting at the time).
   */
  rowSeeds?: readonly number[];
  /** Use the KV cache (default) or recompute the whole sequence at each step (for tests and benchmarks). */
  useCache?: boolean;
  /** Also return, per new token, the k most likely tokens and their log-probabilities (temperature 1). Default 0. */
  topLogprobs?: number;
  /**
   * Called after each step, before the next one runs, with the token each
   * still-running row just produced (rows in order). Lets a caller stream
   * tokens as they are made and end rows early: the row indices it returns
   * end now with finish reason "stop" (their tokens so far are kept).
   */
  onStep?: (tokens: readonly StepToken[]) => void | Iterable<number> | Promise<void | Iterable<number>>;
  /** Checked after each step: once aborted, every running row ends with finish reason "abort". */
  signal?: AbortSignal;
}

/** One new token of one row, as `onStep` sees it. */
export interface StepToken {
  row: number;
  token: number;
  /** log p(token) at temperature 1. */
  logprob: number;
  /** The `topLogprobs` most likely tokens, most likely first (absent when not asked for). */
  top?: TokenLogprob[];
}

export interface TokenLogprob {
  token: number;
  logprob: number;
}

export interface GenerateResult {
  /** New tokens per prompt, including the stop token when one ended the row. */
  tokens: number[][];
  /** log p(token) under the model at temperature 1, per new token (for RL). */
  logprobs: number[][];
  /** Per new token, the `topLogprobs` most likely alternatives (only when `topLogprobs` > 0). */
  topLogprobs?: TokenLogprob[][][];
  /** "stop": a stop token or `onStep` ended the row; "length": maxNewTokens or the context; "abort": `signal`. */
  finishReasons: ("stop" | "length" | "abort")[];
  /** Prompt tokens actually used per row (prompts longer than the context are cut on the left). */
  promptTokens: number[];
}

export interface ForwardOptions {
  training?: boolean;
  /** Additive attention mask broadcastable to [B, H, Tq, Tk]; default: causal. */
  mask?: tf.Tensor;
  /** Position ids [B, T] (inference only: gather has no wasm gradient); default 0..T-1. */
  positions?: tf.Tensor2D;
  /**
   * Every row's positions start here instead of 0 (training: see SftOptions.positionShift).
   * A slice of the position table, so it keeps a gradient on every backend.
   */
  positionOffset?: number;
  /** Cached keys/values from earlier steps; when given, the new ones are returned in `present`. */
  past?: LayerKV[];
  /** Compute the head only at the last position (generation). */
  lastOnly?: boolean;
  /** Return this call's keys/values (kept: the caller disposes them). */
  returnPresent?: boolean;
}

const NEG = -1e9;

/** cos and sin of each position's rotation angles, [B or 1, 1, T, dh/2]. */
interface RotaryTables {
  cos: tf.Tensor4D;
  sin: tf.Tensor4D;
}

/**
 * RoPE's angles (base 10000, the halves layout of GPT-NeoX): position p turns the
 * pair (x_i, x_{i+dh/2}) by p · 10000^(−2i/dh). Computed here from the position
 * ids, which are known to the caller (generation passes them; training uses
 * start..start+T−1), so no gather, which has no gradient on wasm, is needed.
 */
const INV_FREQ = new Map<number, Float64Array>();

function rotaryTables(positions: tf.Tensor2D | undefined, start: number, B: number, T: number, dh: number): RotaryTables {
  const half = dh / 2;
  let inv = INV_FREQ.get(dh);
  if (!inv) INV_FREQ.set(dh, (inv = Float64Array.from({ length: half }, (_, i) => Math.pow(10000, (-2 * i) / dh))));
  const rows = positions ? B : 1;
  const ids = positions ? positions.dataSync() : undefined;
  const cos = new Float32Array(rows * T * half);
  const sin = new Float32Array(rows * T * half);
  for (let b = 0; b < rows; b++)
    for (let t = 0; t < T; t++) {
      const p = ids ? (ids[b * T + t] as number) : start + t;
      for (let i = 0; i < half; i++) {
        const a = p * inv[i]!;
        cos[(b * T + t) * half + i] = Math.cos(a);
        sin[(b * T + t) * half + i] = Math.sin(a);
      }
    }
  return { cos: tf.tensor4d(cos, [rows, 1, T, half]), sin: tf.tensor4d(sin, [rows, 1, T, half]) };
}

/** x [B, H, T, dh] rotated by the tables: (x1, x2) → (x1·cos − x2·sin, x1·sin + x2·cos). */
function rotate(x: tf.Tensor4D, r: RotaryTables): tf.Tensor4D {
  const [x1, x2] = tf.split(x, 2, 3) as [tf.Tensor4D, tf.Tensor4D];
  return tf.concat([x1.mul(r.cos).sub(x2.mul(r.sin)), x1.mul(r.sin).add(x2.mul(r.cos))], 3) as tf.Tensor4D;
}

/** Per-weight seed; never 0 (tfjs treats a falsy seed as "use Math.random"). */
function seedOf(base: number, i: number): number {
  return ((Math.abs(Math.floor(base)) * 1000003 + i * 7919) % 2147483646) + 1;
}

export class TransformerLM {
  static readonly className = "TransformerLM";
  readonly config: ModelConfig;
  /** Trainable weights, in a fixed order (the checkpoint order). */
  readonly params = new Map<string, tf.Variable>();
  private disposed = false;

  constructor(config: ModelConfigInput | ModelConfig, opts: { seed?: number } = {}) {
    this.config = parseModelConfig(config);
    const c = this.config;
    const seed = opts.seed ?? 0;
    let i = 0;
    const normal = (name: string, shape: number[], std: number): void => {
      const s = seedOf(seed, i++);
      // Variable names are global in tfjs, so the map holds the names; tidy frees the initial values.
      this.params.set(name, tf.tidy(() => tf.variable(tf.randomNormal(shape, 0, std, "float32", s), true)));
    };
    const fill = (name: string, shape: number[], value: number): void => {
      this.params.set(name, tf.tidy(() => tf.variable(tf.fill(shape, value), true)));
    };
    const residStd = c.initStd / Math.sqrt(2 * c.nLayers);
    normal("tok_emb", [c.vocabSize, c.dModel], c.initStd);
    if (c.positions === "learned") normal("pos_emb", [c.maxSeqLen, c.dModel], c.initStd / 2);
    for (let l = 0; l < c.nLayers; l++) {
      fill(`h.${l}.ln1.g`, [c.dModel], 1);
      fill(`h.${l}.ln1.b`, [c.dModel], 0);
      normal(`h.${l}.attn.qkv.w`, [c.dModel, 3 * c.dModel], c.initStd);
      fill(`h.${l}.attn.qkv.b`, [3 * c.dModel], 0);
      normal(`h.${l}.attn.proj.w`, [c.dModel, c.dModel], residStd);
      fill(`h.${l}.attn.proj.b`, [c.dModel], 0);
      fill(`h.${l}.ln2.g`, [c.dModel], 1);
      fill(`h.${l}.ln2.b`, [c.dModel], 0);
      normal(`h.${l}.mlp.fc.w`, [c.dModel, c.dFF], c.initStd);
      fill(`h.${l}.mlp.fc.b`, [c.dFF], 0);
      normal(`h.${l}.mlp.proj.w`, [c.dFF, c.dModel], residStd);
      fill(`h.${l}.mlp.proj.b`, [c.dModel], 0);
    }
    fill("ln_f.g", [c.dModel], 1);
    fill("ln_f.b", [c.dModel], 0);
  }

  /** Number of scalar weights. */
  get parameterCount(): number {
    let n = 0;
    for (const v of this.params.values()) n += v.size;
    return n;
  }

  /** Names of weights that get weight decay (matrices; not biases, norms or embeddings). */
  decayed(name: string): boolean {
    return name.endsWith(".w");
  }

  private p(name: string): tf.Variable {
    const v = this.params.get(name);
    if (!v) throw new Error(`no weight ${name}`);
    return v;
  }

  private layerNorm(x: tf.Tensor, prefix: string): tf.Tensor2D {
    const { mean, variance } = tf.moments(x, -1, true);
    const xhat = x.sub(mean).mul(tf.rsqrt(variance.add(1e-5))) as tf.Tensor2D;
    return affineRows(xhat, this.p(`${prefix}.g`) as tf.Tensor1D, this.p(`${prefix}.b`) as tf.Tensor1D);
  }

  private linear(x: tf.Tensor, prefix: string): tf.Tensor2D {
    return linear2d(x as tf.Tensor2D, this.p(`${prefix}.w`) as tf.Tensor2D, this.p(`${prefix}.b`) as tf.Tensor1D);
  }

  /**
   * tanh approximation of GELU (GPT-2; PyTorch gelu(approximate="tanh")),
   * 0.5·x·(1 + tanh(u)), written as x·sigmoid(2u) — the same function — because
   * wasm's Sigmoid (XNNPACK) is ≈6× faster than its Tanh.
   */
  private static gelu(x: tf.Tensor2D): tf.Tensor2D {
    const inner = x.add(x.mul(x).mul(x).mul(0.044715)).mul(2 * Math.sqrt(2 / Math.PI));
    return x.mul(tf.sigmoid(inner));
  }

  /** Additive causal mask [1, 1, T, T]. */
  static causalMask(t: number): tf.Tensor4D {
    return tf.tidy(() => {
      const band = tf.linalg.bandPart(tf.ones([t, t]), -1, 0);
      return tf.sub(1, band).mul(NEG).reshape([1, 1, t, t]) as tf.Tensor4D;
    });
  }

  /**
   * Logits [B, T, V] (or [B, V] with `lastOnly`) for token ids [B, T].
   * With `returnPresent`, the returned `present` holds kept tensors that the caller must dispose.
   */
  forward(ids: tf.Tensor2D, opts: ForwardOptions = {}): { logits: tf.Tensor; present?: LayerKV[] } {
    this.assertAlive();
    const c = this.config;
    const [B, T] = ids.shape;
    const H = c.nHeads;
    const dh = c.dModel / H;
    const pastLen = opts.past?.[0]?.k.shape[2] ?? 0;
    const offset = opts.positionOffset ?? 0;
    if (!Number.isInteger(offset) || offset < 0) throw new Error(`positionOffset must be a non-negative integer, got ${offset}`);
    if (offset + pastLen + T > c.maxSeqLen) throw new Error(`sequence of ${pastLen + T} tokens${offset ? ` at position offset ${offset}` : ""} exceeds maxSeqLen ${c.maxSeqLen}`);
    const present: LayerKV[] = [];
    const logits = tf.tidy(() => {
      const onehot = oneHotF32(ids.reshape([B * T]) as tf.Tensor1D, c.vocabSize) as tf.Tensor2D;
      let x: tf.Tensor = matMul2d(onehot, this.p("tok_emb") as tf.Tensor2D);
      const rotary = c.positions === "rotary" ? rotaryTables(opts.positions, offset + pastLen, B, T, dh) : undefined;
      if (rotary) {
        // Positions enter through the queries and keys below.
      } else if (opts.positions) {
        x = x.add(tf.gather(this.p("pos_emb"), opts.positions.reshape([B * T])));
      } else {
        const pos = tf.slice(this.p("pos_emb"), [offset + pastLen, 0], [T, c.dModel]);
        x = x.reshape([B, T, c.dModel]).add(pos).reshape([B * T, c.dModel]);
      }
      const mask = opts.mask ?? (T > 1 ? TransformerLM.causalMask(T) : undefined);
      const drop = (t: tf.Tensor): tf.Tensor => (opts.training && c.dropout > 0 ? tf.dropout(t, c.dropout) : t);
      for (let l = 0; l < c.nLayers; l++) {
        const h = this.layerNorm(x, `h.${l}.ln1`);
        const qkv = this.linear(h, `h.${l}.attn.qkv`).reshape([B, T, 3 * H, dh]).transpose([0, 2, 1, 3]);
        let [q0, k0, v0] = tf.split(qkv, 3, 1) as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D];
        if (rotary) {
          // Keys are cached rotated, so a cached key keeps its own position.
          q0 = rotate(q0, rotary);
          k0 = rotate(k0, rotary);
        }
        const q = q0.mul(1 / Math.sqrt(dh)) as tf.Tensor4D;
        let k = k0;
        let v = v0;
        const past = opts.past?.[l];
        if (past) {
          k = tf.concat([past.k, k0], 2);
          v = tf.concat([past.v, v0], 2);
        }
        if (opts.returnPresent) present.push({ k: tf.keep(k), v: tf.keep(v) });
        let scores: tf.Tensor = batchedMatMul(q, k.transpose([0, 1, 3, 2]));
        if (mask) scores = scores.add(mask);
        let att = tf.softmax(scores);
        if (opts.training && c.dropout > 0) att = tf.dropout(att, c.dropout);
        const y = batchedMatMul(att, v).transpose([0, 2, 1, 3]).reshape([B * T, c.dModel]) as tf.Tensor2D;
        x = x.add(drop(this.linear(y, `h.${l}.attn.proj`)));
        const h2 = this.layerNorm(x, `h.${l}.ln2`);
        x = x.add(drop(this.linear(TransformerLM.gelu(this.linear(h2, `h.${l}.mlp.fc`)), `h.${l}.mlp.proj`)));
      }
      let hf: tf.Tensor = x;
      if (opts.lastOnly) hf = x.reshape([B, T, c.dModel]).slice([0, T - 1, 0], [B, 1, c.dModel]).reshape([B, c.dModel]);
      hf = this.layerNorm(hf, "ln_f");
      const out = matMul2d(hf as tf.Tensor2D, this.p("tok_emb").transpose() as tf.Tensor2D);
      return opts.lastOnly ? out : out.reshape([B, T, c.vocabSize]);
    });
    return opts.returnPresent ? { logits, present } : { logits };
  }

  /**
   * log p(targets[b, t] | ids[b, ..t]) as [B, T]; differentiable (use inside
   * `tf.variableGrads` for SFT and RL losses).
   */
  tokenLogprobs(ids: tf.Tensor2D, targets: tf.Tensor2D, opts: { training?: boolean; mask?: tf.Tensor; positionOffset?: number } = {}): tf.Tensor2D {
    return tf.tidy(() => {
      const { logits } = this.forward(ids, { training: opts.training, mask: opts.mask, positionOffset: opts.positionOffset });
      const logp = tf.logSoftmax(logits);
      const pick = oneHotF32(targets, this.config.vocabSize);
      return logp.mul(pick).sum(-1) as tf.Tensor2D;
    });
  }

  /** Mean negative log-likelihood over positions where `weights` [B, T] is non-zero. */
  maskedLoss(ids: tf.Tensor2D, targets: tf.Tensor2D, weights: tf.Tensor2D, training = false, positionOffset = 0): tf.Scalar {
    return tf.tidy(() => {
      const lp = this.tokenLogprobs(ids, targets, { training, positionOffset });
      return lp.mul(weights).sum().neg().div(tf.maximum(weights.sum(), 1)) as tf.Scalar;
    });
  }

  /**
   * Per-token log-probabilities of each completion given its prompt (teacher
   * forcing, batched with right padding). Matches the `logprobs` of `generate`.
   */
  async scoreCompletions(pairs: readonly { prompt: readonly number[]; completion: readonly number[] }[]): Promise<number[][]> {
    if (pairs.length === 0) return [];
    for (const [i, p] of pairs.entries()) {
      if (p.prompt.length === 0) throw new Error(`pair ${i}: empty prompt`);
      if (p.prompt.length + p.completion.length - 1 > this.config.maxSeqLen) {
        throw new Error(`pair ${i}: ${p.prompt.length + p.completion.length} tokens exceed maxSeqLen ${this.config.maxSeqLen} + 1`);
      }
    }
    const T = Math.max(...pairs.map((p) => p.prompt.length + p.completion.length - 1));
    const B = pairs.length;
    const ids = new Int32Array(B * T);
    const tg = new Int32Array(B * T);
    pairs.forEach((p, b) => {
      const seq = [...p.prompt, ...p.completion];
      for (let t = 0; t < seq.length - 1; t++) {
        ids[b * T + t] = seq[t] as number;
        tg[b * T + t] = seq[t + 1] as number;
      }
    });
    const idsT = tf.tensor2d(ids, [B, T], "int32");
    const tgT = tf.tensor2d(tg, [B, T], "int32");
    const lp = this.tokenLogprobs(idsT, tgT);
    const data = await lp.data();
    tf.dispose([idsT, tgT, lp]);
    return pairs.map((p, b) => {
      const out: number[] = [];
      for (let j = 0; j < p.completion.length; j++) out.push(data[b * T + p.prompt.length - 1 + j] as number);
      return out;
    });
  }

  /**
   * Total log-probability of each choice as the continuation of one prompt, e.g. each
   * valid action of a state written as the model's reply. The prompt runs once; then
   * the choices run side by side in one row over its cached keys, each block seeing the
   * prompt and its own earlier tokens only, with positions that start where the prompt
   * ends. So ranking 40 commands costs one prompt pass plus the commands' own tokens,
   * not 40 prompt passes. A prompt longer than the context left after the longest
   * choice is cut on the left, as `generate` cuts it.
   */
  async scoreChoices(prompt: readonly number[], choices: readonly (readonly number[])[]): Promise<number[]> {
    this.assertAlive();
    const c = this.config;
    if (prompt.length === 0) throw new Error("empty prompt");
    if (choices.length === 0) return [];
    const longest = Math.max(...choices.map((ch) => ch.length));
    if (choices.some((ch) => ch.length === 0)) throw new Error("empty choice");
    if (longest >= c.maxSeqLen) throw new Error(`a choice of ${longest} tokens leaves no room for the prompt in maxSeqLen ${c.maxSeqLen}`);
    const kept = prompt.slice(Math.max(0, prompt.length - (c.maxSeqLen - longest)));
    const P = kept.length;
    let cache: LayerKV[] | undefined;
    try {
      const ids = tf.tensor2d(Int32Array.from(kept), [1, P], "int32");
      const res = this.forward(ids, { lastOnly: true, returnPresent: true });
      ids.dispose();
      cache = res.present;
      const lastLogits = (await res.logits.data()) as Float32Array;
      res.logits.dispose();
      const totals = choices.map((ch) => logSoftmaxAt(lastLogits, ch[0] as number));
      // Every token but a choice's last one is an input; pack those blocks into chunks that fit after the prompt.
      const room = c.maxSeqLen - P;
      let chunk: number[] = [];
      let width = 0;
      const flushChunk = async (): Promise<void> => {
        if (chunk.length > 0) await this.scoreBlocks(cache!, P, chunk.map((i) => choices[i]!), width, (b, lp) => (totals[chunk[b]!]! += lp));
        chunk = [];
        width = 0;
      };
      for (const [i, ch] of choices.entries()) {
        if (ch.length < 2) continue;
        if (width + ch.length - 1 > room) await flushChunk();
        chunk.push(i);
        width += ch.length - 1;
      }
      await flushChunk();
      return totals;
    } finally {
      disposeKV(cache);
    }
  }

  /** One chunk of {@link scoreChoices}: adds log p(ch[m + 1] | prompt, ch[..m]) of each block to `add`. */
  private async scoreBlocks(past: LayerKV[], P: number, blocks: readonly (readonly number[])[], width: number, add: (block: number, logprob: number) => void): Promise<void> {
    const ids = new Int32Array(width);
    const targets = new Int32Array(width);
    const positions = new Int32Array(width);
    const mask = new Float32Array(width * (P + width)).fill(NEG);
    let at = 0;
    for (const ch of blocks) {
      const n = ch.length - 1;
      for (let m = 0; m < n; m++) {
        const row = at + m;
        ids[row] = ch[m] as number;
        targets[row] = ch[m + 1] as number;
        positions[row] = P + m;
        mask.fill(0, row * (P + width), row * (P + width) + P);
        mask.fill(0, row * (P + width) + P + at, row * (P + width) + P + row + 1);
      }
      at += n;
    }
    const idsT = tf.tensor2d(ids, [1, width], "int32");
    const posT = tf.tensor2d(positions, [1, width], "int32");
    const maskT = tf.tensor4d(mask, [1, 1, width, P + width]);
    const tgT = tf.tensor1d(targets, "int32");
    const lp = tf.tidy(() => {
      const { logits } = this.forward(idsT, { past, positions: posT, mask: maskT });
      return tf.logSoftmax(logits.reshape([width, this.config.vocabSize])).mul(oneHotF32(tgT, this.config.vocabSize)).sum(-1);
    });
    const data = (await lp.data()) as Float32Array;
    tf.dispose([idsT, posT, maskT, tgT, lp]);
    at = 0;
    blocks.forEach((ch, b) => {
      for (let m = 0; m < ch.length - 1; m++) add(b, data[at + m] as number);
      at += ch.length - 1;
    });
  }

  /**
   * Batched sampling. Prompts are left-padded (with position ids that start at
   * each row's first real token and a key mask over the padding), so every row
   * gives the same tokens as it would alone.
   */
  async generate(prompts: readonly (readonly number[])[], opts: GenerateOptions): Promise<GenerateResult> {
    this.assertAlive();
    const c = this.config;
    const B = prompts.length;
    if (B === 0) return { tokens: [], logprobs: [], finishReasons: [], promptTokens: [] };
    const temperature = opts.temperature ?? 1;
    const topP = opts.topP ?? 1;
    if (!(temperature >= 0)) throw new Error(`temperature must be >= 0, got ${temperature}`);
    if (!(topP > 0 && topP <= 1)) throw new Error(`topP must be in (0, 1], got ${topP}`);
    const maxNew = Math.max(0, Math.min(opts.maxNewTokens, c.maxSeqLen - 1));
    const stop = new Set(opts.stopTokens ?? []);
    const useCache = opts.useCache ?? true;
    if (opts.rowSeeds !== undefined && opts.rowSeeds.length !== B) throw new Error(`rowSeeds has ${opts.rowSeeds.length} seeds for ${B} prompts`);
    const shared = new SeededRng(opts.seed ?? 0);
    const rngs = opts.rowSeeds?.map((s) => new SeededRng(s));
    const keep = Math.max(1, c.maxSeqLen - maxNew);
    const rows = prompts.map((p, i) => {
      if (p.length === 0) throw new Error(`prompt ${i} is empty`);
      return p.slice(Math.max(0, p.length - keep));
    });
    const T0 = Math.max(...rows.map((r) => r.length));
    const pad = rows.map((r) => T0 - r.length);
    const seqs = rows.map((r, b) => [...new Array<number>(pad[b] as number).fill(0), ...r]);
    const out: number[][] = rows.map(() => []);
    const lps: number[][] = rows.map(() => []);
    const topK = Math.max(0, Math.floor(opts.topLogprobs ?? 0));
    const tops: TokenLogprob[][][] = rows.map(() => []);
    const done = rows.map(() => false);
    const reasons: ("stop" | "length" | "abort")[] = rows.map(() => "length");

    // Mask [B, 1, Tq, Tk]: key j visible to query i (absolute index qStart + i) when j <= qStart + i and j is not padding.
    const buildMask = (qStart: number, tq: number, tk: number): tf.Tensor4D => {
      const m = new Float32Array(B * tq * tk);
      for (let b = 0; b < B; b++)
        for (let i = 0; i < tq; i++)
          for (let j = 0; j < tk; j++) if (j > qStart + i || j < (pad[b] as number)) m[(b * tq + i) * tk + j] = NEG;
      return tf.tensor4d(m, [B, 1, tq, tk]);
    };
    const positionsFor = (qStart: number, tq: number): tf.Tensor2D => {
      const p = new Int32Array(B * tq);
      for (let b = 0; b < B; b++) for (let i = 0; i < tq; i++) p[b * tq + i] = Math.max(0, qStart + i - (pad[b] as number));
      return tf.tensor2d(p, [B, tq], "int32");
    };
    const run = (qStart: number, tokens: number[][], past?: LayerKV[]): { logits: tf.Tensor; present?: LayerKV[] } => {
      const tq = tokens[0]?.length ?? 0;
      const tk = qStart + tq;
      const ids = tf.tensor2d(tokens.flat(), [B, tq], "int32");
      const mask = buildMask(qStart, tq, tk);
      const positions = positionsFor(qStart, tq);
      try {
        return this.forward(ids, { mask, positions, past, lastOnly: true, returnPresent: useCache });
      } finally {
        tf.dispose([ids, mask, positions]);
      }
    };

    let cache: LayerKV[] | undefined;
    try {
      let res = run(0, seqs);
      cache = res.present;
      for (let step = 0; step < maxNew; step++) {
        const logits = (await res.logits.data()) as Float32Array;
        res.logits.dispose();
        const next: number[] = [];
        const made: StepToken[] = [];
        for (let b = 0; b < B; b++) {
          const row = logits.subarray(b * c.vocabSize, (b + 1) * c.vocabSize);
          if (done[b]) {
            next.push(0);
            continue;
          }
          const tok = sampleToken(row, temperature, topP, rngs?.[b] ?? shared);
          const lp = logSoftmaxAt(row, tok);
          out[b]?.push(tok);
          lps[b]?.push(lp);
          const top = topK > 0 ? topLogprobs(row, topK) : undefined;
          if (top) tops[b]?.push(top);
          made.push({ row: b, token: tok, logprob: lp, ...(top ? { top } : {}) });
          if (stop.has(tok)) {
            done[b] = true;
            reasons[b] = "stop";
          }
          next.push(tok);
        }
        if (opts.onStep) {
          const ended = await opts.onStep(made);
          if (ended) {
            for (const b of ended) {
              if (b >= 0 && b < B && !done[b]) {
                done[b] = true;
                reasons[b] = "stop";
              }
            }
          }
        }
        // Let timers and I/O run between tokens: on wasm a token's ops settle as microtasks, so a
        // long batched generation would otherwise hold the event loop for its whole length,
        // and a server or clients sharing this process (an embedded env server) would stall.
        await new Promise<void>((resolve) => setImmediate(resolve));
        if (opts.signal?.aborted) {
          for (let b = 0; b < B; b++) {
            if (!done[b]) {
              done[b] = true;
              reasons[b] = "abort";
            }
          }
        }
        const len = T0 + step + 1;
        if (done.every(Boolean) || step === maxNew - 1 || len >= c.maxSeqLen) {
          res = { logits: tf.zeros([0]) };
          break;
        }
        if (useCache) {
          res = run(len - 1, next.map((t) => [t]), cache);
          disposeKV(cache);
          cache = res.present;
        } else {
          seqs.forEach((s, b) => s.push(next[b] as number));
          res = run(0, seqs);
        }
      }
      res.logits.dispose();
    } finally {
      disposeKV(cache);
    }
    return {
      tokens: out,
      logprobs: lps,
      ...(topK > 0 ? { topLogprobs: tops } : {}),
      finishReasons: reasons,
      promptTokens: rows.map((r) => r.length),
    };
  }

  /** Weight values by name (copies; the caller owns them). */
  getWeights(): Map<string, tf.Tensor> {
    return new Map([...this.params].map(([k, v]) => [k, v.clone()]));
  }

  /**
   * This model with a longer context, for fine-tuning on longer examples (SimRollout's
   * refinement inputs do not fit the context a ReSim student was trained with). Every
   * weight is kept; a learned position table gets new rows, initialised as a fresh
   * model's are: only training on examples that reach them teaches them. Rotary models
   * have no table: only the limit moves. This model is left as it was.
   */
  withContext(maxSeqLen: number, seed = 0): TransformerLM {
    this.assertAlive();
    const c = this.config;
    if (!Number.isInteger(maxSeqLen) || maxSeqLen < c.maxSeqLen) throw new Error(`the context can only grow: ${maxSeqLen} is below the model's ${c.maxSeqLen} tokens`);
    const grown = new (this.constructor as typeof TransformerLM)({ ...c, maxSeqLen }, { seed });
    try {
      tf.tidy(() => {
        const weights = new Map<string, tf.Tensor>(this.params);
        if (c.positions === "learned" && maxSeqLen > c.maxSeqLen) {
          const fresh = grown.p("pos_emb").slice([c.maxSeqLen, 0], [maxSeqLen - c.maxSeqLen, c.dModel]);
          weights.set("pos_emb", tf.concat([this.p("pos_emb"), fresh], 0));
        }
        grown.setWeights(weights);
      });
    } catch (err) {
      grown.dispose();
      throw err;
    }
    return grown;
  }

  /** Overwrites weights; shapes must match. */
  setWeights(weights: Map<string, tf.Tensor>): void {
    for (const [name, v] of this.params) {
      const w = weights.get(name);
      if (!w) throw new Error(`missing weight ${name}`);
      if (w.shape.join(",") !== v.shape.join(",")) throw new Error(`weight ${name}: shape [${w.shape}] != [${v.shape}]`);
      v.assign(w);
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const v of this.params.values()) v.dispose();
  }

  private assertAlive(): void {
    if (this.disposed) throw new Error("model is disposed");
  }
}

/**
 * One-hot as float32. tfjs-backend-wasm 4.22's OneHot kernel writes int32 data
 * whatever dtype is asked for (a float32 one-hot reads as 1.4e-45), so build it
 * as int32 and cast.
 */
export function oneHotF32(indices: tf.Tensor, depth: number): tf.Tensor {
  return tf.tidy(() => tf.oneHot(indices as tf.Tensor1D, depth).cast("float32"));
}

export function disposeKV(cache: LayerKV[] | undefined): void {
  if (!cache) return;
  for (const kv of cache) tf.dispose([kv.k, kv.v]);
}

/** log softmax(logits)[i], computed stably in JS. */
export function logSoftmaxAt(logits: ArrayLike<number>, i: number): number {
  let max = -Infinity;
  for (let j = 0; j < logits.length; j++) if ((logits[j] as number) > max) max = logits[j] as number;
  let sum = 0;
  for (let j = 0; j < logits.length; j++) sum += Math.exp((logits[j] as number) - max);
  return (logits[i] as number) - max - Math.log(sum);
}

/** The k largest log softmax(logits) entries, most likely first (ties: lower id first). */
export function topLogprobs(logits: ArrayLike<number>, k: number): TokenLogprob[] {
  const n = logits.length;
  let max = -Infinity;
  for (let j = 0; j < n; j++) if ((logits[j] as number) > max) max = logits[j] as number;
  let sum = 0;
  for (let j = 0; j < n; j++) sum += Math.exp((logits[j] as number) - max);
  const lse = max + Math.log(sum);
  const best: number[] = [];
  for (let j = 0; j < n; j++) {
    const v = logits[j] as number;
    if (best.length === k && v <= (logits[best[k - 1] as number] as number)) continue;
    let i = best.length < k ? best.length : k - 1;
    best[i] = j;
    while (i > 0 && (logits[best[i - 1] as number] as number) < v) {
      best[i] = best[i - 1] as number;
      best[i - 1] = j;
      i--;
    }
  }
  return best.map((j) => ({ token: j, logprob: (logits[j] as number) - lse }));
}

/** Greedy when temperature is 0; otherwise temperature then nucleus (top-p) sampling. */
export function sampleToken(logits: ArrayLike<number>, temperature: number, topP: number, rng: SeededRng): number {
  const n = logits.length;
  if (temperature === 0) {
    let best = 0;
    for (let j = 1; j < n; j++) if ((logits[j] as number) > (logits[best] as number)) best = j;
    return best;
  }
  let max = -Infinity;
  for (let j = 0; j < n; j++) max = Math.max(max, (logits[j] as number) / temperature);
  const probs = new Float64Array(n);
  let sum = 0;
  for (let j = 0; j < n; j++) {
    const e = Math.exp((logits[j] as number) / temperature - max);
    probs[j] = e;
    sum += e;
  }
  for (let j = 0; j < n; j++) probs[j] = (probs[j] as number) / sum;
  let order: number[];
  if (topP < 1) {
    order = Array.from({ length: n }, (_, j) => j).sort((a, b) => (probs[b] as number) - (probs[a] as number) || a - b);
    let cum = 0;
    let cut = order.length;
    for (let r = 0; r < order.length; r++) {
      cum += probs[order[r] as number] as number;
      if (cum >= topP) {
        cut = r + 1;
        break;
      }
    }
    order = order.slice(0, cut);
  } else {
    order = Array.from({ length: n }, (_, j) => j);
  }
  let mass = 0;
  for (const j of order) mass += probs[j] as number;
  let u = rng.next() * mass;
  for (const j of order) {
    u -= probs[j] as number;
    if (u < 0) return j;
  }
  return order[order.length - 1] as number;
}

/** Model classes by name, so a checkpoint's config.json can rebuild its model. */
export const MODEL_CLASSES = { [TransformerLM.className]: TransformerLM } as const;
