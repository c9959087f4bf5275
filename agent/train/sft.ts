/**
 * Supervised fine-tuning of the transformer on chat examples, with loss on the
 * assistant tokens only: length-bucketed batches, AdamW, warm-up + cosine
 * learning rate, global-norm gradient clipping, periodic evaluation on a
 * held-out split, checkpoints every N steps (resumable at the exact step and
 * batch), metrics as JSONL and a progress bar on a TTY.
 */
import * as tf from "@tensorflow/tfjs";
import { SingleBar, Presets } from "cli-progress";
import { appendFileSync, mkdirSync } from "node:fs";
import path from "node:path";
import type { Logger } from "pino";
import { isCheckpoint, loadCheckpoint, saveCheckpoint } from "../model/checkpoint.js";
import { DEFAULT_MODEL_CONFIG, type ModelConfigInput } from "../model/config.js";
import { ByteTokenizer, FittedTokenizer, type Tokenizer, type TokenizerType } from "../model/tokenizer.js";
import { TransformerLM } from "../model/transformer.js";
import { batchArrays, batchForStep, chatTexts, lengthBuckets, positionOffsetFor, splitHeldOut, tokenizeExamples, tokenStats, type ChatExample, type TokenizedExample } from "./dataset.js";
import { batchGradients, DEFAULT_MICRO_BATCH_TOKENS, explainAbort, microBatches } from "./batch-gradients.js";
import { DataParallelTrainer, defaultWorkers } from "./data-parallel.js";
import { AdamW, clipByGlobalNorm } from "./optimizer.js";
import { learningRate } from "./schedule.js";

export interface StepMetrics {
  kind: "train";
  step: number;
  loss: number;
  lr: number;
  gradNorm: number;
  /** Response (loss) tokens and all input tokens in this step's batch. */
  lossTokens: number;
  tokens: number;
  tokensPerSec: number;
  elapsedSec: number;
}

export interface EvalMetrics {
  kind: "eval";
  step: number;
  evalLoss: number;
  evalPerplexity: number;
  evalTokens: number;
}

/** Training hooks (tfjs-layers style callbacks). */
export interface SftCallbacks {
  onStepEnd?(m: StepMetrics): void | Promise<void>;
  onEval?(m: EvalMetrics): void | Promise<void>;
  onCheckpoint?(dir: string, step: number): void | Promise<void>;
}

export interface SftOptions {
  train: readonly ChatExample[];
  /** Held-out examples; default: `evalFraction` of `train`. */
  eval?: readonly ChatExample[];
  evalFraction?: number;
  /** Output directory: `checkpoint/` (latest, resumable), `metrics.jsonl`. */
  outDir: string;
  /** Architecture for a new model (vocabSize comes from the tokenizer). */
  model?: Partial<Omit<ModelConfigInput, "vocabSize">>;
  /**
   * Tokenizer of a new model: `fitted` (default) fits a piece vocabulary to the
   * training split, `byte` is the fixed byte-level one. Resuming or `init` use
   * the checkpoint's tokenizer.
   */
  tokenizer?: TokenizerType;
  /** Most pieces a fitted tokenizer keeps (default 2048). */
  tokenizerPieces?: number;
  /** Start from this checkpoint's weights (fine-tuning) instead of a fresh model. */
  init?: string;
  /** With `init`: grow the checkpoint's context to this many tokens (TransformerLM.withContext). */
  initMaxSeqLen?: number;
  /** Continue from `outDir/checkpoint` when it exists (default true). */
  resume?: boolean;
  steps: number;
  batchSize?: number;
  /** Cap on padded tokens per batch (long examples get smaller batches). */
  maxBatchTokens?: number;
  lr?: number;
  minLr?: number;
  warmupSteps?: number;
  weightDecay?: number;
  beta1?: number;
  beta2?: number;
  gradClip?: number;
  /**
   * Loss weight of the prompt's tokens (default 0: responses only). A small
   * model learns where things are in a grid from predicting the observation
   * itself: on Sokoban's 6×6 rooms, action-only SFT stayed at chance for 400
   * steps with responses only and reached 62% held-out accuracy with weight 1.
   * The held-out loss stays on responses only.
   */
  promptLossWeight?: number;
  /**
   * Loss weight of the final answer's tokens, from its `<answer` tag to the end (default 1).
   * In a one-step response the answer copies the action stated first, so this weights the
   * copy; decisionLossWeight weights the decision.
   */
  answerLossWeight?: number;
  /**
   * Loss weight of the tokens of the response's first stated action (dataset.ts
   * decisionSpan; default 1): where a one-step response decides, ~2 of its ~66 tokens, the
   * rest being the predicted state, so with equal weights the decision gets a small share of
   * the gradient.
   */
  decisionLossWeight?: number;
  /**
   * Start each batch's positions at a random offset (seeded by step) instead of 0, so
   * every row of the learned position table trains. Without it, a prompt longer than
   * any training example (Sokoban's 8×8 rooms after 6×6 training) reaches positions
   * that never trained, and the model's answers there were 100% unparseable.
   * Generation still starts at position 0. Default false.
   */
  positionShift?: boolean;
  evalEvery?: number;
  checkpointEvery?: number;
  seed?: number;
  /**
   * Data-parallel replicas per step (default: one per core on the wasm and cpu
   * backends, 1 on native TensorFlow). 1 runs today's single-thread step; N > 1
   * splits each batch over the main thread and N − 1 worker threads, each with
   * its own backend (see data-parallel.ts). Results depend on N only by float rounding.
   */
  workers?: number;
  /**
   * Most padded tokens in one forward and backward pass (default 8,192): a batch (or a
   * worker's shard) above it is computed in several passes whose gradients are summed,
   * so long examples fit the backend's memory without changing the batch.
   */
  microBatchTokens?: number;
  /** With workers > 1: the main thread computes a shard too (default true) instead of only coordinating N workers. */
  workersMainShard?: boolean;
  /** Show a progress bar (default: when stderr is a TTY). */
  progress?: boolean;
  callbacks?: SftCallbacks;
  logger?: Logger;
}

