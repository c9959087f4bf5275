import { describe, expect, it } from "vitest";
import { rewardVariance, selectByRewardVariance, taskVariations } from "../../adapters/dream/curriculum.js";

describe("dream curriculum (reward variance)", () => {
  it("computes the group's population variance: p(1 - p) for 0/1 rewards", () => {
    expect(rewardVariance([1, 0, 1, 0])).toBeCloseTo(0.25);
    expect(rewardVariance([1, 1, 1, 0])).toBeCloseTo(0.1875);
    expect(rewardVariance([1, 1, 1, 1])).toBe(0);
    expect(rewardVariance([])).toBe(0);
  });

  it("keeps groups with varying rewards, highest variance first, ties in input order", () => {
    const groups = [
      { task: "always", rewards: [1, 1, 1, 1] },
      { task: "never", rewards: [0, 0, 0, 0] },
      { task: "quarter", rewards: [1, 0, 0, 0] },
      { task: "half-a", rewards: [1, 0, 1, 0] },
      { task: "half-b", rewards: [0, 1, 0, 1] },
      { task: "lonely", rewards: [1] },
    ];
    expect(selectByRewardVariance(groups).map((k) => k.task)).toEqual(["half-a", "half-b", "quarter"]);
    expect(selectByRewardVariance(groups, { minVariance: 0.2 }).map((k) => k.task)).toEqual(["half-a", "half-b"]);
    expect(selectByRewardVariance(groups, { topFraction: 0.34 }).map((k) => k.task)).toEqual(["half-a", "half-b"]);
    expect(selectByRewardVariance(groups, { topFraction: 0.3 }).map((k) => k.task)).toEqual(["half-a"]);
    expect(selectByRewardVariance(groups)[2]).toEqual({ task: "quarter", variance: 0.1875, mean: 0.25 });
    expect(() => selectByRewardVariance(groups, { topFraction: 0 })).toThrow(/topFraction/);
  });

  it("draws task variations from the configs with distinct seeds, the same for the same seed", () => {
    const configs = [{ preset: "6x6-1box" }, { preset: "8x8-2box" }];
    const a = taskVariations(configs, 50, 7);
    expect(taskVariations(configs, 50, 7)).toEqual(a);
    expect(taskVariations(configs, 50, 8)).not.toEqual(a);
    expect(new Set(a.map((v) => v.seed)).size).toBe(50);
    expect(new Set(a.map((v) => v.config.preset))).toEqual(new Set(["6x6-1box", "8x8-2box"]));
    expect(() => taskVariations([], 1, 0)).toThrow();
  });
});
