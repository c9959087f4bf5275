/**
 * In-process ALFWorld benchmark: step throughput including the admissible-command list,
 * reset (scene + task generation) latency, and clone+restore latency.
 * Run: npx tsx bench/alfworld.ts  (writes bench/results/alfworld.json)
 * Targets: ≥ 20k steps/s, reset ≤ 2 ms, clone+restore ≤ 20 µs.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseAlfworldConfig } from "../adapters/alfworld/config.js";
import { AlfworldEnv } from "../adapters/alfworld/env.js";
import { Rng } from "../adapters/kit/rng.js";

const OBS = { text: true, image: false, uiElements: false };

export async function runAlfworldBench(options: { steps?: number; resets?: number; clones?: number } = {}): Promise<Record<string, unknown>> {
  const steps = options.steps ?? 200_000;
  const resets = options.resets ?? 5_000;
  const clones = options.clones ?? 200_000;
  const env = new AlfworldEnv(parseAlfworldConfig({}));
  const rng = Rng.fromSeed(7);

  // Steps: random admissible commands (a mix of goto/open/take/put...), each followed by observe.
  let seed = 0;
  let sink = 0;
  const play = (n: number): void => {
    env.reset(seed++, {});
    let valid = env.observe(OBS).validActions;
    for (let i = 0, t = 0; i < n; i++, t++) {
      const tr = env.step({ $case: "text", text: valid[rng.int(valid.length)]! });
      const o = env.observe(OBS);
      sink += o.text.length + tr.reward;
      valid = o.validActions;
      if (tr.terminated || t >= 50) {
        env.reset(seed++, {});
        valid = env.observe(OBS).validActions;
        t = 0;
      }
    }
  };
  play(20_000);
  let t0 = process.hrtime.bigint();
  play(steps);
  const stepNs = Number(process.hrtime.bigint() - t0);

  // Resets: fresh seeds each time (generation is not cached across seeds).
  for (let i = 0; i < 500; i++) env.reset(1_000_000 + i, {});
  t0 = process.hrtime.bigint();
  for (let i = 0; i < resets; i++) {
    env.reset(2_000_000 + i, {});
    sink += env.observe(OBS).validActions.length;
  }
  const resetNs = Number(process.hrtime.bigint() - t0);

  // Clone + restore mid-episode.
  env.reset(5, {});
  env.step({ $case: "text", text: env.expertAction()! });
  for (let i = 0; i < 10_000; i++) env.restoreState(env.cloneState());
  t0 = process.hrtime.bigint();
  for (let i = 0; i < clones; i++) env.restoreState(env.cloneState());
  const cloneNs = Number(process.hrtime.bigint() - t0);

  const codecN = clones >> 4;
  t0 = process.hrtime.bigint();
  for (let i = 0; i < codecN; i++) env.restoreState(env.decodeState(env.encodeState(env.cloneState())));
  const codecNs = Number(process.hrtime.bigint() - t0);

  if (Number.isNaN(sink)) throw new Error("unreachable");
  return {
    env: "alfworld",
    stepsPerSec: Math.round(steps / (stepNs / 1e9)),
    resetMs: Math.round((resetNs / resets / 1e6) * 1000) / 1000,
    cloneRestoreUs: Math.round((cloneNs / clones / 1e3) * 1000) / 1000,
    encodeDecodeUs: Math.round((codecNs / codecN / 1e3) * 1000) / 1000,
    targets: { stepsPerSec: 20_000, resetMs: 2, cloneRestoreUs: 20 },
    node: process.version,
    date: new Date().toISOString(),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const result = await runAlfworldBench();
  console.log(JSON.stringify(result, null, 2));
  const out = join(dirname(fileURLToPath(import.meta.url)), "results", "alfworld.json");
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(result, null, 2) + "\n");
}