export interface SftResult {
  model: TransformerLM;
  tokenizer: Tokenizer;
  step: number;
  /** Step at which this run started (0, or the resumed step). */
  startStep: number;
  history: (StepMetrics | EvalMetrics)[];
  checkpointDir: string;
}

/** Mean response-token loss over a set of examples (no gradients), in passes of at most `microBatchTokens` padded tokens. */
export async function evaluateLoss(
  model: TransformerLM,
  examples: readonly TokenizedExample[],
  batches: readonly number[][],
  padId: number,
  microBatchTokens = DEFAULT_MICRO_BATCH_TOKENS,
): Promise<{ loss: number; tokens: number }> {
  let total = 0;
  let tokens = 0;
  for (const idx of batches) {
    const b = batchArrays(examples, idx, padId);
    for (const part of microBatches(b, microBatchTokens)) {
      const sum = tf.tidy(() => {
        const ids = tf.tensor2d(part.ids, [part.rows, part.cols], "int32");
        const targets = tf.tensor2d(part.targets, [part.rows, part.cols], "int32");
        const weights = tf.tensor2d(part.mask, [part.rows, part.cols], "float32");
        return model.tokenLogprobs(ids, targets).mul(weights).sum().neg();
      });
      total += (await sum.data())[0] as number;
      sum.dispose();
    }
    tokens += b.lossTokens;
  }
  return { loss: tokens ? total / tokens : NaN, tokens };
}

