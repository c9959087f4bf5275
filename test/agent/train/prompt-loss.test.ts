/**
 * Loss on prompt tokens (SftOptions.promptLossWeight): the batch's weights are
 * 1 on response targets and the weight on the others, the loss normaliser is
 * their sum, and weight 0 leaves today's response-only batches unchanged.
 */
import { describe, expect, it } from "vitest";
import { ByteTokenizer, FittedTokenizer, type Tokenizer } from "../../../agent/model/tokenizer.js";
import { answerStart, batchArrays, decisionSpan, tokenizeExamples, type ChatExample } from "../../../agent/train/dataset.js";

const examples: ChatExample[] = [
  { messages: [{ role: "user", content: "##P_" }, { role: "assistant", content: "Up" }] },
  { messages: [{ role: "user", content: "#X" }, { role: "assistant", content: "Left" }] },
];

describe("prompt loss weight", () => {
  const tok = new ByteTokenizer();

  it("weights prompt targets by w and response targets by 1", () => {
    const plain = tokenizeExamples(examples, tok, 64).examples;
    const weighted = tokenizeExamples(examples, tok, 64, "x", { prompt: 0.5 }).examples;
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
    expect(() => tokenizeExamples(examples, tok, 64, "x", { prompt: 2 })).toThrow(/promptLossWeight must be in \[0, 1\]/);
    expect(() => tokenizeExamples(examples, tok, 64, "x", { prompt: Number.NaN })).toThrow(/promptLossWeight/);
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
      const [withAnswer, without] = tokenizeExamples(oneStep, tok, 128, "x", { prompt: 0.5, answer: 10 }).examples;
      const from = answerStart(withAnswer!.ids, withAnswer!.responseMask, tok);
      // The weighted tokens decode to exactly the answer.
      expect(tok.decode(withAnswer!.ids.slice(from))).toMatch(/^[^]*<answer>Up<\/answer>$/);
      expect(tok.decode(withAnswer!.ids.slice(from + 1))).not.toContain("<answer");
      withAnswer!.lossWeight!.forEach((w, t) => expect(w).toBe(!withAnswer!.responseMask[t] ? 0.5 : t >= from ? 10 : 1));
      expect(answerStart(without!.ids, without!.responseMask, tok)).toBe(-1);
      expect(without!.lossWeight).toEqual(without!.responseMask.map((m) => (m ? 1 : 0.5)));
      // Weight 1 is today's batches, bit for bit.
      expect(tokenizeExamples(oneStep, tok, 128, "x", { prompt: 0.5, answer: 1 }).examples).toEqual(tokenizeExamples(oneStep, tok, 128, "x", { prompt: 0.5 }).examples);
    });
  }

  it("only looks at the final response, and is refused outside [1, 100]", () => {
    const tok = new ByteTokenizer();
    const twoTurns: ChatExample[] = [
      { messages: [{ role: "user", content: "a" }, { role: "assistant", content: "<answer>Up</answer>" }, { role: "user", content: "b" }, { role: "assistant", content: "Down" }] },
    ];
    const [ex] = tokenizeExamples(twoTurns, tok, 128).examples;
    expect(answerStart(ex!.ids, ex!.responseMask, tok)).toBe(-1);
    expect(() => tokenizeExamples(oneStep, tok, 128, "x", { answer: 0.5 })).toThrow(/answerLossWeight must be in \[1, 100\]/);
    expect(() => tokenizeExamples(oneStep, tok, 128, "x", { answer: Number.NaN })).toThrow(/answerLossWeight/);
  });
});

describe("decision loss weight", () => {
  const oneStep: ChatExample[] = [
    // A one-step response decides at its plan's first action; the answer copies it.
    { messages: [{ role: "user", content: "##P_\n#X_#" }, { role: "assistant", content: "<think>\n<plan id=1>\n<action>Left</action>\n<state>\n##__\n</state>\n</plan>\n</think>\n<answer>Left</answer>" }] },
    // An answer-only response decides in its answer.
    { messages: [{ role: "user", content: "##P_" }, { role: "assistant", content: "<answer>Down</answer>" }] },
    // A next-state example states no decision.
    { messages: [{ role: "user", content: "##P_" }, { role: "assistant", content: "<state>##__</state>" }] },
  ];
  const fitted = FittedTokenizer.fit(oneStep.flatMap((e) => e.messages.map((m) => m.content)));

  for (const [name, tok] of [["byte", new ByteTokenizer()], ["fitted", fitted]] as Array<[string, Tokenizer]>) {
    it(`weights the tokens of the first stated action, or of the answer when none comes first, and nothing else (${name} tokenizer)`, () => {
      const [plan, answer, none] = tokenizeExamples(oneStep, tok, 128, "x", { decision: 10 }).examples;
      for (const [ex, word, before] of [[plan!, "Left", "<action>"], [answer!, "Down", "<answer>"]] as const) {
        const span = decisionSpan(ex.ids, ex.responseMask, tok)!;
        // The weighted tokens cover the action's text, and every one of them holds part of it.
        const text = tok.decode(ex.ids.slice(span.from, span.to));
        expect(text).toContain(word);
        expect(tok.decode(ex.ids.slice(span.from + 1, span.to))).not.toContain(word);
        expect(tok.decode(ex.ids.slice(span.from, span.to - 1))).not.toContain(word);
        // It is the first occurrence: what comes before ends with the opening tag (or a token holding it).
        expect(tok.decode(ex.ids.slice(0, span.to))).toContain(before);
        expect(tok.decode(ex.ids.slice(0, span.from))).not.toContain(word);
        ex.lossWeight!.forEach((w, t) => expect(w).toBe(!ex.responseMask[t] ? 0 : t >= span.from && t < span.to ? 10 : 1));
      }
      // In the one-step response the answer's copy is not weighted.
      const afterSpan = tok.decode(plan!.ids.slice(decisionSpan(plan!.ids, plan!.responseMask, tok)!.to));
      expect(afterSpan).toContain("<answer>Left</answer>");
      expect(decisionSpan(none!.ids, none!.responseMask, tok)).toBeUndefined();
      expect(none!.lossWeight).toBeUndefined();
      // Weight 1 is today's batches, bit for bit.
      expect(tokenizeExamples(oneStep, tok, 128, "x", { decision: 1 }).examples).toEqual(tokenizeExamples(oneStep, tok, 128).examples);
    });
  }

  it("wins over the answer weight where both apply, and is refused outside [1, 100]", () => {
    const tok = new ByteTokenizer();
    const [ex] = tokenizeExamples([oneStep[1]!], tok, 128, "x", { answer: 3, decision: 7 }).examples;
    const span = decisionSpan(ex!.ids, ex!.responseMask, tok)!;
    const from = answerStart(ex!.ids, ex!.responseMask, tok);
    ex!.lossWeight!.forEach((w, t) => expect(w).toBe(!ex!.responseMask[t] ? 0 : t >= span.from && t < span.to ? 7 : t >= from ? 3 : 1));
    expect(() => tokenizeExamples(oneStep, tok, 128, "x", { decision: 0.5 })).toThrow(/decisionLossWeight must be in \[1, 100\]/);
    expect(() => tokenizeExamples(oneStep, tok, 128, "x", { decision: Number.NaN })).toThrow(/decisionLossWeight/);
  });
});
