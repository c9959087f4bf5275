/**
 * Tokenizers with the chat template SFT, evaluation and `serve-model` share.
 *
 * Two kinds implement {@link Tokenizer}, and a checkpoint's `tokenizer.json`
 * says which:
 *
 * - {@link ByteTokenizer} (`byte`): ids 0–255 are the UTF-8 bytes, the chat
 *   special tokens follow. Fixed, needs no data; every string round-trips.
 * - {@link FittedTokenizer} (`fitted`): the same 263 ids, then the response
 *   format's markup tags (`<think>`, `<action>`, …) and the most useful
 *   *pieces* of a training corpus. Text is cut into pieces by a fixed
 *   pre-tokenizer; a piece in the vocabulary is one token, any other piece is
 *   written as its UTF-8 bytes, so every string still round-trips exactly and
 *   nothing is ever unknown.
 *
 * The pre-tokenizer (version `pieces-v1`), applied left to right:
 *
 * 1. a markup tag of the vocabulary, longest first (`</think>`, `<plan`, …);
 * 2. a word: ` ?[A-Z]?[a-z]+` — ASCII lower-case letters with an optional
 *    capital and an optional leading space (`Up`, ` countertop`, ` the`);
 * 3. one digit with an optional leading space (` 3`, `7`) — numbers stay
 *    digit by digit, so `12` is `1` `2` and every value 0.00–1.00 is read the
 *    same way;
 * 4. otherwise one character (one code point).
 *
 * So a piece never spans two symbols of a grid: Sokoban's `#_OX√PS` cells,
 * punctuation and newlines are one piece each (a word needs lower-case letters,
 * and no grid cell here is one); only `√` and other non-ASCII characters gain
 * (one token instead of 2–4 bytes).
 *
 * Why a piece vocabulary and not a byte-level BPE: the pre-tokenizer already
 * fixes where tokens may end, and inside a piece BPE would only split rare
 * words into sub-words. The environments' text has a small closed vocabulary
 * (action names, object and receptacle names, template prose), which whole
 * pieces cover; the rare rest falls back to bytes, which a BPE would also
 * spend several tokens on. A piece vocabulary is fitted in one counting pass,
 * is deterministic (ranked by bytes saved, ties by text), encodes with one
 * regular-expression step and one Map lookup per piece, and is readable in
 * `tokenizer.json`.
 *
 * Fitting ranks the pieces seen at least `minCount` times by the bytes they
 * save, `count × (UTF-8 length − 1)`, and keeps the best `maxPieces`.
 *
 * Strings are UTF-8: a lone UTF-16 surrogate (not valid Unicode) decodes as
 * U+FFFD with either tokenizer.
 */
import { z } from "zod";
import { RESPONSE_MARKUP } from "../format/response.js";

/** The chat roles of the OpenAI message format. */
export type ChatRole = "system" | "user" | "assistant";

export interface ChatMessage {
  role: ChatRole;
  content: string;
}

export const SPECIAL_TOKENS = ["<pad>", "<bos>", "<eos>", "<|system|>", "<|user|>", "<|assistant|>", "<|end|>"] as const;
export type SpecialToken = (typeof SPECIAL_TOKENS)[number];

/** The pre-tokenizer of fitted tokenizers (see the module doc); a new rule would be a new version. */
export const PRETOKENIZER = "pieces-v1";
const PIECE_SOURCE = " ?[A-Z]?[a-z]+| ?[0-9]|[\\s\\S]";

const ByteTokenizerJsonSchema = z
  .object({
    type: z.literal("byte"),
    version: z.literal(1),
    specialTokens: z.array(z.string()),
  })
  .strict();

const FittedTokenizerJsonSchema = z
  .object({
    type: z.literal("fitted"),
    version: z.literal(1),
    specialTokens: z.array(z.string()),
    pretokenizer: z.literal(PRETOKENIZER),
    /** Markup tags, ids 263… in this order. */
    markup: z.array(z.string().min(1)),
    /** Pieces, ids after the markup in this order. */
    pieces: z.array(z.string().min(1)),
    /** How the vocabulary was fitted (informational). */
    fit: z.object({ texts: z.number().int().nonnegative(), minCount: z.number().int().positive(), maxPieces: z.number().int().nonnegative() }).optional(),
  })
  .strict();

