import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { sftCommand } from "../../../cli/commands/sft.js";

const dir = mkdtempSync(path.join(tmpdir(), "dynamind-sft-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("dynamind sft", () => {
  it("trains from a JSONL file and writes a checkpoint and metrics", async () => {
    const data = path.join(dir, "d.jsonl");
    const line = (q: string, a: string) => JSON.stringify({ messages: [{ role: "user", content: q }, { role: "assistant", content: a }], metadata: { env: "sokoban" } });
    writeFileSync(data, [line("a", "Up"), line("b", "Down"), line("c", "Left")].join("\n") + "\n");
    const cfg = path.join(dir, "model.json");
    writeFileSync(cfg, JSON.stringify({ dModel: 16, nLayers: 1, nHeads: 2, dFF: 32, maxSeqLen: 32 }));
    const out = path.join(dir, "out");
    await sftCommand().parseAsync(["--data", data, "--out", out, "--config", cfg, "--steps", "3", "--workers", "2", "--backend", "wasm", "--no-progress", "--eval-fraction", "0.34"], { from: "user" });
    expect(existsSync(path.join(out, "checkpoint", "weights.bin"))).toBe(true);
    const kinds = readFileSync(path.join(out, "metrics.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l).kind);
    expect(kinds).toEqual(["train", "train", "train", "eval"]);
    expect(JSON.parse(readFileSync(path.join(out, "checkpoint", "tokenizer.json"), "utf8")).type).toBe("fitted");
    const outB = path.join(dir, "out-byte");
    await sftCommand().parseAsync(["--data", data, "--out", outB, "--config", cfg, "--steps", "1", "--tokenizer", "byte", "--backend", "wasm", "--no-progress"], { from: "user" });
    expect(JSON.parse(readFileSync(path.join(outB, "checkpoint", "tokenizer.json"), "utf8")).type).toBe("byte");
    await expect(sftCommand().exitOverride().configureOutput({ writeErr: () => {} }).parseAsync(["--data", data, "--out", outB, "--tokenizer", "bpe"], { from: "user" })).rejects.toThrow(/--tokenizer.*bpe.*invalid/);
  });

  it("mixes world-model examples from the training split's plans into the run (--world-model)", async () => {
    const data = path.join(dir, "resim.jsonl");
    const plan = (from: string, to: string) => `<think>\n<plan id=1>\n<action>Up</action>\n<state>\n${to}\n</state>\n<value>1.00</value>\n</plan>\n</think>\n<answer>Up</answer>`;
    const line = (s: string, t: string) => JSON.stringify({ messages: [{ role: "user", content: `Current observation:\n${s}` }, { role: "assistant", content: plan(s, t) }] });
    writeFileSync(data, ["#P\n#_", "#_\nP_", "_P\n#_", "P#\n__"].map((s, i) => line(s, `${s}${i}`)).join("\n") + "\n");
    const cfg = path.join(dir, "wm.json");
    writeFileSync(cfg, JSON.stringify({ dModel: 16, nLayers: 1, nHeads: 2, dFF: 32, maxSeqLen: 256 }));
    const out = path.join(dir, "out-wm");
    await sftCommand().parseAsync(["--data", data, "--out", out, "--config", cfg, "--steps", "2", "--workers", "1", "--backend", "wasm", "--no-progress", "--eval-fraction", "0.25", "--world-model", "next-state,critique", "--world-model-fraction", "0.5"], { from: "user" });
    expect(existsSync(path.join(out, "checkpoint", "weights.bin"))).toBe(true);
    const actionOnly = path.join(dir, "action-only.jsonl");
    writeFileSync(actionOnly, JSON.stringify({ messages: [{ role: "user", content: "Current observation:\n#P" }, { role: "assistant", content: "<answer>Up</answer>" }] }) + "\n");
    await expect(sftCommand().parseAsync(["--data", actionOnly, "--out", path.join(dir, "o5"), "--world-model", "next-state", "--backend", "wasm"], { from: "user" })).rejects.toThrow(/hold plans with states/);
    await expect(sftCommand().exitOverride().configureOutput({ writeErr: () => {} }).parseAsync(["--data", data, "--out", path.join(dir, "o5b"), "--world-model", "refine", "--refine-input", "draft"], { from: "user" })).rejects.toThrow(/--refine-input.*draft.*invalid/);
    await expect(sftCommand().parseAsync(["--data", data, "--out", path.join(dir, "o6"), "--world-model", "dreams", "--backend", "wasm"], { from: "user" })).rejects.toThrow(/--world-model takes next-state, critique/);
    // --first-step cuts ReSim responses: action-only data is refused before training, and writes nothing.
    await expect(sftCommand().parseAsync(["--data", actionOnly, "--out", path.join(dir, "o7"), "--first-step", "--backend", "wasm"], { from: "user" })).rejects.toThrow(/--first-step: no --data response states a plan/);
    await expect(sftCommand().parseAsync(["--data", actionOnly, "--out", path.join(dir, "o8"), "--first-step", "--world-model", "refine", "--backend", "wasm"], { from: "user" })).rejects.toThrow(/hold plans with states/);
    expect(existsSync(path.join(dir, "o7", "metrics.jsonl"))).toBe(false);
    // --answer-loss-weight and --decision-loss-weight are checked as they are parsed, before any data is read.
    for (const flag of ["--answer-loss-weight", "--decision-loss-weight"]) {
      for (const w of ["0.5", "101", "heavy"]) {
        await expect(sftCommand().exitOverride().configureOutput({ writeErr: () => {} }).parseAsync(["--data", data, "--out", path.join(dir, "o9"), flag, w], { from: "user" })).rejects.toThrow(new RegExp(`${flag}.*expected a number from 1 to 100`));
      }
    }
    expect(existsSync(path.join(dir, "o9"))).toBe(false);
  });

  it("trains only the steps the search valued (--select), as experiment resim does", async () => {
    const data = path.join(dir, "select.jsonl");
    const tree = (values: number[]) => values.map((value, i) => ({ actions: [["Up", "Down", "Left"][i]], value }));
    const line = (seed: number, values: number[]) => JSON.stringify({ messages: [{ role: "user", content: "#P" }, { role: "assistant", content: "<answer>Up</answer>" }], metadata: { seed, step: 0, tree: tree(values) } });
    // Decided, tied, unvalued, decided.
    writeFileSync(data, [line(1, [0.9, 0.1]), line(2, [0.5, 0.5]), line(3, [0, 0]), line(4, [0, 0.3])].join("\n") + "\n");
    const cfg = path.join(dir, "sel.json");
    writeFileSync(cfg, JSON.stringify({ dModel: 16, nLayers: 1, nHeads: 2, dFF: 32, maxSeqLen: 64 }));
    const trained = async (selection: string): Promise<number> => {
      const out = path.join(dir, `sel-${selection}`);
      await sftCommand().parseAsync(["--data", data, "--out", out, "--config", cfg, "--steps", "1", "--workers", "1", "--backend", "wasm", "--no-progress", "--eval-fraction", "0", "--tokenizer", "byte", "--select", selection], { from: "user" });
      // One step takes every example: its tokens count the examples kept (all are the same length).
      return JSON.parse(readFileSync(path.join(out, "metrics.jsonl"), "utf8").trim().split("\n")[0]!).tokens as number;
    };
    const all = await trained("all");
    expect(await trained("valued")).toBe((all / 4) * 3);
    expect(await trained("decided")).toBe((all / 4) * 2);
    const plain = path.join(dir, "plain.jsonl");
    writeFileSync(plain, JSON.stringify({ messages: [{ role: "user", content: "#P" }, { role: "assistant", content: "Up" }] }) + "\n");
    await expect(sftCommand().parseAsync(["--data", plain, "--out", path.join(dir, "sel-bad"), "--select", "valued", "--backend", "wasm"], { from: "user" })).rejects.toThrow(/--data, example 1: the example has no search tree/);
  });

  it("refuses examples longer than the context, with the longest named", async () => {
    const data = path.join(dir, "long.jsonl");
    writeFileSync(data, JSON.stringify({ messages: [{ role: "user", content: "#".repeat(100) }, { role: "assistant", content: "Up" }], metadata: { env: "sokoban", seed: 4 } }) + "\n");
    const cfg = path.join(dir, "small.json");
    writeFileSync(cfg, JSON.stringify({ dModel: 16, nLayers: 1, nHeads: 2, dFF: 32, maxSeqLen: 32 }));
    await expect(sftCommand().parseAsync(["--data", data, "--out", path.join(dir, "o4"), "--config", cfg, "--steps", "1", "--backend", "wasm", "--no-progress"], { from: "user" })).rejects.toThrow(
      /1 of 1 examples in the training split do not fit.*\(env "sokoban", seed 4\), has 107 tokens\. Raise maxSeqLen to at least 106/,
    );
    // A checkpoint trained at 32 tokens takes the long example once its context grows; a new model cannot be grown.
    const short = path.join(dir, "short.jsonl");
    writeFileSync(short, JSON.stringify({ messages: [{ role: "user", content: "#" }, { role: "assistant", content: "Up" }] }) + "\n");
    const base = path.join(dir, "o7");
    await sftCommand().parseAsync(["--data", short, "--out", base, "--config", cfg, "--tokenizer", "byte", "--steps", "1", "--eval-fraction", "0", "--backend", "wasm", "--no-progress"], { from: "user" });
    const grown = path.join(dir, "o8");
    await sftCommand().parseAsync(["--data", data, "--out", grown, "--init", path.join(base, "checkpoint"), "--max-seq-len", "128", "--steps", "1", "--eval-fraction", "0", "--backend", "wasm", "--no-progress"], { from: "user" });
    expect(JSON.parse(readFileSync(path.join(grown, "checkpoint", "config.json"), "utf8")).model.maxSeqLen).toBe(128);
    await expect(sftCommand().parseAsync(["--data", data, "--out", path.join(dir, "o9"), "--max-seq-len", "128"], { from: "user" })).rejects.toThrow(/needs --init/);
    await expect(sftCommand().parseAsync(["--data", data, "--out", path.join(dir, "o10"), "--init", path.join(base, "checkpoint"), "--max-seq-len", "100000000"], { from: "user" })).rejects.toThrow(/--max-seq-len must be 1–65536/);
  });

  it("names the bad line of a malformed dataset and a bad config", async () => {
    const data = path.join(dir, "bad.jsonl");
    writeFileSync(data, '{"messages":[{"role":"user","content":"x"},{"role":"assistant","content":"y"}]}\n{"messages": 3}\n');
    await expect(sftCommand().parseAsync(["--data", data, "--out", path.join(dir, "o2"), "--backend", "wasm"], { from: "user" })).rejects.toThrow(/bad\.jsonl:2:/);
    const good = path.join(dir, "good.jsonl");
    writeFileSync(good, '{"messages":[{"role":"user","content":"x"},{"role":"assistant","content":"y"}]}\n');
    const cfg = path.join(dir, "badcfg.json");
    writeFileSync(cfg, JSON.stringify({ dModel: 30, nHeads: 4 }));
    await expect(sftCommand().parseAsync(["--data", good, "--out", path.join(dir, "o3"), "--config", cfg, "--backend", "wasm"], { from: "user" })).rejects.toThrow(/dModel must be a multiple of nHeads/);
  });
});
