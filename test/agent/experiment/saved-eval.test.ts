/** Saved evaluations resume a long experiment, but never across environment versions. */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { RandomResponsePolicy } from "../../../agent/eval/random-policy.js";
import { pairedBySeed, savedEvaluator, type SavedEval } from "../../../agent/experiment/saved-eval.js";
import type { EvalResult } from "../../../agent/eval/evaluate.js";
import { useTestServer } from "../../support/server.js";

const ctx = useTestServer();
const split = { name: "ID", description: "6×6, 1 box", config: { preset: "6x6-1box" }, seedStart: 1_000_000 };
const policy = async () => new RandomResponsePolicy(3);

describe("savedEvaluator", () => {
  it("records the environment's version and re-evaluates a result saved under another one", async () => {
    const work = mkdtempSync(join(tmpdir(), "dynamind-saved-eval-"));
    const version = (await ctx.client.listEnvs()).find((s) => s.id === "sokoban")!.version;
    const evalSaved = await savedEvaluator(ctx.client, "sokoban", work, 5, pino({ level: "silent" }), 2);
    const first = await evalSaved("random policy", split, 3, policy);
    const file = join(work, "eval", "random-policy--id--3.json");
    const saved = JSON.parse(readFileSync(file, "utf8")) as SavedEval;
    expect(saved.envVersion).toBe(version);
    expect(saved.result.episodes).toBe(3);

    // Same version: read back, not run (a marker shows which).
    writeFileSync(file, JSON.stringify({ ...saved, seconds: -1 }));
    expect((await evalSaved("random policy", split, 3, policy)).seconds).toBe(-1);
    // Written before versions were recorded: kept.
    writeFileSync(file, JSON.stringify({ result: saved.result, seconds: -2 }));
    expect((await evalSaved("random policy", split, 3, policy)).seconds).toBe(-2);
    // Another version: evaluated again, and the file replaced.
    writeFileSync(file, JSON.stringify({ ...saved, seconds: -3, envVersion: "0.0.1" }));
    const again = await evalSaved("random policy", split, 3, policy);
    expect(again.seconds).toBeGreaterThanOrEqual(0);
    expect(again.envVersion).toBe(version);
    expect(again.result.perEpisode.map((e) => e.success)).toEqual(first.result.perEpisode.map((e) => e.success));
    expect((JSON.parse(readFileSync(file, "utf8")) as SavedEval).envVersion).toBe(version);
  });

  it("pairs two evaluations by episode seed, whatever order they finished in, and refuses different seeds", () => {
    const ev = (xs: [number, boolean][]) => ({ perEpisode: xs.map(([seed, success]) => ({ seed, success, steps: 1, changed: null, copyBaseline: null })) }) as unknown as EvalResult;
    const run = ev([[1, true], [2, true], [3, false], [4, true]]);
    const start = ev([[4, false], [3, false], [2, true], [1, false]]);
    expect(pairedBySeed(run, start)).toMatchObject({ onlyA: 2, onlyB: 0, diff: 0.5 });
    expect(() => pairedBySeed(run, ev([[1, true], [2, true], [3, false], [5, true]]))).toThrow(/different seeds/);
  });
});
