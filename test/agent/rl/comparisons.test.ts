/** scripts/rl/comparisons.ts: the overview of every Dyna-GRPO-against-GRPO comparison in results/dyna-grpo.md. */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BEGIN, comparisonsBlock, readBlock, withBlock, type Comparison } from "../../../scripts/rl/comparisons.js";

const paired = (diff: number) => ({ diff, ci: { low: diff - 0.05, high: diff + 0.05 }, onlyA: 3, onlyB: 1, p: 0.6 });
const row = (method: string, rate: number) => ({ method, split: "hard", episodes: 200, success: { rate, ci: { low: 0, high: 1 } } });
const report = (seed: number, start = 0.5) => ({
  config: { name: "cfg", budget: 100 },
  from: "models/x",
  rows: [row("start checkpoint (SFT)", start), row(`grpo seed ${seed}`, 0.6), row(`grpo seed ${seed}, sampled T=1`, 0.7), row(`dyna-grpo n_T=3 n_pi=3 seed ${seed}`, 0.4 + 0.1 * seed)],
  versusGrpo: [{ run: `dyna-grpo n_T=3 n_pi=3 seed ${seed}`, grpo: `grpo seed ${seed}`, split: "hard", paired: paired(-0.2 + 0.1 * seed) }],
  refinement: { [`dyna-grpo n_T=3 n_pi=3 seed ${seed}`]: { meanGain: { mean: -0.5, ci: { low: -1, high: 0 } } } },
});

function root(reports: Record<string, object>): string {
  const dir = mkdtempSync(join(tmpdir(), "comparisons-"));
  for (const [name, r] of Object.entries(reports)) {
    mkdirSync(join(dir, name));
    writeFileSync(join(dir, name, "dyna-grpo.json"), JSON.stringify(r));
  }
  return dir;
}
const comparison = (reports: string[], added?: Comparison["added"]): Comparison => ({ start: "x", session: "1st", anchor: "a", reports, ...(added ? { added } : {}) });

describe("RL comparisons overview", () => {
  it("is the block in docs/results/dyna-grpo.md (rerun `npx tsx scripts/rl/comparisons.ts --write` after adding a report)", () => {
    expect(readBlock(readFileSync("docs/results/dyna-grpo.md", "utf8"))).toBe(comparisonsBlock());
  });

  it("gives one seed's paired interval, and over seeds the mean with a t interval and each seed, hand-added figures starred", () => {
    const dir = root({ s0: report(0), s1: report(1), s2: report(2) });
    const block = comparisonsBlock(dir, [
      comparison(["s0"], [{ seed: 0, split: "hard", sampled: true, diff: -0.085, ci: { low: -0.142, high: -0.028 } }]),
      comparison(["s0", "s1", "s2"]),
    ]);
    const [, , one, three] = block.split("\n");
    expect(one).toContain("| 1 | 50.0 → 60.0 / 40.0 | −20.0 [−25.0, −15.0] | −8.5* [−14.2, −2.8] | — | −0.50 [−1.00, +0.00] |");
    // −20, −10, +0: mean −10, t(2) half-width 4.303 × 10 / √3 = 24.8.
    expect(three).toContain("| 3 | 50.0 → 60.0 / 50.0 (means) | **−10.0** [−34.8, +14.8] (−20.0, −10.0, +0.0) |");
  });

  it("refuses seeds whose start differs (they would not share their rooms)", () => {
    const dir = root({ s0: report(0, 0.5), s1: report(1, 0.55) });
    expect(() => comparisonsBlock(dir, [comparison(["s0", "s1"])])).toThrow(/start's hard rate differs/);
  });

  it("replaces only the block between the markers", () => {
    const doc = readFileSync("docs/results/dyna-grpo.md", "utf8");
    const swapped = withBlock(doc, "X");
    expect(readBlock(swapped)).toBe("X");
    expect(swapped.slice(0, doc.indexOf(BEGIN))).toBe(doc.slice(0, doc.indexOf(BEGIN)));
  });
});
