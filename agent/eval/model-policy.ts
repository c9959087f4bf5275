/**
 * A trained checkpoint as the policy under evaluation: greedy (or sampled)
 * generation with the KV cache, in the chat template SFT used.
 */
import { loadCheckpoint, type Tokenizer, type TransformerLM } from "../model/index.js";
import type { ChatMessage } from "../format/prompt.js";
import type { PolicyContext, PolicyResponse, ResponsePolicy } from "./policy.js";

export interface CheckpointPolicyOptions {
  /** Whether the checkpoint was trained on ReSim responses (plans) or on answers only. */
  simulates: boolean;
  maxNewTokens: number;
  /**
   * 0 = greedy. Above 0, each response samples from a stream seeded by (seed, episode
   * seed, step) when the caller says which episode it plays, so an episode's actions do
   * not depend on which episodes were batched with it.
   */
  temperature?: number;
  seed?: number;
  name?: string;
  /**
   * Prompts from concurrent callers (e.g. evaluation episodes in flight) are generated
   * together, up to this many at once (default 32): one batched forward pass per token
   * instead of one per episode, several times the throughput on a CPU.
   */
  maxBatch?: number;
}

interface Pending {
  prompt: number[];
  seed: number;
  resolve(r: PolicyResponse): void;
  reject(err: unknown): void;
}

/** How long the first queued prompt waits for others to join its batch. */
const BATCH_WINDOW_MS = 5;

export class CheckpointPolicy implements ResponsePolicy {
  readonly name: string;
  readonly simulates: boolean;
  private calls = 0;
  private queue: Pending[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** Generations run one batch at a time, in order. */
  private running: Promise<void> = Promise.resolve();

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

  respond(messages: ChatMessage[], context?: PolicyContext): Promise<PolicyResponse> {
    const prompt = this.tokenizer.encodeChat(messages, true).ids;
    const base = this.opts.seed ?? 0;
    const seed =
      context?.episodeSeed !== undefined
        ? (Math.imul(base ^ 0x2545f491, 0x9e3779b1) ^ Math.imul(context.episodeSeed, 0x85ebca6b) ^ Math.imul(context.step + 1, 0xc2b2ae35)) >>> 0
        : base + this.calls++;
    return new Promise<PolicyResponse>((resolve, reject) => {
      this.queue.push({ prompt, seed, resolve, reject });
      if (this.queue.length >= (this.opts.maxBatch ?? 32)) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), BATCH_WINDOW_MS);
    });
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.queue.splice(0, this.opts.maxBatch ?? 32);
    if (batch.length === 0) return;
    this.running = this.running.then(() => this.generate(batch));
  }

  private async generate(batch: Pending[]): Promise<void> {
    try {
      // generate() makes room for maxNewTokens by cutting a prompt's start, which holds
      // the state; so ask only for what the context leaves after the longest prompt.
      const longest = Math.max(...batch.map((p) => p.prompt.length));
      const room = this.model.config.maxSeqLen - longest;
      const out = await this.model.generate(
        batch.map((p) => p.prompt),
        {
          maxNewTokens: room > 0 ? Math.min(this.opts.maxNewTokens, room) : this.opts.maxNewTokens,
          temperature: this.opts.temperature ?? 0,
          stopTokens: [this.tokenizer.end, this.tokenizer.eos],
          rowSeeds: batch.map((p) => p.seed),
        },
      );
      batch.forEach((p, i) => {
        const tokens = out.tokens[i]!;
        p.resolve({ text: this.tokenizer.decode(tokens), tokens: tokens.length });
      });
    } catch (err) {
      for (const p of batch) p.reject(err);
    }
  }
}
