import { Command } from "commander";
import { int, requireDirs, requireFiles } from "../options.js";

function num(value: string): number {
  const n = Number(value);
  if (!(n >= 0 && n < 1)) throw new Error(`expected a fraction in [0, 1), got "${value}"`);
  return n;
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
      requireFiles({ "--data": opts.data });
      requireDirs({ "--checkpoint": opts.checkpoint });
      const [{ loadCheckpoint }, { loadChatJsonl }, { formatTokenReport, tokenReport }] = await Promise.all([
        import("../../agent/model/checkpoint.js"),
        import("../../agent/train/dataset.js"),
        import("../../agent/train/token-report.js"),
      ]);
      const examples = await loadChatJsonl(opts.data);
      let checkpoint: Awaited<ReturnType<typeof loadCheckpoint>>["tokenizer"] | undefined;
      if (opts.checkpoint) {
        const ck = await loadCheckpoint(opts.checkpoint, { withOptimizer: false });
        ck.model.dispose();
        checkpoint = ck.tokenizer;
      }
      const rows = tokenReport(examples, { evalFraction: opts.evalFraction, seed: opts.seed, maxPieces: opts.tokenizerPieces, checkpoint });
      console.log(opts.json ? JSON.stringify(rows, null, 2) : formatTokenReport(rows));
    });
}
