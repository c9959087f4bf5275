/**
 * This checkout's server against a baseline checkout's, on the same machine at the
 * same time: both servers run side by side and are measured in alternation (BatchStep 256 with the
 * default and the lean observation, each beside the echo of the same bytes), so load
 * changes fall on both. For telling a change's effect from the machine's: the full
 * bench compares runs made at different times, on machines that may differ.
 * Run: npx tsx bench/server-ab.ts BASELINE_DIR [reps] [calls]
 *   BASELINE_DIR: e.g. `git worktree add /tmp/base <rev>` with node_modules linked in.
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { LEAN, ServerFigures, type Paired } from "./server-figures.js";
import { startServerProcess } from "./server-child.js";
import { spread } from "./wire-reference.js";

const [baseline, repsArg, callsArg] = process.argv.slice(2);
if (baseline === undefined || !existsSync(join(baseline, "bench", "server-process.ts"))) {
  throw new Error("usage: npx tsx bench/server-ab.ts BASELINE_DIR [reps] [calls] (a checkout of this project with node_modules)");
}
const reps = Number(repsArg ?? 5);
const calls = Number(callsArg ?? 200);
const sides = { baseline: resolve(baseline), current: process.cwd() } as const;
const rows: Record<string, Record<string, Paired[]>> = {};

// Both servers stay up for the whole run and are warmed alike first: a fresh server's first
// calls pay for the JIT and heap growth, which would swamp a change of a few percent.
const servers = { baseline: await startServerProcess(undefined, [], sides.baseline), current: await startServerProcess(undefined, [], sides.current) };
const figs = { baseline: new ServerFigures(servers.baseline.address, servers.baseline.echoAddress), current: new ServerFigures(servers.current.address, servers.current.echoAddress) };
try {
  for (const side of ["baseline", "current"] as const) {
    await figs[side].batchStep(256, 1, calls);
    await figs[side].batchStep(256, 1, calls, LEAN);
  }
  for (let i = 0; i < reps; i++) {
    // Alternate which side goes first, so neither always meets the warmer machine.
    const order = i % 2 === 0 ? (["baseline", "current"] as const) : (["current", "baseline"] as const);
    for (const side of order) {
      const r = (rows[side] ??= {});
      (r.default ??= []).push(await figs[side].batchStep(256, 1, calls));
      (r.lean ??= []).push(await figs[side].batchStep(256, 1, calls, LEAN));
    }
  }
} finally {
  figs.baseline.close();
  figs.current.close();
  await Promise.all([servers.baseline.stop(), servers.current.stop()]);
}

const summary = (xs: Paired[]) => ({
  serverCpuUsPerStep: spread(xs.map((x) => x.subject.serverCpuUsPerItem)),
  echoServerCpuUsPerItem: spread(xs.map((x) => x.echo.serverCpuUsPerItem)),
  envStepsPerSec: spread(xs.map((x) => x.subject.perSec)),
  ratioToEcho: spread(xs.map((x) => x.subject.perSec / x.echo.perSec)),
});
console.log(JSON.stringify({
  measured: `BatchStep of 256 Sokoban 6x6 sessions, one call in flight, ${calls} calls per figure, ${reps} alternating repetitions per side`,
  baseline: sides.baseline,
  default: { baseline: summary(rows.baseline!.default!), current: summary(rows.current!.default!) },
  lean: { baseline: summary(rows.baseline!.lean!), current: summary(rows.current!.lean!) },
}, null, 1));
