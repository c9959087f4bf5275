/** scripts/resim/teacher-agreement.ts: each policy's agreement with the teacher at the valued steps of a collection. */
import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { lexicalWeights } from "../../../agent/resim/policies.js";

const run = (args: string[]) => promisify(execFile)(process.execPath, ["--import", "tsx", "scripts/resim/teacher-agreement.ts", ...args], { encoding: "utf8" });

const GOAL = "Your task is to: put a mug in cabinet.";
const VALID = ["go to cabinet 1", "go to desk 1", "examine desk 1"];
const prompt = (valid: boolean) => `${GOAL}\nCurrent observation:\nYou are in the middle of a room.${valid ? `\nValid actions: ${VALID.join(", ")}` : ""}`;

function files(valid = true): { resim: string; actionOnly: string } {
  const dir = mkdtempSync(join(tmpdir(), "agreement-"));
  const steps = [
    // Valued: the search saw the cabinet succeed.
    { seed: 1, step: 0, action: "go to cabinet 1", tree: [{ actions: ["go to cabinet 1"], value: 0.5 }, { actions: ["go to desk 1"], value: 0 }] },
    // Unvalued: left out.
    { seed: 1, step: 1, action: "examine desk 1", tree: [{ actions: ["go to desk 1"], value: 0 }] },
  ];
  const resim = join(dir, "resim.jsonl");
  const actionOnly = join(dir, "action.jsonl");
  writeFileSync(resim, steps.map((m) => JSON.stringify({ messages: [{ role: "user", content: prompt(valid) }, { role: "assistant", content: "<think>…</think>" }], metadata: m })).join("\n"));
  writeFileSync(actionOnly, steps.map(({ tree: _, ...m }) => JSON.stringify({ messages: [{ role: "user", content: prompt(valid) }, { role: "assistant", content: `<answer>${m.action}</answer>` }], metadata: m })).join("\n"));
  return { resim, actionOnly };
}

/** The report's row for a policy: p(teacher), p(valued highest), top-1, without their ± parts. */
function row(out: string, name: string): number[] {
  const line = out.split("\n").find((l) => l.startsWith(`| ${name} |`));
  expect(line, name).toBeDefined();
  return line!.split("|").slice(2, 5).map((c) => Number(c.trim().split(" ")[0]));
}

describe("teacher-agreement", () => {
  it("scores the random and lexical policies at the valued steps only", async () => {
    const { resim, actionOnly } = files();
    const { stdout } = await run(["--resim", resim, "--action-only", actionOnly]);
    expect(stdout).toMatch(/^1 valued steps of 1 distinct prompts/);
    expect(row(stdout, "random")).toEqual([0.333, 0.333, 0.333]);
    const w = lexicalWeights(GOAL.slice("Your task is to: ".length, -1), VALID);
    const p = w[0]! / w.reduce((a, b) => a + b, 0);
    expect(p).toBeGreaterThan(1 / 3);
    expect(row(stdout, "lexical")).toEqual([Number(p.toFixed(3)), Number(p.toFixed(3)), 1]);
  });

  it("refuses prompts that list no valid actions, and a missing argument", async () => {
    const { resim, actionOnly } = files(false);
    await expect(run(["--resim", resim, "--action-only", actionOnly])).rejects.toThrow(/lists no valid actions/);
    await expect(run(["--resim", resim])).rejects.toThrow(/missing --action-only/);
  });
});
