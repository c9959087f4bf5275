/**
 * Chat-format JSONL datasets for SFT: one example per line,
 * `{"messages":[{"role":"system"|"user"|"assistant","content":"..."}, ...], "metadata":{...}}`.
 * Loss falls on assistant messages only. Malformed lines are reported with their line numbers.
 */
import * as tf from "@tensorflow/tfjs";
import { readFile } from "node:fs/promises";
import { z } from "zod";
import { SeededRng } from "../model/rng.js";
import type { ChatMessage, EncodedChat, Tokenizer, TokenizerType } from "../model/tokenizer.js";

export const ChatExampleSchema = z.object({
  messages: z
    .array(z.object({ role: z.enum(["system", "user", "assistant"]), content: z.string() }).strict())
    .min(1)
    .refine((ms) => ms.some((m) => m.role === "assistant"), { message: "no assistant message (nothing to learn from)" }),
  metadata: z.record(z.string(), z.unknown()).optional(),
});

export interface ChatExample {
  messages: ChatMessage[];
  metadata?: Record<string, unknown>;
}

/** Parses JSONL text; throws one Error listing (up to 10) bad lines as `name:line: reason`. */
export function parseChatJsonl(text: string, name = "<input>"): ChatExample[] {
  const out: ChatExample[] = [];
  const errors: string[] = [];
  let bad = 0;
  const lines = text.split(/\r?\n/);
  lines.forEach((line, i) => {
    if (line.trim() === "") return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      bad++;
      if (errors.length < 10) errors.push(`${name}:${i + 1}: not valid JSON (${(err as Error).message})`);
      return;
    }
    const r = ChatExampleSchema.safeParse(value);
    if (!r.success) {
      bad++;
      const issue = r.error.issues[0];
      const where = issue?.path.length ? ` at ${issue.path.join(".")}` : "";
      if (errors.length < 10) errors.push(`${name}:${i + 1}: ${issue?.message ?? "invalid"}${where}`);
      return;
    }
    out.push(r.data);
  });
  if (bad > 0) throw new Error(`${bad} malformed line(s) in ${name}:\n  ${errors.join("\n  ")}${bad > errors.length ? "\n  ..." : ""}`);
  if (out.length === 0) throw new Error(`${name} has no examples`);
  return out;
}

