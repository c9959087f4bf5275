/** scripts/rl/dead-ends.ts: whether failed Sokoban episodes ended on a state the solver can still solve. */
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const run = (dir: string) => execFileSync(process.execPath, ["--import", "tsx", "scripts/rl/dead-ends.ts", dir], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

/** A recording of observations `texts` (the first is the reset's) reached by `actions`. */
function recording(seed: number, texts: string[], actions: string[]): string {
  const result = (text: string, stepIndex: number) => ({
    observation: { text, uiElements: [], validActions: ["Up", "Down", "Left", "Right"], fingerprint: text },
    reward: stepIndex === 0 ? 0 : -0.1,
    terminated: false,
    truncated: false,
    info: {},
    stepIndex,
  });
  const lines = [
    { type: "header", format: "dynamind-recording", version: 1, env: "sokoban", config: {}, seed, observationKinds: [], recorder: "client", startedAt: "2026-12-02T00:00:00Z" },
    { type: "reset", result: result(texts[0]!, 0), ms: 1, at: 0 },
    ...actions.map((action, i) => ({ type: "step", action, result: result(texts[i + 1]!, i + 1), ms: 1, at: i + 1 })),
  ];
  return lines.map((l) => JSON.stringify(l)).join("\n") + "\n";
}

// The box at (2,2), its target at (3,3): Down, Left, Down, Right solves it in 4.
const START = "######\n#_P__#\n#_X__#\n#__O_#\n######";
const RIGHT = "######\n#__P_#\n#_X__#\n#__O_#\n######";
const DOWN = "######\n#____#\n#_XP_#\n#__O_#\n######";
// Pushed against the left wall: the box can only move along column 1, where no target is.
const PUSHED = "######\n#____#\n#XP__#\n#__O_#\n######";

describe("dead-ends", () => {
  it("tells a failure frozen on a solvable state from one that pushed the box into a dead end, and when", () => {
    const dir = mkdtempSync(join(tmpdir(), "dead-ends-"));
    // Walks into the wall above, six times: frozen, and still 4 steps from the goal.
    writeFileSync(join(dir, "frozen.jsonl"), recording(1, Array(7).fill(START), Array(6).fill("Up")));
    // Right, Down, Left (the bad push), then bumps the box against the wall.
    writeFileSync(join(dir, "dead.jsonl"), recording(2, [START, RIGHT, DOWN, PUSHED, PUSHED, PUSHED, PUSHED, PUSHED, PUSHED], ["Right", "Down", "Left", "Left", "Left", "Left", "Left", "Left"]));
    const out = run(dir);
    expect(out).toContain("episodes 2, failed 2");
    expect(out).toContain("failed on a state that is still solvable: 1 (50%)");
    expect(out).toMatch(/of them frozen over the last 6 observations: 1 \(100%\)/);
    expect(out).toContain("the solver's length from the last state: median 4, min 4, max 4");
    expect(out).toContain("failed after the room became unsolvable: 1 (50%)");
    expect(out).toContain("the first unsolvable observation: median step 3, min 3, max 3; at the reset: 0");
  });

  it("refuses recordings of another environment", () => {
    const dir = mkdtempSync(join(tmpdir(), "dead-ends-"));
    writeFileSync(join(dir, "a.jsonl"), recording(1, [START], []).replace('"env":"sokoban"', '"env":"alfworld"'));
    expect(() => run(dir)).toThrow(/a\.jsonl: a alfworld recording/);
  });
});
