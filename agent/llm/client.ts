/**
 * A client for any OpenAI-compatible chat-completions endpoint (vLLM,
 * llama.cpp server, Ollama, `dynamind serve-model`, …), usable as the rollout
 * policy, the ReSim aggregator or the policy under evaluation.
 *
 * fetch-based; per-attempt timeout; retries with exponential backoff and
 * jitter on 429, 5xx and network errors; every failure is an `LlmError` whose
 * message names the endpoint and what was wrong. A 4xx (e.g. a prompt over the
 * model's context) is not retried: its `status`, and OpenAI's error `code` and
 * `param` when the endpoint sends them, are on the error.
 */
import { z } from "zod";
import type { ChatMessage } from "../model/tokenizer.js";
import { ChatCompletionResponseSchema, ErrorBodySchema, type ChatCompletionResponse } from "./schema.js";

export type LlmErrorKind = "unreachable" | "timeout" | "http" | "malformed";

export class LlmError extends Error {
  /** OpenAI's error code from the endpoint's error body (e.g. "context_length_exceeded"), when it sent one. */
  readonly code?: string;
  /** The request parameter the endpoint blamed (e.g. "max_tokens"), when it named one. */
  readonly param?: string;

  constructor(
    message: string,
    readonly kind: LlmErrorKind,
    readonly status?: number,
    readonly retryable = false,
    info: { code?: string; param?: string } = {},
  ) {
    super(message);
    this.name = "LlmError";
    if (info.code !== undefined) this.code = info.code;
    if (info.param !== undefined) this.param = info.param;
  }
}

export interface ChatClientOptions {
  /** e.g. http://127.0.0.1:8000 (a trailing /v1 is accepted). */
  baseUrl: string;
  model: string;
  apiKey?: string;
  /** Per attempt. Default 120 s. */
  timeoutMs?: number;
  /** Extra attempts after the first on 429/5xx/network errors. Default 3. */
  maxRetries?: number;
  /** First backoff delay; doubles per retry (with jitter). Default 500 ms. */
  backoffMs?: number;
  fetch?: typeof fetch;
}

export interface ChatOptions {
  temperature?: number;
  topP?: number;
  maxTokens?: number;
  /** Completions per request. */
  n?: number;
  seed?: number;
  /** Stop strings (OpenAI allows up to 4): the reply ends before the first one and does not contain it. */
  stop?: string | string[];
  /** Per-token log-probabilities of the reply. */
  logprobs?: boolean;
  /** Also the k most likely alternatives per token (OpenAI: 0–20); implies `logprobs`. */
  topLogprobs?: number;
}

export interface TokenLogprob {
  token: string;
  logprob: number;
  /** The token's UTF-8 bytes, when the endpoint gives them (null for tokens without text). */
  bytes?: number[] | null;
  /** The most likely alternatives, most likely first, when `topLogprobs` was asked for. */
  topLogprobs?: { token: string; logprob: number; bytes?: number[] | null }[];
}

export interface ChatChoice {
  text: string;
  finishReason: string | null;
  /** Per-token log-probabilities when requested and returned. */
  logprobs?: TokenLogprob[];
}

