/**
 * The RL code on ALFWorld, through the same protocol and with no environment-specific
 * code: SimRollout executes a drafted command from a clone and refines from ALFWorld's
 * real next observation, and the trainer runs a Dyna-GRPO round (both updates) on
 * ALFWorld's long text prompts. Responses are scripted: no small model here plays
 * ALFWorld (docs/results/resim.md), and what is tested is the plumbing, not the policy.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import type { Step } from "../../../agent/client/index.js";
import { buildPrompt } from "../../../agent/format/prompt.js";
import { writeResponse } from "../../../agent/format/response.js";
import { selectBackend } from "../../../agent/model/backend.js";
import { ByteTokenizer, type Tokenizer } from "../../../agent/model/tokenizer.js";
import { parseRlConfig } from "../../../agent/rl/config.js";
import { runEpisodes } from "../../../agent/rl/rollouts.js";
import { runRl, type IterationMetrics } from "../../../agent/rl/trainer.js";
import { runSft } from "../../../agent/train/sft.js";
import { useTestServer } from "../../support/server.js";
import { draftThenRefine } from "./scripted-sampler.js";

const ctx = useTestServer();
const SEED = 3;
const root = mkdtempSync(path.join(tmpdir(), "rl-alfworld-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The start of episode SEED: its observation and two different "go to" commands it admits. */
async function start(): Promise<{ observation: Step["observation"]; draft: string; refined: string; next: string }> {
  const session = await ctx.client.createSession("alfworld");
  try {
    const { observation } = await session.reset(SEED);
    const goTo = observation.validActions.filter((a) => a.startsWith("go to "));
    expect(goTo.length).toBeGreaterThan(1);
    const [draft, refined] = [goTo[0]!, goTo[1]!];
    const [branch] = await session.expand([[draft]]);
    return { observation, draft, refined, next: branch!.steps[0]!.observation.text };
  } finally {
    await session.close();
  }
}

/** Drafts a one-command plan going to `draft`; from a refinement input, answers `refined`. */
function scripted(tokenizer: Tokenizer, draft: string, refined: string) {
  const first = writeResponse([{ id: 1, value: 0.5, steps: [{ action: draft, state: "?" }] }], "Plan 1 is best.", draft);
  return draftThenRefine(tokenizer, first, `<answer>${refined}</answer>`, 1 << 16);
}

describe("RL on ALFWorld", () => {
  it("SimRollout executes the drafted command from a clone, refines from ALFWorld's real next observation and steps with the refined command", async () => {
    const s = await start();
    const tokenizer = new ByteTokenizer();
    const sampler = scripted(tokenizer, s.draft, s.refined);
    const cfg = parseRlConfig({ algo: "dyna-grpo", env: "alfworld", envConfig: {}, groupSize: 2, maxSteps: 1 });
    const spy = vi.spyOn(ctx.client, "batchStep");
    const { episodes } = await runEpisodes({ client: ctx.client, sampler, tokenizer, cfg }, [{ seed: SEED, group: 0, sim: true }, { seed: SEED, group: 0, sim: false }], 1);
    const stepped = spy.mock.calls.map((c) => c[0].map((x) => x.action));
    spy.mockRestore();

    const [sim, plain] = episodes;
    const turn = sim!.turns[0]!;
    const input = tokenizer.decode(turn.refinement!.input);
    // The refinement input holds the real observation after the drafted command, which the draft did not know.
    expect(input).toContain(s.next);
    expect(s.next).not.toBe(s.observation.text);
    expect(turn.refinement).toMatchObject({ planActions: 1, answerChanged: true });
    expect(turn.answer).toBe(s.refined);
    expect(plain!.turns[0]!.answer).toBe(s.draft);
    // The real episodes moved only by their answers: the refined command for SimRollout, the draft for the plain one.
    expect(stepped).toEqual([[s.refined, s.draft]]);
  });

  it("trains a Dyna-GRPO round (simulation improvement, then policy improvement) on ALFWorld's prompts", async () => {
    const s = await start();
    await selectBackend({ prefer: "wasm" });
    // A one-layer byte model whose context holds ALFWorld's prompts and refinement inputs; two SFT steps make it a checkpoint.
    const tokenizer = new ByteTokenizer();
    const session = await ctx.client.createSession("alfworld");
    const prompt = buildPrompt(session.spec, s.observation, [], true, "compact");
    await session.close();
    const example = { messages: [...prompt, { role: "assistant" as const, content: `<answer>${s.draft}</answer>` }] };
    const sft = await runSft({ train: [example, example], eval: [], outDir: path.join(root, "sft"), model: { dModel: 16, nLayers: 1, nHeads: 2, dFF: 32, maxSeqLen: 4096 }, steps: 2, batchSize: 2, lr: 1e-3, warmupSteps: 1, evalEvery: 0, progress: false, workers: 1, seed: 1 });
    sft.model.dispose();

    const outDir = path.join(root, "rl");
    // Every return in a group is equal (no episode reaches the goal in two steps), so "kl" keeps the groups in the update.
    const config = parseRlConfig({ algo: "dyna-grpo", env: "alfworld", envConfig: {}, seedStart: SEED, groupSize: 2, groupsPerIteration: 1, nT: 1, nPi: 1, rounds: 1, maxSteps: 2, maxNewTokens: 64, minibatchSize: 4, flatGroups: "kl" });
    const r = await runRl({ config, from: path.join(root, "sft", "checkpoint"), outDir, client: ctx.client, progress: false, sampler: () => scripted(tokenizer, s.draft, s.refined) });
    r.model.dispose();

    const metrics = readFileSync(path.join(outDir, "metrics.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as IterationMetrics);
    expect(metrics.map((m) => m.phase)).toEqual(["sim", "policy"]);
    const [sim, policy] = metrics;
    // Both SimRollout turns were refined (one per step of the sim episode), none skipped for length.
    expect(sim!.refined).toBe(2);
    expect(sim!.refineSkippedTooLong).toBe(0);
    expect(sim!.refineInputTokens).toBeGreaterThan(prompt.reduce((a, m) => a + m.content.length, 0));
    // The gradient steps ran on ALFWorld prompts (the KL term of the flat groups).
    expect(sim!.kl).not.toBeNull();
    expect(policy!.kl).not.toBeNull();
    expect(metrics.every((m) => m.agentSteps === 4 && m.success === 0)).toBe(true);
  }, 120_000);
});
