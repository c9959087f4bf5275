/**
 * Byte-level tokenizer with chat special tokens.
 *
 * Ids 0–255 are the UTF-8 bytes; special tokens follow. The vocabulary is
 * fixed, so every string (Sokoban grids with `√`, ALFWorld prose, JSON
 * actions) round-trips exactly, nothing is ever unknown, and any two
 * checkpoints agree on ids. See agent/model/README.md for why not BPE.
 */
import { z } from "zod";

/** The chat roles of the OpenAI message format. */
export type ChatRole = "system" | "user" | "assistant";

export interface ChatMessage {
  role: ChatRole;
  content: string;
}

export const SPECIAL_TOKENS = ["<pad>", "<bos>", "<eos>", "<|system|>", "<|user|>", "<|assistant|>", "<|end|>"] as const;
export type SpecialToken = (typeof SPECIAL_TOKENS)[number];

/** Serialised form, stored as tokenizer.json in a checkpoint. */
export const TokenizerJsonSchema = z.object({
  type: z.literal("byte"),
  version: z.literal(1),
  specialTokens: z.array(z.string()),
});
export type TokenizerJson = z.infer<typeof TokenizerJsonSchema>;

/** One chat example as token ids, with 1 where a token belongs to an assistant reply (its content and `<|end|>`). */
export interface EncodedChat {
  ids: number[];
  responseMask: number[];
}

export class ByteTokenizer {
  static readonly className = "ByteTokenizer";
  readonly vocabSize = 256 + SPECIAL_TOKENS.length;
  readonly pad = 256;
  readonly bos = 257;
  readonly eos = 258;
  readonly end = 262;
  private readonly encoder = new TextEncoder();
  private readonly decoder = new TextDecoder("utf-8", { fatal: false });

  /** Id of a special token. */
  special(token: SpecialToken): number {
    return 256 + SPECIAL_TOKENS.indexOf(token);
  }

  roleToken(role: ChatRole): number {
    return this.special(`<|${role}|>`);
  }

  encode(text: string): number[] {
    return Array.from(this.encoder.encode(text));
  }

  /** Bytes are decoded as UTF-8 (invalid sequences become U+FFFD); special tokens are dropped unless `keepSpecial`. */
  decode(ids: readonly number[], keepSpecial = false): string {
    let out = "";
    let bytes: number[] = [];
    const flush = (): void => {
      if (bytes.length) out += this.decoder.decode(Uint8Array.from(bytes));
      bytes = [];
    };
    for (const id of ids) {
      if (id >= 0 && id < 256) bytes.push(id);
      else {
        flush();
        if (keepSpecial && id < this.vocabSize) out += SPECIAL_TOKENS[id - 256];
      }
    }
    flush();
    return out;
  }

  /**
   * The chat template, shared by SFT and serve-model:
   * `<bos>` then, per message, `<|role|>` content `<|end|>`. With
   * `addGenerationPrompt` it ends with `<|assistant|>` so the model writes a
   * reply, which ends at `<|end|>`.
   */
  encodeChat(messages: readonly ChatMessage[], addGenerationPrompt = false): EncodedChat {
    const ids = [this.bos];
    const responseMask = [0];
    for (const m of messages) {
      ids.push(this.roleToken(m.role));
      responseMask.push(0);
      const content = this.encode(m.content);
      const isReply = m.role === "assistant" ? 1 : 0;
      for (const b of content) {
        ids.push(b);
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

  toJSON(): TokenizerJson {
    return { type: "byte", version: 1, specialTokens: [...SPECIAL_TOKENS] };
  }

  static fromJSON(json: unknown): ByteTokenizer {
    const parsed = TokenizerJsonSchema.safeParse(json);
    if (!parsed.success) throw new Error(`not a byte tokenizer: ${parsed.error.message}`);
    const expected = [...SPECIAL_TOKENS];
    if (parsed.data.specialTokens.join("\u0000") !== expected.join("\u0000")) {
      throw new Error(`special tokens ${JSON.stringify(parsed.data.specialTokens)} differ from this version's ${JSON.stringify(expected)}`);
    }
    return new ByteTokenizer();
  }
}
