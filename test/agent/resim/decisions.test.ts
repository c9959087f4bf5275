/** What a search could tell apart (agent/resim/decisions.ts): the experiment's "decided" selection rests on it. */
import { describe, expect, it } from "vitest";
import { classifyDecision, selects, selectSteps, stepKey } from "../../../agent/resim/decisions.js";

const md = (tree: { actions: string[]; value: number }[]) => ({ env: "sokoban", config: {}, seed: 3, step: 2, episodeEnd: false, tree });

describe("classifyDecision", () => {
  it("unvalued when no plan is valued above 0 (the teacher's pick is a coin toss)", () => {
    expect(classifyDecision(md([{ actions: ["Up", "Up"], value: 0 }, { actions: ["Left"], value: 0 }]))).toBe("unvalued");
  });
  it("tied when two first actions share the best value", () => {
    expect(classifyDecision(md([{ actions: ["Up", "Left"], value: 0.5 }, { actions: ["Left", "Up"], value: 0.5 }, { actions: ["Down"], value: 0 }]))).toBe("tied");
  });
  it("decided when one first action's best plan beats every other first action, ties within one first action included", () => {
    const tree = [
      { actions: ["Up", "Left"], value: 0.9 },
      { actions: ["Up", "Right"], value: 0.9 },
      { actions: ["Left", "Up"], value: 0.4 },
    ];
    expect(classifyDecision(md(tree))).toBe("decided");
  });
  it("compares first actions by their best plan, not their first plan", () => {
    expect(classifyDecision(md([{ actions: ["Up"], value: 0.1 }, { actions: ["Left"], value: 0.3 }, { actions: ["Up", "Up"], value: 0.3 }]))).toBe("tied");
  });
  it("refuses examples without a search tree, and malformed trees", () => {
    expect(() => classifyDecision({ seed: 1, step: 0 })).toThrow(/no search tree/);
    expect(() => classifyDecision(md([{ actions: [], value: 1 }]))).toThrow(/malformed/);
  });
  it("pairs a ReSim example with the action-only example of the same step", () => {
    expect(stepKey({ seed: 3, step: 2, action: "Up" })).toBe(stepKey(md([])));
  });
  it("selects steps: all of them, the valued ones (decided or tied), or the decided ones only", () => {
    const kinds = ["unvalued", "tied", "decided"] as const;
    expect(kinds.filter((k) => selects("all", k))).toEqual(["unvalued", "tied", "decided"]);
    expect(kinds.filter((k) => selects("valued", k))).toEqual(["tied", "decided"]);
    expect(kinds.filter((k) => selects("decided", k))).toEqual(["decided"]);
  });
  it("selects action-only steps by the search tree of the paired ReSim example, and refuses a step with no pair", () => {
    const step = (seed: number, value: number) => ({ ...md([{ actions: ["Up"], value }, { actions: ["Left"], value: 0 }]), seed });
    const resim = [step(1, 0), step(2, 0.5), step(3, 0.2)];
    const paired = new Map(resim.map((m) => [stepKey(m), m as Record<string, unknown>]));
    const actionOnly = [1, 2, 3].map((seed) => ({ metadata: { seed, step: 2, action: "Up" } as Record<string, unknown> }));
    expect(selectSteps(actionOnly, "valued", "--data", paired).map((x) => x.metadata.seed)).toEqual([2, 3]);
    // An example's own tree wins over its pair's.
    expect(selectSteps([{ metadata: step(1, 0.5) as Record<string, unknown> }], "valued", "--data", paired)).toHaveLength(1);
    expect(() => selectSteps([{ metadata: { seed: 9, step: 0 } }], "valued", "--data", paired)).toThrow(/--data, example 1: the example has no search tree/);
  });
});
