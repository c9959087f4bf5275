/**
 * The command line before any work: --version, argument errors that come before TensorFlow.js
 * is loaded (a hook makes any tfjs import fail), and `dynamind call` against a real server.
 */
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { SIM2REAL_CONFIG_NAMES } from "../../cli/commands/experiment.js";
import { useTestServer } from "../support/server.js";

const exec = promisify(execFile);
const ctx = useTestServer();

/** Runs the CLI from source with tfjs imports forbidden; resolves with its exit code and output. */
async function dynamind(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, ["--import", "tsx", "--import", "./test/support/forbid-tfjs.mjs", "cli/dynamind.ts", ...args], {
      encoding: "utf8",
      env: { ...process.env, LOG_LEVEL: "warn" },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe("dynamind at start-up", () => {
  it("prints its version (package.json's) and lists every command without loading TensorFlow.js", async () => {
    const [version, help] = await Promise.all([dynamind("--version"), dynamind("--help")]);
    expect(version.stdout.trim()).toBe((JSON.parse(readFileSync("package.json", "utf8")) as { version: string }).version);
    expect(help.code).toBe(0);
    for (const c of ["serve", "call", "play", "sft", "train", "eval", "serve-model", "experiment"]) expect(help.stdout).toMatch(new RegExp(`^  ${c} `, "m"));
  });

  it("refuses bad arguments with one line each, before TensorFlow.js is loaded", async () => {
    const cases: [string[], RegExp][] = [
      [["sft", "--data", "/nonexistent.jsonl", "--out", "/tmp/x"], /--data \/nonexistent\.jsonl: no such file/],
      [["sft", "--data", "package.json", "--resim-data", "/nonexistent.jsonl", "--out", "/tmp/x"], /--resim-data \/nonexistent\.jsonl: no such file/],
      [["sft", "--data", "package.json", "--out", "/tmp/x", "--refine-target", "best"], /'best' is invalid\. Allowed choices are search, outcome/],
      [["sft", "--data", "package.json", "--out", "/tmp/x", "--world-model", "refine", "--refine-target", "outcome"], /--refine-target outcome .* needs --world-model refine, --first-step and --refine-input plan/],
      [["sft", "--data", "package.json", "--out", "/tmp/x", "--refine-lookahead"], /--refine-lookahead .* needs --refine-target outcome/],
      [["sft", "--data", "package.json", "--refine-lookahead", "every-action", "--out", "/tmp/x"], /--refine-lookahead .* needs --refine-target outcome/],
      [["sft", "--data", "package.json", "--out", "/tmp/x", "--refine-lookahead", "all"], /'all' is invalid\. Allowed choices are plan, every-action/],
      [["tokens", "--data", "/nonexistent.jsonl"], /--data \/nonexistent\.jsonl: no such file/],
      [["eval", "--env", "sokoban", "--checkpoint", "/nonexistent"], /--checkpoint \/nonexistent: no such directory/],
      [["serve-model", "--checkpoint", "/nonexistent"], /--checkpoint \/nonexistent: no such directory/],
      [["experiment", "dyna-grpo", "--from", "/x", "--algos", "ppo"], /unknown algorithm "ppo"/],
      [["experiment", "dyna-grpo", "--from", "/x", "--config", "sokoban-short", "--splits", "ID,OOD"], /--splits: "OOD" is not a split of --config sokoban-short \(ID, hard\)/],
      [["experiment", "dyna-grpo", "--from", "/x", "--splits", "hard"], /--splits must include ID/],
      [["experiment", "sim-to-real", "--from", "/x", "--real-budget", "0"], /must be at least 1 agent step/],
      [["experiment", "sim-to-real", "--from", "/nonexistent"], /--from \/nonexistent: no such directory/],
      [["experiment", "sim-to-real", "--from", "/x", "--report", "../README"], /--report.*no folders/],
      [["experiment", "sim-to-real", "--from", "/x", "--seeds", "0,100"], /--seeds.*0 to 99/],
      [["experiment", "dyna-grpo", "--from", "/x", "--seeds", "1,1"], /--seeds.*distinct/],
      [["experiment", "dream-fidelity", "--report", "/tmp/x"], /--report.*no folders/],
      [["dream-data", "--out", "/tmp/x.jsonl", "--k", "9"], /--k is at most 8/],
      [["dream-data", "--out", "/tmp/x.jsonl", "--base", "dream"], /--base is a real env/],
      [["train", "--algo", "ppo", "--from", "/x", "--out", "/tmp/x"], /ppo/],
    ];
    const results = await Promise.all(cases.map(([args]) => dynamind(...args)));
    results.forEach((r, i) => {
      expect(r.code, cases[i]![0].join(" ")).not.toBe(0);
      expect(r.stderr).toMatch(cases[i]![1]);
      expect(r.stderr).not.toContain("tensorflow.js was loaded");
    });
  });

  it("knows the sim-to-real configurations without importing them", async () => {
    const { SIM2REAL_CONFIGS } = await import("../../agent/experiment/sim-to-real.js");
    expect(SIM2REAL_CONFIG_NAMES).toEqual(Object.keys(SIM2REAL_CONFIGS));
  });
});

describe("dynamind call", () => {
  it("makes one call with a JSON request (snake_case or camelCase) and prints the JSON reply", async () => {
    const created = await dynamind("call", "-a", ctx.server.address, "CreateSession", JSON.stringify({ env_id: "sokoban", config_json: '{"preset":"6x6-1box"}' }), "--max-chars", "0");
    expect(created.code).toBe(0);
    const { sessionId } = JSON.parse(created.stdout) as { sessionId: string };
    const reset = await dynamind("call", "-a", ctx.server.address, "Reset", JSON.stringify({ sessionId, seed: 42 }));
    expect(JSON.parse(reset.stdout)).toMatchObject({ result: { observation: { validActions: ["Up", "Down", "Left", "Right"] } } });
    const step = await dynamind("call", "-a", ctx.server.address, "dynamind.env.v1.EnvService/Step", JSON.stringify({ sessionId, action: { text: "Up" } }));
    expect(JSON.parse(step.stdout)).toMatchObject({ result: { stepIndex: 1 } });
  });

  it("bounds its output, and says what is wrong with a method, a request or a session", async () => {
    const [long, bogus, badJson, missing] = await Promise.all([
      dynamind("call", "-a", ctx.server.address, "ListEnvs", "{}", "--max-chars", "200"),
      dynamind("call", "-a", ctx.server.address, "Connect"),
      dynamind("call", "-a", ctx.server.address, "Reset", "{not json"),
      dynamind("call", "-a", ctx.server.address, "Step", '{"sessionId":"nope","action":{"text":"Up"}}'),
    ]);
    expect(long.stdout.length).toBeLessThan(300);
    expect(long.stdout).toMatch(/more characters; --max-chars 0 prints everything/);
    expect(bogus.stderr).toMatch(/Connect is a bidirectional stream/);
    expect(badJson.stderr).toMatch(/not valid JSON/);
    expect([missing.code, missing.stderr]).toEqual([1, expect.stringMatching(/^dynamind: SESSION_NOT_FOUND/)]);
  });
});
