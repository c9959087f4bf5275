/**
 * An RL run in a few figures, from its metrics.jsonl: sampled success averaged over the
 * first and the last five iterations (each iteration draws new tasks), and where the
 * training wall time went (generation, gradient steps, environment calls).
 *
 *   node --import tsx scripts/rl/run-summary.ts <run dir or metrics.jsonl>
 */
import { readIterations } from "./iterations.js";

const { file, its } = readIterations(process.argv[2], "run-summary.ts");
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sum = (f: (m: (typeof its)[number]) => number) => its.reduce((a, m) => a + f(m), 0);
const sec = sum((m) => m.timing.sec);
console.log(
  JSON.stringify(
    {
      file,
      iterations: its.length,
      agentSteps: its.at(-1)!.totalAgentSteps,
      successFirst5: mean(its.slice(0, 5).map((m) => m.success)),
      successLast5: mean(its.slice(-5).map((m) => m.success)),
      trainSeconds: sec,
      share: { generate: sum((m) => m.timing.generateSec) / sec, update: sum((m) => m.timing.updateSec) / sec, env: sum((m) => m.timing.envSec) / sec },
    },
    null,
    2,
  ),
);