export async function loadChatJsonl(file: string): Promise<ChatExample[]> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    throw new Error(`cannot read dataset ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return parseChatJsonl(text, file);
}

/** A tokenised example: `ids` and a parallel 0/1 mask of response tokens. */
export interface TokenizedExample {
  ids: number[];
  responseMask: number[];
  /**
   * Per-token loss weight when it is not the response mask: 1 on response
   * tokens and `promptLossWeight` on the others (see tokenizeExamples).
   */
  lossWeight?: number[];
}

/** The texts a tokenizer is fitted on: every message of every example, prompts included (the model reads them too). */
export function* chatTexts(examples: Iterable<ChatExample>): Generator<string> {
  for (const ex of examples) for (const m of ex.messages) yield m.content;
}

function describeExample(ex: ChatExample, index: number, name: string): string {
  const md = ex.metadata ?? {};
  const keys = ["env", "seed", "step"].filter((k) => k in md);
  const tag = keys.length ? ` (${keys.map((k) => `${k} ${JSON.stringify(md[k])}`).join(", ")})` : "";
  return `example ${index + 1} of ${name}${tag}`;
}

/**
 * Loss weights beside the response mask's 1: `prompt` on prompt tokens (0–1), `answer` on
 * the final answer's tokens from its tag (answerStart), `decision` on the tokens of the
 * response's first stated action (decisionSpan; where both apply, `decision` wins). Each
 * of the last two 1–100; 1 leaves the batches as they were.
 */
export interface LossWeights {
  prompt?: number;
  answer?: number;
  decision?: number;
}

/**
 * Tokenises with the chat template. Nothing is ever cut: an example of N
 * tokens trains on N − 1 positions, so it needs `maxSeqLen ≥ N − 1`, and when
 * any example is longer this throws one Error naming how many are and the
 * longest (its length, position and metadata). `name` says which data set
 * ("the training split") in that message.
 */
export function tokenizeExamples(
  examples: readonly ChatExample[],
  tokenizer: Tokenizer,
  maxSeqLen: number,
  name = "the dataset",
  weights: LossWeights = {},
): { examples: TokenizedExample[] } {
  const { prompt: promptLossWeight = 0, answer: answerLossWeight = 1, decision: decisionLossWeight = 1 } = weights;
  if (!(promptLossWeight >= 0 && promptLossWeight <= 1)) throw new Error(`promptLossWeight must be in [0, 1], got ${promptLossWeight}`);
  if (!(answerLossWeight >= 1 && answerLossWeight <= 100)) throw new Error(`answerLossWeight must be in [1, 100], got ${answerLossWeight}`);
  if (!(decisionLossWeight >= 1 && decisionLossWeight <= 100)) throw new Error(`decisionLossWeight must be in [1, 100], got ${decisionLossWeight}`);
  const out: TokenizedExample[] = [];
  let tooLong = 0;
  let longest = -1;
  examples.forEach((ex, i) => {
    const { ids, responseMask } = tokenizer.encodeChat(ex.messages);
    if (ids.length > maxSeqLen + 1) {
      tooLong++;
      if (longest < 0 || ids.length > (out[longest]?.ids.length ?? 0)) longest = out.length;
    }
    const from = answerLossWeight !== 1 ? answerStart(ids, responseMask, tokenizer) : -1;
    const decision = decisionLossWeight !== 1 ? decisionSpan(ids, responseMask, tokenizer) : undefined;
    if (promptLossWeight > 0 || from >= 0 || decision !== undefined) {
      const lossWeight = responseMask.map((m, t) => {
        if (!m) return promptLossWeight;
        if (decision !== undefined && t >= decision.from && t < decision.to) return decisionLossWeight;
        return from >= 0 && t >= from ? answerLossWeight : 1;
      });
      out.push({ ids, responseMask, lossWeight });
    } else out.push({ ids, responseMask });
  });
  if (tooLong > 0) {
    const len = out[longest]!.ids.length;
    throw new Error(
      `${tooLong} of ${examples.length} examples in ${name} do not fit the model's context (maxSeqLen ${maxSeqLen} takes examples of up to ${maxSeqLen + 1} ${tokenizer.type} tokens); ` +
        `the longest, ${describeExample(examples[longest]!, longest, name)}, has ${len} tokens. ` +
        `Raise maxSeqLen to at least ${len - 1} (--config) or shorten the examples; examples are never cut.`,
    );
  }
  return { examples: out };
}

const ANSWER_TAG = Buffer.from("<answer");

/**
 * Where the final response's answer starts: the index of the token that holds the start of
 * its last `<answer` tag (the tokens after it, the end token included, are the answer), or
 * −1 when the final response has none. Found on the tokens' bytes, so it holds for any
 * tokenizer, whatever pieces the tag was cut into.
 */
export function answerStart(ids: readonly number[], responseMask: readonly number[], tokenizer: Pick<Tokenizer, "tokenBytes">): number {
  // Only the first bytes of what follows a token can complete a tag that starts in it.
  let head = Buffer.alloc(0);
  for (let t = ids.length - 1; t >= 0 && responseMask[t]; t--) {
    const bytes = tokenizer.tokenBytes(ids[t]!);
    if (!bytes) continue;
    const joined = Buffer.concat([bytes, head]);
    // Walking back, the first token that completes the tag is the one holding its "<".
    if (joined.indexOf(ANSWER_TAG) >= 0) return t;
    head = joined.subarray(0, ANSWER_TAG.length - 1);
  }
  return -1;
}

const ACTION_OPEN = Buffer.from("<action>");
const ACTION_CLOSE = Buffer.from("</action>");
const ANSWER_CLOSE = Buffer.from("</answer>");

/**
 * The tokens that make the final response's decision: those holding any byte of its first
 * `<action>` element's content when that element comes before the answer (a one-step
 * response states its action first, and its answer then copies it), else of its
 * `<answer>` element's content (an answer-only response). `[from, to)` token indices, or
 * undefined when the final response states neither. Found on the tokens' bytes, so it
 * holds for any tokenizer.
 */
