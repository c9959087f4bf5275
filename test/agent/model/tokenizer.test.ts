import * as tf from "@tensorflow/tfjs";
import fc from "fast-check";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RESPONSE_MARKUP, writeResponse } from "../../../agent/format/response.js";
import { selectBackend } from "../../../agent/model/backend.js";
import { loadCheckpoint, saveCheckpoint } from "../../../agent/model/checkpoint.js";
import { ByteTokenizer, FittedTokenizer, SPECIAL_TOKENS, pretokenize, tokenizerFromJSON } from "../../../agent/model/tokenizer.js";
import { TransformerLM } from "../../../agent/model/transformer.js";

const grid = ["######", "###__#", "###O_#", "#_#X_#", "#__P_#", "##√S_#", "######"].join("\n");
const response = writeResponse(
  [
    { id: 1, value: 0.9, steps: [{ action: "Up", state: grid }] },
    { id: 2, value: 0.39, steps: [{ action: "Right", state: grid }, { action: "Down", state: grid }] },
  ],
  "Plan 1: value 0.90, the goal is 1 step away.\nPlan 1 has the highest value, so I take its first action.",
  "Up",
);
const alfworld =
  "You arrive at loc 21. On the countertop 1, you see a fork 1, a knife 2, a lettuce 3, and a spatula 1.\nValid actions: go to cabinet 1, go to cabinet 2, take tomato 1 from sinkbasin 1, inventory, look";
const corpus = [`Step 0. Current observation:\n${grid}\n\nValid actions: Up, Down, Left, Right`, response, alfworld, alfworld.toUpperCase(), "héllo wörld ✓ 🙂 héllo wörld ✓ 🙂"];
const fitted = FittedTokenizer.fit(corpus);
const bytes = new ByteTokenizer();

/** Strings built from pieces the tokenizer knows, markup, grid symbols and odd characters, so merges and fall-backs meet. */
const soup = fc
  .array(fc.oneof(fc.constantFrom(...fitted.pieces, ...RESPONSE_MARKUP, "#", "_", "√", "\n", " ", "<", "<plan", "plan>", "0.", "é", "🙂"), fc.string({ unit: "binary", maxLength: 3 })), { maxLength: 40 })
  .map((xs) => xs.join(""));

