/**
 * Two evaluations of the same episodes (`dynamind eval` JSON, same env, config and seeds),
 * compared pairwise: the success difference with a 95% interval, McNemar's exact p, and the
 * episodes only one of them solved (agent/experiment/saved-eval.ts pairedBySeed).
 *
 *   node --import tsx scripts/eval/paired.ts <a.json> <b.json>
 */
import { readFileSync } from "node:fs";
import type { EvalResult } from "../../agent/eval/evaluate.js";
import { pairedBySeed } from "../../agent/experiment/saved-eval.js";

const [a, b] = process.argv.slice(2);
if (a === undefined || b === undefined) throw new Error("usage: paired.ts <a.json> <b.json>");
const read = (f: string) => JSON.parse(readFileSync(f, "utf8")) as EvalResult;
const [ra, rb] = [read(a), read(b)];
console.log(JSON.stringify({ a, b, successA: ra.successRate, successB: rb.successRate, ...pairedBySeed(ra, rb) }, null, 2));
