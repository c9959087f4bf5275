/** The template aggregator's verdict says what the values say: a tie is called a tie. */
import { describe, expect, it } from "vitest";
import { templateAggregate } from "../../../agent/resim/aggregate.js";
import { SeededRandom } from "../../../agent/resim/seeded-random.js";
import type { ValuedRollout } from "../../../agent/resim/value.js";

const rollout = (index: number, action: string, value: number): ValuedRollout =>
  ({
    index,
    actions: [action],
    steps: [{ observation: { text: `after ${action}` }, reward: 0, terminated: false, truncated: false, info: {}, stepIndex: 1 }],
    leaf: undefined,
    value,
    stepsToGoal: undefined,
    visits: 4,
    successes: Math.round(value * 4),
  }) as unknown as ValuedRollout;

const verdict = (response: string) => response.split("\n").at(-3)!;

describe("template aggregation", () => {
  it("names the best plan, a tie as a tie, and no progress as such", () => {
    const a = rollout(0, "go to desk 1", 0.5);
    const b = rollout(1, "go to bed 1", 0.25);
    const c = rollout(2, "look", 0.5);
    const best = templateAggregate(a, [a, b], new SeededRandom(1));
    expect(verdict(best.response)).toBe(`Plan ${best.chosenPlanId} has the highest value, so I take its first action.`);
    const tie = templateAggregate(a, [a, c], new SeededRandom(1));
    expect(verdict(tie.response)).toBe(`Plan ${tie.chosenPlanId} ties with plan ${3 - tie.chosenPlanId} for the highest value; I take its first action.`);
    const [x, y] = [rollout(0, "look", 0), rollout(1, "inventory", 0)];
    const none = templateAggregate(x, [x, y], new SeededRandom(1));
    expect(verdict(none.response)).toMatch(/^No plan shows progress; plan [12] is as good as any/);
    expect(tie.response).toContain("<answer>go to desk 1</answer>");
  });
});
