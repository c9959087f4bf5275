import * as tf from "@tensorflow/tfjs";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { selectBackend } from "../../../agent/model/backend.js";
import { loadCheckpoint } from "../../../agent/model/checkpoint.js";
import { ByteTokenizer } from "../../../agent/model/tokenizer.js";
import { CheckpointPolicy } from "../../../agent/eval/model-policy.js";
import { FittedTokenizer } from "../../../agent/model/tokenizer.js";
import { chatTexts, lengthBuckets, makeBatch, parseChatJsonl, tokenizeExamples, tokenStats, type ChatExample } from "../../../agent/train/dataset.js";
import { learningRate } from "../../../agent/train/schedule.js";
import { runSft } from "../../../agent/train/sft.js";

const tok = new ByteTokenizer();
const tiny = { dModel: 32, nLayers: 2, nHeads: 2, dFF: 64, maxSeqLen: 64 };
const data: ChatExample[] = [
  { messages: [{ role: "user", content: "grid A" }, { role: "assistant", content: "Up" }] },
  { messages: [{ role: "user", content: "grid B" }, { role: "assistant", content: "Down" }] },
  { messages: [{ role: "system", content: "play" }, { role: "user", content: "grid C" }, { role: "assistant", content: "Left" }] },
  { messages: [{ role: "user", content: "grid D" }, { role: "assistant", content: "Right" }] },
];
let dir: string;

