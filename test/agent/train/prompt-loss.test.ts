/**
 * Loss on prompt tokens (SftOptions.promptLossWeight): the batch's weights are
 * 1 on response targets and the weight on the others, the loss normaliser is
 * their sum, and weight 0 leaves today's response-only batches unchanged.
 */
import { describe, expect, it } from "vitest";
import { ByteTokenizer } from "../../../agent/model/tokenizer.js";
import { batchArrays, tokenizeExamples, type ChatExample } from "../../../agent/train/dataset.js";

const examples: ChatExample[] = [
  { messages: [{ role: "user", content: "##P_" }, { role: "assistant", content: "Up" }] },
  { messages: [{ role: "user", content: "#X" }, { role: "assistant", content: "Left" }] },
];

describe("prompt loss weight", () => {
  const tok = new ByteTokenizer();

  it("weights prompt targets by w and response targets by 1", () => {
    const plain = tokenizeExamples(examples, tok, 64).examples;
    const weighted = tokenizeExamples(examples, tok, 64, "x", 0.5).examples;
    const a = batchArrays(plain, [0, 1], tok.pad);
    const b = batchArrays(weighted, [0, 1], tok.pad);
    expect(b.ids).toEqual(a.ids);
    expect(b.targets).toEqual(a.targets);
    const responseTargets = plain.reduce((s, e) => s + e.responseMask.slice(1).reduce((x, y) => x + y, 0), 0);
    const promptTargets = plain.reduce((s, e) => s + e.ids.length - 1, 0) - responseTargets;
    expect(a.lossTokens).toBe(responseTargets);
    expect(b.lossTokens).toBeCloseTo(responseTargets + 0.5 * promptTargets, 6);
    for (let i = 0; i < a.mask.length; i++) {
      if (a.mask[i] === 1) expect(b.mask[i]).toBe(1);
      else if (b.mask[i] !== 0) expect(b.mask[i]).toBe(0.5);
    }
    // Padding stays out of the loss.
    const pads = [...b.ids].filter((id, i) => id === tok.pad && b.mask[i] !== 0).length;
    expect(pads).toBe(0);
  });

  it("is refused outside [0, 1]", () => {
    expect(() => tokenizeExamples(examples, tok, 64, "x", 2)).toThrow(/promptLossWeight must be in \[0, 1\]/);
    expect(() => tokenizeExamples(examples, tok, 64, "x", Number.NaN)).toThrow(/promptLossWeight/);
  });
});
