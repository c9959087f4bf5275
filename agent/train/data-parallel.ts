/**
 * Data-parallel SFT steps over worker threads (issue 9, item 4).
 *
 * tfjs-backend-wasm runs one thread in Node (its threaded build starts workers
 * from a `blob:` URL, which Node refuses), so the way to use more cores is
 * several worker_threads, each with its own backend and a replica of the model.
 * Each step:
 *
 * 1. the batch's rows are split into `replicas` shards of similar token counts
 *    (longest first, each to the shard with fewest tokens so far);
 * 2. every replica gets the current weights (one transferable Float32Array) and
 *    its shard, and computes the shard's mean loss and its gradients; with
 *    `mainShard` (the default) the main thread is replica 0 and computes its
 *    shard on the model itself while the workers compute theirs;
 * 3. the gradients come back as transferable Float32Arrays and are averaged in
 *    shard order, each weighted by its shard's share of the batch's loss
 *    tokens — the gradient of the whole batch's mean loss, as one thread would
 *    compute it, up to float rounding;
 * 4. the caller clips and applies the update once (AdamW on the main thread's
 *    model, which stays the only copy that checkpoints see), and the next step
 *    sends the new weights out again.
 *
 * Sending weights rather than letting each replica run AdamW itself keeps one
 * optimizer state (checkpoints and resume are unchanged), costs one 4-byte copy
 * per weight per worker per step (≈3.4 MB, ~1 ms, against a step of seconds),
 * and makes the replicas exactly equal by construction. The result is
 * deterministic for a given seed and replica count: the shards, the order of
 * the sum, and each backend's single-threaded kernels are all fixed.
 */
import * as tf from "@tensorflow/tfjs";
import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import type { ModelConfig } from "../model/config.js";
import type { TransformerLM } from "../model/transformer.js";
import { batchGradients, DEFAULT_MICRO_BATCH_TOKENS, flattenGradients, gradientTensors } from "./batch-gradients.js";
import { batchArrays, type BatchArrays, type PaddedRows, type TokenizedExample } from "./dataset.js";

/** Sent to a worker at start-up (as workerData). */
export interface WorkerInit {
  config: ModelConfig;
  /** Backend preference for the worker (the main thread's kind). */
  backend: string;
}

export type ToWorker =
  | ({ type: "step"; id: number; weights?: Float32Array; positionOffset?: number; microBatchTokens?: number } & PaddedRows)
  | { type: "exit"; code: number };

export type FromWorker =
  | { type: "ready"; backend: string }
  | { type: "grads"; id: number; loss: number; grads: Float32Array }
  | { type: "error"; id: number; message: string; stack?: string };

export { batchArrays, type BatchArrays };

/**
 * Splits a batch's example indices into `n` shards of similar token counts:
 * longest row first, each to the shard with the fewest tokens so far (ties: the
 * lower shard). Rows keep their batch order inside a shard. Shards may be empty
 * when the batch has fewer rows than `n`.
 */
export function shardRows(examples: readonly TokenizedExample[], indices: readonly number[], n: number): number[][] {
  const len = (i: number): number => (examples[i]?.ids.length ?? 1) - 1;
  const order = indices.map((_, k) => k).sort((a, b) => len(indices[b] as number) - len(indices[a] as number) || a - b);
  const load = new Array<number>(n).fill(0);
  const owner = new Array<number>(indices.length);
  for (const k of order) {
    let best = 0;
    for (let s = 1; s < n; s++) if ((load[s] as number) < (load[best] as number)) best = s;
    owner[k] = best;
    load[best] = (load[best] as number) + len(indices[k] as number);
  }
  const shards: number[][] = Array.from({ length: n }, () => []);
  indices.forEach((idx, k) => shards[owner[k] as number]?.push(idx));
  return shards;
}

/** Replicas to use by default: one per core on the single-threaded backends, 1 on native TensorFlow (already multi-threaded). */
export function defaultWorkers(backend = tf.getBackend()): number {
  if (backend === "tensorflow" || backend === "tensorflow-gpu" || backend === "webgl") return 1;
  return Math.max(1, availableParallelism());
}

