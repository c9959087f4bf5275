/** A checkpoint as the evaluated policy never gives up its prompt to make room for the answer. */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CheckpointPolicy } from "../../../agent/eval/model-policy.js";
import type { PolicyContext } from "../../../agent/eval/policy.js";
import { selectBackend } from "../../../agent/model/backend.js";
import { runSft } from "../../../agent/train/sft.js";

describe("CheckpointPolicy", () => {
  it("generates at most what the context leaves after the whole prompt", async () => {
    await selectBackend({ prefer: "wasm" });
    const dir = mkdtempSync(join(tmpdir(), "model-policy-"));
    // SFT never cuts examples, so the training example fits the context (64 + 1 tokens); byte tokens, to count them here.
    const data = [{ messages: [{ role: "user" as const, content: "x".repeat(40) }, { role: "assistant" as const, content: "y".repeat(20) }] }];
    const r = await runSft({ train: data, eval: [], outDir: dir, model: { dModel: 16, nLayers: 1, nHeads: 2, dFF: 32, maxSeqLen: 64 }, tokenizer: "byte", steps: 1, batchSize: 1, evalEvery: 0, progress: false });
    r.model.dispose();
    const policy = await CheckpointPolicy.load(join(dir, "checkpoint"), { simulates: false, maxNewTokens: 1000 });
    // <bos> <|user|> 40 bytes <|end|> <|assistant|> = 44 tokens: 20 left in a 64-token context.
    const out = await policy.respond([{ role: "user", content: "x".repeat(40) }]);
    expect(out.tokens).toBeLessThanOrEqual(20);
  });
});

describe("CheckpointPolicy batching", () => {
  it("answers concurrent callers in one batch, each as it would alone (greedy)", async () => {
    await selectBackend({ prefer: "wasm" });
    const dir = mkdtempSync(join(tmpdir(), "model-policy-batch-"));
    const data = ["ab", "cd", "ef", "gh"].map((x) => ({ messages: [{ role: "user" as const, content: x.repeat(5) }, { role: "assistant" as const, content: x }] }));
    const r = await runSft({ train: data, eval: [], outDir: dir, model: { dModel: 16, nLayers: 1, nHeads: 2, dFF: 32, maxSeqLen: 64 }, tokenizer: "byte", steps: 20, batchSize: 4, lr: 1e-2, evalEvery: 0, progress: false });
    r.model.dispose();
    const prompts = ["ab", "cdcdcd", "e", "ghghghghgh"].map((x) => [{ role: "user" as const, content: x }]);
    const alone = await CheckpointPolicy.load(join(dir, "checkpoint"), { simulates: false, maxNewTokens: 8, maxBatch: 1 });
    const single = [];
    for (const p of prompts) single.push(await alone.respond(p));
    const batched = await CheckpointPolicy.load(join(dir, "checkpoint"), { simulates: false, maxNewTokens: 8 });
    const together = await Promise.all(prompts.map((p) => batched.respond(p)));
    expect(together.map((t) => t.text)).toEqual(single.map((t) => t.text));
  });
});

describe("CheckpointPolicy sampling", () => {
  it("samples per episode and step: the same answers alone or batched with other episodes, in any order", async () => {
    await selectBackend({ prefer: "wasm" });
    const dir = mkdtempSync(join(tmpdir(), "model-policy-sample-"));
    const data = ["ab", "cd"].map((x) => ({ messages: [{ role: "user" as const, content: x }, { role: "assistant" as const, content: x }] }));
    // Two steps leave the model close to uniform over the bytes: samples vary.
    const r = await runSft({ train: data, eval: [], outDir: dir, model: { dModel: 16, nLayers: 1, nHeads: 2, dFF: 32, maxSeqLen: 64 }, tokenizer: "byte", steps: 2, batchSize: 2, evalEvery: 0, progress: false });
    r.model.dispose();
    const ctx = (episodeSeed: number, step: number) => ({ session: {} as PolicyContext["session"], observation: {} as PolicyContext["observation"], step, episodeSeed });
    const asks = [
      { prompt: "ab", ctx: ctx(1, 0) },
      { prompt: "ab", ctx: ctx(2, 0) },
      { prompt: "cd", ctx: ctx(1, 5) },
      { prompt: "ab", ctx: ctx(1, 1) },
    ];
    const load = (maxBatch: number) => CheckpointPolicy.load(join(dir, "checkpoint"), { simulates: false, maxNewTokens: 6, temperature: 1, seed: 3, maxBatch });
    const alone = await load(1);
    const single = [];
    for (const a of asks) single.push((await alone.respond([{ role: "user", content: a.prompt }], a.ctx)).text);
    const batched = await load(32);
    const reversed = [...asks].reverse();
    const together = (await Promise.all(reversed.map((a) => batched.respond([{ role: "user", content: a.prompt }], a.ctx)))).map((x) => x.text).reverse();
    expect(together).toEqual(single);
    // Another episode or step draws another stream: not every answer is the same.
    expect(new Set(single).size).toBeGreaterThan(1);
  });
});
