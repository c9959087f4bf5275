/**
 * Worker-thread entry of data-parallel SFT (see data-parallel.ts): holds a
 * replica of the model on its own tensorflow.js backend (the wasm backend is
 * single-threaded in Node, so each thread is one core's worth of compute) and,
 * per step, takes the current weights and a shard of the batch and returns the
 * shard's mean loss and its gradients as one transferable Float32Array.
 */
import * as tf from "@tensorflow/tfjs";
import { parentPort, workerData } from "node:worker_threads";
import { selectBackend, type BackendPreference } from "../model/backend.js";
import type { ModelConfig } from "../model/config.js";
import { TransformerLM } from "../model/transformer.js";
import { batchGradients, flattenGradients } from "./batch-gradients.js";
import type { ToWorker, FromWorker, WorkerInit } from "./data-parallel.js";

const port = parentPort;
if (!port) throw new Error("sft-worker.ts must run in a worker thread");
const init = workerData as WorkerInit;

function post(msg: FromWorker, transfer: ArrayBuffer[] = []): void {
  port!.postMessage(msg, transfer);
}

let model: TransformerLM | undefined;
let vars: tf.Variable[] = [];
let total = 0;

async function start(): Promise<void> {
  await selectBackend({ prefer: init.backend as BackendPreference });
  model = new TransformerLM(init.config as ModelConfig);
  vars = [...model.params.values()];
  total = vars.reduce((s, v) => s + v.size, 0);
  post({ type: "ready", backend: tf.getBackend() });
}

function setFlatWeights(flat: Float32Array): void {
  if (flat.length !== total) throw new Error(`weights of ${flat.length} floats, expected ${total}`);
  let off = 0;
  for (const v of vars) {
    const t = tf.tensor(flat.subarray(off, off + v.size), v.shape, "float32");
    v.assign(t);
    t.dispose();
    off += v.size;
  }
}

function step(msg: Extract<ToWorker, { type: "step" }>): void {
  if (msg.weights) setFlatWeights(msg.weights);
  const r = batchGradients(model as TransformerLM, vars, msg, msg.positionOffset ?? 0, msg.microBatchTokens);
  const grads = flattenGradients(r.grads);
  post({ type: "grads", id: msg.id, loss: r.loss, grads }, [grads.buffer as ArrayBuffer]);
}

port.on("message", (msg: ToWorker) => {
  if (msg.type === "step") {
    try {
      step(msg);
    } catch (err) {
      post({ type: "error", id: msg.id, message: (err as Error).message ?? String(err), stack: (err as Error).stack });
    }
  } else if (msg.type === "exit") {
    // For tests of how the trainer reports a worker that dies mid-training.
    process.exit(msg.code);
  }
});

start().catch((err: unknown) => {
  post({ type: "error", id: -1, message: `worker start-up failed: ${(err as Error).message ?? String(err)}`, stack: (err as Error).stack });
});