/** How a worker thread is started: the .js entry from dist/, or the .ts source through tsx (vitest, tsx). */
function spawnWorker(init: WorkerInit): Worker {
  const here = import.meta.url;
  if (here.endsWith(".ts")) {
    const entry = new URL("./sft-worker.ts", here).href;
    // tsx's ESM API (its "import" export sits beside the "require" one that require.resolve finds).
    const tsxApi = pathToFileURL(createRequire(fileURLToPath(here)).resolve("tsx/esm/api").replace(/\.cjs$/, ".mjs")).href;
    const boot = `import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
    return new Worker(boot, { eval: true, workerData: init });
  }
  return new Worker(new URL("./sft-worker.js", here), { workerData: init });
}

interface Pending {
  id: number;
  resolve(m: { loss: number; grads: Float32Array }): void;
  reject(err: Error): void;
}

class Replica {
  readonly worker: Worker;
  readonly ready: Promise<void>;
  failure: Error | undefined;
  pending: Pending | undefined;
  closing = false;
  private readyWait: { resolve(): void; reject(err: Error): void } | undefined;

  constructor(
    readonly index: number,
    init: WorkerInit,
  ) {
    this.ready = new Promise<void>((resolve, reject) => (this.readyWait = { resolve, reject }));
    this.ready.catch(() => undefined);
    this.worker = spawnWorker(init);
    this.worker.on("message", (m: FromWorker) => this.onMessage(m));
    this.worker.on("error", (err) => this.fail(new Error(`SFT worker ${this.index} failed: ${err.message}`)));
    this.worker.on("messageerror", (err) => this.fail(new Error(`SFT worker ${this.index} sent an unreadable message: ${err.message}`)));
    this.worker.on("exit", (code) => {
      if (!this.closing) this.fail(new Error(`SFT worker ${this.index} exited unexpectedly (exit code ${code})`));
    });
  }

  private onMessage(m: FromWorker): void {
    if (m.type === "ready") {
      this.readyWait?.resolve();
      this.worker.unref();
    } else if (m.type === "grads") {
      const p = this.pending;
      if (!p || p.id !== m.id) return;
      this.pending = undefined;
      this.worker.unref();
      p.resolve({ loss: m.loss, grads: m.grads });
    } else if (m.type === "error") {
      if (m.id === -1) this.fail(new Error(`SFT worker ${this.index}: ${m.message}`));
      else if (this.pending?.id === m.id) {
        const p = this.pending;
        this.pending = undefined;
        this.worker.unref();
        p.reject(new Error(`SFT worker ${this.index} failed in its step: ${m.message}`));
      }
    }
  }

  fail(err: Error): void {
    if (this.failure) return;
    this.failure = err;
    this.readyWait?.reject(err);
    const p = this.pending;
    this.pending = undefined;
    p?.reject(err);
  }

  request(msg: Extract<ToWorker, { type: "step" }>): Promise<{ loss: number; grads: Float32Array }> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.pending = { id: msg.id, resolve, reject };
      // Held only while a step is out, so a trainer nobody closed never keeps the process alive.
      this.worker.ref();
      const transfer = [msg.ids.buffer, msg.targets.buffer, msg.mask.buffer, ...(msg.weights ? [msg.weights.buffer] : [])] as ArrayBuffer[];
      this.worker.postMessage(msg, transfer);
    });
  }
}

export interface DataParallelOptions {
  /** Replicas per step, the main thread's included when `mainShard`; ≥ 2. */
  replicas: number;
  /** The main thread computes shard 0 itself (default true); otherwise `replicas` workers do all shards. */
  mainShard?: boolean;
  /** Most padded tokens in one pass of a replica (batch-gradients.ts); a larger shard takes several. */
  microBatchTokens?: number;
}

export interface DataParallelStep {
  /** Mean loss over the batch's loss tokens. */
  loss: number;
  /** Gradient of that loss, by weight name (the caller disposes them). */
  grads: Map<string, tf.Tensor>;
  lossTokens: number;
  tokens: number;
  /** Loss tokens per shard (0 for an empty shard). */
  shardLossTokens: number[];
}

let live = 0;
/** Worker threads started by DataParallelTrainer and not yet terminated (for tests). */
export function liveSftWorkers(): number {
  return live;
}

export class DataParallelTrainer {
  private readonly replicas: Replica[] = [];
  private readonly mainShard: boolean;
  private readonly n: number;
  private readonly names: string[];
  private readonly vars: tf.Variable[];
  private readonly total: number;
  private readonly microBatchTokens: number;
  private nextId = 1;
  private closed = false;

  private constructor(
    private readonly model: TransformerLM,
    opts: DataParallelOptions,
  ) {
    if (!Number.isInteger(opts.replicas) || opts.replicas < 2) throw new Error(`data-parallel training needs 2 or more replicas, got ${opts.replicas}`);
    this.n = opts.replicas;
    this.mainShard = opts.mainShard ?? true;
    this.names = [...model.params.keys()];
    this.vars = [...model.params.values()];
    this.total = this.vars.reduce((s, v) => s + v.size, 0);
    this.microBatchTokens = opts.microBatchTokens ?? DEFAULT_MICRO_BATCH_TOKENS;
  }

  /** Starts the worker threads and waits until each has its backend and model. */
  static async start(model: TransformerLM, opts: DataParallelOptions): Promise<DataParallelTrainer> {
    const t = new DataParallelTrainer(model, opts);
    const init: WorkerInit = { config: model.config, backend: backendPreference(tf.getBackend()) };
    const count = t.mainShard ? t.n - 1 : t.n;
    try {
      for (let i = 0; i < count; i++) {
        t.replicas.push(new Replica(t.mainShard ? i + 1 : i, init));
        live++;
      }
      await Promise.all(t.replicas.map((r) => r.ready));
    } catch (err) {
      await t.close();
      throw err;
    }
    return t;
  }

  /** Worker threads (for tests). */
  get workers(): readonly Worker[] {
    return this.replicas.map((r) => r.worker);
  }

  private flatWeights(): Float32Array {
    const flat = new Float32Array(this.total);
    let off = 0;
    for (const v of this.vars) {
      flat.set(v.dataSync() as Float32Array, off);
      off += v.size;
    }
    return flat;
  }

  private localGrads(b: BatchArrays, positionOffset: number): { loss: number; grads: Float32Array } {
    const r = batchGradients(this.model, this.vars, b, positionOffset, this.microBatchTokens);
    return { loss: r.loss, grads: flattenGradients(r.grads) };
  }

  /** Loss and gradients of one batch, computed in shards by the replicas. */
  /** `positionOffset`: where every row's positions start (one value for the whole batch; see SftOptions.positionShift). */
  async step(examples: readonly TokenizedExample[], indices: readonly number[], padId: number, positionOffset = 0): Promise<DataParallelStep> {
    if (this.closed) throw new Error("data-parallel trainer is closed");
    const shards = shardRows(examples, indices, this.n).map((s) => (s.length ? batchArrays(examples, s, padId) : undefined));
    const lossTokens = shards.reduce((s, b) => s + (b?.lossTokens ?? 0), 0);
    const tokens = shards.reduce((s, b) => s + (b?.tokens ?? 0), 0);
    const id = this.nextId++;
    const results: (Promise<{ loss: number; grads: Float32Array }> | { loss: number; grads: Float32Array } | undefined)[] = new Array(this.n);
    const remote: number[] = [];
    for (let s = this.mainShard ? 1 : 0; s < this.n; s++) if ((shards[s]?.lossTokens ?? 0) > 0) remote.push(s);
    // Each worker gets its own copy of the weights (a transfer detaches the buffer sent).
    const weights = remote.length ? this.flatWeights() : undefined;
    // Workers first (they start at once), then the main thread's own shard.
    remote.forEach((s, k) => {
      const b = shards[s] as BatchArrays;
      const r = this.replicas[this.mainShard ? s - 1 : s] as Replica;
      const w = k === remote.length - 1 ? weights : weights?.slice();
      const p = r.request({ type: "step", id, weights: w, ids: b.ids, targets: b.targets, mask: b.mask, rows: b.rows, cols: b.cols, lossTokens: b.lossTokens, positionOffset, microBatchTokens: this.microBatchTokens });
      p.catch(() => undefined);
      results[s] = p;
    });
    const b0 = shards[0];
    if (this.mainShard && b0 && b0.lossTokens > 0) results[0] = this.localGrads(b0, positionOffset);
    const done = await Promise.all(results);
    // Weighted average in shard order (deterministic): sum_s (n_s / N) g_s.
    const avg = new Float32Array(this.total);
    let loss = 0;
    done.forEach((r, s) => {
      const nS = shards[s]?.lossTokens ?? 0;
      if (!r || nS === 0) return;
      const w = nS / lossTokens;
      const g = r.grads;
      for (let j = 0; j < avg.length; j++) avg[j] = (avg[j] as number) + w * (g[j] as number);
      loss += w * r.loss;
    });
    const grads = gradientTensors(avg, this.vars, this.names);
    return { loss, grads, lossTokens, tokens, shardLossTokens: shards.map((b) => b?.lossTokens ?? 0) };
  }

  /** Terminates the workers (idempotent); waits until they are gone. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(
      this.replicas.map(async (r) => {
        r.closing = true;
        r.fail(new Error(`SFT worker ${r.index} was closed`));
        try {
          await r.worker.terminate();
        } finally {
          live--;
        }
      }),
    );
  }
}

function backendPreference(name: string): string {
  if (name === "tensorflow") return "node";
  if (name === "tensorflow-gpu") return "gpu";
  return name === "cpu" ? "cpu" : "wasm";
}
