/**
 * Previous steps in a prompt: each action with the observation it led to, except that
 * the last one led to the current observation, which the prompt writes once.
 */
import { describe, expect, it } from "vitest";
import { buildPrompt } from "../../../agent/format/prompt.js";
import type { EnvSpec, Observation } from "../../../gen/ts/dynamind/env/v1/types_pb.js";

const spec = { instructions: "rules" } as EnvSpec;
const obs = (text: string): Observation => ({ text, image: undefined, uiElements: [], validActions: [], fingerprint: "" }) as unknown as Observation;

describe("history in prompts", () => {
  it("writes the current observation once, after the last action", () => {
    const history = [
      { action: "go to desk 1", observation: "On the desk 1, you see a pen 1." },
      { action: "take pen 1 from desk 1", observation: "You pick up the pen 1 from the desk 1." },
    ];
    const text = buildPrompt(spec, obs("You pick up the pen 1 from the desk 1."), history, false, "compact")[0]!.content;
    expect(text).toBe(
      [
        "Previous steps, oldest first:",
        "Action: go to desk 1",
        "Observation:",
        "On the desk 1, you see a pen 1.",
        "Action: take pen 1 from desk 1",
        "",
        "Current observation:",
        "You pick up the pen 1 from the desk 1.",
      ].join("\n"),
    );
    expect(text.split("You pick up the pen 1").length - 1).toBe(1);
  });

  it("keeps a last observation that is not the current one (a caller's own history)", () => {
    const text = buildPrompt(spec, obs("now"), [{ action: 3, observation: "then" }], false, "compact")[0]!.content;
    expect(text).toBe("Previous steps, oldest first:\nAction: 3\nObservation:\nthen\n\nCurrent observation:\nnow");
  });
});
