import * as tf from "@tensorflow/tfjs";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, unlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { selectBackend } from "../../../agent/model/backend.js";
import { loadCheckpoint, saveCheckpoint } from "../../../agent/model/checkpoint.js";
import { ByteTokenizer } from "../../../agent/model/tokenizer.js";
import { TransformerLM } from "../../../agent/model/transformer.js";

const tok = new ByteTokenizer();
const tiny = { vocabSize: tok.vocabSize, dModel: 32, nLayers: 2, nHeads: 4, dFF: 64, maxSeqLen: 64 };

beforeAll(async () => {
  await selectBackend({ prefer: "wasm" });
});

// The same behaviour on each backend the tests can reach (wasm is what CI has; cpu is the last fallback), with either position encoding.
describe.each([
  ["wasm", "learned"],
  ["cpu", "learned"],
  ["wasm", "rotary"],
] as const)("TransformerLM on %s, %s positions", (backend, positions) => {
  let model: TransformerLM;
  beforeAll(async () => {
    await tf.setBackend(backend);
    model = new TransformerLM({ ...tiny, positions }, { seed: 1 });
  });
  afterAll(() => model.dispose());

  it("is causal: logits at t do not depend on later tokens", () => {
    const a = tf.tensor2d([[1, 2, 3, 4, 5]], [1, 5], "int32");
    const b = tf.tensor2d([[1, 2, 3, 9, 9]], [1, 5], "int32");
    const la = model.forward(a).logits.slice([0, 0, 0], [1, 3, -1]);
    const lb = model.forward(b).logits.slice([0, 0, 0], [1, 3, -1]);
    expect(tf.max(tf.abs(la.sub(lb))).dataSync()[0]).toBeLessThan(1e-5);
    tf.dispose([a, b, la, lb]);
  });

  it("generates the same greedy tokens with and without the KV cache, batched with left padding", async () => {
    const prompts = [tok.encode("Up Down"), tok.encode("#_OX"), tok.encode("go to the kitchen counter")];
    const cached = await model.generate(prompts, { maxNewTokens: 12, temperature: 0 });
    const full = await model.generate(prompts, { maxNewTokens: 12, temperature: 0, useCache: false });
    expect(cached.tokens).toEqual(full.tokens);
    // Each row alone gives the same tokens as in the batch.
    for (const [i, p] of prompts.entries()) {
      const alone = await model.generate([p], { maxNewTokens: 12, temperature: 0 });
      expect(alone.tokens[0]).toEqual(cached.tokens[i]);
      for (const [j, lp] of (alone.logprobs[0] ?? []).entries()) expect(lp).toBeCloseTo(cached.logprobs[i]?.[j] ?? NaN, 3);
    }
  });

  it("lets the event loop run between tokens (a server in the same process keeps answering)", async () => {
    // A chain of setImmediate callbacks advances once per event-loop turn; a generation that
    // never yielded would let it advance once at most.
    let turns = 0;
    let live = true;
    const tick = (): void => {
      turns++;
      if (live) setImmediate(tick);
    };
    setImmediate(tick);
    await model.generate([tok.encode("Up")], { maxNewTokens: 20, temperature: 0, stopTokens: [] });
    live = false;
    expect(turns).toBeGreaterThanOrEqual(10);
  });

  it("reports log-probabilities consistent with a teacher-forced forward pass", async () => {
    const prompt = tok.encode("state: ");
    const gen = await model.generate([prompt], { maxNewTokens: 8, temperature: 1, seed: 3 });
    const [scored] = await model.scoreCompletions([{ prompt, completion: gen.tokens[0] ?? [] }]);
    expect(scored).toHaveLength(8);
    for (const [j, lp] of (scored ?? []).entries()) expect(lp).toBeCloseTo(gen.logprobs[0]?.[j] ?? NaN, 3);
  });

  it("scores choices after one prompt as teacher forcing scores each alone, in chunks and with a cut prompt", async () => {
    const choices = [tok.encode("go to desk 1"), tok.encode("x"), tok.encode("take pen 1 from desk 1"), tok.encode("go to desk 10"), tok.encode("look")];
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    // 5 + 21 choice inputs fit after a 30-token prompt in 64 positions in two chunks, not one.
    for (const prompt of [tok.encode("state: desk, pen. act: "), tok.encode("a long state that will not fit in the context window, cut on the left".repeat(2))]) {
      const scored = await model.scoreChoices(prompt, choices);
      const longest = Math.max(...choices.map((c) => c.length));
      const kept = prompt.slice(Math.max(0, prompt.length - (64 - longest)));
      const alone = await model.scoreCompletions(choices.map((completion) => ({ prompt: kept, completion })));
      expect(scored).toHaveLength(choices.length);
      scored.forEach((s, i) => expect(s).toBeCloseTo(sum(alone[i]!), 3));
    }
    await expect(model.scoreChoices([1, 2], [[]])).rejects.toThrow(/empty choice/);
    await expect(model.scoreChoices([1, 2], [new Array(64).fill(1)])).rejects.toThrow(/no room/);
    expect(await model.scoreChoices([1], [])).toEqual([]);
  });

  it("samples reproducibly from a seed, and top-p 0 tiny mass equals greedy", async () => {
    const p = [tok.encode("abc")];
    const a = await model.generate(p, { maxNewTokens: 10, temperature: 1, seed: 42 });
    const b = await model.generate(p, { maxNewTokens: 10, temperature: 1, seed: 42 });
    expect(a.tokens).toEqual(b.tokens);
    const nucleus = await model.generate(p, { maxNewTokens: 10, temperature: 1, topP: 1e-6, seed: 5 });
    const greedy = await model.generate(p, { maxNewTokens: 10, temperature: 0 });
    expect(nucleus.tokens).toEqual(greedy.tokens);
  });

  it("grows its context: the same logits where the old one reached, new positions usable, never shrinks", () => {
    const grown = model.withContext(96, 3);
    try {
      expect(grown.config.maxSeqLen).toBe(96);
      expect(model.config.maxSeqLen).toBe(64);
      const ids = tf.tensor2d([Array.from({ length: 40 }, (_, i) => (i * 7) % 250)], [1, 40], "int32");
      const a = model.forward(ids).logits;
      const b = grown.forward(ids).logits;
      expect(tf.max(tf.abs(a.sub(b))).dataSync()[0]).toBeLessThan(1e-5);
      const long = tf.zeros([1, 90], "int32") as tf.Tensor2D;
      const out = grown.forward(long).logits;
      expect(out.shape).toEqual([1, 90, tok.vocabSize]);
      expect(() => model.forward(long)).toThrow(/exceeds maxSeqLen 64/);
      tf.dispose([ids, a, b, long, out]);
      expect(() => model.withContext(32)).toThrow(/can only grow/);
    } finally {
      grown.dispose();
    }
  });

  it("does not leak tensors in generate", async () => {
    const before = tf.memory().numTensors;
    await model.generate([tok.encode("xy"), tok.encode("xyz")], { maxNewTokens: 5, temperature: 0.7, seed: 1 });
    await model.generate([tok.encode("xy")], { maxNewTokens: 5, useCache: false });
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe("rotary positions", () => {
  beforeAll(async () => {
    await tf.setBackend("wasm");
  });

  it("see only relative offsets: a sequence gives the same logits at any start position", () => {
    const model = new TransformerLM({ ...tiny, positions: "rotary" }, { seed: 3 });
    const ids = tf.tensor2d([[257, 5, 9, 11, 40, 2]], [1, 6], "int32");
    const at0 = model.forward(ids).logits;
    const at37 = model.forward(ids, { positionOffset: 37 }).logits;
    expect(tf.max(tf.abs(at0.sub(at37))).dataSync()[0]).toBeLessThan(1e-4);
    // A learned table does not: the same shift changes the logits.
    const learned = new TransformerLM(tiny, { seed: 3 });
    const l0 = learned.forward(ids).logits;
    const l37 = learned.forward(ids, { positionOffset: 37 }).logits;
    expect(tf.max(tf.abs(l0.sub(l37))).dataSync()[0]).toBeGreaterThan(1e-3);
    tf.dispose([ids, at0, at37, l0, l37]);
    model.dispose();
    learned.dispose();
  });

  it("have no position table, and trains: gradients reach every weight", () => {
    const model = new TransformerLM({ ...tiny, positions: "rotary" }, { seed: 4 });
    expect([...model.params.keys()]).not.toContain("pos_emb");
    const ids = tf.tensor2d([[257, 5, 9, 11]], [1, 4], "int32");
    const tg = tf.tensor2d([[5, 9, 11, 2]], [1, 4], "int32");
    const w = tf.ones([1, 4]) as tf.Tensor2D;
    const { grads, value } = tf.variableGrads(() => model.maskedLoss(ids, tg, w, true));
    for (const [name, g] of Object.entries(grads)) expect(tf.sum(tf.abs(g)).dataSync()[0], name).toBeGreaterThan(0);
    expect(Object.keys(grads)).toHaveLength(model.params.size);
    tf.dispose([ids, tg, w, value, ...Object.values(grads)]);
    model.dispose();
  });

  it("checkpoints keep the encoding; a config without the field is the learned table", async () => {
    const { parseModelConfig } = await import("../../../agent/model/config.js");
    expect(parseModelConfig(tiny).positions).toBe("learned");
    expect(() => parseModelConfig({ ...tiny, nHeads: 32, dModel: 32, positions: "rotary" })).toThrow(/even head size/);
    const dir = mkdtempSync(path.join(tmpdir(), "dynamind-rope-"));
    try {
      const model = new TransformerLM({ ...tiny, positions: "rotary" }, { seed: 5 });
      await saveCheckpoint(path.join(dir, "c"), { model, tokenizer: tok, trainer: {} });
      const loaded = await loadCheckpoint(path.join(dir, "c"));
      expect(loaded.model.config.positions).toBe("rotary");
      const ids = tf.tensor2d([[257, 1, 2, 3]], [1, 4], "int32");
      const a = model.forward(ids).logits;
      const b = loaded.model.forward(ids).logits;
      expect(Array.from(await a.data())).toEqual(Array.from(await b.data()));
      tf.dispose([ids, a, b]);
      model.dispose();
      loaded.model.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("stop tokens and limits", () => {
  it("stops a row at a stop token and keeps it; cuts long prompts on the left", async () => {
    await tf.setBackend("wasm");
    const model = new TransformerLM(tiny, { seed: 2 });
    const greedy = await model.generate([tok.encode("hello")], { maxNewTokens: 6, temperature: 0 });
    const first = greedy.tokens[0]?.[0] as number;
    const stopped = await model.generate([tok.encode("hello")], { maxNewTokens: 6, temperature: 0, stopTokens: [first] });
    expect(stopped.tokens[0]).toEqual([first]);
    expect(stopped.finishReasons[0]).toBe("stop");
    expect(greedy.finishReasons[0]).toBe("length");
    const long = await model.generate([new Array(200).fill(65)], { maxNewTokens: 4, temperature: 0 });
    expect(long.promptTokens[0]).toBe(60);
    await expect(model.scoreCompletions([{ prompt: new Array(70).fill(1), completion: [1] }])).rejects.toThrow(/maxSeqLen/);
    model.dispose();
  });
});

describe("generation hooks: onStep, topLogprobs, signal", () => {
  it("reports each step's tokens before the next step, ends rows onStep returns, and aborts on the signal", async () => {
    await tf.setBackend("wasm");
    const model = new TransformerLM(tiny, { seed: 2 });
    const prompts = [tok.encode("hello"), tok.encode("hi")];
    const ref = await model.generate(prompts, { maxNewTokens: 6, temperature: 0, topLogprobs: 4 });
    const seen: number[][] = [[], []];
    const steps: number[] = [];
    const hooked = await model.generate(prompts, {
      maxNewTokens: 6,
      temperature: 0,
      topLogprobs: 4,
      onStep: (made) => {
        steps.push(made.length);
        for (const t of made) {
          seen[t.row]?.push(t.token);
          expect(t.logprob).toBeCloseTo(ref.logprobs[t.row]?.[(seen[t.row]?.length ?? 0) - 1] ?? NaN, 5);
          expect(t.top?.[0]?.token).toBe(t.token); // greedy picks the most likely
        }
        return (seen[1]?.length ?? 0) === 2 ? [1] : undefined; // end row 1 after its 2nd token
      },
    });
    expect(hooked.tokens[0]).toEqual(ref.tokens[0]);
    expect(hooked.tokens[1]).toEqual(ref.tokens[1]?.slice(0, 2));
    expect(hooked.finishReasons).toEqual(["length", "stop"]);
    expect(seen).toEqual(hooked.tokens);
    expect(steps).toEqual([2, 2, 1, 1, 1, 1]);
    for (const row of ref.topLogprobs ?? []) for (const top of row) {
      expect(top).toHaveLength(4);
      expect(top.map((t) => t.logprob)).toEqual([...top.map((t) => t.logprob)].sort((a, b) => b - a));
    }
    const ctrl = new AbortController();
    const aborted = await model.generate([prompts[0] as number[]], {
      maxNewTokens: 6,
      temperature: 0,
      signal: ctrl.signal,
      onStep: async () => {
        ctrl.abort();
      },
    });
    expect(aborted.tokens[0]).toHaveLength(1);
    expect(aborted.finishReasons).toEqual(["abort"]);
    model.dispose();
  });
});

describe("checkpoints", () => {
  let dir: string;
  beforeAll(async () => {
    await tf.setBackend("wasm");
    dir = mkdtempSync(path.join(tmpdir(), "dynamind-ckpt-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("save → load gives identical logits, tokenizer and trainer state", async () => {
    const model = new TransformerLM(tiny, { seed: 7 });
    const ck = path.join(dir, "a");
    await saveCheckpoint(ck, { model, tokenizer: tok, trainer: { step: 12 } });
    const loaded = await loadCheckpoint(ck);
    const ids = tf.tensor2d([[257, 1, 2, 3]], [1, 4], "int32");
    const a = model.forward(ids).logits;
    const b = loaded.model.forward(ids).logits;
    expect(Array.from(await a.data())).toEqual(Array.from(await b.data()));
    expect(loaded.trainer).toEqual({ step: 12 });
    expect(loaded.tokenizer.vocabSize).toBe(tok.vocabSize);
    tf.dispose([ids, a, b]);
    model.dispose();
    loaded.model.dispose();
  });

  it("refuses missing, corrupt and inconsistent files with the file named", async () => {
    const model = new TransformerLM(tiny, { seed: 7 });
    const ck = path.join(dir, "b");
    await saveCheckpoint(ck, { model, tokenizer: tok });
    model.dispose();
    await expect(loadCheckpoint(path.join(dir, "nope"))).rejects.toThrow(/does not exist/);

    const bin = path.join(ck, "weights.bin");
    const original = readFileSync(bin);
    const flipped = Buffer.from(original);
    flipped[100] = (flipped[100] as number) ^ 0xff;
    writeFileSync(bin, flipped);
    await expect(loadCheckpoint(ck)).rejects.toThrow(/weights\.bin is corrupt/);
    writeFileSync(bin, original.subarray(0, 1000));
    await expect(loadCheckpoint(ck)).rejects.toThrow(/weights\.bin has 1000 bytes/);
    writeFileSync(bin, original);

    const cfgFile = path.join(ck, "config.json");
    const cfg = readFileSync(cfgFile, "utf8");
    writeFileSync(cfgFile, "{not json");
    await expect(loadCheckpoint(ck)).rejects.toThrow(/config\.json is not valid JSON/);
    writeFileSync(cfgFile, JSON.stringify({ ...JSON.parse(cfg), model: { ...JSON.parse(cfg).model, dModel: 48 } }));
    await expect(loadCheckpoint(ck)).rejects.toThrow(/weights\.json: tensor tok_emb has shape/);
    writeFileSync(cfgFile, cfg);

    unlinkSync(path.join(ck, "tokenizer.json"));
    await expect(loadCheckpoint(ck)).rejects.toThrow(/tokenizer\.json cannot be read: ENOENT/);
  });
});

describe("ByteTokenizer", () => {
  it("round-trips any text, including the Sokoban glyphs", () => {
    for (const s of ["#_OX√PS\n#  #", "Up Down Left Right", '{"action":"go to cabinet 1"}', "héllo ✓ 🙂"]) {
      expect(tok.decode(tok.encode(s))).toBe(s);
    }
  });

  it("marks only assistant content and its end token as response", () => {
    const enc = tok.encodeChat([
      { role: "system", content: "S" },
      { role: "user", content: "U" },
      { role: "assistant", content: "AB" },
    ]);
    const response = enc.ids.filter((_, i) => enc.responseMask[i] === 1);
    expect(tok.decode(response)).toBe("AB");
    expect(response.at(-1)).toBe(tok.end);
    expect(enc.ids[0]).toBe(tok.bos);
  });
});

describe("initialisation", () => {
  it("is a pure function of the seed", async () => {
    await tf.setBackend("wasm");
    const sums = (m: TransformerLM) => [...m.params.values()].map((v) => tf.tidy(() => v.sum().dataSync()[0]));
    const a = new TransformerLM(tiny, { seed: 0 });
    const b = new TransformerLM(tiny, { seed: 0 });
    const c = new TransformerLM(tiny, { seed: 1 });
    expect(sums(a)).toEqual(sums(b));
    expect(sums(a)).not.toEqual(sums(c));
    [a, b, c].forEach((m) => m.dispose());
  });
});