export function decisionSpan(ids: readonly number[], responseMask: readonly number[], tokenizer: Pick<Tokenizer, "tokenBytes">): { from: number; to: number } | undefined {
  let start = ids.length;
  while (start > 0 && responseMask[start - 1]) start--;
  // offsets[k]: where token start + k begins in the response's bytes.
  const parts: Uint8Array[] = [];
  const offsets = [0];
  for (let t = start; t < ids.length; t++) {
    const bytes = tokenizer.tokenBytes(ids[t]!) ?? new Uint8Array(0);
    parts.push(bytes);
    offsets.push(offsets.at(-1)! + bytes.length);
  }
  const text = Buffer.concat(parts);
  const action = text.indexOf(ACTION_OPEN);
  const answer = text.indexOf(ANSWER_TAG);
  let from: number;
  let to: number;
  if (action >= 0 && (answer < 0 || action < answer)) {
    from = action + ACTION_OPEN.length;
    to = text.indexOf(ACTION_CLOSE, from);
  } else if (answer >= 0) {
    from = text.indexOf(">", answer) + 1;
    to = from > 0 ? text.indexOf(ANSWER_CLOSE, from) : -1;
  } else return undefined;
  if (from <= 0 || to <= from) return undefined;
  let first = -1;
  let last = -1;
  for (let k = 0; k < offsets.length - 1; k++) {
    if (offsets[k]! < to && offsets[k + 1]! > from) {
      if (first < 0) first = k;
      last = k;
    }
  }
  return first < 0 ? undefined : { from: start + first, to: start + last + 1 };
}

/** Token counts of a data set under a tokenizer (chat template included). */
export interface TokenStats {
  tokenizer: TokenizerType;
  vocabSize: number;
  examples: number;
  /** Whole examples (prompt + reply + template tokens). */
  mean: number;
  p95: number;
  max: number;
  /** Assistant tokens per example (what the model generates, `<|end|>` included). */
  replyMean: number;
  replyMax: number;
  /** The smallest maxSeqLen that takes every example: max − 1. */
  minMaxSeqLen: number;
}

const p95Of = (sorted: readonly number[]): number => sorted[Math.max(0, Math.ceil(0.95 * sorted.length) - 1)] ?? 0;

/** Token counts of `examples` under `tokenizer`; pass `encoded` when they are already tokenised with it. */
export function tokenStats(examples: readonly ChatExample[], tokenizer: Tokenizer, encoded?: readonly EncodedChat[]): TokenStats {
  const lens: number[] = [];
  const replies: number[] = [];
  for (const [i, ex] of examples.entries()) {
    const { ids, responseMask } = encoded?.[i] ?? tokenizer.encodeChat(ex.messages);
    lens.push(ids.length);
    replies.push(responseMask.reduce((a, b) => a + b, 0));
  }
  const sorted = [...lens].sort((a, b) => a - b);
  const mean = (xs: readonly number[]): number => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
  const max = sorted.at(-1) ?? 0;
  return {
    tokenizer: tokenizer.type,
    vocabSize: tokenizer.vocabSize,
    examples: examples.length,
    mean: Math.round(mean(lens) * 10) / 10,
    p95: p95Of(sorted),
    max,
    replyMean: Math.round(mean(replies) * 10) / 10,
    replyMax: Math.max(0, ...replies),
    minMaxSeqLen: Math.max(0, max - 1),
  };
}

/**
 * Length-bucketed batches: examples sorted by length and cut into groups of at
 * most `batchSize` and at most `maxBatchTokens` padded tokens, so little
 * compute goes to padding. Returns example indices per batch.
 */
export function lengthBuckets(examples: readonly TokenizedExample[], batchSize: number, maxBatchTokens = Infinity): number[][] {
  const order = examples.map((_, i) => i).sort((a, b) => (examples[a]?.ids.length ?? 0) - (examples[b]?.ids.length ?? 0) || a - b);
  const batches: number[][] = [];
  let cur: number[] = [];
  for (const i of order) {
    const len = examples[i]?.ids.length ?? 0;
    if (cur.length > 0 && (cur.length >= batchSize || (cur.length + 1) * len > maxBatchTokens)) {
      batches.push(cur);
      cur = [];
    }
    cur.push(i);
  }
  if (cur.length) batches.push(cur);
  return batches;
}

