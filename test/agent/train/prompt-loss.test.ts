/**
 * Loss on prompt tokens (SftOptions.promptLossWeight): the batch's weights are
 * 1 on response targets and the weight on the others, the loss normaliser is
 * their sum, and weight 0 leaves today's response-only batches unchanged.
 */
import { describe, expect, it } from "vitest";
import { ByteTokenizer, FittedTokenizer, type Tokenizer } from "../../../agent/model/tokenizer.js";
import { answerStart, batchArrays, tokenizeExamples, type ChatExample } from "../../../agent/train/dataset.js";

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

describe("answer loss weight", () => {
  const oneStep: ChatExample[] = [
    { messages: [{ role: "user", content: "##P_\n#X_#" }, { role: "assistant", content: "<think><action>Up</action><state>##__</state></think>\n<answer>Up</answer>" }] },
    // A response without an answer (a next-state example) gets no extra weight.
    { messages: [{ role: "user", content: "##P_" }, { role: "assistant", content: "<state>##__</state>" }] },
  ];
  // The fitted tokenizer keeps "<answer>" whole; the byte tokenizer cuts it into 8 pieces.
  const fitted = FittedTokenizer.fit(oneStep.flatMap((e) => e.messages.map((m) => m.content)));

  for (const [name, tok] of [["byte", new ByteTokenizer()], ["fitted", fitted]] as Array<[string, Tokenizer]>) {
    it(`weights the final answer's tokens, from its tag to the end token, and nothing else (${name} tokenizer)`, () => {
      const [withAnswer, without] = tokenizeExamples(oneStep, tok, 128, "x", 0.5, 10).examples;
      const from = answerStart(withAnswer!.ids, withAnswer!.responseMask, tok);
      // The weighted tokens decode to exactly the answer.
      expect(tok.decode(withAnswer!.ids.slice(from))).toMatch(/^[^]*<answer>Up<\/answer>$/);
      expect(tok.decode(withAnswer!.ids.slice(from + 1))).not.toContain("<answer");
      withAnswer!.lossWeight!.forEach((w, t) => expect(w).toBe(!withAnswer!.responseMask[t] ? 0.5 : t >= from ? 10 : 1));
      expect(answerStart(without!.ids, without!.responseMask, tok)).toBe(-1);
      expect(without!.lossWeight).toEqual(without!.responseMask.map((m) => (m ? 1 : 0.5)));
      // Weight 1 is today's batches, bit for bit.
      expect(tokenizeExamples(oneStep, tok, 128, "x", 0.5, 1).examples).toEqual(tokenizeExamples(oneStep, tok, 128, "x", 0.5).examples);
    });
  }

  it("only looks at the final response, and is refused outside [1, 100]", () => {
    const tok = new ByteTokenizer();
    const twoTurns: ChatExample[] = [
      { messages: [{ role: "user", content: "a" }, { role: "assistant", content: "<answer>Up</answer>" }, { role: "user", content: "b" }, { role: "assistant", content: "Down" }] },
    ];
    const [ex] = tokenizeExamples(twoTurns, tok, 128).examples;
    expect(answerStart(ex!.ids, ex!.responseMask, tok)).toBe(-1);
    expect(() => tokenizeExamples(oneStep, tok, 128, "x", 0, 0.5)).toThrow(/answerLossWeight must be in \[1, 100\]/);
    expect(() => tokenizeExamples(oneStep, tok, 128, "x", 0, Number.NaN)).toThrow(/answerLossWeight/);
  });
});