describe("FittedTokenizer", () => {
  it("round-trips every string exactly (property)", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: "binary", maxLength: 200 }), fc.string({ unit: "grapheme-ascii", maxLength: 200 }), soup), (s) => {
        expect(fitted.decode(fitted.encode(s))).toBe(s);
      }),
      { numRuns: 1000 },
    );
  });

  it("round-trips chat examples through the template, and keeps the byte tokenizer's ids for bytes and special tokens", () => {
    const messages = [
      { role: "system" as const, content: "play" },
      { role: "user" as const, content: grid },
      { role: "assistant" as const, content: response },
    ];
    const enc = fitted.encodeChat(messages, false);
    expect(fitted.decode(enc.ids)).toBe("play" + grid + response);
    expect(fitted.decode(enc.ids.filter((_, i) => enc.responseMask[i] === 1))).toBe(response);
    expect(enc.ids.at(-1)).toBe(fitted.end);
    for (const t of SPECIAL_TOKENS) expect(fitted.special(t)).toBe(bytes.special(t));
    expect([fitted.pad, fitted.bos, fitted.eos, fitted.end]).toEqual([bytes.pad, bytes.bos, bytes.eos, bytes.end]);
    // A word it has never seen is its UTF-8 bytes.
    expect(fitted.encode("zyzzyva")).toEqual(bytes.encode("zyzzyva"));
    expect(fitted.decode(fitted.encodeChat(messages, true).ids, true)).toBe(bytes.decode(bytes.encodeChat(messages, true).ids, true));
  });

  it("never merges grid cells: every token of a grid is one cell", () => {
    const ids = fitted.encode(grid);
    expect(ids.map((id) => fitted.decode([id]))).toEqual([...grid]);
    fc.assert(
      fc.property(fc.array(fc.constantFrom(..."#_OX√PS\n "), { maxLength: 60 }), (cells) => {
        const s = cells.join("");
        const toks = fitted.encode(s);
        // One token per cell, except a space before a digit/word could join — none here, so exactly one each.
        expect(toks.length).toBe(cells.length);
        expect(toks.map((id) => fitted.decode([id]))).toEqual(cells);
      }),
    );
    // `√` (3 UTF-8 bytes) is one token once fitted; digits stay single.
    expect(fitted.encode("√")).toHaveLength(1);
    expect(pretokenize("cabinet 12, value=0.81")).toEqual(["cabinet", " 1", "2", ",", " value", "=", "0", ".", "8", "1"]);
  });

  it("keeps each markup tag one token, matched before anything else", () => {
    for (const tag of RESPONSE_MARKUP) expect(fitted.encode(tag)).toHaveLength(1);
    const ids = fitted.encode(response);
    const pieces = ids.map((id) => fitted.decode([id]));
    expect(pieces.slice(0, 2)).toEqual(["<think>", "\n"]);
    expect(pieces).toContain("<plan");
    expect(pieces).toContain("</answer>");
    expect(pieces.filter((p) => p === "<action>")).toHaveLength(3);
    expect(ids.length).toBeLessThan(bytes.encode(response).length * 0.7); // grids stay one token per cell
  });

  it("fits deterministically: same texts in any order give the same vocabulary", () => {
    const again = FittedTokenizer.fit([...corpus].reverse());
    expect(JSON.stringify(again.toJSON())).toBe(JSON.stringify(fitted.toJSON()));
    expect(JSON.stringify(FittedTokenizer.fit(corpus).toJSON())).toBe(JSON.stringify(fitted.toJSON()));
  });

  it("keeps pieces seen minCount times, ranked by bytes saved, ties by text, at most maxPieces", () => {
    const t = FittedTokenizer.fit(["abc abc abc", "xy xy xy xy", "once", "bb bb bb bb", "q q q q q q q q q q"], { maxPieces: 3 });
    // Bytes saved: " q" 9×1 = 9; " abc" 2×3, " bb" 3×2, " xy" 3×2 = 6 each (a tie, broken by text); "abc", "bb", "xy", "once" are seen once.
    expect(t.pieces).toEqual([" q", " abc", " bb"]);
    expect(t.vocabSize).toBe(263 + RESPONSE_MARKUP.length + 3);
    expect(FittedTokenizer.fit(["once"]).pieces).toEqual([]);
    expect(FittedTokenizer.fit(["once"], { minCount: 1 }).pieces).toEqual(["once"]);
  });

  it("serialises to JSON and back, and refuses malformed vocabularies with the reason", () => {
    const json = JSON.parse(JSON.stringify(fitted.toJSON()));
    const back = tokenizerFromJSON(json);
    expect(back.type).toBe("fitted");
    expect(back.encode(response)).toEqual(fitted.encode(response));
    expect(tokenizerFromJSON(bytes.toJSON())).toBeInstanceOf(ByteTokenizer);
    const bad = (patch: object) => () => tokenizerFromJSON({ ...json, ...patch });
    expect(bad({ pieces: ["ab", "ab"] })).toThrow(/piece "ab" appears twice/);
    expect(bad({ pieces: ["ab cd"] })).toThrow(/"ab cd" is not one piece of the pieces-v1 pre-tokenizer/);
    expect(bad({ pieces: ["<think>"] })).toThrow(/"<think>" appears twice/);
    expect(bad({ pieces: ["a"] })).toThrow(/single byte/);
    expect(bad({ pretokenizer: "bpe" })).toThrow(/not a fitted tokenizer[\s\S]*pretokenizer/);
    expect(bad({ pieces: undefined })).toThrow(/not a fitted tokenizer[\s\S]*pieces/);
    expect(bad({ specialTokens: ["<pad>"] })).toThrow(/special tokens/);
    expect(() => tokenizerFromJSON({ type: "bpe" })).toThrow(/unknown tokenizer type "bpe"/);
    expect(() => tokenizerFromJSON([])).toThrow(/unknown tokenizer type/);
  });

  it("decodes a lone surrogate as U+FFFD, as the byte tokenizer does", () => {
    expect(fitted.decode(fitted.encode("a\ud800b"))).toBe(bytes.decode(bytes.encode("a\ud800b")));
    expect(FittedTokenizer.fit(["\ud800 \ud800 \ud800"], { minCount: 1 }).pieces).not.toContain("\ud800");
  });
});

