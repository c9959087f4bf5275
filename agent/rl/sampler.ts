/**
 * What rollouts generate with: one batched call per step for every active episode.
 * The model sampler never lets generation cut a prompt (TransformerLM.generate cuts
 * prompts on the left to make room for maxNewTokens): it asks only for the room the
 * longest prompt leaves, and a prompt that leaves none is an error, not a silent cut.
 * Tests replace it with a scripted sampler.
 */
import type { Tokenizer } from "../model/tokenizer.js";
import type { TransformerLM } from "../model/transformer.js";

export interface SampleResult {
  /** New tokens per prompt (with the stop token when one ended the row). */
  completions: number[][];
}

export interface Sampler {
  readonly maxSeqLen: number;
  /** One completion per prompt, from one batched call; the same seed and prompts give the same completions. */
  sample(prompts: readonly (readonly number[])[], seed: number): Promise<SampleResult>;
}

export interface ModelSamplerOptions {
  maxNewTokens: number;
  temperature: number;
  topP: number;
  /** The least room for a response the longest prompt may leave. */
  minResponseTokens: number;
}

export class ModelSampler implements Sampler {
  constructor(
    private readonly model: TransformerLM,
    private readonly tokenizer: Tokenizer,
    private readonly opts: ModelSamplerOptions,
  ) {}

  get maxSeqLen(): number {
    return this.model.config.maxSeqLen;
  }

  async sample(prompts: readonly (readonly number[])[], seed: number): Promise<SampleResult> {
    if (prompts.length === 0) return { completions: [] };
    const longest = Math.max(...prompts.map((p) => p.length));
    const room = this.maxSeqLen - longest;
    if (room < this.opts.minResponseTokens) {
      throw new Error(`a prompt of ${longest} tokens leaves ${room} of the model's ${this.maxSeqLen}-token context for the response (at least ${this.opts.minResponseTokens} needed); shorten the prompt (--history, promptStyle) or use a model with a longer context`);
    }
    const out = await this.model.generate(prompts, {
      maxNewTokens: Math.min(this.opts.maxNewTokens, room),
      temperature: this.opts.temperature,
      topP: this.opts.topP,
      stopTokens: [this.tokenizer.end, this.tokenizer.eos],
      seed,
    });
    return { completions: out.tokens };
  }
}