/** Serialised form, stored as tokenizer.json in a checkpoint. */
export const TokenizerJsonSchema = z.discriminatedUnion("type", [ByteTokenizerJsonSchema, FittedTokenizerJsonSchema]);
export type TokenizerJson = z.infer<typeof TokenizerJsonSchema>;
export type ByteTokenizerJson = z.infer<typeof ByteTokenizerJsonSchema>;
export type FittedTokenizerJson = z.infer<typeof FittedTokenizerJsonSchema>;
export type TokenizerType = TokenizerJson["type"];

/** One chat example as token ids, with 1 where a token belongs to an assistant reply (its content and `<|end|>`). */
export interface EncodedChat {
  ids: number[];
  responseMask: number[];
}

/** What the model, SFT, evaluation and the server need of a tokenizer. */
export interface Tokenizer {
  readonly type: TokenizerType;
  readonly vocabSize: number;
  readonly pad: number;
  readonly bos: number;
  readonly eos: number;
  readonly end: number;
  /** Id of a special token. */
  special(token: SpecialToken): number;
  roleToken(role: ChatRole): number;
  encode(text: string): number[];
  /** Text of the ids; special tokens are dropped unless `keepSpecial`. Invalid UTF-8 byte runs become U+FFFD. */
  decode(ids: readonly number[], keepSpecial?: boolean): string;
  /**
   * The chat template: `<bos>` then, per message, `<|role|>` content `<|end|>`.
   * With `addGenerationPrompt` it ends with `<|assistant|>` so the model writes
   * a reply, which ends at `<|end|>`.
   */
  encodeChat(messages: readonly ChatMessage[], addGenerationPrompt?: boolean): EncodedChat;
  /** The UTF-8 bytes a token stands for; undefined for special tokens (they stand for no text). */
  tokenBytes(id: number): Uint8Array | undefined;
  toJSON(): TokenizerJson;
}

const N_BYTES = 256;
const FIRST_EXTRA = N_BYTES + SPECIAL_TOKENS.length;

/** Special tokens and the chat template, common to every tokenizer here. */
abstract class ChatTokenizer implements Tokenizer {
  abstract readonly type: TokenizerType;
  abstract readonly vocabSize: number;
  readonly pad = 256;
  readonly bos = 257;
  readonly eos = 258;
  readonly end = 262;
  protected readonly utf8 = new TextEncoder();
  private readonly utf8Decoder = new TextDecoder("utf-8", { fatal: false });

  special(token: SpecialToken): number {
    return N_BYTES + SPECIAL_TOKENS.indexOf(token);
  }

  roleToken(role: ChatRole): number {
    return this.special(`<|${role}|>`);
  }

  abstract encode(text: string): number[];
  abstract toJSON(): TokenizerJson;

  /** Text of an id above the special tokens, or undefined. */
  protected extraText(_id: number): string | undefined {
    return undefined;
  }

  tokenBytes(id: number): Uint8Array | undefined {
    if (id >= 0 && id < N_BYTES) return Uint8Array.of(id);
    if (id < FIRST_EXTRA) return undefined;
    const text = this.extraText(id);
    return text === undefined ? undefined : this.utf8.encode(text);
  }

  decode(ids: readonly number[], keepSpecial = false): string {
    let out = "";
    let bytes: number[] = [];
    const flush = (): void => {
      if (bytes.length) out += this.utf8Decoder.decode(Uint8Array.from(bytes));
      bytes = [];
    };
    for (const id of ids) {
      if (id >= 0 && id < N_BYTES) {
        bytes.push(id);
        continue;
      }
      flush();
      if (id < FIRST_EXTRA) {
        if (keepSpecial && id >= N_BYTES) out += SPECIAL_TOKENS[id - N_BYTES];
      } else {
        out += this.extraText(id) ?? "";
      }
    }
    flush();
    return out;
  }

  encodeChat(messages: readonly ChatMessage[], addGenerationPrompt = false): EncodedChat {
    const ids = [this.bos];
    const responseMask = [0];
    for (const m of messages) {
      ids.push(this.roleToken(m.role));
      responseMask.push(0);
      const content = this.encode(m.content);
      const isReply = m.role === "assistant" ? 1 : 0;
      for (const t of content) {
        ids.push(t);
        responseMask.push(isReply);
      }
      ids.push(this.end);
      responseMask.push(isReply);
    }
    if (addGenerationPrompt) {
      ids.push(this.roleToken("assistant"));
      responseMask.push(0);
    }
    return { ids, responseMask };
  }
}

