/**
 * `dynamind replay FILE…`: re-executes recordings against a server (an embedded one
 * unless --address names one) and prints "identical" or the first divergence per
 * file. The exit code is 1 when any file diverged, so scripts and CI can use it.
 */
import { readFile } from "node:fs/promises";
import { Command } from "commander";
import { formatOutcome, parseRecording, replay } from "../../agent/record/index.js";
import { connect } from "../connect.js";
import { addOperatorOptions } from "../operator-options.js";

const collect = (value: string, previous: string[]): string[] => [...previous, value];

export function replayCommand(): Command {
  return addOperatorOptions(new Command("replay"))
    .description("Re-execute recorded episodes (from --record) and report the first divergence; exit code 1 if any diverged.")
    .argument("<files...>", "recordings (.jsonl)")
    .option("-a, --address <host:port>", "replay on a running server instead of an embedded one")
    .option("--ignore <field>", "a field not to compare, as reports name it, e.g. observation.image (repeatable)", collect, [])
    .option("--json", "one JSON object per file instead of a line of text")
    .action(async (files: string[], opts) => {
      // Every file is read and checked before a server starts.
      const recordings = await Promise.all(files.map(async (f) => ({ file: f, recording: parseRecording(await readFile(f, "utf8"), f) })));
      const { client, close } = await connect(opts.address, opts);
      let diverged = 0;
      try {
        for (const { file, recording } of recordings) {
          const outcome = await replay(client, recording, { ignore: opts.ignore });
          if (!outcome.identical) diverged++;
          console.log(opts.json ? JSON.stringify({ file, ...outcome }) : `${file}: ${formatOutcome(outcome)}`);
        }
      } finally {
        await close();
      }
      if (diverged > 0) process.exitCode = 1;
    });
}
