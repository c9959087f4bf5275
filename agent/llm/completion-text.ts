/**
 * Turns one completion's tokens, as the model makes them, into the text and
 * per-token logprobs a chat-completions response returns, applying stop
 * strings during generation.
 *
 * Every token stands for some UTF-8 bytes (one byte for byte tokens, a whole
 * piece for a fitted tokenizer's pieces, none for special tokens), and stop
 * strings are matched on those bytes, so "the text ends with a stop string" is
 * decided exactly after each token. A match drops the token where the stop string
 * starts and everything after it (a stop string that starts inside a piece drops
 * the whole piece: the reply is cut at a token boundary, so its text is always
 * the decoding of its tokens). While the text could still grow into a stop string,
 * the tokens involved are held back (not released to a stream) until the string is
 * matched or ruled out. Text is decoded with a streaming UTF-8 decoder, so a delta
 * never splits a character, and the concatenated deltas equal
 * `tokenizer.decode(tokens)` of the returned tokens.
 */
import type { Tokenizer } from "../model/tokenizer.js";
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

/** What a token stands for: its bytes, or undefined for special tokens. */
export type TokenBytes = (id: number) => Uint8Array | undefined;

export class CompletionText {
  /** Tokens kept so far (stop-string tokens removed). */
  private readonly toks: StepToken[] = [];
  /** The text's bytes so far, and for each byte the index of the token it belongs to. */
  private bytes: number[] = [];
  private owner: number[] = [];
  private released = 0;
  private readonly stops: Uint8Array[];
  private readonly decoder = new TextDecoder("utf-8", { fatal: false });
  private flushed = false;
  stopped = false;

  constructor(
    stops: readonly string[],
    private readonly bytesOf: TokenBytes = (id) => (id < 256 ? Uint8Array.of(id) : undefined),
  ) {
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
    const index = this.toks.length;
    this.toks.push(t);
    const b = this.bytesOf(t.token);
    if (b === undefined || b.length === 0 || this.stops.length === 0) {
      if (b) for (const x of b) (this.bytes.push(x), this.owner.push(index));
      return false;
    }
    const before = this.bytes.length;
    for (const x of b) (this.bytes.push(x), this.owner.push(index));
    let cutToken = -1;
    for (const s of this.stops) {
      // A match must end inside this token's bytes (earlier ones were checked before).
      const from = Math.max(0, before - s.length + 1);
      for (let p = from; p + s.length <= this.bytes.length; p++) {
        if (this.matchesAt(s, p, s.length)) {
          const owner = this.owner[p]!;
          if (cutToken < 0 || owner < cutToken) cutToken = owner;
          break;
        }
      }
    }
    if (cutToken < 0) return false;
    this.toks.length = cutToken;
    const keep = this.owner.findIndex((o) => o >= cutToken);
    if (keep >= 0) {
      this.bytes.length = keep;
      this.owner.length = keep;
    }
    this.stopped = true;
    return true;
  }

  private matchesAt(s: Uint8Array, p: number, len: number): boolean {
    for (let j = 0; j < len; j++) if (this.bytes[p + j] !== s[j]) return false;
    return true;
  }

  /** Where held-back tokens start: the earliest token from whose bytes the text could still grow into a stop string. */
  private holdFrom(): number {
    let hold = this.toks.length;
    if (this.stopped) return hold;
    const n = this.bytes.length;
    for (const s of this.stops) {
      // The longest proper prefix of s that the text ends with.
      for (let len = Math.min(s.length - 1, n); len > 0; len--) {
        if (this.matchesAt(s, n - len, len)) {
          hold = Math.min(hold, this.owner[n - len]!);
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
      const b = this.bytesOf(t.token);
      if (b !== undefined) text += this.decoder.decode(b, { stream: true });
      else text += this.decoder.decode(); // a special token ends any partial character, as Tokenizer.decode does
    }
    if (final && !this.flushed) {
      text += this.decoder.decode();
      this.flushed = true;
    }
    return { text, tokens };
  }
}

/** OpenAI's per-token logprobs entries for `tokens`, with up to `topK` alternatives each. */
export function logprobEntries(tokenizer: Tokenizer, tokens: readonly StepToken[], topK: number): LogprobEntry[] {
  const describe = (id: number): { token: string; bytes: number[] | null } => {
    const b = tokenizer.tokenBytes(id);
    return b === undefined ? { token: tokenizer.decode([id], true), bytes: null } : { token: tokenizer.decode([id]), bytes: [...b] };
  };
  return tokens.map((t) => ({
    ...describe(t.token),
    logprob: t.logprob,
    top_logprobs: (t.top ?? []).slice(0, topK).map((a) => ({ ...describe(a.token), logprob: a.logprob })),
  }));
}