export async function runSft(opts: SftOptions): Promise<SftResult> {
  const log = opts.logger;
  const seed = opts.seed ?? 0;
  const batchSize = opts.batchSize ?? 8;
  const peak = opts.lr ?? 3e-4;
  const schedule = {
    peak,
    min: opts.minLr ?? peak * 0.1,
    warmupSteps: opts.warmupSteps ?? Math.min(100, Math.floor(opts.steps / 10)),
    totalSteps: opts.steps,
  };
  const gradClip = opts.gradClip ?? 1.0;
  const evalEvery = opts.evalEvery ?? 100;
  const checkpointEvery = opts.checkpointEvery ?? 500;
  if (!Number.isInteger(opts.steps) || opts.steps < 0) throw new Error(`steps must be a non-negative integer, got ${opts.steps}`);
  mkdirSync(opts.outDir, { recursive: true });
  const ckDir = path.join(opts.outDir, "checkpoint");
  const metricsFile = path.join(opts.outDir, "metrics.jsonl");

  const split = opts.eval ? { train: [...opts.train], eval: [...opts.eval] } : splitHeldOut(opts.train, opts.evalFraction ?? 0.05, seed);
  let model: TransformerLM;
  let tokenizer: Tokenizer;
  let startStep = 0;
  let optimizerState: Awaited<ReturnType<typeof loadCheckpoint>>["optimizer"];
  if ((opts.resume ?? true) && isCheckpoint(ckDir)) {
    const ck = await loadCheckpoint(ckDir);
    ({ model, tokenizer } = ck);
    optimizerState = ck.optimizer;
    const s = ck.trainer?.step;
    if (typeof s !== "number" || !Number.isInteger(s) || s < 0) throw new Error(`checkpoint file ${path.join(ckDir, "trainer.json")} has no valid "step"`);
    startStep = s;
    log?.info({ checkpoint: ckDir, step: startStep }, "resuming SFT");
  } else if (opts.init) {
    const ck = await loadCheckpoint(opts.init, { withOptimizer: false });
    ({ model, tokenizer } = ck);
    if (opts.initMaxSeqLen !== undefined && opts.initMaxSeqLen !== model.config.maxSeqLen) {
      const grown = model.withContext(opts.initMaxSeqLen, seed);
      model.dispose();
      model = grown;
    }
    log?.info({ checkpoint: opts.init, maxSeqLen: model.config.maxSeqLen }, "fine-tuning from checkpoint");
  } else {
    tokenizer = opts.tokenizer === "byte" ? new ByteTokenizer() : FittedTokenizer.fit(chatTexts(split.train), { maxPieces: opts.tokenizerPieces });
    model = new TransformerLM({ ...DEFAULT_MODEL_CONFIG, ...opts.model, vocabSize: tokenizer.vocabSize }, { seed });
  }
  const optimizer = new AdamW(model.params, (n) => model.decayed(n), {
    weightDecay: opts.weightDecay ?? 0.1,
    beta1: opts.beta1 ?? 0.9,
    beta2: opts.beta2 ?? 0.95,
  });
  if (optimizerState) {
    try {
      optimizer.load(optimizerState);
    } finally {
      tf.dispose([...optimizerState.tensors.values()]);
    }
  }

  const maxSeqLen = model.config.maxSeqLen;
  const microBatchTokens = opts.microBatchTokens ?? DEFAULT_MICRO_BATCH_TOKENS;
  if (!Number.isInteger(microBatchTokens) || microBatchTokens < 1) {
    optimizer.dispose();
    model.dispose();
    throw new Error(`micro-batch tokens must be a positive integer, got ${microBatchTokens}`);
  }
  if (opts.tokenizer && opts.tokenizer !== tokenizer.type) log?.warn({ requested: opts.tokenizer, used: tokenizer.type }, "the checkpoint's tokenizer is used, not the requested one");
  let train: ReturnType<typeof tokenizeExamples>;
  let evalSet: ReturnType<typeof tokenizeExamples>;
  try {
    if (split.train.length === 0) throw new Error("no training examples");
    train = tokenizeExamples(split.train, tokenizer, maxSeqLen, "the training split", { prompt: opts.promptLossWeight, answer: opts.answerLossWeight, decision: opts.decisionLossWeight });
    evalSet = tokenizeExamples(split.eval, tokenizer, maxSeqLen, "the held-out split");
  } catch (err) {
    optimizer.dispose();
    model.dispose();
    throw err;
  }
  log?.info({ ...tokenStats(split.train, tokenizer, train.examples), maxSeqLen }, "tokens per training example");
  const batches = lengthBuckets(train.examples, batchSize, opts.maxBatchTokens);
  const evalBatches = lengthBuckets(evalSet.examples, batchSize, opts.maxBatchTokens);
  log?.info(
    { params: model.parameterCount, config: model.config, train: train.examples.length, eval: evalSet.examples.length, batches: batches.length, steps: opts.steps, startStep, promptLossWeight: opts.promptLossWeight ?? 0, answerLossWeight: opts.answerLossWeight ?? 1, decisionLossWeight: opts.decisionLossWeight ?? 1, positionShift: opts.positionShift ?? false },
    "SFT starting",
  );

  const vars = [...model.params.values()];
  const nameOf = new Map(vars.map((v, i) => [v.name, [...model.params.keys()][i] as string]));
  const history: (StepMetrics | EvalMetrics)[] = [];
  const emit = (m: StepMetrics | EvalMetrics): void => {
    history.push(m);
    appendFileSync(metricsFile, JSON.stringify(m) + "\n");
  };
  const saveAt = async (step: number): Promise<void> => {
    const state = optimizer.state();
    try {
      await saveCheckpoint(ckDir, { model, tokenizer, optimizer: state, trainer: { step, seed, schedule } });
    } finally {
      tf.dispose([...state.tensors.values()]);
    }
    await opts.callbacks?.onCheckpoint?.(ckDir, step);
  };
  const runEval = async (step: number): Promise<void> => {
    if (evalBatches.length === 0) return;
    const r = await evaluateLoss(model, evalSet.examples, evalBatches, tokenizer.pad, microBatchTokens);
    const m: EvalMetrics = { kind: "eval", step, evalLoss: r.loss, evalPerplexity: Math.exp(r.loss), evalTokens: r.tokens };
    emit(m);
    log?.info(m, "eval");
    await opts.callbacks?.onEval?.(m);
  };

  const showBar = opts.progress ?? Boolean(process.stderr.isTTY);
  const bar = showBar ? new SingleBar({ format: "sft {bar} {value}/{total} | loss {loss} | lr {lr} | {tps} tok/s | eta {eta_formatted}", stream: process.stderr }, Presets.shades_classic) : undefined;
  bar?.start(opts.steps, startStep, { loss: "-", lr: "-", tps: "-" });
  const workers = opts.workers ?? defaultWorkers();
  if (!Number.isInteger(workers) || workers < 1) throw new Error(`workers must be a positive integer, got ${workers}`);
  const offsetFor = (indices: readonly number[], step: number): number =>
    opts.positionShift ? positionOffsetFor(train.examples, indices, model.config.maxSeqLen, step, seed) : 0;
  const names = vars.map((v) => nameOf.get(v.name) ?? v.name);
  /** Loss and gradients (by weight name; the caller disposes them) of the batch for `step`. */
  const singleGrads = (step: number): { loss: number; grads: Map<string, tf.Tensor>; lossTokens: number; tokens: number } => {
    const indices = batchForStep(batches, step, seed);
    const b = batchArrays(train.examples, indices, tokenizer.pad);
    const r = batchGradients(model, vars, b, offsetFor(indices, step), microBatchTokens);
    return { loss: r.loss, grads: new Map(r.grads.map((g, i) => [names[i] as string, g])), lossTokens: b.lossTokens, tokens: b.tokens };
  };
  let dp: DataParallelTrainer | undefined;
  const t0 = performance.now();
  let step = startStep;
  try {
    if (workers > 1 && step < opts.steps) {
      dp = await DataParallelTrainer.start(model, { replicas: workers, mainShard: opts.workersMainShard, microBatchTokens });
      log?.info({ workers, mainShard: opts.workersMainShard ?? true }, "data-parallel SFT: one replica per thread");
    }
    for (; step < opts.steps; step++) {
      const tStep = performance.now();
      const lr = learningRate(step, schedule);
      const indices = batchForStep(batches, step, seed);
      let g: { loss: number; grads: Map<string, tf.Tensor>; lossTokens: number; tokens: number };
      try {
        g = dp ? await dp.step(train.examples, indices, tokenizer.pad, offsetFor(indices, step)) : singleGrads(step);
      } catch (err) {
        throw explainAbort(err, step + 1, microBatchTokens);
      }
      const clipped = clipByGlobalNorm(g.grads, gradClip);
      optimizer.apply(clipped.grads, lr);
      const loss = g.loss;
      const gradNorm = (await clipped.norm.data())[0] as number;
      tf.dispose([clipped.norm, ...g.grads.values(), ...clipped.grads.values()]);
      if (!Number.isFinite(loss)) throw new Error(`loss became ${loss} at step ${step + 1}; lower --lr`);
      const sec = (performance.now() - tStep) / 1000;
      const m: StepMetrics = {
        kind: "train",
        step: step + 1,
        loss,
        lr,
        gradNorm,
        lossTokens: g.lossTokens,
        tokens: g.tokens,
        tokensPerSec: Math.round(g.tokens / sec),
        elapsedSec: (performance.now() - t0) / 1000,
      };
      emit(m);
      bar?.update(step + 1, { loss: loss.toFixed(4), lr: lr.toExponential(2), tps: m.tokensPerSec });
      await opts.callbacks?.onStepEnd?.(m);
      if (evalEvery > 0 && (step + 1) % evalEvery === 0) await runEval(step + 1);
      if (checkpointEvery > 0 && (step + 1) % checkpointEvery === 0) await saveAt(step + 1);
    }
  } catch (err) {
    bar?.stop();
    await dp?.close();
    optimizer.dispose();
    model.dispose();
    throw err;
  }
  await dp?.close();
  bar?.stop();
  if (step > startStep || !isCheckpoint(ckDir)) {
    if (evalEvery <= 0 || step % evalEvery !== 0) await runEval(step);
    if (checkpointEvery <= 0 || step % checkpointEvery !== 0) await saveAt(step);
  }
  optimizer.dispose();
  log?.info({ step, checkpoint: ckDir }, "SFT done");
  return { model, tokenizer, step, startStep, history, checkpointDir: ckDir };
}

