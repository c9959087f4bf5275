/** scripts/rl/seed-table.ts: one table over the RL seeds of several dyna-grpo reports of one configuration. */
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const run = (...args: string[]) => execFileSync(process.execPath, ["--import", "tsx", "scripts/rl/seed-table.ts", ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
const paired = (diff: number) => ({ diff, ci: { low: diff - 0.05, high: diff + 0.05 }, onlyA: 3, onlyB: 1, p: 0.6 });
const row = (method: string, diff: number) => ({ method, split: "hard", episodes: 200, success: { rate: 0.5, ci: { low: 0.4, high: 0.6 } }, vsStart: paired(diff), simScore: undefined, copyBaseline: undefined, seconds: 1 });
const report = (config: string, seeds: number[]) => ({
  config: { name: config },
  rows: [
    { ...row("start checkpoint (SFT)", 0), vsStart: undefined },
    ...seeds.flatMap((s) => [row(`grpo seed ${s}`, 0.1 * (s + 1)), row(`grpo seed ${s}, sampled T=1`, 0.2), row(`dyna-grpo n_T=3 n_pi=3 seed ${s}`, 0.05)]),
  ],
  versusGrpo: seeds.map((s) => ({ run: `dyna-grpo n_T=3 n_pi=3 seed ${s}`, grpo: `grpo seed ${s}`, split: "hard", paired: paired(-0.05 * (s + 1)) })),
});

describe("seed-table", () => {
  it("lists every seed's difference from the start and from GRPO, with the mean over seeds, across reports and hand-added figures", () => {
    const dir = mkdtempSync(join(tmpdir(), "seeds-"));
    writeFileSync(join(dir, "a.json"), JSON.stringify(report("cfg", [0])));
    writeFileSync(join(dir, "b.json"), JSON.stringify(report("cfg", [1, 2])));
    const out = run(join(dir, "a.json"), join(dir, "b.json"), "--add", "grpo|dyna-grpo n_T=3 n_pi=3|hard|sampled T=1|0|-0.085");
    // Seeds 0, 1, 2 at +10, +20, +30: mean +20, t(2) interval ±24.8.
    expect(out).toContain("| start | grpo | hard | greedy | 0: +10.0, 1: +20.0, 2: +30.0 | +20.0 [−4.8, +44.8] |");
    expect(out).toContain("| GRPO | dyna-grpo n_T=3 n_pi=3 | hard | greedy | 0: −5.0, 1: −10.0, 2: −15.0 | −10.0 [−22.4, +2.4] |");
    expect(out).toContain("| start | grpo | hard | sampled T=1 | 0: +20.0, 1: +20.0, 2: +20.0 | +20.0 [+20.0, +20.0] |");
    // A hand-added figure is starred, and one seed has no interval.
    expect(out).toContain("| GRPO | dyna-grpo n_T=3 n_pi=3 | hard | sampled T=1 | 0: −8.5* | — |");
    expect(out).not.toContain("start checkpoint");
  });

  it("refuses reports of different configurations, a seed twice and a malformed --add", () => {
    const dir = mkdtempSync(join(tmpdir(), "seeds-"));
    writeFileSync(join(dir, "a.json"), JSON.stringify(report("cfg", [0])));
    writeFileSync(join(dir, "c.json"), JSON.stringify(report("other", [1])));
    expect(() => run(join(dir, "a.json"), join(dir, "c.json"))).toThrow(/configuration other, not cfg/);
    expect(() => run(join(dir, "a.json"), join(dir, "a.json"))).toThrow(/seed 0 appears twice/);
    expect(() => run(join(dir, "a.json"), "--add", "grpo|x|hard|greedy|1|7")).toThrow(/--add takes/);
  });
});
