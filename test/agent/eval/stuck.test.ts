/** How failed episodes end: frozen on one state, cycling between two, or neither. */
import { describe, expect, it } from "vitest";
import { episodeEnd } from "../../../agent/eval/stuck.js";
import type { Recording, RecordingEvent } from "../../../agent/record/format.js";

const result = (fingerprint: string, terminated = false, reward = -0.1) => ({
  observation: { text: fingerprint, uiElements: [], validActions: [], fingerprint },
  reward,
  terminated,
  truncated: false,
  info: {},
  stepIndex: 0,
});
const recording = (states: string, solvedAtEnd = false): Recording => {
  const events: RecordingEvent[] = [...states].map((s, i) =>
    i === 0 ? { type: "reset", result: result(s), ms: 0, at: 0 } : { type: "step", action: { text: "Up" }, result: result(s, solvedAtEnd && i === states.length - 1, solvedAtEnd && i === states.length - 1 ? 10 : -0.1), ms: 0, at: 0 },
  );
  return { header: { type: "header", format: "dynamind-recording", version: 1 } as Recording["header"], events };
};

describe("episodeEnd", () => {
  it("tells frozen, cycling and wandering failures apart, and never calls a success stuck", () => {
    expect(episodeEnd(recording("abcdddddd"), 6)).toEqual({ success: false, steps: 8, frozen: true, cycling: true });
    expect(episodeEnd(recording("abcdededed"), 6)).toEqual({ success: false, steps: 9, frozen: false, cycling: true });
    expect(episodeEnd(recording("abcdefghij"), 6)).toMatchObject({ frozen: false, cycling: false });
    expect(episodeEnd(recording("aaaaaaab", true), 6)).toMatchObject({ success: true, frozen: false, cycling: false });
    // Too short to judge: fewer observations than the window.
    expect(episodeEnd(recording("aaa"), 6)).toMatchObject({ frozen: false, cycling: false });
  });

  it("refuses a search recording (restores)", () => {
    const r = recording("abc");
    r.events.push({ type: "restore", to: 0, result: result("a"), ms: 0, at: 0 });
    expect(() => episodeEnd(r)).toThrow(/restores a state/);
  });
});
