/**
 * Training a transition model for dream: the SFT examples are the prompts DreamEnv builds
 * (checked against the prompts a dream session really sends), and a checkpoint model
 * serves a trainer's concurrent steps in batches whose rows do not depend on each other.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Action, EnvDefinition } from "../../adapters/contract.js";
import { parseDreamOperatorConfig } from "../../adapters/dream/config.js";
import { createDreamDefinition, fillLive, playRandom } from "../../adapters/dream/definition.js";
import { MicroBatcher } from "../../adapters/dream/micro-batcher.js";
import type { TransitionModel, TransitionRequest } from "../../adapters/dream/model.js";
import { formatReply } from "../../adapters/dream/reply.js";
import { ReplayBuffer } from "../../adapters/dream/retrieval.js";
import { buildModel } from "../../adapters/dream/sources.js";
import { transitionExamples } from "../../adapters/dream/training-data.js";
import { OperatorResources, operatorConfigFrom } from "../../adapters/operator-resources.js";
import { EnvRegistry } from "../../adapters/registry.js";
import { sokobanDefinition } from "../../adapters/sokoban/definition.js";

const text = (a: string): Action => ({ $case: "text", text: a });

describe("dream-data: SFT examples are the prompts dream sends", () => {
  it.each(["full", "compact"] as const)("each step's example (%s prompt) equals the request a dream session makes when the model answers the real outcome", async (style) => {
    const cfg = sokobanDefinition.parseConfig({ preset: "6x6-1box" });
    const episode = playRandom(sokobanDefinition, cfg, 20_000_123, 12);
    expect(episode.length).toBeGreaterThan(3);
    // The model answers each step with what the real env did, so the session follows the real episode.
    const requests: TransitionRequest[] = [];
    const oracle: TransitionModel = {
      kind: "endpoint",
      prompt: style,
      generate: (r) => {
        const t = episode[requests.push(r) - 1]!;
        return formatReply({ nextState: t.next, success: t.success, validActions: undefined });
      },
    };
    const registry = new EnvRegistry().register("sokoban", async () => sokobanDefinition);
    const def = (await createDreamDefinition(new OperatorResources({ dream: { live_episodes: 8, live_max_steps: 20 } }), registry, { models: new Map([["oracle", oracle]]) })) as EnvDefinition;
    const env = def.create(def.parseConfig({ base: "sokoban", base_config: { preset: "6x6-1box" }, model: "oracle", k: 2, history: 2 }));
    await env.reset(20_000_123, {});
    for (const t of episode) await env.step(text(t.action));

    const buffer = new ReplayBuffer(fillLive(sokobanDefinition, cfg, 8, 20));
    const examples = transitionExamples(episode, buffer, {
      baseId: "sokoban",
      instructions: sokobanDefinition.describe(cfg).instructions,
      k: 2,
      history: 2,
      maxTextChars: 4000,
      validActions: false,
      style,
    });
    expect(examples).toHaveLength(episode.length);
    examples.forEach((ex, i) => {
      expect(ex.messages.slice(0, -1)).toEqual(requests[i]!.messages);
      expect(ex.messages.at(-1)).toEqual({ role: "assistant", content: formatReply({ nextState: episode[i]!.next, success: episode[i]!.success, validActions: undefined }) });
    });
    // History and neighbours are really in them (not an empty prompt matching an empty prompt); compact leaves out the rules.
    const user = (i: number) => examples[i]!.messages.at(-2)!;
    expect(user(3).content).toContain("The last steps:");
    expect(user(0).content).toContain("[2] State:");
    expect(examples[0]!.messages.map((m) => m.role)).toEqual(style === "full" ? ["system", "user", "assistant"] : ["user", "assistant"]);
  });

  it("--dream-compact-prompt marks a model given by flag; an unknown name stops the start", () => {
    const c = operatorConfigFrom({ dreamCheckpoint: ["mine=runs/x"], dreamCompactPrompt: ["mine"] });
    expect(c.dream!.models!.mine).toMatchObject({ checkpoint: path.resolve("runs/x"), prompt: "compact" });
    expect(() => operatorConfigFrom({ dreamCompactPrompt: ["nobody"] })).toThrow(/--dream-compact-prompt nobody: no dream model of that name/);
    expect(() => new OperatorResources({ dream: { models: { m: { checkpoint: "x", prompt: "short" as "full" } } } })).toThrow();
  });
});

describe("MicroBatcher", () => {
  it("joins requests of one tick with the same key, in order, and answers each its own outcome", async () => {
    const batches: number[][] = [];
    const b = new MicroBatcher<number, number>(
      async (xs) => {
        batches.push(xs);
        return xs.map((x) => (x === 13 ? { ok: false as const, error: new Error("thirteen") } : { ok: true as const, value: x * 10 }));
      },
      (x) => (x % 2 === 0 ? "even" : "odd"),
      3,
    );
    const all = [1, 2, 3, 4, 5, 13, 7].map((x) => b.submit(x).then((v) => v, (e: Error) => e.message));
    expect(await Promise.all(all)).toEqual([10, 20, 30, 40, 50, "thirteen", 70]);
    // The first key's requests first (at most 3), then the oldest waiting request's key.
    expect(batches).toEqual([[1, 3, 5], [2, 4], [13, 7]]);
    // Requests that arrive while a batch runs make the next batch.
    const later = await Promise.all([b.submit(9), b.submit(11)]);
    expect(later).toEqual([90, 110]);
    expect(batches.at(-1)).toEqual([9, 11]);
  });

  it("keeps a batch's padded size (rows × the largest) within its bound, running an oversized request alone", async () => {
    const batches: number[][] = [];
    const b = new MicroBatcher<number, number>(
      async (xs) => {
        batches.push(xs);
        return xs.map((x) => ({ ok: true as const, value: x }));
      },
      () => "k",
      8,
      { sizeOf: (x) => x, max: 100 },
    );
    await Promise.all([10, 20, 30, 40, 200, 5].map((x) => b.submit(x)));
    // 10, 20, 30: 3 × 30 = 90; a fourth row would make 4 × 40 or 4 × 30 (> 100). Then 40 and 5: 2 × 40.
    // 200 exceeds the bound alone and still runs, alone.
    expect(batches).toEqual([[10, 20, 30], [40, 5], [200]]);
  });

  it("a batch that throws rejects its requests and the next batch still runs", async () => {
    let calls = 0;
    const b = new MicroBatcher<number, number>(
      async (xs) => {
        if (calls++ === 0) throw new Error("device lost");
        return xs.map((x) => ({ ok: true as const, value: x }));
      },
      () => "k",
      1,
    );
    const [first, second] = await Promise.allSettled([b.submit(1), b.submit(2)]);
    expect(first).toMatchObject({ status: "rejected", reason: { message: "device lost" } });
    expect(second).toEqual({ status: "fulfilled", value: 2 });
  });
});

describe("a checkpoint transition model under concurrent steps", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "dynamind-dream-batch-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("samples each request as it would alone, and ends a row whose deadline passed with DEADLINE", async () => {
    const [{ selectBackend }, { saveCheckpoint }, { ByteTokenizer }, { TransformerLM }] = await Promise.all([
      import("../../agent/model/backend.js"),
      import("../../agent/model/checkpoint.js"),
      import("../../agent/model/tokenizer.js"),
      import("../../agent/model/transformer.js"),
    ]);
    await selectBackend({ prefer: "wasm" });
    const net = new TransformerLM({ dModel: 16, nLayers: 1, nHeads: 2, dFF: 32, maxSeqLen: 256, vocabSize: 263 }, { seed: 3 });
    const ck = path.join(dir, "ck");
    await saveCheckpoint(ck, { model: net, tokenizer: new ByteTokenizer() });
    net.dispose();
    const model = await buildModel("tiny", { checkpoint: ck }, parseDreamOperatorConfig({}));
    try {
      const request = (i: number, deadline = Date.now() + 60_000): TransitionRequest => ({
        // Prompts of different lengths, so rows are padded differently in a batch.
        messages: [{ role: "user", content: `state ${"#".repeat(i * 7)} action Up` }],
        state: "",
        action: "Up",
        neighbours: [],
        maxTokens: 12,
        temperature: 1,
        seed: 1000 + i,
        deadline,
      });
      const alone: string[] = [];
      for (let i = 0; i < 5; i++) alone.push(await model.generate(request(i)));
      const together = await Promise.all([0, 1, 2, 3, 4].map((i) => model.generate(request(i))));
      expect(together).toEqual(alone);
      expect(new Set(alone).size).toBeGreaterThan(1);
      // A request whose time is up is refused before it joins a batch; the others are served.
      const mixed = await Promise.allSettled([model.generate(request(1)), model.generate(request(2, Date.now() - 1))]);
      expect(mixed[0]).toEqual({ status: "fulfilled", value: alone[1] });
      expect(mixed[1]).toMatchObject({ status: "rejected", reason: { reason: "DEADLINE" } });
    } finally {
      await model.close?.();
    }
  }, 60_000);
});

describe("models/sokoban-dream-compact (the committed transition model)", () => {
  it("predicts one real step of unseen rooms exactly far more often than copying the state does", async () => {
    const { selectBackend } = await import("../../agent/model/backend.js");
    await selectBackend({ prefer: "wasm" });
    const dir = new URL("../../models/sokoban-dream-compact/", import.meta.url).pathname;
    const model = await buildModel("learned", { checkpoint: dir, prompt: "compact" }, parseDreamOperatorConfig({}));
    try {
      const cfg = sokobanDefinition.parseConfig({ preset: "6x6-1box" });
      const settings = { baseId: "sokoban", instructions: "", k: 0, history: 0, maxTextChars: 4000, validActions: false, style: "compact" as const };
      const empty = new ReplayBuffer([]);
      // Held-out rooms (dream-fidelity's seeds), the first three real steps of random play in each.
      const steps = Array.from({ length: 8 }, (_, i) => playRandom(sokobanDefinition, cfg, 5_000_000 + i, 3)).flatMap((ep) =>
        transitionExamples(ep, empty, settings).map((ex) => ({ ex, t: ep[ex.step]! })),
      );
      const replies = await Promise.all(
        steps.map(({ ex }, i) => model.generate({ messages: ex.messages.slice(0, -1), state: "", action: "", neighbours: [], maxTokens: 72, temperature: 0, seed: i, deadline: Date.now() + 60_000 })),
      );
      const exact = replies.filter((r, i) => r.trim() === steps[i]!.ex.messages.at(-1)!.content).length;
      const copy = steps.filter(({ t }) => t.next === t.state).length;
      expect(steps.length).toBeGreaterThanOrEqual(20);
      expect(exact / steps.length).toBeGreaterThan(0.6);
      expect(exact).toBeGreaterThan(copy);
    } finally {
      await model.close?.();
    }
  }, 120_000);
});
