/** OpenAI-compatible chat-completions: a client for any endpoint, and a server over a project checkpoint. */
export { ChatClient, LlmError, type ChatClientOptions, type ChatOptions, type ChatResult, type ChatChoice, type LlmErrorKind, type TokenLogprob } from "./client.js";
export { startModelServer, type ModelServer, type ModelServerOptions } from "./server.js";
export { ChatCompletionRequestSchema, ChatCompletionResponseSchema, type ChatCompletionRequest, type ChatCompletionResponse } from "./schema.js";
