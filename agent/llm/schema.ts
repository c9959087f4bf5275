/** The subset of the OpenAI chat-completions API that dynamind speaks (client and server). */
import { z } from "zod";

/** Largest `top_logprobs` (OpenAI's limit). */
export const MAX_TOP_LOGPROBS = 20;

/**
 * One part of an array `content`. Only `{type: "text", text}` parts are
 * usable; others parse here and are refused by the server with a message that
 * names the part (so the error is a clear 400, not a schema dump).
 */
export const ContentPartSchema = z.object({ type: z.string().max(64), text: z.string().optional() }).passthrough();

export const ChatMessageSchema = z.object({
  /** `developer` is OpenAI's newer name for `system`; both mean the same here. */
  role: z.enum(["system", "developer", "user", "assistant"]),
  content: z.union([z.string(), z.array(ContentPartSchema).max(1024)]),
});
export type ChatMessageInput = z.infer<typeof ChatMessageSchema>;

export const ChatCompletionRequestSchema = z.object({
  model: z.string().max(256).optional(),
  messages: z.array(ChatMessageSchema).min(1).max(4096),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().gt(0).max(1).nullish(),
  max_tokens: z.number().int().positive().nullish(),
  /** The newer name of `max_tokens`; wins when both are given. */
  max_completion_tokens: z.number().int().positive().nullish(),
  n: z.number().int().positive().max(64).nullish(),
  seed: z.number().int().nullish(),
  stop: z.union([z.string().max(256), z.array(z.string().max(256)).max(4)]).nullish(),
  logprobs: z.boolean().nullish(),
  top_logprobs: z.number().int().min(0).max(MAX_TOP_LOGPROBS).nullish(),
  stream: z.boolean().nullish(),
  stream_options: z.object({ include_usage: z.boolean().nullish() }).nullish(),
});
export type ChatCompletionRequest = z.infer<typeof ChatCompletionRequestSchema>;

const TopLogprobSchema = z.object({ token: z.string(), logprob: z.number(), bytes: z.array(z.number()).nullish() }).passthrough();

export const TokenLogprobSchema = z
  .object({ token: z.string(), logprob: z.number(), bytes: z.array(z.number()).nullish(), top_logprobs: z.array(TopLogprobSchema).nullish() })
  .passthrough();

export const ChatCompletionResponseSchema = z.object({
  id: z.string().optional(),
  object: z.string().optional(),
  model: z.string().optional(),
  choices: z
    .array(
      z.object({
        index: z.number().int().optional(),
        message: z.object({ role: z.string().optional(), content: z.string().nullable() }).passthrough(),
        finish_reason: z.string().nullable().optional(),
        logprobs: z.object({ content: z.array(TokenLogprobSchema).nullable() }).passthrough().nullable().optional(),
      }),
    )
    .min(1),
  usage: z
    .object({ prompt_tokens: z.number(), completion_tokens: z.number(), total_tokens: z.number().optional() })
    .passthrough()
    .optional(),
});
export type ChatCompletionResponse = z.infer<typeof ChatCompletionResponseSchema>;

/** OpenAI's error body. */
export const ErrorBodySchema = z.object({
  error: z.union([
    z.string(),
    z.object({ message: z.string().optional(), type: z.string().nullish(), param: z.string().nullish(), code: z.union([z.string(), z.number()]).nullish() }).passthrough(),
  ]),
});