beforeAll(async () => {
  await selectBackend({ prefer: "wasm" });
  dir = mkdtempSync(path.join(tmpdir(), "dynamind-sft-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("dataset", () => {
  it("reports malformed lines with their line numbers", () => {
    const text = [
      JSON.stringify(data[0]),
      "{oops",
      JSON.stringify({ messages: [{ role: "user", content: "no reply" }] }),
      JSON.stringify({ messages: [{ role: "robot", content: "x" }, { role: "assistant", content: "y" }] }),
      "",
    ].join("\n");
    expect(() => parseChatJsonl(text, "d.jsonl")).toThrow(/3 malformed line\(s\) in d\.jsonl:\n {2}d\.jsonl:2: not valid JSON[\s\S]*d\.jsonl:3: no assistant message[\s\S]*d\.jsonl:4: .*messages\.0\.role/);
    expect(() => parseChatJsonl("\n\n", "e.jsonl")).toThrow(/e\.jsonl has no examples/);
  });

  it("puts loss weight on assistant tokens only, and buckets by length", () => {
    const { examples } = tokenizeExamples(data, tok, 64);
    const buckets = lengthBuckets(examples, 2);
    expect(buckets.flat().sort()).toEqual([0, 1, 2, 3]);
    for (const idx of buckets) {
      const lens = idx.map((i) => examples[i]?.ids.length ?? 0);
      expect(Math.max(...lens) - Math.min(...lens)).toBeLessThanOrEqual(examples.reduce((m, e) => Math.max(m, e.ids.length), 0));
    }
    const b = makeBatch(examples, [0], tok.pad);
    const w = Array.from(b.weights.dataSync());
    const tg = Array.from(b.targets.dataSync());
    expect(tok.decode(tg.filter((_, i) => w[i] === 1))).toBe("Up");
    expect(tg.filter((_, i) => w[i] === 1).at(-1)).toBe(tok.end);
    expect(b.lossTokens).toBe(3);
    tf.dispose([b.ids, b.targets, b.weights]);
  });

  it("ignores prompt tokens in the loss: changing only the targets of prompt positions leaves it unchanged", async () => {
    const { TransformerLM } = await import("../../../agent/model/transformer.js");
    const model = new TransformerLM({ ...tiny, vocabSize: tok.vocabSize });
    const { examples } = tokenizeExamples(data, tok, 64);
    const b = makeBatch(examples, [0, 1], tok.pad);
    const w = b.weights.dataSync();
    const altered = Int32Array.from(b.targets.dataSync(), (t, i) => (w[i] === 1 ? t : (t + 7) % 256));
    const alt = tf.tensor2d(altered, b.targets.shape, "int32");
    const l1 = model.maskedLoss(b.ids, b.targets, b.weights);
    const l2 = model.maskedLoss(b.ids, alt, b.weights);
    expect((await l1.data())[0]).toBeCloseTo((await l2.data())[0] as number, 6);
    tf.dispose([b.ids, b.targets, b.weights, alt, l1, l2]);
    model.dispose();
  });
});

describe("context length", () => {
  const long = (n: number, seed: number): ChatExample => ({ messages: [{ role: "user", content: "#".repeat(n) }, { role: "assistant", content: "Up" }], metadata: { env: "sokoban", seed, step: 0 } });

  it("never cuts an example: one longer than maxSeqLen + 1 tokens fails, naming the longest", () => {
    // <bos> <|user|> n×'#' <|end|> <|assistant|> U p <|end|> = n + 7 tokens.
    const set = [data[0]!, long(30, 5), long(50, 6), long(40, 7)];
    expect(() => tokenizeExamples(set, tok, 40, "the training split")).toThrow(
      /2 of 4 examples in the training split do not fit the model's context \(maxSeqLen 40 takes examples of up to 41 byte tokens\); the longest, example 3 of the training split \(env "sokoban", seed 6, step 0\), has 57 tokens\. Raise maxSeqLen to at least 56/,
    );
    // Exactly maxSeqLen + 1 tokens fits: the last token is only a target.
    expect(tokenizeExamples([long(34, 1)], tok, 40).examples[0]!.ids).toHaveLength(41);
  });

  it("runSft refuses over-long data before training, with the fitted tokenizer too", async () => {
    const set = [...data, long(200, 9)];
    await expect(runSft({ train: set, eval: [], outDir: path.join(dir, "long"), model: { ...tiny, maxSeqLen: 32 }, steps: 1, progress: false })).rejects.toThrow(
      /1 of 5 examples in the training split do not fit the model's context \(maxSeqLen 32 takes examples of up to 33 fitted tokens\); the longest, example 5 .*seed 9.*, has \d+ tokens/,
    );
  });

  it("reports tokens per example", () => {
    const fitted = FittedTokenizer.fit(chatTexts([...data, ...data]));
    const b = tokenStats(data, tok);
    // <bos> <|user|> "grid A" <|end|> <|assistant|> "Up" <|end|> = 13 bytes-and-specials; then 15, 21 (with a system message), 16.
    expect(b).toMatchObject({ tokenizer: "byte", vocabSize: 263, examples: 4, mean: 16.3, max: 21, p95: 21, minMaxSeqLen: 20, replyMean: 4.8, replyMax: 6 });
    const f = tokenStats(data, fitted);
    expect(f.tokenizer).toBe("fitted");
    expect(f.max).toBeLessThan(b.max);
  });
});

describe("learning-rate schedule", () => {
  it("warms up linearly then decays by cosine to the minimum", () => {
    const s = { peak: 1, min: 0.1, warmupSteps: 10, totalSteps: 110 };
    expect(learningRate(0, s)).toBeCloseTo(0.1);
    expect(learningRate(9, s)).toBeCloseTo(1);
    expect(learningRate(60, s)).toBeCloseTo(0.55);
    expect(learningRate(110, s)).toBeCloseTo(0.1);
  });
});

describe("runSft", () => {
  it("overfits a tiny dataset, writes metrics and a checkpoint, and the model then answers", async () => {
    const out = path.join(dir, "run1");
    const res = await runSft({ train: data, eval: data, outDir: out, model: tiny, tokenizer: "byte", steps: 60, batchSize: 4, lr: 3e-3, warmupSteps: 5, evalEvery: 30, checkpointEvery: 0, progress: false });
    const train = res.history.filter((m) => m.kind === "train");
    expect(train.at(-1)?.loss ?? NaN).toBeLessThan((train[0]?.loss ?? 0) * 0.25);
    const evals = res.history.filter((m) => m.kind === "eval");
    expect(evals.map((e) => e.step)).toEqual([30, 60]);
    const lines = readFileSync(path.join(out, "metrics.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
    expect(lines).toHaveLength(62);
    const prompt = tok.encodeChat([{ role: "user", content: "grid B" }], true).ids;
    const gen = await res.model.generate([prompt], { maxNewTokens: 10, temperature: 0, stopTokens: [tok.end] });
    expect(tok.decode(gen.tokens[0] ?? [])).toBe("Down");
    res.model.dispose();
  });

  it("fits a tokenizer to the training split by default; the checkpoint keeps it and evaluates as a policy", async () => {
    const twice = [...data, ...data];
    const out = path.join(dir, "fitted");
    const res = await runSft({ train: twice, eval: data, outDir: out, model: tiny, steps: 120, batchSize: 4, lr: 3e-3, warmupSteps: 5, evalEvery: 0, checkpointEvery: 0, progress: false });
    expect(res.tokenizer.type).toBe("fitted");
    expect(res.tokenizer.toJSON()).toEqual(FittedTokenizer.fit(chatTexts(twice)).toJSON());
    // Words seen twice are single tokens: the reply "Down" is one token and <|end|>.
    expect(res.tokenizer.encode("Down")).toHaveLength(1);
    const train = res.history.filter((m) => m.kind === "train");
    expect(train.at(-1)?.loss ?? NaN).toBeLessThan((train[0]?.loss ?? 0) * 0.25);
    res.model.dispose();
    const ck = path.join(out, "checkpoint");
    expect(JSON.parse(readFileSync(path.join(ck, "tokenizer.json"), "utf8")).type).toBe("fitted");
    const policy = await CheckpointPolicy.load(ck, { simulates: false, maxNewTokens: 8 });
    for (const ex of data) {
      const r = await policy.respond(ex.messages.filter((m) => m.role !== "assistant"));
      expect(r.text).toBe(ex.messages.at(-1)!.content);
    }
    // Fine-tuning from it keeps its tokenizer, whatever a new model would get.
    const tuned = await runSft({ train: [{ messages: [{ role: "user", content: "brand new words" }, { role: "assistant", content: "Up" }] }], eval: [], outDir: path.join(dir, "tuned"), init: ck, tokenizer: "byte", steps: 1, progress: false });
    expect(tuned.tokenizer.toJSON()).toEqual(res.tokenizer.toJSON());
    tuned.model.dispose();
  });

  it("resumes from the checkpoint at the saved step and matches an uninterrupted run", async () => {
    const opts = { train: data, eval: [], model: tiny, batchSize: 2, lr: 1e-3, warmupSteps: 2, evalEvery: 0, progress: false, seed: 3 };
    const full = await runSft({ ...opts, outDir: path.join(dir, "full"), steps: 8, checkpointEvery: 0 });
    const outB = path.join(dir, "resumed");
    // Simulate a crash right after the checkpoint at step 4.
    const crash = { onCheckpoint: (_dir: string, step: number) => { if (step === 4) throw new Error("killed"); } };
    await expect(runSft({ ...opts, outDir: outB, steps: 8, checkpointEvery: 4, callbacks: crash })).rejects.toThrow("killed");
    const second = await runSft({ ...opts, outDir: outB, steps: 8, checkpointEvery: 0 });
    expect(second.startStep).toBe(4);
    expect(second.history.filter((m) => m.kind === "train").map((m) => m.step)).toEqual([5, 6, 7, 8]);
    expect(second.tokenizer.toJSON()).toEqual(full.tokenizer.toJSON());
    const ids = tf.tensor2d([full.tokenizer.encodeChat(data[0]?.messages ?? []).ids], undefined, "int32");
    const a = await full.model.forward(ids).logits.data();
    const b = await second.model.forward(ids).logits.data();
    let maxDiff = 0;
    for (let i = 0; i < a.length; i++) maxDiff = Math.max(maxDiff, Math.abs((a[i] as number) - (b[i] as number)));
    expect(maxDiff).toBeLessThan(1e-4);
    const ck = await loadCheckpoint(path.join(outB, "checkpoint"));
    expect(ck.trainer?.step).toBe(8);
    expect(ck.optimizer?.meta.step).toBe(8);
    tf.dispose([ids, ...(ck.optimizer ? ck.optimizer.tensors.values() : [])]);
    ck.model.dispose();
    full.model.dispose();
    second.model.dispose();
  });
});