function checkSpecialTokens(tokens: readonly string[]): void {
  const expected = [...SPECIAL_TOKENS];
  if (tokens.join("\u0000") !== expected.join("\u0000")) {
    throw new Error(`special tokens ${JSON.stringify(tokens)} differ from this version's ${JSON.stringify(expected)}`);
  }
}

/** Byte-level tokenizer: ids 0–255 are UTF-8 bytes, then the 7 special tokens (263 ids). */
export class ByteTokenizer extends ChatTokenizer {
  static readonly className = "ByteTokenizer";
  readonly type = "byte" as const;
  readonly vocabSize = FIRST_EXTRA;

  encode(text: string): number[] {
    return Array.from(this.utf8.encode(text));
  }

  toJSON(): ByteTokenizerJson {
    return { type: "byte", version: 1, specialTokens: [...SPECIAL_TOKENS] };
  }

  static fromJSON(json: unknown): ByteTokenizer {
    const parsed = ByteTokenizerJsonSchema.safeParse(json);
    if (!parsed.success) throw new Error(`not a byte tokenizer: ${z.prettifyError(parsed.error)}`);
    checkSpecialTokens(parsed.data.specialTokens);
    return new ByteTokenizer();
  }
}

export interface FitOptions {
  /** Most pieces kept (besides bytes, special tokens and markup). Default 2048. */
  maxPieces?: number;
  /** Fewest occurrences for a piece to be kept. Default 2. */
  minCount?: number;
  /** Markup tags kept whole. Default: the response format's {@link RESPONSE_MARKUP}. */
  markup?: readonly string[];
}

export const DEFAULT_FIT = { maxPieces: 2048, minCount: 2 } as const;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

/** The pre-tokenizer as a global regular expression, with `markup` matched first (longest first). */
function pieceRegExp(markup: readonly string[]): RegExp {
  const tags = [...markup].sort((a, b) => b.length - a.length || (a < b ? -1 : a > b ? 1 : 0)).map(escapeRegExp);
  return new RegExp(tags.length ? `${tags.join("|")}|${PIECE_SOURCE}` : PIECE_SOURCE, "gu");
}

/** Splits `text` into pieces with the `pieces-v1` pre-tokenizer (the concatenation is `text`). */
export function pretokenize(text: string, markup: readonly string[] = RESPONSE_MARKUP): string[] {
  return text.match(pieceRegExp(markup)) ?? [];
}

const utf8Length = (s: string): number => Buffer.byteLength(s, "utf8");
/** A lone UTF-16 surrogate (one piece of its own) encodes as U+FFFD, so it cannot be a vocabulary entry. */
const isLoneSurrogate = (s: string): boolean => s.length === 1 && (s.charCodeAt(0) & 0xf800) === 0xd800;
const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Ids 0–262 as in {@link ByteTokenizer}, then markup tags, then pieces fitted to a corpus; other pieces fall back to bytes. */
export class FittedTokenizer extends ChatTokenizer {
  static readonly className = "FittedTokenizer";
  readonly type = "fitted" as const;
  readonly vocabSize: number;
  readonly markup: readonly string[];
  readonly pieces: readonly string[];
  private readonly fitInfo: FittedTokenizerJson["fit"];
  private readonly texts: string[];
  private readonly ids = new Map<string, number>();
  private readonly re: RegExp;

  /** Use {@link FittedTokenizer.fit} or {@link FittedTokenizer.fromJSON}; this validates the vocabulary and throws on a bad one. */
  constructor(markup: readonly string[], pieces: readonly string[], fit?: FittedTokenizerJson["fit"]) {
    super();
    this.markup = [...markup];
    this.pieces = [...pieces];
    this.fitInfo = fit;
    this.texts = [...markup, ...pieces];
    this.re = pieceRegExp(markup);
    this.texts.forEach((t, i) => {
      const what = i < markup.length ? "markup tag" : "piece";
      if (t.length === 0) throw new Error(`${what} ${i} is empty`);
      if (this.ids.has(t)) throw new Error(`${what} ${JSON.stringify(t)} appears twice`);
      if (i >= markup.length) {
        const split = t.match(this.re) ?? [];
        if (split.length !== 1) throw new Error(`piece ${JSON.stringify(t)} is not one piece of the ${PRETOKENIZER} pre-tokenizer (it splits into ${JSON.stringify(split)})`);
        if (isLoneSurrogate(t)) throw new Error(`piece ${JSON.stringify(t)} is a lone surrogate (not Unicode text)`);
        if (utf8Length(t) < 2) throw new Error(`piece ${JSON.stringify(t)} is a single byte (bytes have ids 0–255)`);
      }
      this.ids.set(t, FIRST_EXTRA + i);
    });
    this.vocabSize = FIRST_EXTRA + this.texts.length;
  }

