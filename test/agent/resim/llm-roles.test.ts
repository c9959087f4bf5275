/**
 * The LLM roles against a real model server: a tiny checkpoint trained here, served
 * by `dynamind serve-model`'s server, reached through the OpenAI-compatible client —
 * as the rollout policy, as the aggregator, and as the policy under evaluation.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EndpointPolicy } from "../../../agent/eval/endpoint-policy.js";
import { evaluate } from "../../../agent/eval/evaluate.js";
import { simScore } from "../../../agent/eval/sim-score.js";
import { ChatClient } from "../../../agent/llm/client.js";
import { startModelServer, type ModelServer } from "../../../agent/llm/server.js";
import { selectBackend } from "../../../agent/model/backend.js";
import { loadCheckpoint } from "../../../agent/model/checkpoint.js";
import { collectResim } from "../../../agent/resim/collect.js";
import type { Example } from "../../../agent/resim/dataset.js";
import { parseResponse } from "../../../agent/format/response.js";
import { buildPrompt } from "../../../agent/format/prompt.js";
import { runSft } from "../../../agent/train/sft.js";
import { useTestServer } from "../../support/server.js";

const ctx = useTestServer();
let served: ModelServer;
let llm: ChatClient;

beforeAll(async () => {
  await selectBackend({ prefer: "wasm" });
  const dir = mkdtempSync(join(tmpdir(), "llm-roles-"));
  // A small model taught to answer Up in any room (it learns the format only roughly in so few steps;
  // the tests check the wiring through the real server, and llm-choice.test.ts the choice logic).
  const session = await ctx.client.createSession("sokoban", { config: { preset: "6x6-1box" } });
  const data = [];
  const moves = ["Up", "Down", "Left", "Right"];
  for (let seed = 0; seed < 24; seed++) {
    let r = await session.reset(seed);
    // States along a short random walk too: rollouts start from later states of an episode.
    for (let k = 0; k < 4 && !r.terminated; k++) {
      data.push({ messages: [...buildPrompt(session.spec, r.observation, [], false, "compact"), { role: "assistant" as const, content: "<answer>Up</answer>" }] });
      r = await session.step(moves[(seed + k * 3) % 4]!);
    }
  }
  await session.close();
  const r = await runSft({ train: data, eval: [], outDir: dir, model: { dModel: 32, nLayers: 1, nHeads: 2, dFF: 64, maxSeqLen: 1024 }, steps: 80, batchSize: 8, lr: 1e-2, warmupSteps: 5, evalEvery: 0, progress: false });
  r.model.dispose();
  const ck = await loadCheckpoint(join(dir, "checkpoint"));
  served = await startModelServer({ model: ck.model, tokenizer: ck.tokenizer, modelId: "tiny-up", port: 0, defaultMaxTokens: 24 });
  llm = new ChatClient({ baseUrl: served.url, model: "tiny-up", maxRetries: 0 });
}, 120_000);

afterAll(async () => {
  await served?.close();
});

const base = (dir: string) => ({
  envId: "sokoban",
  config: { preset: "6x6-1box" },
  episodes: 1,
  seedStart: 40,
  b: 2,
  d: 2,
  horizon: 3,
  bTrain: 2,
  gamma: 0.9,
  value: "solver" as const,
  history: 0,
  concurrency: 1,
  promptStyle: "compact" as const,
  out: join(dir, "resim.jsonl"),
  llm,
});

describe("an OpenAI-compatible endpoint in every LLM role", () => {
  it("chooses rollout actions (policy llm)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "llm-roles-"));
    const summary = await collectResim(ctx.client, { ...base(dir), policy: "llm", llmTemperature: 0 });
    expect(summary.examples).toBeGreaterThan(0);
    const data = readFileSync(join(dir, "resim.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as Example);
    expect(data[0]!.metadata.policy).toBe("llm(tiny-up)");
    // Every rollout decision went to the model; whatever it said, the rollouts hold valid actions only.
    expect(summary.llmCalls).toBeGreaterThanOrEqual(data.length * 2);
    expect(summary.llmFallbacks).toBeLessThanOrEqual(summary.llmCalls);
    const firsts = data.flatMap((e) => (e.metadata.tree as { actions: string[] }[]).map((t) => t.actions[0]));
    for (const a of firsts) expect(["Up", "Down", "Left", "Right"]).toContain(a);
  }, 120_000);

  it("writes the comparison (aggregator llm) while the plans stay the real ones", async () => {
    const dir = mkdtempSync(join(tmpdir(), "llm-roles-"));
    await collectResim(ctx.client, { ...base(dir), policy: "mixed", aggregator: "llm" });
    const data = readFileSync(join(dir, "resim.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as Example);
    const session = await ctx.client.createSession("sokoban", { config: { preset: "6x6-1box" } });
    await session.reset(40);
    const first = data[0]!;
    expect(first.metadata.aggregator).toBe("llm");
    const parsed = parseResponse(first.messages.at(-1)!.content);
    expect(parsed.plans.length).toBeGreaterThan(0);
    expect((await simScore(session, first.messages.at(-1)!.content)).score).toBe(1);
    expect(parsed.plans.map((p) => p.steps[0]!.action)).toContain(parsed.answer);
  }, 120_000);

  it("is the policy under evaluation (eval --policy endpoint)", async () => {
    const r = await evaluate(ctx.client, new EndpointPolicy(llm, { simulates: false, maxTokens: 24 }), {
      envId: "sokoban",
      config: { preset: "6x6-1box" },
      seeds: [5],
      history: 0,
      concurrency: 1,
      simScore: true,
      promptStyle: "compact",
      maxSteps: 3,
    });
    expect(r.policy).toBe("endpoint(tiny-up)");
    expect(r.episodes).toBe(1);
    expect(r.tokensPerStep).toBeGreaterThan(0);
  }, 120_000);
});
