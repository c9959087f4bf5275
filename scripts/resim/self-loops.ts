/**
 * How often a ReSim collection chose a first action that changed nothing, over the steps
 * `--select` keeps (agent/resim/self-loop-stats.ts):
 *
 *   node --import tsx scripts/resim/self-loops.ts [--select all|valued|decided] resim.jsonl[,more.jsonl]
 */
import { readFileSync } from "node:fs";
import { selectSteps, type ExampleSelection } from "../../agent/resim/decisions.js";
import { selfLoopStats } from "../../agent/resim/self-loop-stats.js";
import { parseChatJsonl } from "../../agent/train/dataset.js";

const args = process.argv.slice(2);
let selection: ExampleSelection = "valued";
const at = args.indexOf("--select");
if (at >= 0) {
  const v = args.splice(at, 2)[1];
  if (v !== "all" && v !== "valued" && v !== "decided") throw new Error("--select takes all, valued or decided");
  selection = v;
}
if (args.length !== 1) throw new Error("usage: self-loops.ts [--select all|valued|decided] resim.jsonl[,more.jsonl]");
const data = args[0]!.split(",").flatMap((f) => parseChatJsonl(readFileSync(f, "utf8"), f));
const kept = selectSteps(data, selection, "data");
const s = selfLoopStats(kept);
console.log(JSON.stringify({ files: args[0], selection, examples: data.length, ...s, selfLoopShare: s.steps ? s.selfLoops / s.steps : null }, null, 2));
