/**
 * `dynamind serve-model`: a project checkpoint behind the OpenAI
 * chat-completions API (POST /v1/chat/completions, GET /v1/models), so the
 * same `ChatClient` — or the official `openai` client — drives a local model,
 * vLLM, llama.cpp or Ollama. The chat template is the one SFT trains with
 * (Tokenizer.encodeChat; `developer` messages are `system` messages, and
 * an array `content` is its text parts joined).
 *
 * What a client can count on:
 * - One generation at a time: the model runs on one thread, so requests wait
 *   in a FIFO queue; a request whose client has gone is skipped when its turn
 *   comes. The `n` completions of one request are generated as one batch.
 * - `stream: true` sends Server-Sent Events as OpenAI does (`data: <chunk>`,
 *   then `data: [DONE]`), token by token as the model makes them; with `n` > 1
 *   the choices' chunks interleave (each names its `index`) and the finish
 *   chunks come when the batch ends. A client that disconnects (streaming or
 *   not) stops its generation at the next token.
 * - `stop` strings are applied during generation: a row ends as soon as its
 *   text ends with one, the string is not returned, and `usage` and `logprobs`
 *   count only returned tokens. The `<|end|>` token that ends a reply is
 *   generated, so it is counted in `usage.completion_tokens` and has a
 *   `logprobs` entry (`bytes: null`), though it adds no text.
 * - `logprobs` (+ `top_logprobs` 0–20) are log-probabilities at temperature 1.
 * - Limits: body size (`maxBodyBytes`), `n` ≤ 64, `top_logprobs` ≤ 20, stop
 *   strings ≤ 4 of ≤ 256 chars, and prompt + `max_tokens` (or
 *   `max_completion_tokens`) within the model's context: anything over is a
 *   400 with OpenAI's error shape (`context_length_exceeded`), never a cut
 *   prompt. Without `max_tokens` a reply gets `defaultMaxTokens` or what the
 *   context leaves, whichever is less. Error messages are short and quote no
 *   unbounded input.
 */
import { once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "pino";
import type { z } from "zod";
import type { ChatMessage, Tokenizer } from "../model/tokenizer.js";
import type { StepToken, TransformerLM } from "../model/transformer.js";
import { CompletionText, logprobEntries, type LogprobEntry } from "./completion-text.js";
import { ChatCompletionRequestSchema, type ChatMessageInput } from "./schema.js";

export interface ModelServerOptions {
  model: TransformerLM;
  tokenizer: Tokenizer;
  /** The id reported by /v1/models and in responses. */
  modelId: string;
  host?: string;
  /** 0 = any free port. */
  port?: number;
  /** Default max_tokens when a request gives none (lowered to what the context leaves). Default 256. */
  defaultMaxTokens?: number;
  /** Largest accepted request body. Default 4 MiB. */
  maxBodyBytes?: number;
  logger?: Logger;
}

/** Counters since start (for operators and tests). */
export interface ModelServerStats {
  /** Generations run (requests that reached the model). */
  generations: number;
  /** Tokens the model produced, including stop-string tokens later dropped. */
  generatedTokens: number;
  /** Generations stopped because the client went away. */
  abortedGenerations: number;
}

export interface ModelServer {
  server: Server;
  port: number;
  url: string;
  stats(): ModelServerStats;
  close(): Promise<void>;
}

const MAX_ERROR_CHARS = 500;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type = "invalid_request_error",
    readonly param: string | null = null,
    readonly code: string | null = null,
  ) {
    super(message);
  }
}

class ClientGone extends Error {}

