/**
 * One line per Dyna-GRPO-against-GRPO comparison that results/dyna-grpo.md reports,
 * made from the committed report JSONs so the overview cannot drift from them:
 * `npx tsx scripts/rl/comparisons.ts --write` rewrites the block between the markers in
 * docs/results/dyna-grpo.md; test/scripts/rl-comparisons.test.ts checks the block matches.
 *
 * A comparison is one start checkpoint and configuration, run with one or more RL seeds
 * (each seed's report in its own folder). Dyna − GRPO is paired on the same rooms within a
 * seed; over several seeds the cell gives the mean with a t 95% interval over seeds. The
 * Sim Score–success correlation pools every evaluated checkpoint of every seed (the curve
 * points on the first 50 hard rooms), the shared start counted once.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { meanTInterval, pearson, type Interval } from "../../agent/experiment/stats.js";

export const BEGIN = "<!-- rl-comparisons:begin (scripts/rl/comparisons.ts writes this block from the report JSONs) -->";
export const END = "<!-- rl-comparisons:end -->";
const DOC = "docs/results/dyna-grpo.md";
const REPORTS = "docs/results/dyna-grpo";

/** A paired difference a session measured by hand (`dynamind eval` + scripts/eval/paired.ts), not in a report. */
export interface Added {
  seed: number;
  split: string;
  sampled: boolean;
  diff: number;
  ci: Interval;
}

export interface Comparison {
  /** What the start is, in a few words. */
  start: string;
  session: string;
  /** The section of dyna-grpo.md that reports it. */
  anchor: string;
  /** Report folders under docs/results/dyna-grpo, one per RL seed. */
  reports: string[];
  added?: Added[];
}

/** Oldest first, as the sessions ran them. */
export const COMPARISONS: readonly Comparison[] = [
  { start: "one-step student", session: "19th", anchor: "dyna-grpo-against-grpo-from-a-student-that-simulates-one-step-nineteenth-session", reports: ["sokoban-first-step"] },
  {
    start: "one-step, bump-free collection",
    session: "20th–21st",
    anchor: "dyna-grpo-against-grpo-on-hard-rooms-from-a-one-step-student-of-the-bump-free-collection-twentieth-session",
    reports: ["first-step-noloop-hard", "first-step-noloop-hard-seed1"],
    // Seed 0 was evaluated sampled by hand (section above): GRPO 49.0%, Dyna-GRPO 40.5% on the same 200 hard rooms.
    added: [{ seed: 0, split: "hard", sampled: true, diff: -0.085, ci: { low: -0.142, high: -0.028 } }],
  },
  {
    start: "one-step, decision-weighted",
    session: "22nd–23rd",
    anchor: "three-rl-seeds-of-dyna-grpo-against-grpo-from-the-decision-weighted-one-step-student-twenty-third-session",
    reports: ["first-step-decision-hard-seed0", "first-step-decision-hard-seed1", "first-step-decision-hard-seed2"],
  },
  { start: "outcome-dependent refinement targets", session: "24th", anchor: "teaching-the-refinement-with-targets-that-depend-on-the-shown-outcome-twenty-fourth-session", reports: ["first-step-outcome-hard-seed0"] },
  { start: "random lookahead after the draft", session: "25th", anchor: "simrollout-with-a-random-lookahead-information-the-one-step-student-lacks-twenty-fifth-session", reports: ["first-step-lookahead-hard-seed0"] },
  {
    start: "lookahead after every first action",
    session: "26th–28th",
    anchor: "a-lookahead-for-every-first-action-search-at-rl-time-twenty-sixth-session",
    reports: ["first-step-search-hard-seed0", "first-step-search-hard-seed1", "first-step-search-hard-seed2"],
  },
];

interface Report {
  config: { name: string; budget: number };
  from: string;
  rows: { method: string; split: string; success: { rate: number } }[];
  versusGrpo?: { run: string; split: string; sampled?: number; paired: { diff: number; ci: Interval } }[];
  refinement?: Record<string, { meanGain?: { mean: number; ci: Interval } }>;
  curves?: { run: string; agentSteps: number; success: number; simScore: number | null }[];
}

const SEED = / seed (\d+)/;
const seedOf = (run: string): number => {
  const m = SEED.exec(run);
  if (!m) throw new Error(`no seed in the run name ${JSON.stringify(run)}`);
  return Number(m[1]);
};
const pts = (x: number) => `${x >= 0 ? "+" : "−"}${Math.abs(100 * x).toFixed(1)}`;
const pct = (x: number) => (100 * x).toFixed(1);
const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** One seed: the paired interval; several: mean [t 95% over seeds] and each seed's figure; * = measured by hand. */
function cell(figures: { seed: number; diff: number; ci: Interval; added: boolean }[], seeds: number): string {
  if (figures.length === 0) return "—";
  const sorted = [...figures].sort((a, b) => a.seed - b.seed);
  const star = (f: { added: boolean }) => (f.added ? "*" : "");
  if (sorted.length === 1) {
    const f = sorted[0]!;
    return `${pts(f.diff)}${star(f)} [${pts(f.ci.low)}, ${pts(f.ci.high)}]${seeds > 1 ? ` (seed ${f.seed} only)` : ""}`;
  }
  const t = meanTInterval(sorted.map((f) => f.diff))!;
  return `**${pts(t.mean)}** [${pts(t.ci.low)}, ${pts(t.ci.high)}] (${sorted.map((f) => pts(f.diff) + star(f)).join(", ")})`;
}

