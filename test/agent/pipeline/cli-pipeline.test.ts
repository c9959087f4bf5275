/**
 * The pipeline as a user runs it, from the command line: `dynamind resim` → `sft` → `eval`,
 * on every environment that runs here (tiny settings), and the experiment in its CI size.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { hasChromium } from "../../support/chromium.js";

const run = promisify(execFile);
const dynamind = (...args: string[]) => run(process.execPath, ["--import", "tsx", "cli/dynamind.ts", ...args], { encoding: "utf8", maxBuffer: 64 << 20 });

// The model's context per env: android-web's screens list every element, and with a text field focused that
// includes the on-screen keyboard's ~35 keys, so its ReSim examples run to ~4,000 tokens.
const cases: [string, string[], boolean, number][] = [
  ["sokoban", ["--preset", "6x6-1box"], true, 2048],
  ["alfworld", [], true, 2048],
  ["android-web", ["--config", '{"task":"SystemWifiTurnOn"}'], hasChromium, 6144],
];

describe.each(cases)("dynamind resim → sft → eval on %s", (env, envArgs, runnable, maxSeqLen) => {
  it.skipIf(!runnable)("runs end to end (android-web needs Debian's chromium)", async () => {
    const dir = mkdtempSync(join(tmpdir(), `pipeline-${env}-`));
    const data = join(dir, "resim.jsonl");
    const collected = await dynamind("resim", "--env", env, ...envArgs, "--episodes", "2", "--b", "2", "--d", "2", "--b-train", "1", "--prompt-style", "compact", "--out", data, "--concurrency", "2");
    const summary = JSON.parse(collected.stdout.slice(collected.stdout.indexOf("{"))) as { episodes: number; examples: number };
    expect(summary.episodes).toBe(2);
    expect(readFileSync(data, "utf8").trim().split("\n")).toHaveLength(summary.examples);
    const config = join(dir, "model.json");
    await import("node:fs/promises").then((fs) => fs.writeFile(config, JSON.stringify({ dModel: 32, nLayers: 1, nHeads: 2, dFF: 64, maxSeqLen })));
    await dynamind("sft", "--data", data, "--out", join(dir, "sft"), "--config", config, "--steps", "2", "--batch-size", "2", "--eval-every", "0", "--backend", "wasm");
    const evaluated = await dynamind("eval", "--env", env, ...envArgs, "--checkpoint", join(dir, "sft", "checkpoint"), "--episodes", "1", "--max-steps", "2", "--max-new-tokens", "16", "--prompt-style", "compact");
    const result = JSON.parse(evaluated.stdout.slice(evaluated.stdout.indexOf("{"))) as { episodes: number; env: string };
    expect([result.env, result.episodes]).toEqual([env, 1]);
  }, 240_000);
});

describe("command errors", () => {
  it("print one line with the reason and exit 1, for bad input", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cli-errors-"));
    for (const [args, message] of [
      [["resim", "--env", "pong", "--episodes", "1", "--out", join(dir, "x.jsonl")], /^dynamind: ENV_NOT_FOUND: unknown env id "pong"/],
      [["eval", "--env", "sokoban", "--checkpoint", join(dir, "missing")], /^dynamind: --checkpoint .*missing: no such directory/],
      [["resim", "--env", "sokoban", "--config", "{nope"], /not valid JSON/],
      [["eval", "--env", "sokoban", "--temperature", "-1"], /--temperature.*expected a non-negative number, got "-1"/],
      [["resim", "--env", "alfworld", "--policy", "greedy", "--out", join(dir, "y.jsonl")], /--policy.*Allowed choices are random, lexical/],
      [["eval", "--env", "alfworld", "--policy", "random", "--answers", "valid"], /^dynamind: --answers valid applies to --policy checkpoint only/],
      [["eval", "--env", "alfworld", "--answers", "best"], /--answers.*Allowed choices are write, valid/],
    ] as const) {
      const err = (await dynamind(...args).then(() => undefined, (e: unknown) => e)) as { code: number; stderr: string } | undefined;
      expect(err?.code).toBe(1);
      expect(err!.stderr.split("\n").filter((l) => l.startsWith("dynamind:") || l.startsWith("error:")).join("\n")).toMatch(message);
      expect(err!.stderr).not.toMatch(/\n\s+at /);
    }
  }, 120_000);
});

describe("dynamind experiment resim --tiny", () => {
  it.skipIf(!hasChromium)("collects, trains three models, evaluates five methods with intervals and writes the report and plot", async () => {
    const dir = mkdtempSync(join(tmpdir(), "experiment-"));
    await dynamind("experiment", "resim", "--tiny", "--work", join(dir, "work"), "--docs", join(dir, "docs"));
    const md = readFileSync(join(dir, "docs", "resim.md"), "utf8");
    const methods = ["random policy", "DISTILL(action-only), equal examples", "DISTILL(action-only), equal tokens", "DISTILL(ReSim)", "ReSim with search (the teacher)"];
    for (const method of methods) expect(md).toMatch(new RegExp(`\\| ${method.replace(/[()]/g, "\\$&")} \\| \\d+\\.\\d% \\[`));
    expect(md).toContain("Data (read from the dataset file):");
    expect(readFileSync(join(dir, "docs", "resim.png")).subarray(1, 4).toString()).toBe("PNG");
    const raw = JSON.parse(readFileSync(join(dir, "docs", "resim.json"), "utf8")) as {
      envs: { rows: { method: string; changed?: { mean: number }; copyBaseline?: { mean: number }; result: { invalidAnswerRate: number } }[]; models: { method: string; trainTokens: number }[] }[];
    };
    const rows = raw.envs[0]!.rows;
    // The teacher states the real future: its Sim Score is 1, and copying scores less on the same plans.
    const teacher = rows.find((r) => r.method.startsWith("ReSim with search"))!;
    expect(teacher.changed!.mean).toBe(1);
    expect(teacher.copyBaseline!.mean).toBeLessThan(1);
    // Equal tokens: the second action-only model saw at least as many tokens as the ReSim model.
    const tokens = new Map(raw.envs[0]!.models.map((m) => [m.method, m.trainTokens]));
    expect(tokens.get("DISTILL(action-only), equal tokens")!).toBeGreaterThanOrEqual(tokens.get("DISTILL(ReSim)")! * 0.9);
    // ALFWorld's part searches with the lexical policy and shows the goal and the previous step in its prompts.
    expect(md).toContain("trajectories with the lexical policy");
    const alfworld = readFileSync(join(dir, "work", "alfworld", "action-only.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as { messages: { content: string }[] });
    const later = alfworld.filter((x) => x.messages[0]!.content.includes("Previous steps"));
    expect(later.length).toBeGreaterThan(0);
    for (const x of later) expect(x.messages[0]!.content).toMatch(/^Goal: [a-z]/);
    // Its students see the valid actions and answer with one of them, sampled, as the report says.
    for (const x of alfworld) expect(x.messages[0]!.content).toContain("\n\nValid actions: ");
    expect(md).toContain("answers picked among the valid actions by the student's likelihood, sampled at temperature 1");
    expect(md).toContain("greedy decoding");
    const students = raw.envs[1]!.rows.filter((x) => x.method.startsWith("DISTILL"));
    expect(students.length).toBeGreaterThan(0);
    for (const x of students) expect(x.result.invalidAnswerRate).toBe(0);
    // Their saved evaluations name the decoding, so a work directory from another decoding is not reused for them.
    const saved = readdirSync(join(dir, "work", "alfworld", "eval")).filter((f) => f.endsWith(".json"));
    const studentFiles = saved.filter((f) => f.startsWith("distill"));
    expect(studentFiles).toHaveLength(6);
    for (const f of studentFiles) expect(f).toMatch(/--valid-t1\.json$/);
    expect(saved.filter((f) => f.startsWith("random") && !f.includes("--valid"))).toHaveLength(2);
    // A rerun resumes every stage and still describes the data it trained on.
    await dynamind("experiment", "resim", "--tiny", "--work", join(dir, "work"), "--docs", join(dir, "docs"));
    expect(readFileSync(join(dir, "docs", "resim.md"), "utf8")).toMatch(/Data \(read from the dataset file\):\*\* [1-9]\d* episodes/);
  }, 600_000);
});
