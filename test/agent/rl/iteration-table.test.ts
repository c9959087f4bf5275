/** scripts/rl/iteration-table.ts: one markdown row per RL iteration, from a run's metrics file. */
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const run = (dir: string) => execFileSync(process.execPath, ["--import", "tsx", "scripts/rl/iteration-table.ts", dir], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

describe("iteration-table", () => {
  it("writes a simulation iteration with both halves' returns and a policy iteration without them", () => {
    const dir = mkdtempSync(join(tmpdir(), "its-"));
    const sim = { kind: "iteration", iteration: 1, phase: "sim", seeds: [7], episodes: 16, success: 0.5, return: 3.7125, simRolloutReturn: 0.8, plainReturn: 6.625, simScore: 0.72, refinedSimScore: 0.54, refinePositive: 2, kl: 0.2863 };
    const policy = { kind: "iteration", iteration: 2, phase: "policy", seeds: [8], episodes: 16, success: 0.75, return: 6.74, simRolloutReturn: null, plainReturn: null, simScore: 0.64, refinedSimScore: null, refinePositive: 0, kl: null };
    writeFileSync(join(dir, "metrics.jsonl"), [sim, policy, { kind: "eval" }].map((m) => JSON.stringify(m)).join("\n"));
    const rows = run(dir).trim().split("\n");
    expect(rows).toHaveLength(4);
    expect(rows[2]).toBe("| 1 | sim | 7 | 8/16 | 3.71 | 0.80 / 6.63 | 0.72 → 0.54 | 2 | 0.286 |");
    expect(rows[3]).toBe("| 2 | policy | 8 | 12/16 | 6.74 | — | 0.64 | — | — |");
  });
});
