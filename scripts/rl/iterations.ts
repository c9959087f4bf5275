/** The iterations of an RL run, read from its metrics.jsonl (given the run's directory or the file). */
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { IterationMetrics } from "../../agent/rl/trainer.js";

export function readIterations(arg: string | undefined, usage: string): { file: string; its: IterationMetrics[] } {
  if (arg === undefined) throw new Error(`usage: ${usage} <run dir or metrics.jsonl>`);
  const file = statSync(arg).isDirectory() ? join(arg, "metrics.jsonl") : arg;
  const its = readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as IterationMetrics)
    .filter((m) => m.kind === "iteration");
  if (its.length === 0) throw new Error(`${file} holds no iterations`);
  return { file, its };
}
