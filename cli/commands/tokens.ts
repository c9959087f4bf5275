import { Command } from "commander";
import { loadCheckpoint } from "../../agent/model/checkpoint.js";
import { ByteTokenizer, FittedTokenizer, type Tokenizer } from "../../agent/model/tokenizer.js";
import { chatTexts, loadChatJsonl, splitHeldOut, tokenStats, type ChatExample, type TokenStats } from "../../agent/train/dataset.js";
import { int } from "../options.js";

function num(value: string): number {
  const n = Number(value);
  if (!(n >= 0 && n < 1)) throw new Error(`expected a fraction in [0, 1), got "${value}"`);
  return n;
}

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

export function tokensCommand(): Command {
  return new Command("tokens")
    .description("Tokens per example of a chat JSONL dataset: byte-level vs a tokenizer fitted as `dynamind sft` fits it (mean, p95, max; the context it needs).")
    .requiredOption("--data <file>", "chat JSONL dataset (as for `dynamind sft`)")
    .option("--eval-fraction <f>", "held out from fitting, as in `dynamind sft`", num, 0.05)
    .option("--seed <n>", "split seed, as in `dynamind sft`", int, 0)
    .option("--tokenizer-pieces <n>", "most pieces the fitted tokenizer keeps", int, 2048)
    .option("--checkpoint <dir>", "also count with this checkpoint's tokenizer")
    .option("--json", "print JSON instead of a table")
    .action(async (opts) => {
      const examples = await loadChatJsonl(opts.data);
      let checkpoint: Tokenizer | undefined;
      if (opts.checkpoint) {
        const ck = await loadCheckpoint(opts.checkpoint, { withOptimizer: false });
        ck.model.dispose();
        checkpoint = ck.tokenizer;
      }
      const rows = tokenReport(examples, { evalFraction: opts.evalFraction, seed: opts.seed, maxPieces: opts.tokenizerPieces, checkpoint });
      console.log(opts.json ? JSON.stringify(rows, null, 2) : formatTokenReport(rows));
    });
}
