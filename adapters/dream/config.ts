/**
 * The dream environment's two configurations.
 *
 * Operator (server flags or the server config file's "dream" section, read at server
 * start): which models exist (endpoint URLs, checkpoint directories), which replay
 * buffers exist (recording files), which base environments may be wrapped, and the
 * bounds. Client (a session's config_json): a base env id and its config, and *names*
 * of operator models and buffers, plus numeric knobs within the operator's bounds. A
 * client never gives a path, URL or key.
 */
import { z } from "zod";
import { parseClientInput } from "../kit/client-input.js";
import { shortName } from "../kit/short-text.js";

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const name = z.string().regex(NAME, "names are 1-64 characters of A-Z a-z 0-9 . _ - and start with a letter or digit");

/** Always present: the retrieval-only model, and the buffer filled from the live base env. */
export const BUILTIN_MODEL = "nearest-neighbour";
export const LIVE_BUFFER = "live";

/** The prompt a model was trained on (see prompt.ts): a model trained by `dream-data --prompt compact` needs no rules text. */
const promptStyle = z.enum(["full", "compact"]).optional().describe('the prompt the model reads: "full" (rules and reply format; default) or "compact" (the state and action only, for a model trained on dream-data --prompt compact)');

export const endpointModelSchema = z.strictObject({
  endpoint: z.url({ protocol: /^https?$/ }).describe("OpenAI-compatible base URL, e.g. http://127.0.0.1:8000"),
  model: z.string().min(1).max(200).describe("model name at that endpoint"),
  api_key_env: z
    .string()
    .regex(/^[A-Z_][A-Z0-9_]*$/)
    .optional()
    .describe("environment variable holding the API key (read at server start; default DYNAMIND_DREAM_API_KEY)"),
  timeout_ms: z.number().int().min(100).max(600_000).optional().describe("per call (default: the section's timeout_ms)"),
  prompt: promptStyle,
});

export const checkpointModelSchema = z.strictObject({
  checkpoint: z.string().min(1).describe("a dynamind checkpoint directory (dynamind sft / train output)"),
  prompt: promptStyle,
});

export const dreamOperatorSchema = z.strictObject({
  models: z.record(name, z.union([endpointModelSchema, checkpointModelSchema])).optional(),
  buffers: z.record(name, z.strictObject({ recordings: z.array(z.string().min(1)).min(1).max(100).describe("recording files or folders (dynamind --record output)") })).optional(),
  bases: z.array(z.string().regex(/^[a-z][a-z0-9-]*$/)).max(64).optional().describe("env ids dream may wrap (default: sokoban, alfworld, example-corridor where registered)"),
  live_episodes: z.number().int().min(0).max(10_000).default(32).describe('episodes of seeded random play that fill the "live" buffer of each base config (0: no live buffer)'),
  live_max_steps: z.number().int().min(1).max(1000).default(40),
  max_buffer: z.number().int().min(1).max(1_000_000).default(50_000).describe("most transitions a buffer keeps"),
  max_tokens: z.number().int().min(16).max(16_384).default(1024).describe("most tokens one transition may generate"),
  timeout_ms: z.number().int().min(100).max(600_000).default(60_000).describe("most time one transition may take"),
});

export type DreamOperatorInput = z.input<typeof dreamOperatorSchema>;
export type DreamOperatorConfig = z.output<typeof dreamOperatorSchema>;
export type ModelEntry = z.output<typeof endpointModelSchema> | z.output<typeof checkpointModelSchema>;

export function parseDreamOperatorConfig(raw: unknown): DreamOperatorConfig {
  const parsed = dreamOperatorSchema.safeParse(raw ?? {});
  if (!parsed.success) throw new Error(`invalid dream server config: ${z.prettifyError(parsed.error)}`);
  const c = parsed.data;
  if (c.models?.[BUILTIN_MODEL]) throw new Error(`dream model name "${BUILTIN_MODEL}" is built in; choose another`);
  if (c.buffers?.[LIVE_BUFFER]) throw new Error(`dream buffer name "${LIVE_BUFFER}" is built in; choose another`);
  return c;
}

/** Parses `--dream-endpoint NAME=MODEL@URL`. */
export function parseEndpointFlag(value: string): [string, z.input<typeof endpointModelSchema>] {
  const m = /^([^=]+)=([^@]+)@(.+)$/.exec(value);
  if (!m || !NAME.test(m[1]!)) throw new Error(`--dream-endpoint expects NAME=MODEL@URL, e.g. qwen=Qwen2.5-7B-Instruct@http://127.0.0.1:8000 (got "${shortName(value, 80)}")`);
  return [m[1]!, { endpoint: m[3]!, model: m[2]! }];
}

/** Parses `NAME=PATH` (`--dream-checkpoint`, `--dream-recordings`). */
export function parseNamedPath(flag: string, value: string): [string, string] {
  const eq = value.indexOf("=");
  const n = eq > 0 ? value.slice(0, eq) : "";
  if (!NAME.test(n) || eq === value.length - 1) throw new Error(`${flag} expects NAME=PATH (got "${shortName(value, 80)}")`);
  return [n, value.slice(eq + 1)];
}

/** What a session chooses; names and numbers only. */
export interface DreamConfig {
  base: string;
  baseConfig: Record<string, unknown>;
  model: string;
  buffer: string;
  /** Real transitions retrieved per step. */
  k: number;
  /** Steps of history shown to the model (the first observation is always shown). */
  history: number;
  maxTokens: number;
  temperature: number;
}

export interface ClientBounds {
  models: readonly string[];
  buffers: readonly string[];
  bases: readonly string[];
  maxTokens: number;
}

export function clientConfigSchema(b: ClientBounds) {
  const oneOf = (names: readonly string[], what: string) =>
    z.string().refine((v) => names.includes(v), { message: `not a ${what} this server's operator configured; valid: ${names.join(", ") || "none"}` });
  return z.strictObject({
    base: (b.bases.length > 0 ? z.enum(b.bases as [string, ...string[]]) : oneOf([], "base env")).default(b.bases.includes("sokoban") ? "sokoban" : (b.bases[0] ?? "sokoban")).describe("the env whose spec, start states and tasks are wrapped"),
    base_config: z.record(z.string(), z.unknown()).default({}).describe("the base env's session config (validated by the base env)"),
    model: (b.models.length > 0 ? z.enum(b.models as [string, ...string[]]) : oneOf([], "model")).default(BUILTIN_MODEL).describe("a transition model the operator configured, by name"),
    buffer: (b.buffers.length > 0 ? z.enum(b.buffers as [string, ...string[]]) : oneOf([], "buffer")).default(b.buffers[0] ?? LIVE_BUFFER).describe('a replay buffer the operator configured, by name (default "live" when the operator keeps it)'),
    k: z.number().int().min(0).max(8).default(3).describe("real transitions retrieved per step"),
    history: z.number().int().min(0).max(32).default(4).describe("steps of history in the prompt"),
    max_tokens: z.number().int().min(16).max(b.maxTokens).default(Math.min(512, b.maxTokens)),
    temperature: z.number().min(0).max(2).default(0).describe("0 = greedy; otherwise sampled with a seed from the episode's RNG"),
  });
}

export function parseClientConfig(raw: unknown, b: ClientBounds): DreamConfig {
  const c = parseClientInput(clientConfigSchema(b), raw, "dream config");
  return { base: c.base, baseConfig: c.base_config, model: c.model, buffer: c.buffer, k: c.k, history: c.history, maxTokens: c.max_tokens, temperature: c.temperature };
}
