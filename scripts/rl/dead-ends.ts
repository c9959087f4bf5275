/**
 * Were a Sokoban policy's failures still solvable where they ended? A folder of
 * recordings (`dynamind eval --record DIR`) → for each failed episode, the solver's
 * verdict on its last state and the first step from which the room could no longer be
 * solved (a box pushed into a dead end), beside how the episode ended (frozen, cycling).
 * A frozen failure on a solvable state is the policy's indecision; one on an
 * unsolvable state is the consequence of an earlier bad push.
 *
 *   node --import tsx scripts/rl/dead-ends.ts DIR [--window 6]
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { roomFromText } from "../../adapters/sokoban/parse-text.js";
import { solveRoom } from "../../adapters/sokoban/solver.js";
import { episodeEnd } from "../../agent/eval/stuck.js";
import { parseRecording, type Recording } from "../../agent/record/format.js";

const { values, positionals } = parseArgs({ options: { window: { type: "string", default: "6" } }, allowPositionals: true });
const dir = positionals[0];
if (!dir) throw new Error("usage: dead-ends.ts DIR [--window N]");
const window = Number(values.window);
if (!Number.isInteger(window) || window < 2) throw new Error(`--window must be an integer ≥ 2, not ${values.window}`);

/** The solver's optimal length from `text`, or null when no solution exists. */
const memo = new Map<string, number | null>();
function distance(text: string, where: string): number | null {
  const known = memo.get(text);
  if (known !== undefined) return known;
  const parsed = roomFromText(text);
  if ("problem" in parsed) throw new Error(`${where}: the observation is not a Sokoban room (${parsed.problem})`);
  const result = solveRoom(parsed.room);
  if (result.status === "budget") throw new Error(`${where}: the solver ran out of budget; the room is too large for this script`);
  const d = result.status === "solved" ? result.length : null;
  memo.set(text, d);
  return d;
}

function states(rec: Recording): string[] {
  const out: string[] = [];
  for (const e of rec.events) if (e.result) out.push(e.result.observation.text);
  return out;
}

interface Failure {
  frozen: boolean;
  cycling: boolean;
  /** The first observation (0 = the reset) from which the room cannot be solved, or null. */
  deadFrom: number | null;
  /** The solver's length from the last state, when it is solvable. */
  remaining: number | null;
}

const failures: Failure[] = [];
let episodes = 0;
for (const f of readdirSync(dir).filter((f) => f.endsWith(".jsonl")).sort()) {
  const rec = parseRecording(readFileSync(join(dir, f), "utf8"), f);
  if (rec.header.env !== "sokoban") throw new Error(`${f}: a ${rec.header.env} recording; this script reads Sokoban ones`);
  episodes++;
  const end = episodeEnd(rec, window);
  if (end.success) continue;
  const seen = states(rec);
  const verdicts = seen.map((s, i) => distance(s, `${f}, observation ${i}`));
  const dead = verdicts.findIndex((d) => d === null);
  failures.push({ frozen: end.frozen, cycling: end.cycling, deadFrom: dead < 0 ? null : dead, remaining: verdicts.at(-1) ?? null });
}

const pct = (n: number, of: number) => `${n} (${of ? ((100 * n) / of).toFixed(0) : 0}%)`;
const solvable = failures.filter((x) => x.deadFrom === null);
const dead = failures.filter((x) => x.deadFrom !== null);
console.log(`episodes ${episodes}, failed ${failures.length}`);
console.log(`failed on a state that is still solvable: ${pct(solvable.length, failures.length)}`);
console.log(`  of them frozen over the last ${window} observations: ${pct(solvable.filter((x) => x.frozen).length, solvable.length)}; cycling over ≤ 2 states: ${pct(solvable.filter((x) => x.cycling).length, solvable.length)}`);
const rem = solvable.map((x) => x.remaining!).sort((a, b) => a - b);
if (rem.length) console.log(`  the solver's length from the last state: median ${rem[Math.floor(rem.length / 2)]}, min ${rem[0]}, max ${rem.at(-1)}`);
console.log(`failed after the room became unsolvable: ${pct(dead.length, failures.length)}`);
const at = dead.map((x) => x.deadFrom!).sort((a, b) => a - b);
if (at.length) console.log(`  the first unsolvable observation: median step ${at[Math.floor(at.length / 2)]}, min ${at[0]}, max ${at.at(-1)}; at the reset: ${at.filter((s) => s === 0).length}`);
