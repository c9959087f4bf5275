/**
 * dynamind serve-model as the official `openai` client (5.x) sees it:
 * streaming, array content, the developer role, logprobs with top_logprobs,
 * stop strings applied during generation, context-length errors, and a client
 * that disconnects mid-stream. A tiny randomly initialised model keeps this fast;
 * expectations are derived from its own greedy output, never hard-coded text.
 */
import { request } from "node:http";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startModelServer, type ModelServer } from "../../../agent/llm/server.js";
import { selectBackend } from "../../../agent/model/backend.js";
import { ByteTokenizer } from "../../../agent/model/tokenizer.js";
import { TransformerLM } from "../../../agent/model/transformer.js";

const tok = new ByteTokenizer();
const CONTEXT = 128;
let model: TransformerLM;
let served: ModelServer;
let client: OpenAI;
const hi = [{ role: "user" as const, content: "hi" }];

beforeAll(async () => {
  await selectBackend({ prefer: "wasm" });
  // initStd 0.5 makes the random model's distributions peaked, so greedy text is varied and long.
  model = new TransformerLM({ vocabSize: tok.vocabSize, dModel: 16, nLayers: 1, nHeads: 2, dFF: 32, maxSeqLen: CONTEXT, initStd: 0.5 }, { seed: 1 });
  served = await startModelServer({ model, tokenizer: tok, modelId: "tiny", port: 0, defaultMaxTokens: 16 });
  client = new OpenAI({ baseURL: `${served.url}/v1`, apiKey: "x", maxRetries: 0 });
});

afterAll(async () => {
  await served?.close();
  model?.dispose();
});

/** Collects a streamed completion per choice index. */
async function collect(stream: AsyncIterable<OpenAI.Chat.Completions.ChatCompletionChunk>) {
  const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
  for await (const c of stream) chunks.push(c);
  const byIndex = new Map<number, { role?: string; text: string; finish: string | null; logprobs: OpenAI.Chat.Completions.ChatCompletionTokenLogprob[] }>();
  for (const c of chunks) {
    for (const ch of c.choices) {
      const e = byIndex.get(ch.index) ?? { text: "", finish: null, logprobs: [] };
      if (ch.delta.role) e.role = ch.delta.role;
      e.text += ch.delta.content ?? "";
      if (ch.finish_reason) e.finish = ch.finish_reason;
      e.logprobs.push(...(ch.logprobs?.content ?? []));
      byIndex.set(ch.index, e);
    }
  }
  return { chunks, byIndex };
}

