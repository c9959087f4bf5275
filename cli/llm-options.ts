import { Option, type Command } from "commander";
import { ChatClient } from "../agent/llm/client.js";

/** --llm-url/--llm-model/--llm-key: an OpenAI-compatible endpoint (vLLM, llama.cpp, Ollama, dynamind serve-model). */
export function addLlmOptions(command: Command): Command {
  return command
    .option("--llm-url <url>", "OpenAI-compatible endpoint, e.g. http://127.0.0.1:8000")
    .option("--llm-model <name>", "model name at that endpoint")
    .addOption(new Option("--llm-key <key>", "API key for the endpoint").env("OPENAI_API_KEY"));
}

export function llmFromOptions(opts: { llmUrl?: string; llmModel?: string; llmKey?: string }): ChatClient | undefined {
  if (!opts.llmUrl) return undefined;
  if (!opts.llmModel) throw new Error("--llm-url needs --llm-model");
  return new ChatClient({ baseUrl: opts.llmUrl, model: opts.llmModel, apiKey: opts.llmKey });
}
