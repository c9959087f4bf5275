/** What a search could tell apart (agent/resim/decisions.ts): the experiment's "decided" selection rests on it. */
import { describe, expect, it } from "vitest";
import { classifyDecision, selects, stepKey } from "../../../agent/resim/decisions.js";

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
});
