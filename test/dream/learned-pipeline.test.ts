/**
 * The tiny form of the learned-dream pipeline, as an operator runs it: `dream-data` writes
 * the transition examples, `sft` trains a model on them, and `experiment dream-fidelity`
 * serves that checkpoint as dream's model (`--dream-checkpoint`, reading the compact prompt
 * it was trained on: `--dream-compact-prompt`) against the real env. Its context (256) is
 * too short for the full prompt, so a wrong style would be refused as CAPACITY.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { hasChromium } from "../support/chromium.js";

const exec = promisify(execFile);
const dynamind = (...args: string[]) =>
  exec(process.execPath, ["--import", "tsx", "cli/dynamind.ts", ...args], { encoding: "utf8", env: { ...process.env, LOG_LEVEL: "warn" }, maxBuffer: 16 << 20 });

describe.skipIf(!hasChromium)("a learned transition model for dream, end to end (tiny; needs chromium for the report's plots)", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "dynamind-dream-pipeline-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("dream-data → sft → dream-fidelity with the checkpoint as dream's model", async () => {
    const data = path.join(dir, "data.jsonl");
    const made = await dynamind("dream-data", "--out", data, "--base-config", '{"preset":"6x6-1box"}', "--episodes", "3", "--max-steps", "4", "--k", "0", "--history", "0", "--live-episodes", "2", "--prompt", "compact");
    const lines = readFileSync(data, "utf8").trim().split("\n").map((l) => JSON.parse(l) as { messages: { role: string; content: string }[]; metadata: { seed: number } });
    expect(made.stdout).toContain(`${lines.length} examples from 3 episodes`);
    expect(lines[0]!.messages.map((m) => m.role)).toEqual(["user", "assistant"]);
    expect(lines[0]!.messages[1]!.content).toMatch(/^<next_state>\n[#_OX√PS\n]+\n<\/next_state>\n<success>(yes|no)<\/success>$/);
    expect(lines[0]!.metadata.seed).toBe(20_000_000);

    const config = path.join(dir, "model.json");
    writeFileSync(config, JSON.stringify({ dModel: 16, nLayers: 1, nHeads: 2, dFF: 32, maxSeqLen: 256 }));
    await dynamind("sft", "--data", data, "--out", path.join(dir, "sft"), "--config", config, "--steps", "2", "--batch-size", "2", "--eval-fraction", "0", "--backend", "wasm");
    const ck = path.join(dir, "sft", "checkpoint");
    expect(existsSync(path.join(ck, "weights.bin"))).toBe(true);

    const docs = path.join(dir, "docs");
    const out = await dynamind(
      "experiment", "dream-fidelity", "--dream-checkpoint", `learned=${ck}`, "--dream-compact-prompt", "learned", "--model", "learned", "--k", "0", "--history", "0", "--max-tokens", "64",
      "--bases", "sokoban", "--episodes", "2", "--depth", "2", "--docs", docs, "--report", "dream-learned",
    );
    expect(out.stdout).toContain(path.join(docs, "dream-learned.md"));
    const md = readFileSync(path.join(docs, "dream-learned.md"), "utf8");
    expect(md).toContain("model `learned`, buffer `live`, k 0, history 0");
    expect(md).toMatch(/\| 1 \| 2 \| \d+\.\d% \[/);
    expect(md).toContain("--max-tokens 64");
    // The model's name is explained by the operator flags that made it.
    expect(md).toContain(`dream-fidelity --dream-checkpoint learned=${ck} --dream-compact-prompt learned --bases sokoban`);
    expect(existsSync(path.join(docs, "dream-learned-fidelity-sokoban.png"))).toBe(true);
  }, 240_000);
});
