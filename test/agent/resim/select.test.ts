/** Choosing among a search's rollouts: a first action that changes nothing is never preferred to one that moves. */
import { describe, expect, it } from "vitest";
import { withoutSelfLoops } from "../../../agent/resim/select.js";
import type { ValuedRollout } from "../../../agent/resim/value.js";

function rollout(index: number, fingerprints: string[], value: number): ValuedRollout {
  const steps = fingerprints.map((fingerprint) => ({ observation: { text: "", fingerprint, validActions: [], uiElements: [] }, reward: 0, terminated: false, truncated: false, info: {} }));
  return { index, actions: fingerprints.map(() => "Up"), steps, leaf: undefined, value, stepsToGoal: undefined } as unknown as ValuedRollout;
}

describe("withoutSelfLoops", () => {
  it("drops rollouts whose first step keeps the root's fingerprint, however well they are valued", () => {
    const bump = rollout(0, ["root", "b"], 0.9);
    const move = rollout(1, ["a", "b"], 0.2);
    const later = rollout(2, ["c", "c"], 0.1); // a loop after the first move is the plan's own business
    expect(withoutSelfLoops([bump, move, later], "root")).toEqual([move, later]);
  });

  it("keeps everything when every first action loops, or when the environment gives no fingerprints", () => {
    const loops = [rollout(0, ["root"], 0.5), rollout(1, ["root", "x"], 0.2)];
    expect(withoutSelfLoops(loops, "root")).toEqual(loops);
    const blind = [rollout(0, ["", ""], 0.5), rollout(1, [""], 0.1)];
    expect(withoutSelfLoops(blind, "")).toEqual(blind);
  });
});
