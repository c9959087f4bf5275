/** Evaluation over the real server: metrics mean what they say. */
import { describe, expect, it } from "vitest";
import { evaluate, type EvalOptions } from "../../../agent/eval/evaluate.js";
import type { ResponsePolicy } from "../../../agent/eval/policy.js";
import { SearchPolicy } from "../../../agent/eval/search-policy.js";
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
  it("ReSim with real search succeeds and simulates exactly", async () => {
    const policy = new SearchPolicy({ b: 4, d: 4, horizon: 8, bTrain: 2, gamma: 0.9, value: "solver", rollout: "mixed", seed: 1 });
    const r = await evaluate(ctx.client, policy, sokoban());
    expect(r.episodes).toBe(4);
    expect(r.successRate).toBe(1);
    expect(r.simScore).toBe(1);
    expect(r.simExact).toBe(1);
    expect(r.invalidAnswerRate).toBe(0);
    expect(r.tokensPerStep).toBeGreaterThan(50);
  });

  it("counts a policy that always answers Up: no plans, no Sim Score, rarely solved", async () => {
    const r = await evaluate(ctx.client, fixed("<answer>Up</answer>"), sokoban({ config: { preset: "6x6-1box" }, seeds: [7, 8] }));
    expect(r.simScore).toBeNull();
    expect(r.invalidAnswerRate).toBe(0);
    expect(r.meanSteps).toBeGreaterThan(0);
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
