/**
 * `dynamind serve-model`: a project checkpoint behind the OpenAI
 * chat-completions API (POST /v1/chat/completions, GET /v1/models), so the
 * same `ChatClient` drives a local model, vLLM, llama.cpp or Ollama. The chat
 * template is the one SFT trains with (Tokenizer.encodeChat). Requests are
 * served one at a time (the model runs on one thread); `n` completions of one
 * request are generated as one batch. No streaming.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "pino";
import { z } from "zod";
import type { Tokenizer } from "../model/tokenizer.js";
import type { TransformerLM } from "../model/transformer.js";
import { ChatCompletionRequestSchema } from "./schema.js";

export interface ModelServerOptions {
  model: TransformerLM;
  tokenizer: Tokenizer;
  /** The id reported by /v1/models and in responses. */
  modelId: string;
  host?: string;
  /** 0 = any free port. */
  port?: number;
  /** Default max_tokens when a request gives none. Default 256. */
  defaultMaxTokens?: number;
  /** Largest accepted request body. Default 4 MiB. */
  maxBodyBytes?: number;
  logger?: Logger;
}

export interface ModelServer {
  server: Server;
  port: number;
  url: string;
  close(): Promise<void>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type = "invalid_request_error",
  ) {
    super(message);
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new HttpError(413, `request body over ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** Cuts `text` at the first stop string; returns the kept text and whether a stop string was found. */
function applyStop(text: string, stops: string[]): { text: string; stopped: boolean } {
  let cut = -1;
  for (const s of stops) {
    const i = s ? text.indexOf(s) : -1;
    if (i >= 0 && (cut < 0 || i < cut)) cut = i;
  }
  return cut >= 0 ? { text: text.slice(0, cut), stopped: true } : { text, stopped: false };
}

export async function startModelServer(opts: ModelServerOptions): Promise<ModelServer> {
  const { model, tokenizer, modelId } = opts;
  const maxBody = opts.maxBodyBytes ?? 4 * 1024 * 1024;
  const created = Math.floor(Date.now() / 1000);
  let queue: Promise<unknown> = Promise.resolve();
  let counter = 0;
  // One generation at a time: later requests wait for earlier ones.
  const serial = <T>(f: () => Promise<T>): Promise<T> => {
    const p = queue.then(f, f);
    queue = p.catch(() => undefined);
    return p;
  };

  const completions = async (bodyText: string): Promise<unknown> => {
    let json: unknown;
    try {
      json = JSON.parse(bodyText);
    } catch (err) {
      throw new HttpError(400, `request body is not valid JSON: ${(err as Error).message}`);
    }
    const parsed = ChatCompletionRequestSchema.safeParse(json);
    if (!parsed.success) throw new HttpError(400, z.prettifyError(parsed.error));
    const r = parsed.data;
    if (r.stream) throw new HttpError(400, "stream: true is not supported by dynamind serve-model");
    if (r.model !== undefined && r.model !== modelId) throw new HttpError(404, `model "${r.model}" is not served here (serving "${modelId}")`, "not_found_error");
    const n = r.n ?? 1;
    const maxTokens = r.max_completion_tokens ?? r.max_tokens ?? opts.defaultMaxTokens ?? 256;
    const stops = r.stop == null ? [] : typeof r.stop === "string" ? [r.stop] : r.stop;
    const prompt = tokenizer.encodeChat(r.messages, true).ids;
    const gen = await serial(() =>
      model.generate(Array.from({ length: n }, () => prompt), {
        maxNewTokens: maxTokens,
        temperature: r.temperature ?? 1,
        topP: r.top_p ?? 1,
        seed: r.seed ?? Math.floor(Math.random() * 2 ** 31),
        stopTokens: [tokenizer.end, tokenizer.eos],
      }),
    );
    let completionTokens = 0;
    const choices = gen.tokens.map((toks, i) => {
      completionTokens += toks.length;
      const { text, stopped } = applyStop(tokenizer.decode(toks), stops);
      const finish = stopped || gen.finishReasons[i] === "stop" ? "stop" : "length";
      return {
        index: i,
        message: { role: "assistant", content: text },
        finish_reason: finish,
        logprobs: r.logprobs
          ? {
              content: toks.map((t, j) => ({
                token: t < 256 ? tokenizer.decode([t]) : tokenizer.decode([t], true),
                logprob: gen.logprobs[i]?.[j] ?? 0,
                bytes: t < 256 ? [t] : [],
                top_logprobs: [],
              })),
            }
          : null,
      };
    });
    const promptTokens = gen.promptTokens[0] ?? prompt.length;
    return {
      id: `chatcmpl-${Date.now().toString(36)}-${(counter++).toString(36)}`,
      object: "chat.completion",
      created: Math.floor(Date.now() / 1000),
      model: modelId,
      choices,
      usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
    };
  };

  const server = createServer((req, res) => {
    void (async () => {
      const url = (req.url ?? "/").split("?")[0]?.replace(/\/+$/, "") ?? "";
      try {
        if (url === "/v1/models") {
          if (req.method !== "GET") throw new HttpError(405, `${req.method} not allowed on ${url}`);
          send(res, 200, { object: "list", data: [{ id: modelId, object: "model", created, owned_by: "dynamind" }] });
        } else if (url === "/v1/chat/completions") {
          if (req.method !== "POST") throw new HttpError(405, `${req.method} not allowed on ${url}`);
          const t0 = performance.now();
          const body = await completions(await readBody(req, maxBody));
          opts.logger?.debug({ ms: Math.round(performance.now() - t0) }, "chat completion");
          send(res, 200, body);
        } else if (url === "/health") {
          send(res, 200, { status: "ok" });
        } else {
          throw new HttpError(404, `no route ${req.method} ${url}`, "not_found_error");
        }
      } catch (err) {
        const e = err instanceof HttpError ? err : new HttpError(500, (err as Error).message, "server_error");
        if (e.status >= 500) opts.logger?.error({ err }, "request failed");
        if (!res.headersSent) send(res, e.status, { error: { message: e.message, type: e.type, code: e.status } });
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 8000, opts.host ?? "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${opts.host ?? "127.0.0.1"}:${port}`;
  opts.logger?.info({ url, model: modelId, params: model.parameterCount }, "serving model (OpenAI chat-completions API)");
  return {
    server,
    port,
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