describe("serve-model with the openai client", () => {
  it("lists the model and completes a chat", async () => {
    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toEqual(["tiny"]);
    const r = await client.chat.completions.create({ model: "tiny", messages: hi, temperature: 0, max_tokens: 10 });
    expect(r.object).toBe("chat.completion");
    expect(r.choices[0]?.message.role).toBe("assistant");
    expect(r.usage?.completion_tokens).toBeGreaterThan(0);
  });

  it("streams the same completion token by token (SSE chunks, usage chunk, [DONE])", async () => {
    const ref = await client.chat.completions.create({ model: "tiny", messages: hi, temperature: 0, max_tokens: 20 });
    const stream = await client.chat.completions.create({ model: "tiny", messages: hi, temperature: 0, max_tokens: 20, stream: true, stream_options: { include_usage: true } });
    const { chunks, byIndex } = await collect(stream);
    const only = byIndex.get(0);
    expect(only?.role).toBe("assistant");
    expect(only?.text).toBe(ref.choices[0]?.message.content);
    expect(only?.finish).toBe(ref.choices[0]?.finish_reason);
    expect(chunks.every((c) => c.object === "chat.completion.chunk" && c.id === chunks[0]?.id)).toBe(true);
    // Several content chunks, not one: tokens are sent as they are made.
    expect(chunks.filter((c) => c.choices[0]?.delta.content).length).toBeGreaterThan(3);
    const last = chunks.at(-1);
    expect(last?.choices).toEqual([]);
    expect(last?.usage).toEqual(ref.usage);
  });

  it("frames events exactly as OpenAI does", async () => {
    const res = await fetch(`${served.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ messages: hi, temperature: 0, max_tokens: 5, stream: true }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/event-stream");
    const text = await res.text();
    expect(text.endsWith("data: [DONE]\n\n")).toBe(true);
    const events = text.split("\n\n").filter(Boolean);
    expect(events.every((e) => e.startsWith("data: ") && !e.slice(6).includes("\n"))).toBe(true);
    const payloads = events.slice(0, -1).map((e) => JSON.parse(e.slice(6)) as { choices: { delta: Record<string, unknown>; finish_reason: string | null }[]; usage?: unknown });
    expect(payloads[0]?.choices[0]?.delta).toEqual({ role: "assistant", content: "" });
    expect(payloads.at(-1)?.choices[0]).toMatchObject({ delta: {}, finish_reason: "length" });
    expect(payloads.every((p) => !("usage" in p))).toBe(true); // no usage fields unless include_usage
  });

  it("streams n > 1 choices interleaved, each as the non-streamed request gives it", async () => {
    const req = { model: "tiny", messages: hi, temperature: 1, max_tokens: 12, n: 3, seed: 7 };
    const ref = await client.chat.completions.create(req);
    const { byIndex } = await collect(await client.chat.completions.create({ ...req, stream: true }));
    expect([...byIndex.keys()].sort()).toEqual([0, 1, 2]);
    for (const c of ref.choices) {
      expect(byIndex.get(c.index)?.text).toBe(c.message.content);
      expect(byIndex.get(c.index)?.finish).toBe(c.finish_reason);
    }
  });

  it("accepts content as an array of text parts, and the developer role as system", async () => {
    const base = { model: "tiny", temperature: 0, max_tokens: 10 } as const;
    const plain = await client.chat.completions.create({ ...base, messages: [{ role: "system", content: "be brief" }, { role: "user", content: "hi there" }] });
    const parts = await client.chat.completions.create({
      ...base,
      messages: [
        { role: "developer", content: [{ type: "text", text: "be " }, { type: "text", text: "brief" }] },
        { role: "user", content: [{ type: "text", text: "hi " }, { type: "text", text: "there" }] },
      ],
    });
    expect(parts.choices[0]?.message.content).toBe(plain.choices[0]?.message.content);
    expect(parts.usage?.prompt_tokens).toBe(plain.usage?.prompt_tokens);
  });

  it("refuses non-text content parts with a clear 400", async () => {
    const err = await client.chat.completions
      .create({ model: "tiny", messages: [{ role: "user", content: [{ type: "text", text: "look" }, { type: "image_url", image_url: { url: "data:image/png;base64,AAAA" } }] }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as InstanceType<typeof OpenAI.BadRequestError>).status).toBe(400);
    expect((err as Error).message).toMatch(/messages\[0\]\.content\[1\]: content part type "image_url" is not supported/);
  });

  it("returns logprobs with top_logprobs in OpenAI's shape", async () => {
    const r = await client.chat.completions.create({ model: "tiny", messages: hi, temperature: 0, max_tokens: 8, logprobs: true, top_logprobs: 3 });
    const content = r.choices[0]?.logprobs?.content ?? [];
    expect(content).toHaveLength(r.usage?.completion_tokens ?? -1);
    for (const t of content) {
      expect(Object.keys(t).sort()).toEqual(["bytes", "logprob", "token", "top_logprobs"]);
      expect(t.logprob).toBeLessThanOrEqual(0);
      expect(t.top_logprobs).toHaveLength(3);
      for (const a of t.top_logprobs) expect(Object.keys(a).sort()).toEqual(["bytes", "logprob", "token"]);
      const lps = t.top_logprobs.map((a) => a.logprob);
      expect(lps).toEqual([...lps].sort((a, b) => b - a));
      // Greedy: the chosen token is the most likely one.
      expect(t.top_logprobs[0]?.token).toBe(t.token);
      expect(t.top_logprobs[0]?.bytes).toEqual(t.bytes);
      expect(t.top_logprobs[0]?.logprob).toBeCloseTo(t.logprob, 6);
    }
    // The tokens' bytes are the completion's text.
    const bytes = content.flatMap((t) => t.bytes ?? []);
    expect(tok.decode(bytes)).toBe(r.choices[0]?.message.content);
    const none = await client.chat.completions.create({ model: "tiny", messages: hi, temperature: 0, max_tokens: 3, logprobs: true });
    expect(none.choices[0]?.logprobs?.content?.every((t) => t.top_logprobs.length === 0)).toBe(true);
    await expect(client.chat.completions.create({ model: "tiny", messages: hi, logprobs: true, top_logprobs: 21 })).rejects.toBeInstanceOf(OpenAI.BadRequestError);
    await expect(client.chat.completions.create({ model: "tiny", messages: hi, top_logprobs: 2 })).rejects.toThrow(/top_logprobs needs logprobs: true/);
  });

  it("applies stop strings during generation and counts only returned tokens", async () => {
    const ref = await client.chat.completions.create({ model: "tiny", messages: hi, temperature: 0, max_tokens: 40, logprobs: true });
    const toks = ref.choices[0]?.logprobs?.content ?? [];
    // A two-character ASCII stop string from the middle of the greedy text; `cut` tokens precede its first occurrence.
    const ascii = (i: number): boolean => (toks[i]?.bytes?.length ?? 0) === 1 && /^[!-~]$/.test(toks[i]?.token ?? "");
    const pair = toks.findIndex((_, i) => i >= 2 && ascii(i) && ascii(i + 1));
    expect(pair, `greedy tokens ${JSON.stringify(toks.map((t) => t.token))} have two ASCII characters in a row`).toBeGreaterThan(0);
    const stop = (toks[pair]?.token ?? "") + (toks[pair + 1]?.token ?? "");
    const cut = toks.findIndex((t, i) => t.token + (toks[i + 1]?.token ?? "") === stop && ascii(i));
    expect(cut).toBeGreaterThan(0);
    const expected = tok.decode(toks.slice(0, cut).flatMap((t) => t.bytes ?? []));
    for (const stopParam of [stop, ["\u0000never", stop]]) {
      const r = await client.chat.completions.create({ model: "tiny", messages: hi, temperature: 0, max_tokens: 40, stop: stopParam, logprobs: true });
      const c = r.choices[0];
      expect(c?.message.content).toBe(expected);
      expect(c?.finish_reason).toBe("stop");
      expect(r.usage?.completion_tokens).toBe(cut);
      expect(c?.logprobs?.content).toHaveLength(r.usage?.completion_tokens ?? -1);
    }
    // Stopped during generation: the model made only the tokens up to the stop string.
    const before = served.stats().generatedTokens;
    const s = await collect(await client.chat.completions.create({ model: "tiny", messages: hi, temperature: 0, max_tokens: 40, stop, stream: true }));
    expect(served.stats().generatedTokens - before).toBe(cut + 2);
    expect(s.byIndex.get(0)?.text).toBe(expected);
    expect(s.byIndex.get(0)?.finish).toBe("stop");
  });

  it("refuses prompts and max_tokens that do not fit the context with a 400 context_length_exceeded", async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ messages: [{ role: "user", content: "x".repeat(CONTEXT) }] }, "messages"],
      [{ messages: hi, max_tokens: 5000 }, "max_tokens"],
      [{ messages: hi, max_completion_tokens: 5000 }, "max_completion_tokens"],
      [{ messages: hi, max_tokens: 10, max_completion_tokens: CONTEXT }, "max_completion_tokens"],
    ];
    for (const [body, param] of cases) {
      const err = await client.chat.completions.create({ model: "tiny", ...body } as never).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OpenAI.BadRequestError);
      const e = err as InstanceType<typeof OpenAI.BadRequestError>;
      expect(e.status).toBe(400);
      expect(e.code).toBe("context_length_exceeded");
      expect(e.param).toBe(param);
      expect(e.message).toMatch(/maximum context length is 128 tokens/);
    }
    // Exactly filling the context is fine.
    const prompt = tok.encodeChat(hi, true).ids.length;
    const ok = await client.chat.completions.create({ model: "tiny", messages: hi, temperature: 0, max_tokens: CONTEXT - prompt });
    expect(ok.usage?.total_tokens).toBeLessThanOrEqual(CONTEXT);
  });

  it("answers errors in OpenAI's shape, short, without echoing input", async () => {
    const huge = Array.from({ length: 3000 }, () => ({ role: "tool", content: "y".repeat(100) }));
    const res = await fetch(`${served.url}/v1/chat/completions`, { method: "POST", body: JSON.stringify({ messages: huge }) });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { message: string; type: string; param: unknown; code: unknown } };
    expect(Object.keys(body.error).sort()).toEqual(["code", "message", "param", "type"]);
    expect(body.error.type).toBe("invalid_request_error");
    expect(body.error.message.length).toBeLessThan(500);
    expect(body.error.message).not.toMatch(/yyyy/);
    const bad = await fetch(`${served.url}/v1/chat/completions`, { method: "POST", body: `{"messages": "${"z".repeat(5000)}` });
    expect(((await bad.json()) as { error: { message: string } }).error.message).toBe("request body is not valid JSON");
    const big = await fetch(`${served.url}/v1/chat/completions`, { method: "POST", body: "x".repeat(5 * 1024 * 1024) }).catch(() => null);
    if (big) expect(big.status).toBe(413);
  });

  it("stops generating when a streaming client disconnects", async () => {
    const before = served.stats();
    const body = JSON.stringify({ messages: hi, temperature: 0, max_tokens: 100, stream: true });
    await new Promise<void>((resolve, reject) => {
      const req = request(`${served.url}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json" } }, (res) => {
        let seen = "";
        res.on("data", (d: Buffer) => {
          seen += d.toString();
          if (seen.includes('"content":"') && seen.split("\n\n").length > 3) {
            req.destroy();
            resolve();
          }
        });
        res.on("error", () => undefined);
      });
      req.on("error", () => undefined);
      req.on("close", () => resolve());
      req.end(body);
      setTimeout(() => reject(new Error("no chunk in time")), 20_000);
    });
    // The queue is served in order: once this answers, the abandoned generation has ended.
    await client.chat.completions.create({ model: "tiny", messages: hi, temperature: 0, max_tokens: 1 });
    const after = served.stats();
    expect(after.abortedGenerations - before.abortedGenerations).toBe(1);
    expect(after.generatedTokens - before.generatedTokens).toBeLessThan(60);
  });

  it("serves one generation at a time; queued requests all complete", async () => {
    const reqs = [0, 1, 2].map((i) => client.chat.completions.create({ model: "tiny", messages: hi, temperature: 1, seed: i, max_tokens: 8 }));
    const streamed = collect(await client.chat.completions.create({ model: "tiny", messages: hi, temperature: 1, seed: 0, max_tokens: 8, stream: true }));
    const done = await Promise.all(reqs);
    expect((await streamed).byIndex.get(0)?.text).toBe(done[0]?.choices[0]?.message.content);
  });
});