/** Batch for a global step: epochs shuffle the batch order with seed + epoch, so resuming at a step gives the same data. */
export function batchForStep(batches: readonly number[][], step: number, seed: number): number[] {
  const nb = batches.length;
  const epoch = Math.floor(step / nb);
  const order = new SeededRng(seed * 7919 + epoch).shuffle(batches.map((_, i) => i));
  return batches[order[step % nb] as number] as number[];
}

/**
 * Where the positions of the batch for `step` start under SftOptions.positionShift:
 * uniform over the offsets that keep the batch's longest row inside the position
 * table, seeded by (seed, step) so a resumed run draws the same ones.
 */
export function positionOffsetFor(examples: readonly TokenizedExample[], indices: readonly number[], maxSeqLen: number, step: number, seed: number): number {
  const cols = Math.max(1, ...indices.map((i) => (examples[i] as TokenizedExample).ids.length - 1));
  const room = maxSeqLen - cols;
  return room > 0 ? new SeededRng(seed * 1_000_003 + step * 31 + 5).int(room + 1) : 0;
}

export interface BatchTensors {
  ids: tf.Tensor2D;
  targets: tf.Tensor2D;
  weights: tf.Tensor2D;
  /** Sum of the loss weights: the number of response tokens, plus the weighted prompt tokens when prompts carry loss. */
  lossTokens: number;
  /** Number of real (non-padding) input tokens. */
  tokens: number;
}

/** Right-padded rows as typed arrays, row-major [rows, cols]: a batch or part of one. */
export interface PaddedRows {
  ids: Int32Array;
  targets: Int32Array;
  /** Loss weight per target (0 on padding). */
  mask: Float32Array;
  rows: number;
  cols: number;
  /** Sum of `mask`. */
  lossTokens: number;
}

/** Right-padded batch as plain typed arrays (what makeBatch turns into tensors). */
export interface BatchArrays extends PaddedRows {
  /** Number of real (non-padding) input tokens. */
  tokens: number;
}

export function batchArrays(examples: readonly TokenizedExample[], indices: readonly number[], padId: number): BatchArrays {
  const rows = indices.map((i) => examples[i] as TokenizedExample);
  const T = Math.max(...rows.map((r) => r.ids.length - 1));
  const B = rows.length;
  const ids = new Int32Array(B * T).fill(padId);
  const targets = new Int32Array(B * T).fill(padId);
  const mask = new Float32Array(B * T);
  let lossTokens = 0;
  let tokens = 0;
  rows.forEach((r, b) => {
    for (let t = 0; t < r.ids.length - 1; t++) {
      ids[b * T + t] = r.ids[t] as number;
      targets[b * T + t] = r.ids[t + 1] as number;
      const m = (r.lossWeight ?? r.responseMask)[t + 1] as number;
      mask[b * T + t] = m;
      lossTokens += m;
      tokens++;
    }
  });
  return { ids, targets, mask, rows: B, cols: T, lossTokens, tokens };
}

/** Right-padded input/target/weight tensors for a batch (weights = 1 on response targets). */
export function makeBatch(examples: readonly TokenizedExample[], indices: readonly number[], padId: number): BatchTensors {
  const b = batchArrays(examples, indices, padId);
  return {
    ids: tf.tensor2d(b.ids, [b.rows, b.cols], "int32"),
    targets: tf.tensor2d(b.targets, [b.rows, b.cols], "int32"),
    weights: tf.tensor2d(b.mask, [b.rows, b.cols], "float32"),
    lossTokens: b.lossTokens,
    tokens: b.tokens,
  };
}

/** Deterministic train/eval split: `fraction` of the examples (at least 1 when there are 2+) held out. */
export function splitHeldOut<T>(items: readonly T[], fraction: number, seed: number): { train: T[]; eval: T[] } {
  if (fraction <= 0 || items.length < 2) return { train: [...items], eval: [] };
  const idx = new SeededRng(seed + 17).shuffle(items.map((_, i) => i));
  const n = Math.min(items.length - 1, Math.max(1, Math.round(items.length * fraction)));
  const held = new Set(idx.slice(0, n));
  return { train: items.filter((_, i) => !held.has(i)), eval: items.filter((_, i) => held.has(i)) };
}
