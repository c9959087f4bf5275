/**
 * Prints bytes per step and per Expand node under each observation option set, for
 * Sokoban (6x6, 10x10) and ALFWorld: `npx tsx scripts/observation-bytes.ts [steps]`.
 * The measuring code is env-server/grpc/observation-bytes.ts (the bench's hook).
 */
import { measureObservationBytes } from "../bench/observation-bytes.js";

const steps = Number(process.argv[2] ?? 400);
const cases = [
  { name: "sokoban 6x6-1box", envId: "sokoban", config: { preset: "6x6-1box" } },
  { name: "sokoban 10x10-4box", envId: "sokoban", config: { preset: "10x10-4box" } },
  { name: "alfworld", envId: "alfworld", config: {} },
];
for (const c of cases) {
  const rows = await measureObservationBytes({ ...c, steps, expands: Math.max(1, Math.floor(steps / 20)), branches: 16, depth: 5, seed: 1 });
  console.log(`\n${c.name} (${steps} steps, Expand 16x5)`);
  for (const r of rows) {
    console.log(`  ${r.options.padEnd(46)} step ${r.stepBytes.toFixed(1).padStart(7)} B   expand node ${r.expandNodeBytes.toFixed(1).padStart(7)} B   deltas ${r.deltas}/${r.observed}`);
  }
}