function clip(text: string, max = MAX_ERROR_CHARS): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function errorBody(e: HttpError): unknown {
  return { error: { message: clip(e.message), type: e.type, param: e.param, code: e.code } };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > limit) throw new HttpError(413, `request body over ${limit} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new HttpError(413, `request body over ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** The first few schema problems, each as `path: message` (zod messages name types and options, never the values). */
function describeIssues(error: z.ZodError): string {
  const shown = error.issues.slice(0, 3).map((i) => `${i.path.length ? i.path.join(".") : "body"}: ${i.message}`);
  const more = error.issues.length - shown.length;
  return `invalid request: ${shown.join("; ")}${more > 0 ? ` (and ${more} more)` : ""}`;
}

/** The messages in the tokenizer's terms: `developer` → `system`, text parts joined; other parts are a 400. */
function toChat(messages: readonly ChatMessageInput[]): ChatMessage[] {
  return messages.map((m, i) => {
    let content: string;
    if (typeof m.content === "string") content = m.content;
    else {
      content = "";
      for (const [j, part] of m.content.entries()) {
        if (part.type !== "text") {
          throw new HttpError(400, `messages[${i}].content[${j}]: content part type "${part.type}" is not supported (this model reads text parts only)`, "invalid_request_error", `messages[${i}].content[${j}].type`);
        }
        if (typeof part.text !== "string") throw new HttpError(400, `messages[${i}].content[${j}]: a text part needs a "text" string`, "invalid_request_error", `messages[${i}].content[${j}].text`);
        content += part.text;
      }
    }
    return { role: m.role === "developer" ? "system" : m.role, content };
  });
}

interface Job {
  prompt: number[];
  n: number;
  maxTokens: number;
  temperature: number;
  topP: number;
  seed: number;
  stops: string[];
  logprobs: boolean;
  topK: number;
  stream: boolean;
  includeUsage: boolean;
}

interface ChoiceOut {
  text: string;
  tokens: readonly StepToken[];
  finish: "stop" | "length";
}

export async function startModelServer(opts: ModelServerOptions): Promise<ModelServer> {
  const { model, tokenizer, modelId } = opts;
  const maxBody = opts.maxBodyBytes ?? 4 * 1024 * 1024;
  const context = model.config.maxSeqLen;
  const created = Math.floor(Date.now() / 1000);
  const stats: ModelServerStats = { generations: 0, generatedTokens: 0, abortedGenerations: 0 };
  let queue: Promise<unknown> = Promise.resolve();
  let counter = 0;
  // One generation at a time: later requests wait for earlier ones.
  const serial = <T>(f: () => Promise<T>): Promise<T> => {
    const p = queue.then(f, f);
    queue = p.catch(() => undefined);
    return p;
  };

  const prepare = (bodyText: string): Job => {
    let json: unknown;
    try {
      json = JSON.parse(bodyText);
    } catch {
      throw new HttpError(400, "request body is not valid JSON");
    }
    const parsed = ChatCompletionRequestSchema.safeParse(json);
    if (!parsed.success) throw new HttpError(400, describeIssues(parsed.error));
    const r = parsed.data;
    if (r.model != null && r.model !== modelId) {
      throw new HttpError(404, `model "${r.model}" is not served here (serving "${modelId}")`, "invalid_request_error", "model", "model_not_found");
    }
    const logprobs = r.logprobs ?? false;
    const topK = r.top_logprobs ?? 0;
    if (topK > 0 && !logprobs) throw new HttpError(400, "top_logprobs needs logprobs: true", "invalid_request_error", "top_logprobs");
    const prompt = tokenizer.encodeChat(toChat(r.messages), true).ids;
    if (prompt.length >= context) {
      throw new HttpError(
        400,
        `This model's maximum context length is ${context} tokens, but the messages take ${prompt.length} tokens, leaving no room for a reply. Please shorten the messages.`,
        "invalid_request_error",
        "messages",
        "context_length_exceeded",
      );
    }
    const asked = r.max_completion_tokens ?? r.max_tokens ?? undefined;
    const param = r.max_completion_tokens != null ? "max_completion_tokens" : "max_tokens";
    if (asked !== undefined && prompt.length + asked > context) {
      throw new HttpError(
        400,
        `This model's maximum context length is ${context} tokens. However, you requested ${prompt.length + asked} tokens (${prompt.length} in the messages, ${asked} in the completion). Please reduce the length of the messages or ${param}.`,
        "invalid_request_error",
        param,
        "context_length_exceeded",
      );
    }
    return {
      prompt,
      n: r.n ?? 1,
      maxTokens: asked ?? Math.min(opts.defaultMaxTokens ?? 256, context - prompt.length),
      temperature: r.temperature ?? 1,
      topP: r.top_p ?? 1,
      seed: r.seed ?? Math.floor(Math.random() * 2 ** 31),
      stops: r.stop == null ? [] : typeof r.stop === "string" ? [r.stop] : r.stop,
      logprobs,
      topK,
      stream: r.stream ?? false,
      includeUsage: r.stream_options?.include_usage ?? false,
    };
  };

  /**
   * Runs one job; `emit` gets each choice's text and tokens as they can be
   * released (streaming), and is awaited, so a slow reader slows generation.
   */
  const generate = async (
    job: Job,
    signal: AbortSignal,
    emit?: (index: number, text: string, tokens: StepToken[]) => Promise<void>,
  ): Promise<ChoiceOut[]> => {
    const texts = Array.from({ length: job.n }, () => new CompletionText(job.stops, (id) => tokenizer.tokenBytes(id)));
    stats.generations++;
    const gen = await model.generate(
      Array.from({ length: job.n }, () => job.prompt),
      {
        maxNewTokens: job.maxTokens,
        temperature: job.temperature,
        topP: job.topP,
        seed: job.seed,
        stopTokens: [tokenizer.end, tokenizer.eos],
        topLogprobs: job.topK,
        signal,
        onStep: async (made) => {
          stats.generatedTokens += made.length;
          const ended: number[] = [];
          for (const t of made) {
            const ct = texts[t.row] as CompletionText;
            if (ct.push(t)) ended.push(t.row);
            if (emit) {
              const r = ct.release();
              if (r.text || (job.logprobs && r.tokens.length)) await emit(t.row, r.text, r.tokens);
            }
          }
          // Let socket events (a client going away, other requests arriving) run between tokens.
          await new Promise<void>((resolve) => setImmediate(resolve));
          return ended;
        },
      },
    );
    if (signal.aborted) {
      stats.abortedGenerations++;
      throw new ClientGone();
    }
    const out: ChoiceOut[] = [];
    for (const [i, ct] of texts.entries()) {
      const r = ct.release(true);
      if (emit && (r.text || (job.logprobs && r.tokens.length))) await emit(i, r.text, r.tokens);
      const reason = gen.finishReasons[i];
      out.push({ text: "", tokens: ct.tokens, finish: ct.stopped || reason === "stop" ? "stop" : "length" });
    }
    if (!emit) {
      // Not streamed: the whole text of each choice, decoded the same way a stream's deltas are.
      for (const [i, ct] of texts.entries()) (out[i] as ChoiceOut).text = tokenizer.decode(ct.tokens.map((t) => t.token));
    }
    return out;
  };

  const logprobsOf = (tokens: readonly StepToken[], job: Job): { content: LogprobEntry[]; refusal: null } | null =>
    job.logprobs ? { content: logprobEntries(tokenizer, tokens, job.topK), refusal: null } : null;

  const usageOf = (job: Job, choices: readonly ChoiceOut[]) => {
    const completion = choices.reduce((s, c) => s + c.tokens.length, 0);
    return { prompt_tokens: job.prompt.length, completion_tokens: completion, total_tokens: job.prompt.length + completion };
  };

  const newId = (): string => `chatcmpl-${Date.now().toString(36)}-${(counter++).toString(36)}`;

  const complete = async (job: Job, signal: AbortSignal, res: ServerResponse): Promise<void> => {
    const choices = await serial(() => {
      if (signal.aborted) throw new ClientGone();
      return generate(job, signal);
    });
    send(res, 200, {
      id: newId(),
      object: "chat.completion",
      created: Math.floor(Date.now() / 1000),
      model: modelId,
      choices: choices.map((c, i) => ({
        index: i,
        message: { role: "assistant", content: c.text, refusal: null },
        logprobs: logprobsOf(c.tokens, job),
        finish_reason: c.finish,
      })),
      usage: usageOf(job, choices),
    });
  };

  const streamCompletion = async (job: Job, signal: AbortSignal, res: ServerResponse): Promise<void> => {
    await serial(async () => {
      if (signal.aborted) throw new ClientGone();
      const id = newId();
      const chunkCreated = Math.floor(Date.now() / 1000);
      const write = async (payload: unknown): Promise<void> => {
        if (signal.aborted) return;
        if (!res.write(`data: ${JSON.stringify(payload)}\n\n`)) {
          // Wait for the reader (backpressure), or for it to go away; neither wait may reject unhandled later.
          const waits = [once(res, "drain"), once(res, "close")];
          for (const w of waits) w.catch(() => undefined);
          await Promise.race(waits).catch(() => undefined);
        }
      };
      const chunk = (choices: unknown[]): unknown => ({
        id,
        object: "chat.completion.chunk",
        created: chunkCreated,
        model: modelId,
        choices,
        ...(job.includeUsage ? { usage: null } : {}),
      });
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
      res.flushHeaders();
      for (let i = 0; i < job.n; i++) {
        await write(chunk([{ index: i, delta: { role: "assistant", content: "" }, logprobs: null, finish_reason: null }]));
      }
      let choices: ChoiceOut[];
      try {
        choices = await generate(job, signal, (index, text, tokens) =>
          write(chunk([{ index, delta: { content: text }, logprobs: logprobsOf(tokens, job), finish_reason: null }])),
        );
      } catch (err) {
        if (err instanceof ClientGone) throw err;
        opts.logger?.error({ err }, "generation failed mid-stream");
        await write({ error: { message: clip((err as Error).message), type: "server_error", param: null, code: null } });
        res.end();
        return;
      }
      for (const [i, c] of choices.entries()) await write(chunk([{ index: i, delta: {}, logprobs: null, finish_reason: c.finish }]));
      if (job.includeUsage) {
        await write({ id, object: "chat.completion.chunk", created: chunkCreated, model: modelId, choices: [], usage: usageOf(job, choices) });
      }
      if (!signal.aborted) res.end("data: [DONE]\n\n");
    });
  };

  const server = createServer((req, res) => {
    void (async () => {
      const url = (req.url ?? "/").split("?")[0]?.replace(/\/+$/, "") ?? "";
      // The client going away (before or during the reply) stops its generation.
      const gone = new AbortController();
      res.on("close", () => {
        if (!res.writableFinished) gone.abort();
      });
      try {
        if (url === "/v1/models") {
          if (req.method !== "GET") throw new HttpError(405, `${req.method} not allowed on /v1/models`);
          send(res, 200, { object: "list", data: [{ id: modelId, object: "model", created, owned_by: "dynamind" }] });
        } else if (url === "/v1/chat/completions") {
          if (req.method !== "POST") throw new HttpError(405, `${req.method} not allowed on /v1/chat/completions`);
          const t0 = performance.now();
          const job = prepare(await readBody(req, maxBody));
          await (job.stream ? streamCompletion(job, gone.signal, res) : complete(job, gone.signal, res));
          opts.logger?.debug({ ms: Math.round(performance.now() - t0), stream: job.stream }, "chat completion");
        } else if (url === "/health") {
          send(res, 200, { status: "ok" });
        } else {
          throw new HttpError(404, `no route ${req.method} ${clip(url, 100)}`, "invalid_request_error", null, "not_found");
        }
      } catch (err) {
        if (err instanceof ClientGone) {
          opts.logger?.debug("client went away; generation stopped");
          return;
        }
        const e = err instanceof HttpError ? err : new HttpError(500, (err as Error).message, "server_error");
        if (e.status >= 500) opts.logger?.error({ err }, "request failed");
        if (!res.headersSent) send(res, e.status, errorBody(e));
        else res.end();
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 8000, opts.host ?? "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${opts.host ?? "127.0.0.1"}:${port}`;
  opts.logger?.info({ url, model: modelId, params: model.parameterCount, context }, "serving model (OpenAI chat-completions API)");
  return {
    server,
    port,
    url,
    stats: () => ({ ...stats }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