export interface ChatResult {
  choices: ChatChoice[];
  usage?: { promptTokens: number; completionTokens: number };
  raw: ChatCompletionResponse;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class ChatClient {
  readonly baseUrl: string;
  readonly model: string;
  private readonly opts: Required<Omit<ChatClientOptions, "apiKey" | "baseUrl" | "model">> & { apiKey?: string };

  constructor(options: ChatClientOptions) {
    let url: URL;
    try {
      url = new URL(options.baseUrl);
    } catch {
      throw new LlmError(`invalid endpoint URL "${options.baseUrl}"`, "unreachable");
    }
    this.baseUrl = url.toString().replace(/\/+$/, "").replace(/\/v1$/, "");
    this.model = options.model;
    this.opts = {
      apiKey: options.apiKey,
      timeoutMs: options.timeoutMs ?? 120_000,
      maxRetries: options.maxRetries ?? 3,
      backoffMs: options.backoffMs ?? 500,
      fetch: options.fetch ?? fetch,
    };
  }

  /** One chat-completions call; resolves to the choices' texts (and logprobs if asked). */
  async chat(messages: readonly ChatMessage[], options: ChatOptions = {}): Promise<ChatResult> {
    const stop = typeof options.stop === "string" ? [options.stop] : options.stop;
    const topLogprobs = options.topLogprobs;
    const body = {
      model: this.model,
      messages,
      temperature: options.temperature,
      top_p: options.topP,
      max_tokens: options.maxTokens,
      n: options.n,
      seed: options.seed,
      stop: stop && stop.length > 0 ? stop : undefined,
      logprobs: options.logprobs || topLogprobs !== undefined ? true : options.logprobs,
      top_logprobs: topLogprobs,
    };
    const raw = await this.request("POST", "/v1/chat/completions", body);
    const parsed = ChatCompletionResponseSchema.safeParse(raw);
    if (!parsed.success) {
      throw new LlmError(`${this.baseUrl}/v1/chat/completions returned a malformed completion: ${z.prettifyError(parsed.error)}`, "malformed");
    }
    const r = parsed.data;
    return {
      // In index order, whatever order the endpoint listed them in.
      choices: [...r.choices]
        .sort((a, b) => (a.index ?? 0) - (b.index ?? 0))
        .map((c) => ({
          text: c.message.content ?? "",
          finishReason: c.finish_reason ?? null,
          ...(c.logprobs?.content
            ? {
                logprobs: c.logprobs.content.map((t) => ({
                  token: t.token,
                  logprob: t.logprob,
                  ...(t.bytes !== undefined ? { bytes: t.bytes } : {}),
                  ...(t.top_logprobs && topLogprobs !== undefined
                    ? { topLogprobs: t.top_logprobs.map((a) => ({ token: a.token, logprob: a.logprob, ...(a.bytes !== undefined ? { bytes: a.bytes } : {}) })) }
                    : {}),
                })),
              }
            : {}),
        })),
      ...(r.usage ? { usage: { promptTokens: r.usage.prompt_tokens, completionTokens: r.usage.completion_tokens } } : {}),
      raw: r,
    };
  }

  /** Model ids the endpoint serves (GET /v1/models). */
  async models(): Promise<string[]> {
    const raw = await this.request("GET", "/v1/models");
    const r = z.object({ data: z.array(z.object({ id: z.string() }).passthrough()) }).safeParse(raw);
    if (!r.success) throw new LlmError(`${this.baseUrl}/v1/models returned a malformed list: ${z.prettifyError(r.error)}`, "malformed");
    return r.data.data.map((m) => m.id);
  }

  private async request(method: "GET" | "POST", route: string, body?: unknown): Promise<unknown> {
    const url = this.baseUrl + route;
    let lastError: LlmError | undefined;
    for (let attempt = 0; attempt <= this.opts.maxRetries; attempt++) {
      if (attempt > 0) {
        const base = this.opts.backoffMs * 2 ** (attempt - 1);
        await sleep(base / 2 + Math.random() * base);
      }
      try {
        return await this.once(method, url, body);
      } catch (err) {
        lastError = err instanceof LlmError ? err : new LlmError(`${url}: ${(err as Error).message}`, "unreachable", undefined, true);
        if (!lastError.retryable) throw lastError;
      }
    }
    const e = lastError as LlmError;
    throw new LlmError(this.opts.maxRetries > 0 ? `${e.message} (after ${this.opts.maxRetries + 1} attempts)` : e.message, e.kind, e.status, false, {
      ...(e.code !== undefined ? { code: e.code } : {}),
      ...(e.param !== undefined ? { param: e.param } : {}),
    });
  }

  private async once(method: string, url: string, body?: unknown): Promise<unknown> {
    const ctrl = new AbortController();
    const timer = setTimeout(() => ctrl.abort(), this.opts.timeoutMs);
    let res: Response;
    let text: string;
    try {
      res = await this.opts.fetch(url, {
        method,
        headers: {
          "content-type": "application/json",
          ...(this.opts.apiKey ? { authorization: `Bearer ${this.opts.apiKey}` } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: ctrl.signal,
      });
      text = await res.text();
    } catch (err) {
      if (ctrl.signal.aborted) throw new LlmError(`${url}: no answer within ${this.opts.timeoutMs} ms`, "timeout", undefined, true);
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      throw new LlmError(`${url} is unreachable: ${cause?.code ?? cause?.message ?? (err as Error).message}`, "unreachable", undefined, true);
    } finally {
      clearTimeout(timer);
    }
    if (!res.ok) {
      let detail = text.slice(0, 300);
      const info: { code?: string; param?: string } = {};
      try {
        const j = ErrorBodySchema.safeParse(JSON.parse(text));
        if (j.success) {
          const e = j.data.error;
          if (typeof e === "string") detail = e;
          else {
            detail = e.message ?? detail;
            if (typeof e.code === "string") info.code = e.code;
            if (typeof e.param === "string") info.param = e.param;
          }
        }
      } catch {
        /* not JSON: keep the text */
      }
      if (detail.length > 500) detail = `${detail.slice(0, 499)}…`;
      const retryable = res.status === 429 || res.status >= 500;
      const tag = info.code ? ` [${info.code}${info.param ? `, param ${info.param}` : ""}]` : "";
      throw new LlmError(`${url}: HTTP ${res.status}: ${detail}${tag}`, "http", res.status, retryable, info);
    }
    try {
      return JSON.parse(text);
    } catch {
      throw new LlmError(`${url} returned non-JSON (${res.headers.get("content-type") ?? "no content-type"}): ${text.slice(0, 200)}`, "malformed");
    }
  }
}
