import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ChatClient, LlmError } from "../../../agent/llm/client.js";
import { startModelServer, type ModelServer } from "../../../agent/llm/server.js";
import { selectBackend } from "../../../agent/model/backend.js";
import { loadCheckpoint, saveCheckpoint } from "../../../agent/model/checkpoint.js";
import { ByteTokenizer } from "../../../agent/model/tokenizer.js";
import { TransformerLM } from "../../../agent/model/transformer.js";
import { runSft } from "../../../agent/train/sft.js";

const tok = new ByteTokenizer();
let dir: string;
let served: ModelServer;
let client: ChatClient;

beforeAll(async () => {
  await selectBackend({ prefer: "wasm" });
  dir = mkdtempSync(path.join(tmpdir(), "dynamind-llm-"));
  // A real model trained to answer "ping" with "pong", served from its checkpoint.
  const data = [{ messages: [{ role: "user" as const, content: "ping" }, { role: "assistant" as const, content: "pong" }] }];
  const res = await runSft({ train: data, eval: [], outDir: dir, model: { dModel: 32, nLayers: 1, nHeads: 2, dFF: 64, maxSeqLen: 64 }, steps: 40, batchSize: 1, lr: 5e-3, warmupSteps: 2, evalEvery: 0, progress: false });
  res.model.dispose();
  const ck = await loadCheckpoint(path.join(dir, "checkpoint"), { withOptimizer: false });
  served = await startModelServer({ model: ck.model, tokenizer: ck.tokenizer, modelId: "tiny", port: 0, defaultMaxTokens: 16 });
  client = new ChatClient({ baseUrl: served.url, model: "tiny", maxRetries: 0 });
});