/** The overview table's markdown, from the reports under `root`. */
export function comparisonsBlock(root = REPORTS, comparisons: readonly Comparison[] = COMPARISONS): string {
  const lines = [
    "| start (session) | RL seeds | hard rooms, greedy: start → GRPO / Dyna-GRPO | Dyna − GRPO, hard greedy | Dyna − GRPO, hard sampled T = 1 | Dyna − GRPO, ID greedy | SimRollout return gain per seed | Sim Score–success r (checkpoints) |",
    "|---|---|---|---|---|---|---|---|",
  ];
  for (const c of comparisons) {
    const reports = c.reports.map((dir) => JSON.parse(readFileSync(join(root, dir, "dyna-grpo.json"), "utf8")) as Report);
    const rate = (r: Report, method: (m: string) => boolean) => r.rows.find((row) => row.split === "hard" && method(row.method))?.success.rate;
    const starts = reports.map((r) => rate(r, (m) => m === "start checkpoint (SFT)"));
    const grpo = reports.map((r) => rate(r, (m) => m.startsWith("grpo seed") && !m.includes("sampled")));
    const dyna = reports.map((r) => rate(r, (m) => m.startsWith("dyna-grpo") && !m.includes("sampled")));
    if ([...starts, ...grpo, ...dyna].some((x) => x === undefined)) throw new Error(`${c.reports.join(", ")}: a hard greedy row is missing`);
    if (new Set(starts).size !== 1) throw new Error(`${c.reports.join(", ")}: the start's hard rate differs between seeds`);
    const figures = (split: string, sampled: boolean) => [
      ...reports.flatMap((r) =>
        (r.versusGrpo ?? [])
          .filter((x) => x.split === split && (x.sampled !== undefined) === sampled)
          .map((x) => ({ seed: seedOf(x.run), diff: x.paired.diff, ci: x.paired.ci, added: false })),
      ),
      ...(c.added ?? []).filter((a) => a.split === split && a.sampled === sampled).map((a) => ({ ...a, added: true })),
    ];
    const gains = reports
      .flatMap((r) => Object.entries(r.refinement ?? {}).map(([run, s]) => ({ seed: seedOf(run), g: s.meanGain })))
      .sort((a, b) => a.seed - b.seed)
      .map(({ g }) => (g ? `${g.mean >= 0 ? "+" : "−"}${Math.abs(g.mean).toFixed(2)} [${g.ci.low >= 0 ? "+" : "−"}${Math.abs(g.ci.low).toFixed(2)}, ${g.ci.high >= 0 ? "+" : "−"}${Math.abs(g.ci.high).toFixed(2)}]` : "—"));
    const points = reports.flatMap((r, i) => (r.curves ?? []).filter((p) => p.simScore !== null && (p.agentSteps > 0 || i === 0)));
    const starts0 = points.filter((p) => p.agentSteps === 0);
    const checkpoints = [...starts0.slice(0, 1), ...points.filter((p) => p.agentSteps > 0)];
    const r = pearson(checkpoints.map((p) => p.simScore as number), checkpoints.map((p) => p.success));
    const corr = r ? `${r.r >= 0 ? "+" : "−"}${Math.abs(r.r).toFixed(2)} [${r.ci.low >= 0 ? "+" : "−"}${Math.abs(r.ci.low).toFixed(2)}, ${r.ci.high >= 0 ? "+" : "−"}${Math.abs(r.ci.high).toFixed(2)}] (${r.n})` : "—";
    const n = reports.length;
    const hardRates = `${pct(starts[0]!)} → ${pct(mean(grpo as number[]))} / ${pct(mean(dyna as number[]))}${n > 1 ? " (means)" : ""}`;
    lines.push(
      `| [${c.start}](#${c.anchor}) (${c.session}) | ${n} | ${hardRates} | ${cell(figures("hard", false), n)} | ${cell(figures("hard", true), n)} | ${cell(figures("ID", false), n)} | ${gains.join("; ")} | ${corr} |`,
    );
  }
  return lines.join("\n");
}

export function readBlock(doc: string): string {
  const a = doc.indexOf(BEGIN);
  const b = doc.indexOf(END);
  if (a < 0 || b < a) throw new Error(`${DOC} has no ${BEGIN} … ${END} block`);
  return doc.slice(a + BEGIN.length, b).trim();
}

export function withBlock(doc: string, block: string): string {
  const a = doc.indexOf(BEGIN);
  const b = doc.indexOf(END);
  if (a < 0 || b < a) throw new Error(`${DOC} has no ${BEGIN} … ${END} block`);
  return `${doc.slice(0, a + BEGIN.length)}\n${block}\n${doc.slice(b)}`;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const block = comparisonsBlock();
  if (process.argv.includes("--write")) writeFileSync(DOC, withBlock(readFileSync(DOC, "utf8"), block));
  else console.log(block);
}
