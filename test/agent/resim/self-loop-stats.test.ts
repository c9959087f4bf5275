/** Counting a collection's chosen first actions that changed nothing. */
import { describe, expect, it } from "vitest";
import { writePlan } from "../../../agent/format/response.js";
import { selfLoopStats } from "../../../agent/resim/self-loop-stats.js";
import type { ChatExample } from "../../../agent/train/dataset.js";

const STATE = "#####\n#P_X#\n#####";
const MOVED = "#####\n#_PX#\n#####";

function example(answer: string, firstState: string, tree: { actions: string[]; value: number }[]): ChatExample {
  const plans = [
    writePlan({ id: 1, value: 0.5, steps: [{ action: answer, state: firstState }] }),
    writePlan({ id: 2, value: 0.1, steps: [{ action: "Down", state: STATE }] }),
  ];
  return {
    messages: [
      { role: "user", content: `Current observation:\n${STATE}` },
      { role: "assistant", content: `<think>\n${plans.join("\n")}\n</think>\n<answer>${answer}</answer>` },
    ],
    metadata: { tree },
  };
}

describe("selfLoopStats", () => {
  it("counts chosen first actions whose state is the current one, and how the tree valued them against the others", () => {
    const s = selfLoopStats([
      example("Right", MOVED, [{ actions: ["Right"], value: 1 }]), // a real move
      example("Up", STATE, [{ actions: ["Up", "Right"], value: 0.9 }, { actions: ["Right", "Left"], value: 0.4 }]), // a bump valued above every move
      example("Up", STATE, [{ actions: ["Up", "Right"], value: 0.4 }, { actions: ["Right", "Left"], value: 0.4 }]), // tied
      example("Up", STATE, [{ actions: ["Up", "Right"], value: 0.2 }, { actions: ["Right", "Left"], value: 0.4 }]), // below
      example("Up", STATE, [{ actions: ["Up"], value: 0.2 }]), // nothing to compare with
    ]);
    expect(s).toEqual({ steps: 5, selfLoops: 4, above: 1, tied: 1, below: 1, alone: 1 });
  });

  it("skips examples without a plan that starts with the answer", () => {
    const actionOnly: ChatExample = { messages: [{ role: "user", content: `Current observation:\n${STATE}` }, { role: "assistant", content: "<answer>Up</answer>" }] };
    expect(selfLoopStats([actionOnly]).steps).toBe(0);
  });
});
