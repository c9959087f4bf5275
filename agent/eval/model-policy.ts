/**
 * A trained checkpoint as the policy under evaluation: greedy (or sampled)
 * generation with the KV cache, in the chat template SFT used. Optionally it picks its
 * answer among the state's valid actions by its own likelihood instead of writing one.
 */
import { loadCheckpoint, SeededRng, type Tokenizer, type TransformerLM } from "../model/index.js";
import type { ChatMessage } from "../format/prompt.js";
import { writeAnswerOnly } from "../format/response.js";
import type { AnswerMode, PolicyContext, PolicyResponse, ResponsePolicy } from "./policy.js";

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
  /**
   * "write" (default): the answer is whatever the model writes. "valid": the model writes
   * its reasoning (when it simulates), then its answer is chosen among the observation's
   * valid actions by the likelihood it gives each as the reply's answer — the most likely
   * one greedy, or drawn with probability ∝ p^(1/temperature). Its answers are then always
   * valid commands, which matters where a command names objects of the current state
   * (ALFWorld). States without a valid-action list fall back to writing.
   */
  answers?: AnswerMode;
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

  async respond(messages: ChatMessage[], context?: PolicyContext): Promise<PolicyResponse> {
    const base = this.opts.seed ?? 0;
    const seed =
      context?.episodeSeed !== undefined
        ? (Math.imul(base ^ 0x2545f491, 0x9e3779b1) ^ Math.imul(context.episodeSeed, 0x85ebca6b) ^ Math.imul(context.step + 1, 0xc2b2ae35)) >>> 0
        : base + this.calls++;
    const valid = context?.observation.validActions ?? [];
    // An action-only model answering among valid actions writes nothing, so its prompt is encoded only by the scoring.
    if (this.opts.answers !== "valid" || valid.length === 0) return this.write(messages, seed);
    const written = this.simulates ? await this.write(messages, seed) : undefined;
    const prefix = written ? reasoningOf(written.text) : "";
    const chosen = await this.choose(messages, prefix, valid, seed);
    const text = `${prefix}${writeAnswerOnly(chosen)}`;
    // The response's length as if written whole: its tokens and the end token.
    return { text, tokens: this.tokenizer.encode(text).length + 1 };
  }

  /**
   * The valid action whose reply (`prefix` then its answer) the model finds most likely,
   * or one drawn from those likelihoods at the policy's temperature.
   */
  private async choose(messages: ChatMessage[], prefix: string, valid: readonly string[], seed: number): Promise<string> {
    if (valid.length === 1) return valid[0]!;
    const totals = await this.serially(() => answerLogprobs(this.model, this.tokenizer, messages, prefix, valid));
    const t = this.opts.temperature ?? 0;
    if (t === 0) return valid[totals.indexOf(Math.max(...totals))]!;
    const top = Math.max(...totals);
    const weights = totals.map((x) => Math.exp((x - top) / t));
    let u = new SeededRng(seed).next() * weights.reduce((a, b) => a + b, 0);
    for (const [i, w] of weights.entries()) if ((u -= w) < 0) return valid[i]!;
    return valid[valid.length - 1]!;
  }

  /** Model calls run one at a time, in order, between the batched generations. */
  private serially<T>(work: () => Promise<T>): Promise<T> {
    const done = this.running.then(work);
    this.running = done.then(
      () => undefined,
      () => undefined,
    );
    return done;
  }

  private write(messages: ChatMessage[], seed: number): Promise<PolicyResponse> {
    const prompt = this.tokenizer.encodeChat(messages, true).ids;
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

/**
 * log p(reply) for each candidate answer, the reply being `prefix` then the answer (as
 * SFT wrote answers), after `messages` in the chat template. The replies share their
 * tokens up to where the answers differ, so that shared part joins the prompt and only
 * the differing tails are scored, all after one prompt pass.
 */
export async function answerLogprobs(model: TransformerLM, tokenizer: Tokenizer, messages: readonly ChatMessage[], prefix: string, answers: readonly string[]): Promise<number[]> {
  if (answers.length === 0) return [];
  const full = answers.map((a) => tokenizer.encodeChat([...messages, { role: "assistant", content: `${prefix}${writeAnswerOnly(a)}` }]).ids);
  let shared = full[0]!.length;
  for (const ids of full) {
    let i = 0;
    while (i < shared && ids[i] === full[0]![i]) i++;
    shared = i;
  }
  return model.scoreChoices(full[0]!.slice(0, shared), full.map((ids) => ids.slice(shared)));
}

/** A written response up to its answer: what precedes `<answer>`, or all of it (on its own line) when it has none. */
function reasoningOf(text: string): string {
  const at = text.lastIndexOf("<answer>");
  if (at >= 0) return text.slice(0, at);
  return text.length === 0 || text.endsWith("\n") ? text : `${text}\n`;
}
