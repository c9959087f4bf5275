/**
 * In-process Sokoban micro-benchmark: raw step throughput and clone+restore latency,
 * without gRPC. Run: npx tsx bench/sokoban-inprocess.ts
 * Targets: ≥ 2M steps/s and ≤ 1 µs per clone+restore.
 */
import { pathToFileURL } from "node:url";
import type { Action } from "../adapters/contract.js";
import { Rng } from "../adapters/kit/rng.js";
import { parseSokobanConfig } from "../adapters/sokoban/config.js";
import { SokobanEnv } from "../adapters/sokoban/env.js";

export interface SokobanInProcessResult {
  preset: string;
  stepsPerSec: number;
  cloneRestoreNs: number;
  /** clone, encodeState, decodeState, restore: the portable (bytes) round trip. */
  encodeDecodeNs: number;
}

export async function measureSokobanInProcess(preset = "10x10-4box", steps = 5_000_000, clones = 2_000_000): Promise<SokobanInProcessResult> {
  const env = new SokobanEnv(parseSokobanConfig({ preset, report_optimal: false }));
  env.reset(1, {});
  const start = env.cloneState();
  // Actions are drawn up front so the loop measures the environment, not the generator.
  const rng = Rng.fromSeed(99);
  const actions: Action[] = Array.from({ length: 9 }, (_, index) => ({ $case: "index", index }));
  const plan = new Uint8Array(1 << 16).map(() => 1 + rng.int(8));
  // Rewards and info are consumed so the JIT cannot drop the per-step result objects.
  let sink = 0;
  const run = (n: number): void => {
    for (let i = 0; i < n; i++) {
      const t = env.step(actions[plan[i & 0xffff]!]!);
      sink += t.reward + (t.info!.box_moved ? 1 : 0);
      if (t.terminated) env.restoreState(start);
    }
  };
  run(200_000); // warm-up so the JIT has optimised the step path
  let t0 = process.hrtime.bigint();
  run(steps);
  const stepNs = Number(process.hrtime.bigint() - t0);

  const cloneLoop = (n: number) => {
    for (let i = 0; i < n; i++) env.restoreState(env.cloneState());
  };
  cloneLoop(100_000);
  t0 = process.hrtime.bigint();
  cloneLoop(clones);
  const cloneNs = Number(process.hrtime.bigint() - t0);

  const codecN = Math.max(1, clones >> 3);
  t0 = process.hrtime.bigint();
  for (let i = 0; i < codecN; i++) env.restoreState(env.decodeState(env.encodeState(env.cloneState())));
  const codecNs = Number(process.hrtime.bigint() - t0);

  if (Number.isNaN(sink)) throw new Error("unreachable");
  return {
    preset,
    stepsPerSec: Math.round(steps / (stepNs / 1e9)),
    cloneRestoreNs: Math.round((cloneNs / clones) * 10) / 10,
    encodeDecodeNs: Math.round((codecNs / codecN) * 10) / 10,
  };
}

/**
 * A step followed by the observation the server computes for a text session: the grid
 * text and the fingerprint (what every Step reply carries), steps/s. The bare step above
 * is the environment alone; this is the figure to put beside gym-sokoban's step, which
 * also returns an observation. `fingerprint` false: the text alone, as the lean options ask.
 */
export function measureSokobanStepWithObservation(preset = "6x6-1box", steps = 1_000_000, fingerprint = true): { preset: string; stepsPerSec: number } {
  const env = new SokobanEnv(parseSokobanConfig({ preset, report_optimal: false }));
  env.reset(1, {});
  const start = env.cloneState();
  const rng = Rng.fromSeed(99);
  const actions: Action[] = Array.from({ length: 9 }, (_, index) => ({ $case: "index", index }));
  const plan = new Uint8Array(1 << 16).map(() => 1 + rng.int(8));
  const request = { text: true, image: false, uiElements: false, fingerprint };
  let sink = 0;
  const run = (n: number): void => {
    for (let i = 0; i < n; i++) {
      const t = env.step(actions[plan[i & 0xffff]!]!);
      const o = env.observe(request);
      sink += t.reward + o.text.length + o.fingerprint.length;
      if (t.terminated) env.restoreState(start);
    }
  };
  run(50_000);
  const t0 = process.hrtime.bigint();
  run(steps);
  const ns = Number(process.hrtime.bigint() - t0);
  if (Number.isNaN(sink)) throw new Error("unreachable");
  return { preset, stepsPerSec: Math.round(steps / (ns / 1e9)) };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const preset of ["6x6-1box", "10x10-4box"]) {
    const r = await measureSokobanInProcess(preset);
    console.log(
      `${r.preset}: ${(r.stepsPerSec / 1e6).toFixed(2)}M steps/s, clone+restore ${r.cloneRestoreNs} ns, ` +
        `clone+encode+decode+restore ${r.encodeDecodeNs} ns`,
    );
  }
}