afterAll(async () => {
  await served?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("ChatClient against dynamind serve-model", () => {
  it("lists the model and completes a chat with the trained answer", async () => {
    expect(await client.models()).toEqual(["tiny"]);
    const r = await client.chat([{ role: "user", content: "ping" }], { temperature: 0, maxTokens: 8 });
    expect(r.choices[0]?.text).toBe("pong");
    expect(r.choices[0]?.finishReason).toBe("stop");
    expect(r.usage?.completionTokens).toBe(5);
  });

  it("returns n seeded samples with per-token logprobs, reproducibly", async () => {
    const opts = { temperature: 1.5, topP: 0.95, maxTokens: 6, n: 3, seed: 11, logprobs: true };
    const a = await client.chat([{ role: "user", content: "ping" }], opts);
    const b = await client.chat([{ role: "user", content: "ping" }], opts);
    expect(a.choices).toHaveLength(3);
    expect(a.choices.map((c) => c.text)).toEqual(b.choices.map((c) => c.text));
    for (const c of a.choices) for (const t of c.logprobs ?? []) expect(t.logprob).toBeLessThanOrEqual(0);
    expect(a.choices[0]?.logprobs?.length).toBeGreaterThan(0);
  });

  it("applies stop strings", async () => {
    const r = await client.chat([{ role: "user", content: "ping" }], { temperature: 0, stop: ["n"] });
    expect(r.choices[0]?.text).toBe("po");
  });

  it("asks for stop strings (a string or a list) and top logprobs, and reads them back", async () => {
    for (const stop of ["ng", ["zz", "ng"]]) {
      const r = await client.chat([{ role: "user", content: "ping" }], { temperature: 0, maxTokens: 8, stop, topLogprobs: 2 });
      const c = r.choices[0];
      expect(c?.text).toBe("po");
      expect(c?.finishReason).toBe("stop");
      expect(r.usage?.completionTokens).toBe(2);
      expect(c?.logprobs?.map((t) => t.token)).toEqual(["p", "o"]);
      for (const t of c?.logprobs ?? []) {
        expect(t.bytes).toEqual([t.token.charCodeAt(0)]);
        expect(t.topLogprobs).toHaveLength(2);
        expect(t.topLogprobs?.[0]?.token).toBe(t.token);
      }
    }
  });

  it("surfaces a 400 at once, with the endpoint's message, code and param", async () => {
    const patient = new ChatClient({ baseUrl: served.url, model: "tiny", maxRetries: 3, backoffMs: 30_000 });
    const err = await patient.chat([{ role: "user", content: "ping" }], { maxTokens: 5000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LlmError);
    const e = err as LlmError;
    expect(e.kind).toBe("http");
    expect(e.status).toBe(400);
    expect(e.retryable).toBe(false);
    expect(e.code).toBe("context_length_exceeded");
    expect(e.param).toBe("max_tokens");
    expect(e.message).toMatch(/\/v1\/chat\/completions: HTTP 400: This model's maximum context length is 64 tokens.*\[context_length_exceeded, param max_tokens\]$/);
  });

  it("refuses bad requests with clear errors", async () => {
    const other = new ChatClient({ baseUrl: served.url, model: "gpt-9", maxRetries: 0 });
    await expect(other.chat([{ role: "user", content: "x" }])).rejects.toThrow(/HTTP 404: model "gpt-9" is not served here/);
    const res = await fetch(`${served.url}/v1/chat/completions`, { method: "POST", body: "{nope" });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/not valid JSON/);
    const empty = await fetch(`${served.url}/v1/chat/completions`, { method: "POST", body: JSON.stringify({ messages: [] }) });
    expect(empty.status).toBe(400);
  });
});

describe("ChatClient failures", () => {
  let fake: Server;
  let url: string;
  let calls = 0;
  let mode: "flaky" | "html" | "shape" = "flaky";
  beforeAll(async () => {
    fake = createServer((req, res) => {
      calls++;
      if (mode === "flaky" && calls < 3) {
        res.writeHead(503, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: { message: "warming up" } }));
      } else if (mode === "html") {
        res.writeHead(200, { "content-type": "text/html" });
        res.end("<html>proxy login</html>");
      } else if (mode === "shape") {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ choices: [] }));
      } else {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ choices: [{ message: { role: "assistant", content: "ok" }, finish_reason: "stop" }] }));
      }
    });
    await new Promise<void>((r) => fake.listen(0, "127.0.0.1", () => r()));
    url = `http://127.0.0.1:${(fake.address() as AddressInfo).port}/v1`;
  });
  afterAll(() => new Promise<void>((r) => fake.close(() => r())));

  it("retries 5xx with backoff, then succeeds", async () => {
    mode = "flaky";
    calls = 0;
    const c = new ChatClient({ baseUrl: url, model: "m", maxRetries: 3, backoffMs: 5 });
    expect((await c.chat([{ role: "user", content: "x" }])).choices[0]?.text).toBe("ok");
    expect(calls).toBe(3);
  });

  it("gives up after the retries and says why", async () => {
    mode = "flaky";
    calls = -10;
    const c = new ChatClient({ baseUrl: url, model: "m", maxRetries: 1, backoffMs: 5 });
    await expect(c.chat([{ role: "user", content: "x" }])).rejects.toThrow(/HTTP 503: warming up \(after 2 attempts\)/);
  });

  it("rejects non-JSON and malformed completions", async () => {
    const c = new ChatClient({ baseUrl: url, model: "m", maxRetries: 0 });
    mode = "html";
    await expect(c.chat([{ role: "user", content: "x" }])).rejects.toThrow(/returned non-JSON \(text\/html\)/);
    mode = "shape";
    await expect(c.chat([{ role: "user", content: "x" }])).rejects.toThrow(/malformed completion/);
  });

  it("reports an unreachable endpoint", async () => {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, "127.0.0.1", () => r()));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const c = new ChatClient({ baseUrl: `http://127.0.0.1:${port}`, model: "m", maxRetries: 0 });
    const err = await c.chat([{ role: "user", content: "x" }]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LlmError);
    expect((err as LlmError).kind).toBe("unreachable");
    expect((err as Error).message).toMatch(new RegExp(`127\\.0\\.0\\.1:${port}/v1/chat/completions is unreachable: ECONNREFUSED`));
  });
});

describe("serve-model over a saved checkpoint", () => {
  it("serves an untrained checkpoint too (any text comes back, usage counted)", async () => {
    const m = new TransformerLM({ vocabSize: tok.vocabSize, dModel: 16, nLayers: 1, nHeads: 2, dFF: 32, maxSeqLen: 32 });
    const ckdir = path.join(dir, "raw");
    await saveCheckpoint(ckdir, { model: m, tokenizer: tok });
    m.dispose();
    const ck = await loadCheckpoint(ckdir);
    const s = await startModelServer({ model: ck.model, tokenizer: ck.tokenizer, modelId: "raw", port: 0 });
    try {
      const c = new ChatClient({ baseUrl: s.url, model: "raw", maxRetries: 0 });
      const r = await c.chat([{ role: "user", content: "hi" }], { maxTokens: 4, seed: 1 });
      expect(r.usage?.completionTokens).toBeLessThanOrEqual(4);
    } finally {
      await s.close();
      ck.model.dispose();
    }
  });
});
