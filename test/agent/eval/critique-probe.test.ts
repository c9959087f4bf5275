/** The critique probe: whether a student critiques predicted states against the real outcome, beside calling every step wrong. */
import { describe, expect, it } from "vitest";
import { parseSokobanConfig } from "../../../adapters/sokoban/config.js";
import { SokobanEnv } from "../../../adapters/sokoban/env.js";
import { critiqueLines, distinctChains, everyStepWrong, probeCritique, verdictOf } from "../../../agent/eval/critique-probe.js";
import { copyPredictor, critique, critiqueExample, type Chain } from "../../../agent/train/world-model.js";

const TEXT = { text: true, image: false, uiElements: false };

/** Real Sokoban chains of two steps from a few start states, bumps included. */
function chains(): Chain[] {
  const env = new SokobanEnv(parseSokobanConfig({ preset: "6x6-1box" }));
  const out: Chain[] = [];
  for (let seed = 0; seed < 4; seed++) {
    env.reset(seed, {});
    const root = env.cloneState();
    const start = env.observe(TEXT).text;
    for (const plan of [["Up", "Up"], ["Left", "Down"], ["Right", "Right"], ["Down", "Left"]]) {
      env.restoreState(root);
      out.push({ start, steps: plan.map((a) => (env.step({ $case: "text", text: a }), { action: a, state: env.observe(TEXT).text })) });
    }
  }
  return out;
}

describe("critique probe", () => {
  const cs = chains();
  const target = (c: Chain) => critique(c, copyPredictor(c.start, c.steps.map((s) => s.action)));
  const byPrompt = new Map(cs.map((c) => [critiqueExample(c, copyPredictor(c.start, c.steps.map((s) => s.action))).messages[0]!.content, target(c)]));
  const wrongSteps = cs.reduce((n, c) => n + c.steps.filter((s) => s.state !== c.start).length, 0);
  const steps = cs.reduce((n, c) => n + c.steps.length, 0);

  it("reads a critique's lines and verdicts", () => {
    const text = 'Step 1 (Up): predicted correctly.\nStep 2 (Left): wrong: line 3 is "#  #", not "# @#".\n1 of 2 predicted states were wrong.';
    const lines = critiqueLines(text);
    expect([...lines.keys()]).toEqual([1, 2]);
    expect(verdictOf(lines.get(1))).toBe("right");
    expect(verdictOf(lines.get(2))).toBe("wrong");
    expect(verdictOf("Step 3 (Up): maybe.")).toBeUndefined();
    expect(verdictOf(undefined)).toBeUndefined();
  });

  it("scores the target critique as perfect, and the every-step-wrong critic right exactly on the steps that change the state", async () => {
    expect(wrongSteps).toBeGreaterThan(0);
    expect(wrongSteps).toBeLessThan(steps);
    const perfect = await probeCritique(cs, async (ps) => ps.map((p) => byPrompt.get(p)!));
    expect(perfect).toMatchObject({ chains: cs.length, steps, exact: { rate: 1 }, verdict: { rate: 1 }, line: { rate: 1 }, incomplete: 0 });
    const wrong = await probeCritique(cs, everyStepWrong);
    expect(wrong.verdict.rate).toBeCloseTo(wrongSteps / steps);
    // Its lines name no correction, so only the steps predicted correctly could match: none do.
    expect(wrong.line.rate).toBe(0);
    expect(wrong.exact.rate).toBe(0);
    expect(wrong.incomplete).toBe(0);
  });

  it("counts a critique that skips a step as incomplete, and refuses a critic that answers another number of prompts", async () => {
    const short = await probeCritique(cs, async (ps) => ps.map((p) => byPrompt.get(p)!.split("\n")[0]!));
    expect(short.incomplete).toBe(cs.length);
    expect(short.line.rate).toBeCloseTo(0.5);
    await expect(probeCritique(cs, async () => [])).rejects.toThrow(new RegExp(`answered 0 of ${cs.length}`));
  });

  it("keeps each distinct chain once", () => {
    expect(distinctChains([...cs, ...cs])).toEqual(cs);
  });
});
