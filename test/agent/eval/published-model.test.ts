/**
 * The students committed under models/ (the start checkpoints of the Dyna-GRPO experiments)
 * still load with today's checkpoint code and play: the ReSim student's greedy responses
 * state plans and give answers the environment takes, and the action-only student repeats
 * the episodes its recorded evaluation played. Guards the file format and the prompt
 * format they were trained on.
 */
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { evaluate } from "../../../agent/eval/evaluate.js";
import { CheckpointPolicy } from "../../../agent/eval/model-policy.js";
import { selectBackend } from "../../../agent/model/backend.js";
import { useTestServer } from "../../support/server.js";

const dir = new URL("../../../models/sokoban-resim-rotary/", import.meta.url).pathname;
const actionDir = new URL("../../../models/sokoban-action-valued/", import.meta.url).pathname;
const ctx = useTestServer();

beforeAll(async () => {
  await selectBackend({ prefer: "wasm" });
});

/** Plays 6×6 rooms greedily (at most 20 steps) and expects each seed's outcome and length as recorded. */
async function replays(checkpoint: string, simulates: boolean, maxNewTokens: number, expected: [number, boolean, number][]) {
  const policy = await CheckpointPolicy.load(checkpoint, { simulates, maxNewTokens, temperature: 0 });
  const seeds = expected.map(([seed]) => seed);
  const r = await evaluate(ctx.client, policy, { envId: "sokoban", config: { preset: "6x6-1box" }, seeds, history: 0, concurrency: 4, simScore: simulates, promptStyle: "compact", maxSteps: 20 });
  expect(r.perEpisode.map((e) => [e.seed, e.success, e.steps])).toEqual(expected);
  expect(r.invalidAnswerRate).toBe(0);
  return r;
}

describe("models/sokoban-resim-rotary", () => {
  it("is the rotary-position student the docs describe", () => {
    const config = JSON.parse(readFileSync(`${dir}config.json`, "utf8")) as { model: Record<string, unknown> };
    expect(config.model).toMatchObject({ dModel: 128, nLayers: 3, nHeads: 4, dFF: 512, maxSeqLen: 1024, positions: "rotary" });
  });

  it("plays 6×6 rooms with plans and answers the environment takes", async () => {
    const policy = await CheckpointPolicy.load(dir, { simulates: true, maxNewTokens: 400 });
    const r = await evaluate(ctx.client, policy, { envId: "sokoban", config: { preset: "6x6-1box" }, seeds: [1_000_000, 1_000_001], history: 0, concurrency: 2, simScore: true, promptStyle: "compact", maxSteps: 2 });
    expect(r.invalidAnswerRate).toBe(0);
    expect(r.sim.responses).toBe(r.perEpisode.reduce((a, e) => a + e.steps, 0));
    expect(r.sim.invalidPlans).toBe(0);
    expect(r.sim.changed).toBeGreaterThan(0);
  }, 120_000);
});

describe("models/sokoban-action-valued", () => {
  it("is the learned-position action-only student the docs describe", () => {
    const config = JSON.parse(readFileSync(`${actionDir}config.json`, "utf8")) as { model: Record<string, unknown> };
    expect(config.model).toMatchObject({ dModel: 128, nLayers: 3, nHeads: 4, dFF: 512, maxSeqLen: 512 });
  });

  it("replays the first ID rooms of its recorded evaluation (greedy, at most 20 steps)", async () => {
    // The 200-episode evaluation of docs/results/dyna-grpo.md's start row played these rooms so.
    await replays(actionDir, false, 24, [
      [1_000_000, true, 5],
      [1_000_001, true, 5],
      [1_000_002, false, 20],
      [1_000_006, true, 1],
    ]);
  }, 120_000);
});

describe("models/sokoban-action-noloop", () => {
  it("replays the first ID rooms of its recorded evaluation (greedy, at most 20 steps)", async () => {
    // The 200-episode evaluation of docs/results/resim.md's "--avoid-self-loops, seed 7" row played these rooms so.
    await replays(new URL("../../../models/sokoban-action-noloop/", import.meta.url).pathname, false, 24, [
      [1_000_000, true, 7],
      [1_000_001, true, 5],
      [1_000_002, false, 20],
      [1_000_003, true, 5],
    ]);
  }, 120_000);
});

/** The one-step students, each with rooms its recorded 200-episode evaluation (models/README.md) played so. */
const ONE_STEP: Array<[string, [number, boolean, number][]]> = [
  ["sokoban-first-step", [[1_000_000, false, 20], [1_000_006, true, 1], [1_000_011, true, 2], [1_000_021, true, 2]]],
  ["sokoban-first-step-noloop", [[1_000_000, false, 20], [1_000_006, true, 1], [1_000_007, true, 5], [1_000_011, true, 2]]],
  ["sokoban-first-step-decision", [[1_000_000, true, 7], [1_000_001, true, 5], [1_000_002, false, 20], [1_000_006, true, 1]]],
  ["sokoban-first-step-outcome", [[1_000_000, true, 5], [1_000_001, true, 5], [1_000_003, true, 5], [1_000_006, true, 1]]],
  ["sokoban-first-step-lookahead", [[1_000_000, true, 5], [1_000_001, true, 5], [1_000_002, false, 20], [1_000_003, true, 5]]],
  ["sokoban-first-step-search", [[1_000_000, true, 5], [1_000_002, false, 20], [1_000_003, true, 5], [1_000_005, true, 4]]],
];

for (const [name, expected] of ONE_STEP) {
  describe(`models/${name}`, () => {
    it("replays ID rooms of its recorded evaluation, each response a one-step simulation (greedy, at most 20 steps)", async () => {
      const r = await replays(new URL(`../../../models/${name}/`, import.meta.url).pathname, true, 80, expected);
      // Every response states one plan of one step, which the Sim Score executes.
      const responses = expected.reduce((a, [, , steps]) => a + steps, 0);
      expect(r.sim.plans).toBe(responses);
      expect(r.sim.steps).toBe(responses);
      expect(r.sim.invalidPlans).toBe(0);
    }, 180_000);
  });
}
