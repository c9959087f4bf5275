/** Tokens per example of a chat dataset for the byte tokenizer and a fitted one (what `dynamind tokens` prints). */
import { ByteTokenizer, FittedTokenizer, type Tokenizer } from "../model/tokenizer.js";
import { chatTexts, splitHeldOut, tokenStats, type ChatExample, type TokenStats } from "./dataset.js";

export interface TokenReportRow extends TokenStats {
  /** Which tokenizer, on which examples. */
  name: string;
}

/**
 * Tokens per example for the byte tokenizer and a tokenizer fitted as `dynamind sft` fits it
 * (on the training split: all but `evalFraction`, split with `seed`), on every example and,
 * for the fitted one, on the held-out examples alone (what it does on text it was not fitted to).
 */
export function tokenReport(examples: readonly ChatExample[], opts: { evalFraction?: number; seed?: number; maxPieces?: number; checkpoint?: Tokenizer } = {}): TokenReportRow[] {
  const split = splitHeldOut(examples, opts.evalFraction ?? 0.05, opts.seed ?? 0);
  const fitted = FittedTokenizer.fit(chatTexts(split.train), { maxPieces: opts.maxPieces });
  const rows: TokenReportRow[] = [
    { name: "byte", ...tokenStats(examples, new ByteTokenizer()) },
    { name: "fitted", ...tokenStats(examples, fitted) },
  ];
  if (split.eval.length) {
    rows.push({ name: "byte, held-out", ...tokenStats(split.eval, new ByteTokenizer()) });
    rows.push({ name: "fitted, held-out", ...tokenStats(split.eval, fitted) });
  }
  if (opts.checkpoint) rows.push({ name: `checkpoint (${opts.checkpoint.type})`, ...tokenStats(examples, opts.checkpoint) });
  return rows;
}

export function formatTokenReport(rows: readonly TokenReportRow[]): string {
  const head = ["tokenizer", "vocab", "examples", "mean", "p95", "max", "reply mean", "reply max", "min maxSeqLen"];
  const body = rows.map((r) => [r.name, r.vocabSize, r.examples, r.mean.toFixed(1), r.p95, r.max, r.replyMean.toFixed(1), r.replyMax, r.minMaxSeqLen].map(String));
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  return [line(head), ...body.map(line)].join("\n");
}
