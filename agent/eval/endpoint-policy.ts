/** Any OpenAI-compatible chat endpoint (vLLM, llama.cpp, Ollama, `dynamind serve-model`) as the evaluated policy. */
import type { ChatClient } from "../llm/client.js";
import type { ChatMessage } from "../format/prompt.js";
import type { PolicyResponse, ResponsePolicy } from "./policy.js";

export interface EndpointPolicyOptions {
  simulates: boolean;
  maxTokens: number;
  temperature?: number;
  seed?: number;
}

export class EndpointPolicy implements ResponsePolicy {
  readonly name: string;
  readonly simulates: boolean;
  private calls = 0;

  constructor(
    private readonly client: ChatClient,
    private readonly opts: EndpointPolicyOptions,
  ) {
    this.simulates = opts.simulates;
    this.name = `endpoint(${client.model})`;
  }

  async respond(messages: ChatMessage[]): Promise<PolicyResponse> {
    const r = await this.client.chat(messages, {
      temperature: this.opts.temperature ?? 0,
      maxTokens: this.opts.maxTokens,
      seed: (this.opts.seed ?? 0) + this.calls++,
    });
    const text = r.choices[0]?.text ?? "";
    return { text, tokens: r.usage?.completionTokens ?? text.length };
  }
}