describe("checkpoints with either tokenizer", () => {
  let dir: string;
  beforeAll(async () => {
    await selectBackend({ prefer: "wasm" });
    dir = mkdtempSync(path.join(tmpdir(), "dynamind-tok-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const tiny = { dModel: 16, nLayers: 1, nHeads: 2, dFF: 32, maxSeqLen: 32 };

  it("saves a fitted tokenizer and loads the same vocabulary and model", async () => {
    const model = new TransformerLM({ ...tiny, vocabSize: fitted.vocabSize }, { seed: 3 });
    const ck = path.join(dir, "fitted");
    await saveCheckpoint(ck, { model, tokenizer: fitted });
    expect(JSON.parse(readFileSync(path.join(ck, "config.json"), "utf8")).tokenizerClass).toBe("FittedTokenizer");
    const loaded = await loadCheckpoint(ck);
    expect(loaded.tokenizer.toJSON()).toEqual(fitted.toJSON());
    expect(loaded.tokenizer.encode(response)).toEqual(fitted.encode(response));
    const ids = tf.tensor2d([fitted.encode("<answer>Up</answer>")], undefined, "int32");
    const [a, b] = [model.forward(ids).logits, loaded.model.forward(ids).logits];
    expect(Array.from(await b.data())).toEqual(Array.from(await a.data()));
    tf.dispose([ids, a, b]);
    model.dispose();
    loaded.model.dispose();
  });

  it("refuses to save a model whose vocabulary is not its tokenizer's", async () => {
    const model = new TransformerLM({ ...tiny, vocabSize: 263 }, { seed: 3 });
    await expect(saveCheckpoint(path.join(dir, "mismatch"), { model, tokenizer: fitted })).rejects.toThrow(/vocabSize 263 differs from its fitted tokenizer's \d+/);
    model.dispose();
  });

  it("still loads a byte checkpoint as earlier versions wrote it", async () => {
    const model = new TransformerLM({ ...tiny, vocabSize: 263 }, { seed: 3 });
    const ck = path.join(dir, "byte");
    await saveCheckpoint(ck, { model, tokenizer: bytes });
    model.dispose();
    // The files of a checkpoint from before fitted tokenizers existed.
    writeFileSync(path.join(ck, "tokenizer.json"), JSON.stringify({ type: "byte", version: 1, specialTokens: [...SPECIAL_TOKENS] }));
    const cfg = JSON.parse(readFileSync(path.join(ck, "config.json"), "utf8"));
    expect(cfg.tokenizerClass).toBe("ByteTokenizer");
    const loaded = await loadCheckpoint(ck);
    expect(loaded.tokenizer).toBeInstanceOf(ByteTokenizer);
    loaded.model.dispose();
  });

  it("refuses a malformed or mismatched tokenizer.json with the file named", async () => {
    const model = new TransformerLM({ ...tiny, vocabSize: fitted.vocabSize }, { seed: 3 });
    const ck = path.join(dir, "bad");
    await saveCheckpoint(ck, { model, tokenizer: fitted });
    model.dispose();
    const tokFile = path.join(ck, "tokenizer.json");
    const good = readFileSync(tokFile, "utf8");
    writeFileSync(tokFile, JSON.stringify({ ...JSON.parse(good), pieces: "nope" }));
    await expect(loadCheckpoint(ck)).rejects.toThrow(/tokenizer\.json: not a fitted tokenizer[\s\S]*pieces/);
    writeFileSync(tokFile, JSON.stringify({ ...JSON.parse(good), pieces: JSON.parse(good).pieces.slice(1) }));
    await expect(loadCheckpoint(ck)).rejects.toThrow(/config\.json: vocabSize \d+ does not match the tokenizer's \d+/);
    writeFileSync(tokFile, JSON.stringify(bytes.toJSON()));
    await expect(loadCheckpoint(ck)).rejects.toThrow(/config\.json: tokenizerClass FittedTokenizer does not match .*tokenizer\.json, a byte tokenizer/);
    writeFileSync(tokFile, good);
    const cfgFile = path.join(ck, "config.json");
    writeFileSync(cfgFile, JSON.stringify({ ...JSON.parse(readFileSync(cfgFile, "utf8")), tokenizerClass: "BpeTokenizer" }));
    await expect(loadCheckpoint(ck)).rejects.toThrow(/config\.json is malformed[\s\S]*tokenizerClass/);
  });
});
