/**
 * One table over the RL seeds of several `experiment dyna-grpo` reports of the same
 * configuration (e.g. seed 0 run in one session, seeds 1 and 2 in another): for each
 * method, split and decoding, every seed's paired difference from the start and, for the
 * other algorithms, from GRPO of the same seed, then their mean with a t 95% interval over
 * seeds. A seed whose figure is in no report (evaluated by hand with `dynamind eval` and
 * scripts/eval/paired.ts) is added with `--add "<what>|<method>|<split>|<decoding>|<seed>|<diff>"`,
 * what = start or grpo, diff as a fraction; the table marks such figures with a star.
 *
 *   node --import tsx scripts/rl/seed-table.ts <dyna-grpo.json>... [--add ...]...
 */
import { readFileSync } from "node:fs";
import type { DynaGrpoResult } from "../../agent/experiment/dyna-grpo-experiment.js";
import { meanTInterval } from "../../agent/experiment/stats.js";

interface Figure {
  seed: number;
  diff: number;
  added: boolean;
}

const args = process.argv.slice(2);
const files: string[] = [];
const added: string[] = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--add") added.push(args[++i] ?? "");
  else files.push(args[i]!);
}
if (files.length === 0) throw new Error('usage: seed-table.ts <dyna-grpo.json>... [--add "<start|grpo>|<method>|<split>|<decoding>|<seed>|<diff>"]...');

const SEED = / seed (\d+)/;
const SAMPLED = /, sampled (T=[\d.]+)$/;
/** "grpo seed 1, sampled T=1" → method "grpo", decoding "sampled T=1", seed 1. */
function parseRun(run: string): { method: string; decoding: string; seed: number } {
  const seed = SEED.exec(run);
  if (!seed) throw new Error(`no seed in the run name ${JSON.stringify(run)}`);
  const sampled = SAMPLED.exec(run);
  return { method: run.replace(SAMPLED, "").replace(SEED, ""), decoding: sampled ? `sampled ${sampled[1]}` : "greedy", seed: Number(seed[1]) };
}

const table = new Map<string, Figure[]>();
const put = (what: string, method: string, split: string, decoding: string, f: Figure) => {
  const key = [what, method, split, decoding].join("|");
  const figures = table.get(key) ?? [];
  if (figures.some((x) => x.seed === f.seed)) throw new Error(`seed ${f.seed} appears twice for ${key}`);
  table.set(key, [...figures, f]);
};

let name: string | undefined;
for (const file of files) {
  const r = JSON.parse(readFileSync(file, "utf8")) as DynaGrpoResult;
  if (name !== undefined && r.config.name !== name) throw new Error(`${file} is configuration ${r.config.name}, not ${name}`);
  name = r.config.name;
  for (const row of r.rows) {
    if (!row.vsStart) continue;
    const run = parseRun(row.method);
    put("start", run.method, row.split, run.decoding, { seed: run.seed, diff: row.vsStart.diff, added: false });
  }
  for (const x of r.versusGrpo ?? []) {
    const run = parseRun(x.run);
    put("grpo", run.method, x.split, x.sampled === undefined ? "greedy" : `sampled T=${x.sampled}`, { seed: run.seed, diff: x.paired.diff, added: false });
  }
}
for (const a of added) {
  const [what, method, split, decoding, seed, diff] = a.split("|");
  if ((what !== "start" && what !== "grpo") || !method || !split || !decoding || !(Number(diff) >= -1 && Number(diff) <= 1) || !Number.isInteger(Number(seed))) {
    throw new Error(`--add takes "<start|grpo>|<method>|<split>|<decoding>|<seed>|<diff>", got ${JSON.stringify(a)}`);
  }
  put(what, method, split, decoding, { seed: Number(seed), diff: Number(diff), added: true });
}

const pts = (x: number) => `${x >= 0 ? "+" : "−"}${Math.abs(100 * x).toFixed(1)}`;
console.log(`Configuration "${name}", ${files.length} report(s); differences in points, paired on the same episodes; * = added by hand (--add).\n`);
console.log("| against | method | split | decoding | per seed | mean [t 95% CI over seeds] |");
console.log("|---|---|---|---|---|---|");
for (const [key, figures] of [...table].sort(([a], [b]) => a.localeCompare(b))) {
  const [what, method, split, decoding] = key.split("|");
  const sorted = [...figures].sort((a, b) => a.seed - b.seed);
  const per = sorted.map((f) => `${f.seed}: ${pts(f.diff)}${f.added ? "*" : ""}`).join(", ");
  const m = sorted.length > 1 ? meanTInterval(sorted.map((f) => f.diff)) : undefined;
  const mean = m ? `${pts(m.mean)} [${pts(m.ci.low)}, ${pts(m.ci.high)}]` : "—";
  console.log(`| ${what === "start" ? "start" : "GRPO"} | ${method} | ${split} | ${decoding} | ${per} | ${mean} |`);
}
