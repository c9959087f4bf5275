/**
 * How the failed episodes of an evaluation ended: a folder of recordings
 * (`dynamind eval --record DIR`) → successes, failures, and failures that ended frozen
 * (the last observations all one state) or cycling between at most two states.
 *
 *   node --import tsx scripts/rl/stuck-episodes.ts DIR [--window 6]
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { episodeEnd } from "../../agent/eval/stuck.js";
import { parseRecording } from "../../agent/record/format.js";

const { values, positionals } = parseArgs({ options: { window: { type: "string", default: "6" } }, allowPositionals: true });
const dir = positionals[0];
if (!dir) throw new Error("usage: stuck-episodes.ts DIR [--window N]");
const window = Number(values.window);
if (!Number.isInteger(window) || window < 2) throw new Error(`--window must be an integer ≥ 2, not ${values.window}`);
const ends = readdirSync(dir)
  .filter((f) => f.endsWith(".jsonl"))
  .map((f) => episodeEnd(parseRecording(readFileSync(join(dir, f), "utf8"), f), window));
const failed = ends.filter((e) => !e.success);
const share = (n: number) => (failed.length ? `${n} (${((100 * n) / failed.length).toFixed(0)}% of failures)` : "0");
console.log(`episodes ${ends.length}, solved ${ends.length - failed.length}, failed ${failed.length}`);
console.log(`failed and frozen over the last ${window} observations: ${share(failed.filter((e) => e.frozen).length)}`);
console.log(`failed and cycling over at most two states: ${share(failed.filter((e) => e.cycling).length)}`);
