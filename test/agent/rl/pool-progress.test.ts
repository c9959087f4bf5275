/** scripts/rl/pool-progress.ts: passes over a --task-pool run's rooms, from its metrics file. */
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const run = (dir: string) => execFileSync(process.execPath, ["--import", "tsx", "scripts/rl/pool-progress.ts", dir], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

describe("pool-progress", () => {
  it("counts the sampled successes of each pass over the pool, and the pass left unfinished", () => {
    const dir = mkdtempSync(join(tmpdir(), "pool-"));
    // Pool of 4 seeds, 2 groups of 8 per iteration: a pass is 2 iterations (32 episodes).
    const success = [0.5, 0.25, 0.75, 0.5, 1];
    const lines = success.map((s, i) => JSON.stringify({ kind: "iteration", iteration: i + 1, seeds: i % 2 === 0 ? [100, 101] : [102, 103], episodes: 16, success: s }));
    writeFileSync(join(dir, "metrics.jsonl"), lines.join("\n") + "\n");
    const out = JSON.parse(run(dir)) as { poolSeeds: number[]; passes: { iterations: string; success: number; episodes: number }[]; unfinishedPass: { episodes: number; success: number }; bySeed: unknown };
    expect(out.poolSeeds).toEqual([100, 101, 102, 103]);
    expect(out.passes.map((p) => [p.iterations, p.success, p.episodes])).toEqual([["1–2", 0.375, 32], ["3–4", 0.625, 32]]);
    expect(out.unfinishedPass).toMatchObject({ episodes: 16, success: 1 });
    // Metrics written before per-group figures existed have no per-seed breakdown.
    expect(out.bySeed).toBeNull();
  });

  it("gives each seed's successes per pass when the metrics carry per-group figures", () => {
    const dir = mkdtempSync(join(tmpdir(), "pool-"));
    // Pool of 2 seeds, one group of 4 per iteration; three iterations: one full pass and one unfinished.
    const its = [
      { seeds: [7], groups: [{ seed: 7, episodes: 4, successes: 1, return: 0 }] },
      { seeds: [8], groups: [{ seed: 8, episodes: 4, successes: 0, return: 0 }] },
      { seeds: [7], groups: [{ seed: 7, episodes: 4, successes: 3, return: 0 }] },
    ];
    const lines = its.map((m, i) => JSON.stringify({ kind: "iteration", iteration: i + 1, episodes: 4, success: m.groups[0]!.successes / 4, ...m }));
    writeFileSync(join(dir, "metrics.jsonl"), lines.join("\n"));
    const out = JSON.parse(run(dir)) as { bySeed: Record<string, string[]> };
    expect(out.bySeed).toEqual({ 7: ["1/4", "3/4"], 8: ["0/4", "-"] });
  });

  it("refuses a pool that is not a multiple of the groups per iteration", () => {
    const dir = mkdtempSync(join(tmpdir(), "pool-"));
    const lines = [[100, 101], [102, 100], [101, 102]].map((seeds, i) => JSON.stringify({ kind: "iteration", iteration: i + 1, seeds, episodes: 16, success: 0.5 }));
    writeFileSync(join(dir, "metrics.jsonl"), lines.join("\n"));
    expect(() => run(dir)).toThrow(/not a multiple of 2 groups per iteration/);
  });
});
