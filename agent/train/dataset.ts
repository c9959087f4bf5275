/**
 * Chat-format JSONL datasets for SFT: one example per line,
 * `{"messages":[{"role":"system"|"user"|"assistant","content":"..."}, ...], "metadata":{...}}`.
 * Loss falls on assistant messages only. Malformed lines are reported with their line numbers.
 */
import * as tf from "@tensorflow/tfjs";
import { readFile } from "node:fs/promises";
import { z } from "zod";
import { SeededRng } from "../model/rng.js";
import type { ChatMessage, Tokenizer } from "../model/tokenizer.js";

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
  truncated: boolean;
}

/**
 * Tokenises with the chat template. Sequences longer than `maxSeqLen + 1` keep
 * their last tokens (the reply is at the end); examples left without any
 * response token are dropped and counted.
 */
export function tokenizeExamples(
  examples: readonly ChatExample[],
  tokenizer: Tokenizer,
  maxSeqLen: number,
): { examples: TokenizedExample[]; truncated: number; dropped: number } {
  const out: TokenizedExample[] = [];
  let truncated = 0;
  let dropped = 0;
  for (const ex of examples) {
    let { ids, responseMask } = tokenizer.encodeChat(ex.messages);
    const cut = ids.length > maxSeqLen + 1;
    if (cut) {
      truncated++;
      ids = ids.slice(ids.length - (maxSeqLen + 1));
      responseMask = responseMask.slice(responseMask.length - (maxSeqLen + 1));
    }
    if (!responseMask.slice(1).some((m) => m === 1)) {
      dropped++;
      continue;
    }
    out.push({ ids, responseMask, truncated: cut });
  }
  return { examples: out, truncated, dropped };
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

export interface BatchTensors {
  ids: tf.Tensor2D;
  targets: tf.Tensor2D;
  weights: tf.Tensor2D;
  /** Number of response (loss) tokens. */
  lossTokens: number;
  /** Number of real (non-padding) input tokens. */
  tokens: number;
}

/** Right-padded input/target/weight tensors for a batch (weights = 1 on response targets). */
export function makeBatch(examples: readonly TokenizedExample[], indices: readonly number[], padId: number): BatchTensors {
  const rows = indices.map((i) => examples[i] as TokenizedExample);
  const T = Math.max(...rows.map((r) => r.ids.length - 1));
  const B = rows.length;
  const ids = new Int32Array(B * T).fill(padId);
  const tg = new Int32Array(B * T).fill(padId);
  const w = new Float32Array(B * T);
  let lossTokens = 0;
  let tokens = 0;
  rows.forEach((r, b) => {
    for (let t = 0; t < r.ids.length - 1; t++) {
      ids[b * T + t] = r.ids[t] as number;
      tg[b * T + t] = r.ids[t + 1] as number;
      const m = r.responseMask[t + 1] as number;
      w[b * T + t] = m;
      lossTokens += m;
      tokens++;
    }
  });
  return {
    ids: tf.tensor2d(ids, [B, T], "int32"),
    targets: tf.tensor2d(tg, [B, T], "int32"),
    weights: tf.tensor2d(w, [B, T], "float32"),
    lossTokens,
    tokens,
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
