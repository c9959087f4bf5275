/**
 * A trained checkpoint as the policy under evaluation: greedy (or sampled)
 * generation with the KV cache, in the chat template SFT used.
 */
import { loadCheckpoint, type Tokenizer, type TransformerLM } from "../model/index.js";
import type { ChatMessage } from "../format/prompt.js";
import type { PolicyResponse, ResponsePolicy } from "./policy.js";

export interface CheckpointPolicyOptions {
  /** Whether the checkpoint was trained on ReSim responses (plans) or on answers only. */
  simulates: boolean;
  maxNewTokens: number;
  /** 0 = greedy. */
  temperature?: number;
  seed?: number;
  name?: string;
}

export class CheckpointPolicy implements ResponsePolicy {
  readonly name: string;
  readonly simulates: boolean;
  private calls = 0;

  private constructor(
    private readonly model: TransformerLM,
    private readonly tokenizer: Tokenizer,
    private readonly opts: CheckpointPolicyOptions,
    dir: string,
  ) {
    this.simulates = opts.simulates;
    this.name = opts.name ?? `checkpoint(${dir})`;
  }

  static async load(dir: string, opts: CheckpointPolicyOptions): Promise<CheckpointPolicy> {
    const { model, tokenizer } = await loadCheckpoint(dir);
    return new CheckpointPolicy(model, tokenizer, opts, dir);
  }

  async respond(messages: ChatMessage[]): Promise<PolicyResponse> {
    const prompt = this.tokenizer.encodeChat(messages, true).ids;
    // generate() makes room for maxNewTokens by cutting the prompt's start, which holds
    // the state; so ask only for what the context leaves after the whole prompt.
    const room = this.model.config.maxSeqLen - prompt.length;
    const out = await this.model.generate([prompt], {
      maxNewTokens: room > 0 ? Math.min(this.opts.maxNewTokens, room) : this.opts.maxNewTokens,
      temperature: this.opts.temperature ?? 0,
      stopTokens: [this.tokenizer.end, this.tokenizer.eos],
      seed: (this.opts.seed ?? 0) + this.calls++,
    });
    const tokens = out.tokens[0]!;
    return { text: this.tokenizer.decode(tokens), tokens: tokens.length };
  }
}
