/** The next-state probe: one-step simulation accuracy on real transitions, beside copying the state. */
import { describe, expect, it } from "vitest";
import { parseSokobanConfig } from "../../../adapters/sokoban/config.js";
import { SokobanEnv } from "../../../adapters/sokoban/env.js";
import { copyCurrentState, probeNextState, stateOfReply } from "../../../agent/eval/next-state-probe.js";
import { nextStateExample, nextStatePrompt, type Transition } from "../../../agent/train/world-model.js";

const TEXT = { text: true, image: false, uiElements: false };

/** Real Sokoban transitions: every move from a few start states. */
function transitions(): Transition[] {
  const env = new SokobanEnv(parseSokobanConfig({ preset: "6x6-1box" }));
  const out: Transition[] = [];
  for (let seed = 0; seed < 5; seed++) {
    env.reset(seed, {});
    const root = env.cloneState();
    const state = env.observe(TEXT).text;
    for (const action of ["Up", "Down", "Left", "Right"]) {
      env.restoreState(root);
      env.step({ $case: "text", text: action });
      out.push({ state, action, next: env.observe(TEXT).text });
    }
  }
  return out;
}

describe("next-state probe", () => {
  const ts = transitions();
  const moves = ts.filter((t) => t.next !== t.state).length;

  it("scores copying the state as right exactly on the bumps, and wrong on every changed cell", async () => {
    expect(moves).toBeGreaterThan(0);
    expect(moves).toBeLessThan(ts.length);
    const copy = await probeNextState(ts, copyCurrentState);
    expect(copy.exact.rate).toBeCloseTo((ts.length - moves) / ts.length);
    expect(copy.changing).toBe(moves);
    expect(copy.changed!.mean).toBe(0);
    expect(copy.unparseable).toBe(0);
  });

  it("scores the real next state as perfect, and a reply without a state as unparseable and wrong", async () => {
    // A predictor that reads the trained reply format: the next-state example's answer for the same prompt.
    const answers = new Map(ts.map((t) => [nextStatePrompt(t.state, t.action), nextStateExample(t).messages[1]!.content]));
    const perfect = await probeNextState(ts, async (qs) => qs.map((q) => stateOfReply(answers.get(q.prompt)!)));
    expect(perfect).toMatchObject({ exact: { rate: 1 }, changed: { mean: 1 }, unparseable: 0 });
    const mute = await probeNextState(ts, async (qs) => qs.map((q) => stateOfReply(`<answer>Up</answer> ${q.state}`)));
    expect(mute.unparseable).toBe(ts.length);
    expect(mute.exact.rate).toBe(0);
    expect(mute.changed!.mean).toBe(0);
  });

  it("refuses a predictor that answers another number of prompts", async () => {
    await expect(probeNextState(ts, async () => [])).rejects.toThrow(/answered 0 of 20/);
  });
});
