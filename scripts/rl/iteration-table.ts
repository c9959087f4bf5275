/**
 * One markdown row per iteration of an RL run, from its metrics.jsonl: phase, task
 * seeds, sampled successes, mean return (and, in simulation-improvement iterations,
 * the SimRollout half's against the plain half's), the Sim Score of first and refined
 * responses, trajectories with A_refine = 1, and KL to the reference.
 *
 *   node --import tsx scripts/rl/iteration-table.ts <run dir or metrics.jsonl>
 */
import { readIterations } from "./iterations.js";

const { its } = readIterations(process.argv[2], "iteration-table.ts");

const f = (x: number | null | undefined, digits = 2) => (x === undefined || x === null || !Number.isFinite(x) ? "—" : x.toFixed(digits));
console.log("| iteration | phase | seeds | successes | return | SimRollout / plain return | Sim Score first → refined | A_refine = 1 | KL |");
console.log("|---|---|---|---|---|---|---|---|---|");
for (const m of its) {
  const successes = Math.round(m.success * m.episodes);
  const sim = m.phase === "sim";
  console.log(
    `| ${m.iteration} | ${m.phase} | ${m.seeds.join(", ")} | ${successes}/${m.episodes} | ${f(m.return)} | ${sim ? `${f(m.simRolloutReturn)} / ${f(m.plainReturn)}` : "—"} | ${f(m.simScore)}${sim ? ` → ${f(m.refinedSimScore)}` : ""} | ${sim ? m.refinePositive : "—"} | ${f(m.kl, 3)} |`,
  );
}
