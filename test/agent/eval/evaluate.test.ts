/** Evaluation over the real server: metrics mean what they say. */
import { describe, expect, it } from "vitest";
import { evaluate, type EvalOptions } from "../../../agent/eval/evaluate.js";
import type { ResponsePolicy } from "../../../agent/eval/policy.js";
import { RandomResponsePolicy } from "../../../agent/eval/random-policy.js";
import { SearchPolicy } from "../../../agent/eval/search-policy.js";
import { writeResponse } from "../../../agent/format/response.js";
import { useTestServer } from "../../support/server.js";

const ctx = useTestServer();

const sokoban = (overrides: Partial<EvalOptions> = {}): EvalOptions => ({
  envId: "sokoban",
  config: { preset: "6x6-1box" },
  seeds: [1000, 1001, 1002, 1003],
  history: 0,
  concurrency: 2,
  simScore: true,
  ...overrides,
});

const fixed = (text: string, simulates = false): ResponsePolicy => ({
  name: `fixed(${text})`,
  simulates,
  respond: async () => ({ text, tokens: text.length }),
});

describe("evaluate", () => {
  it("plays the random baseline's episodes the same whatever runs beside them", async () => {
    const seeds = [1000, 1001, 1002, 1003, 1004, 1005];
    const alone = await evaluate(ctx.client, new RandomResponsePolicy(7), sokoban({ seeds, concurrency: 1 }));
    const together = await evaluate(ctx.client, new RandomResponsePolicy(7), sokoban({ seeds, concurrency: 4 }));
    expect(together.perEpisode).toEqual(alone.perEpisode);
    // The policy's own seed still matters.
    const other = await evaluate(ctx.client, new RandomResponsePolicy(8), sokoban({ seeds, concurrency: 1 }));
    expect(other.perEpisode).not.toEqual(alone.perEpisode);
  });

  it("ReSim with real search succeeds and simulates exactly", async () => {
    const policy = new SearchPolicy({ b: 4, d: 4, horizon: 8, bTrain: 2, gamma: 0.9, value: "solver", rollout: "mixed", seed: 1 });
    const r = await evaluate(ctx.client, policy, sokoban());
    expect(r.episodes).toBe(4);
    expect(r.successRate).toBe(1);
    expect(r.sim.changed).toBe(1);
    expect(r.sim.similarity).toBe(1);
    expect(r.sim.exact).toBe(1);
    expect(r.sim.copyBaseline!).toBeLessThan(1);
    expect(r.sim.responses).toBeGreaterThan(0);
    expect(r.sim.changedSteps + r.sim.unchangedSteps + r.sim.pastEndSteps).toBe(r.sim.steps);
    expect(r.sim.gridSteps).toBe(r.sim.changedSteps);
    expect([r.simScore, r.simExact]).toEqual([1, 1]); // the old fields, for continuity
    expect(r.invalidAnswerRate).toBe(0);
    expect(r.tokensPerStep).toBeGreaterThan(50);
  });

  it("counts a policy that always answers Up: no plans, no Sim Score, rarely solved", async () => {
    const r = await evaluate(ctx.client, fixed("<answer>Up</answer>"), sokoban({ config: { preset: "6x6-1box" }, seeds: [7, 8] }));
    expect(r.simScore).toBeNull();
    expect([r.sim.changed, r.sim.copyBaseline, r.sim.responses]).toEqual([null, null, 0]);
    expect(r.invalidAnswerRate).toBe(0);
    expect(r.meanSteps).toBeGreaterThan(0);
  });

  it("scores a policy that copies the current state as its simulation at the copy baseline", async () => {
    const copier: ResponsePolicy = {
      name: "copier",
      simulates: true,
      respond: async (_messages, { observation }) => {
        const plans = ["Up", "Down", "Left", "Right"].map((action, i) => ({ id: i + 1, value: 0.5, steps: [{ action, state: observation.text }] }));
        const text = writeResponse(plans, "Nothing will change.", "Up");
        return { text, tokens: text.length };
      },
    };
    const r = await evaluate(ctx.client, copier, sokoban({ seeds: [11, 12], maxSteps: 3 }));
    expect(r.sim.responses).toBe(Math.round(r.meanSteps * r.episodes)); // every response states plans
    expect(r.sim.changed).toBe(r.sim.copyBaseline);
    expect(r.sim.changed!).toBeLessThan(0.5); // only moves into walls are right
    expect(r.sim.similarity!).toBeGreaterThan(0.85); // what the old score called good simulation
  });

  it("wastes the steps of answers that are missing or rejected, until the budget runs out", async () => {
    const session = await ctx.client.createSession("sokoban", { config: { preset: "6x6-1box" } });
    const budget = session.spec.maxSteps;
    for (const text of ["I think I should go up", "<answer>Fly</answer>"]) {
      const r = await evaluate(ctx.client, fixed(text), sokoban({ seeds: [3] }));
      expect(r.successRate).toBe(0);
      expect(r.invalidAnswerRate).toBe(1);
      expect(r.meanSteps).toBe(budget);
    }
  });
});
