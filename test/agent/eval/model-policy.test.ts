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

describe("CheckpointPolicy answering among the valid actions", () => {
  const answerOf = (text: string) => /<answer>(.*)<\/answer>/.exec(text)?.[1];

  it("picks the valid action the model finds most likely, draws in proportion to its likelihoods, and keeps a simulating model's reasoning", async () => {
    await selectBackend({ prefer: "wasm" });
    const dir = mkdtempSync(join(tmpdir(), "model-policy-valid-"));
    // Trained to answer "go to desk 1" three times out of four and "look" otherwise.
    const data = ["go to desk 1", "go to desk 1", "go to desk 1", "look"].map((a) => ({ messages: [{ role: "user" as const, content: "room" }, { role: "assistant" as const, content: `<answer>${a}</answer>` }] }));
    const r = await runSft({ train: data, eval: [], outDir: dir, model: { dModel: 32, nLayers: 1, nHeads: 2, dFF: 64, maxSeqLen: 96 }, tokenizer: "byte", steps: 60, batchSize: 4, lr: 1e-2, evalEvery: 0, progress: false });
    const messages = [{ role: "user" as const, content: "room" }];
    const valid = ["look", "go to desk 1", "go to bed 1", "take pen 1 from desk 1"];
    const observation = { validActions: valid } as unknown as PolicyContext["observation"];
    const ctx = (episodeSeed: number, step = 0) => ({ session: {} as PolicyContext["session"], observation, step, episodeSeed });
    // The model's own likelihood of each reply, scored independently.
    const prompt = r.tokenizer.encodeChat(messages, true).ids;
    const scored = await r.model.scoreCompletions(valid.map((a) => ({ prompt, completion: r.tokenizer.encodeChat([...messages, { role: "assistant", content: `<answer>${a}</answer>` }]).ids.slice(prompt.length) })));
    const logp = scored.map((xs) => xs.reduce((s, x) => s + x, 0));
    r.model.dispose();
    const best = valid[logp.indexOf(Math.max(...logp))];
    expect(best).toBe("go to desk 1");

    const greedy = await CheckpointPolicy.load(join(dir, "checkpoint"), { simulates: false, maxNewTokens: 32, answers: "valid" });
    expect(answerOf((await greedy.respond(messages, ctx(1))).text)).toBe(best);
    // Only the listed commands are candidates: without "go to desk 1" on the list, another is picked.
    const without = { ...ctx(1), observation: { validActions: ["go to bed 1", "look"] } as unknown as PolicyContext["observation"] };
    expect(answerOf((await greedy.respond(messages, without)).text)).toBe(logp[2]! > logp[0]! ? "go to bed 1" : "look");
    // No list: it writes its answer.
    const written = await greedy.respond(messages, { ...ctx(1), observation: { validActions: [] } as unknown as PolicyContext["observation"] });
    expect(written.text).toBe("<answer>go to desk 1</answer>");

    // Sampled at temperature 1: each answer is drawn with its probability among the valid ones, reproducibly per episode and step.
    const sampled = await CheckpointPolicy.load(join(dir, "checkpoint"), { simulates: false, maxNewTokens: 32, answers: "valid", temperature: 1, seed: 9 });
    const n = 400;
    const counts = new Map<string, number>();
    for (let i = 0; i < n; i++) {
      const a = answerOf((await sampled.respond(messages, ctx(i, 3))).text)!;
      counts.set(a, (counts.get(a) ?? 0) + 1);
    }
    const z = logp.map((x) => Math.exp(x));
    const total = z.reduce((a, b) => a + b, 0);
    valid.forEach((a, i) => {
      const p = z[i]! / total;
      expect(Math.abs((counts.get(a) ?? 0) - n * p)).toBeLessThanOrEqual(4 * Math.sqrt(n * p * (1 - p)) + 1);
    });
    expect(answerOf((await sampled.respond(messages, ctx(17, 3))).text)).toBe(answerOf((await sampled.respond(messages, ctx(17, 3))).text));

    // A simulating model keeps what it wrote before its answer; only the answer is chosen.
    const simulating = await CheckpointPolicy.load(join(dir, "checkpoint"), { simulates: true, maxNewTokens: 32, answers: "valid" });
    const plainWrite = await CheckpointPolicy.load(join(dir, "checkpoint"), { simulates: true, maxNewTokens: 32 });
    const free = (await plainWrite.respond(messages, without)).text;
    const chosen = (await simulating.respond(messages, without)).text;
    expect(chosen.slice(0, chosen.lastIndexOf("<answer>"))).toBe(free.slice(0, Math.max(0, free.lastIndexOf("<answer>"))));
    expect(["go to bed 1", "look"]).toContain(answerOf(chosen));
  });
});
