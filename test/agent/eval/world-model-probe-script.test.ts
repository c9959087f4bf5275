/** scripts/train/world-model-probe.ts, whose figures world-model.md quotes: held-out transitions read from a ReSim file, copy baseline first. */
import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { parseSokobanConfig } from "../../../adapters/sokoban/config.js";
import { SokobanEnv } from "../../../adapters/sokoban/env.js";
import { writeResponse } from "../../../agent/format/response.js";

const run = (args: string[]) => promisify(execFile)(process.execPath, ["--import", "tsx", "scripts/train/world-model-probe.ts", ...args], { encoding: "utf8" });
const TEXT = { text: true, image: false, uiElements: false };

describe("world-model-probe script", () => {
  it("reads each distinct transition of the plans once and scores copying the state", async () => {
    const env = new SokobanEnv(parseSokobanConfig({ preset: "6x6-1box" }));
    env.reset(3, {});
    const root = env.cloneState();
    const start = env.observe(TEXT).text;
    // Two plans sharing their first step: three distinct transitions.
    const plans = [["Up", "Left"], ["Up", "Right"]].map((actions, id) => {
      env.restoreState(root);
      return { id: id + 1, value: 0, steps: actions.map((a) => (env.step({ $case: "text", text: a }), { action: a, state: env.observe(TEXT).text })) };
    });
    const dir = mkdtempSync(join(tmpdir(), "probe-"));
    const file = join(dir, "resim.jsonl");
    writeFileSync(file, JSON.stringify({ messages: [{ role: "user", content: `Current observation:\n${start}` }, { role: "assistant", content: writeResponse(plans, "Plan 1.", "Up") }], metadata: { seed: 3, step: 0 } }) + "\n");
    const { stdout } = await run(["--data", file]);
    const copy = JSON.parse(stdout.trim().split("\n")[0]!) as { predictor: string; transitions: number };
    expect(copy.predictor).toBe("copy the current state");
    expect(copy.transitions).toBe(3);
    expect((await run(["--data", file, "--limit", "2"])).stdout).toContain('"transitions":2');
    await expect(run(["--data", file, "--limit", "x"])).rejects.toThrow(/usage: world-model-probe/);
    // The critique objective reads each distinct plan once, and scores the critic that calls every step wrong.
    const crit = JSON.parse((await run(["--data", file, "--objective", "critique"])).stdout.trim()) as { predictor: string; objective: string; chains: number; steps: number };
    expect(crit).toMatchObject({ predictor: "every step wrong", objective: "critique", chains: 2, steps: 4 });
    await expect(run(["--data", file, "--objective", "reward"])).rejects.toThrow(/usage: world-model-probe/);
  });
});