  /**
   * Fits the vocabulary to `texts` (e.g. every message of the training split):
   * pieces seen at least `minCount` times, ranked by bytes saved
   * (`count × (UTF-8 length − 1)`, ties by text), the best `maxPieces` kept.
   * The same texts give the same tokenizer, in any order.
   */
  static fit(texts: Iterable<string>, opts: FitOptions = {}): FittedTokenizer {
    const maxPieces = opts.maxPieces ?? DEFAULT_FIT.maxPieces;
    const minCount = opts.minCount ?? DEFAULT_FIT.minCount;
    if (!Number.isInteger(maxPieces) || maxPieces < 0) throw new Error(`maxPieces must be a non-negative integer, got ${maxPieces}`);
    if (!Number.isInteger(minCount) || minCount < 1) throw new Error(`minCount must be a positive integer, got ${minCount}`);
    const markup = [...(opts.markup ?? RESPONSE_MARKUP)];
    const tags = new Set(markup);
    const re = pieceRegExp(markup);
    const counts = new Map<string, number>();
    let n = 0;
    for (const text of texts) {
      n++;
      for (const piece of text.match(re) ?? []) {
        if (tags.has(piece)) continue;
        counts.set(piece, (counts.get(piece) ?? 0) + 1);
      }
    }
    const ranked: { piece: string; saved: number }[] = [];
    for (const [piece, count] of counts) {
      const len = utf8Length(piece);
      if (count < minCount || len < 2 || isLoneSurrogate(piece)) continue;
      ranked.push({ piece, saved: count * (len - 1) });
    }
    ranked.sort((a, b) => b.saved - a.saved || byText(a.piece, b.piece));
    return new FittedTokenizer(
      markup,
      ranked.slice(0, maxPieces).map((r) => r.piece),
      { texts: n, minCount, maxPieces },
    );
  }

  encode(text: string): number[] {
    const out: number[] = [];
    const re = this.re;
    re.lastIndex = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      const piece = m[0];
      const id = this.ids.get(piece);
      if (id !== undefined) out.push(id);
      else if (piece.length === 1 && piece.charCodeAt(0) < 0x80) out.push(piece.charCodeAt(0));
      else for (const b of this.utf8.encode(piece)) out.push(b);
    }
    return out;
  }

  protected override extraText(id: number): string | undefined {
    return this.texts[id - FIRST_EXTRA];
  }

  toJSON(): FittedTokenizerJson {
    return {
      type: "fitted",
      version: 1,
      specialTokens: [...SPECIAL_TOKENS],
      pretokenizer: PRETOKENIZER,
      markup: [...this.markup],
      pieces: [...this.pieces],
      ...(this.fitInfo ? { fit: this.fitInfo } : {}),
    };
  }

  static fromJSON(json: unknown): FittedTokenizer {
    const parsed = FittedTokenizerJsonSchema.safeParse(json);
    if (!parsed.success) throw new Error(`not a fitted tokenizer: ${z.prettifyError(parsed.error)}`);
    checkSpecialTokens(parsed.data.specialTokens);
    return new FittedTokenizer(parsed.data.markup, parsed.data.pieces, parsed.data.fit);
  }
}

/** The class name a checkpoint's config.json records for each tokenizer type. */
export const TOKENIZER_CLASSES: Record<TokenizerType, string> = { byte: ByteTokenizer.className, fitted: FittedTokenizer.className };

/** Reads a serialised tokenizer of either type; throws an Error saying what is wrong. */
export function tokenizerFromJSON(json: unknown): Tokenizer {
  const type = typeof json === "object" && json !== null && !Array.isArray(json) ? (json as { type?: unknown }).type : undefined;
  if (type === "byte") return ByteTokenizer.fromJSON(json);
  if (type === "fitted") return FittedTokenizer.fromJSON(json);
  throw new Error(`unknown tokenizer type ${JSON.stringify(type)} (known: "byte", "fitted")`);
}
