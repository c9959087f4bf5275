/**
 * Turns one completion's tokens, as the model makes them, into the text and
 * per-token logprobs a chat-completions response returns, applying stop
 * strings during generation.
 *
 * Stop strings are matched on the bytes of the generated text (ByteTokenizer:
 * one byte = one token; special tokens add no text and are skipped by the
 * match), so "the text ends with a stop string" is decided exactly after each
 * token and the matched tokens are dropped. While the text ends with the start
 * of a stop string, those tokens are held back (not released to a stream) until
 * the string is matched or ruled out. Text is decoded with a streaming UTF-8
 * decoder, so a delta never splits a character, and the concatenated deltas
 * equal `tokenizer.decode(tokens)` of the returned tokens.
 */
import type { ByteTokenizer } from "../model/tokenizer.js";
import type { StepToken } from "../model/transformer.js";

/** One returned token in OpenAI's logprobs shape. */
export interface LogprobEntry {
  token: string;
  logprob: number;
  /** UTF-8 bytes of the token; null for special tokens (they have no text). */
  bytes: number[] | null;
  top_logprobs: { token: string; logprob: number; bytes: number[] | null }[];
}

export interface Released {
  text: string;
  tokens: StepToken[];
}

export class CompletionText {
  /** Tokens kept so far (stop-string tokens removed). */
  private readonly toks: StepToken[] = [];
  private released = 0;
  private readonly stops: Uint8Array[];
  private readonly decoder = new TextDecoder("utf-8", { fatal: false });
  private flushed = false;
  stopped = false;

  constructor(stops: readonly string[]) {
    const enc = new TextEncoder();
    this.stops = stops.filter((s) => s.length > 0).map((s) => enc.encode(s));
  }

  /** Tokens kept so far (the returned completion when generation ends). */
  get tokens(): readonly StepToken[] {
    return this.toks;
  }

  /** Adds the next token; true when it completed a stop string (the row should end now). */
  push(t: StepToken): boolean {
    if (this.stopped) return true;
    this.toks.push(t);
    if (t.token >= 256 || this.stops.length === 0) return false;
    let cut = -1;
    for (const s of this.stops) {
      const start = this.matchStart(s, s.length);
      if (start >= 0 && (cut < 0 || start < cut)) cut = start;
    }
    if (cut < 0) return false;
    this.toks.length = cut;
    this.stopped = true;
    return true;
  }

  /**
   * Index in `toks` of the first of the last `len` byte tokens when those bytes
   * equal s[0, len); -1 otherwise.
   */
  private matchStart(s: Uint8Array, len: number): number {
    let i = this.toks.length - 1;
    for (let j = len - 1; j >= 0; j--) {
      while (i >= 0 && (this.toks[i] as StepToken).token >= 256) i--;
      if (i < 0 || (this.toks[i] as StepToken).token !== s[j]) return -1;
      if (j > 0) i--;
    }
    return i;
  }

  /** Where held-back tokens start: the earliest byte from which the text could still grow into a stop string. */
  private holdFrom(): number {
    let hold = this.toks.length;
    if (this.stopped) return hold;
    for (const s of this.stops) {
      for (let len = s.length - 1; len > 0; len--) {
        const start = this.matchStart(s, len);
        if (start >= 0) {
          hold = Math.min(hold, start);
          break;
        }
      }
    }
    return hold;
  }

  /** Text and tokens that can be sent now (all that is left once `final`). */
  release(final = false): Released {
    const upTo = final ? this.toks.length : this.holdFrom();
    const tokens = this.toks.slice(this.released, Math.max(this.released, upTo));
    this.released = Math.max(this.released, upTo);
    let text = "";
    for (const t of tokens) {
      if (t.token < 256) text += this.decoder.decode(Uint8Array.of(t.token), { stream: true });
      else text += this.decoder.decode(); // a special token ends any partial character, as ByteTokenizer.decode does
    }
    if (final && !this.flushed) {
      text += this.decoder.decode();
      this.flushed = true;
    }
    return { text, tokens };
  }
}

/** OpenAI's per-token logprobs entries for `tokens`, with up to `topK` alternatives each. */
export function logprobEntries(tokenizer: ByteTokenizer, tokens: readonly StepToken[], topK: number): LogprobEntry[] {
  const describe = (id: number): { token: string; bytes: number[] | null } =>
    id < 256 ? { token: tokenizer.decode([id]), bytes: [id] } : { token: tokenizer.decode([id], true), bytes: null };
  return tokens.map((t) => ({
    ...describe(t.token),
    logprob: t.logprob,
    top_logprobs: (t.top ?? []).slice(0, topK).map((a) => ({ ...describe(a.token), logprob: a.logprob })),
  }));
}
