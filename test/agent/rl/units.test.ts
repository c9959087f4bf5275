/** The pieces of the RL trainer that need no environment: rewards, advantages, the objective, one update, the config. */
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { grpoAdvantages, refineAdvantage, rlooAdvantages } from "../../../agent/rl/advantages.js";
import { parseRlConfig, schedule } from "../../../agent/rl/config.js";
import { clippedObjective } from "../../../agent/rl/objective.js";
import { episodeReturn, stepRewards } from "../../../agent/rl/rewards.js";
import { extractPlan, PLAN_FUTURE_HEADER, REFINE_INSTRUCTION, refinementMessages } from "../../../agent/rl/sim-rollout.js";
import { iterationEpisodes, lookaheadCounts } from "../../../agent/rl/trainer.js";
import type { Turn } from "../../../agent/rl/rollouts.js";
import { bestLookaheadActions, lookaheadLine } from "../../../agent/format/refinement.js";
import { policyUpdate } from "../../../agent/rl/update.js";
import { selectBackend } from "../../../agent/model/backend.js";
import { TransformerLM } from "../../../agent/model/transformer.js";
import { AdamW } from "../../../agent/train/optimizer.js";

beforeAll(async () => {
  await selectBackend({ prefer: "wasm" });
});

describe("the paper's rewards, computed from the episode", () => {
  it("gives −0.1 per non-terminal step, +10 for a successful last step and 0 for a failed one", () => {
    expect(stepRewards(3, true)).toEqual([-0.1, -0.1, 10]);
    expect(stepRewards(3, false)).toEqual([-0.1, -0.1, 0]);
    expect(stepRewards(1, true)).toEqual([10]);
    expect(episodeReturn(1, true)).toBe(10);
    expect(episodeReturn(4, false)).toBeCloseTo(-0.3, 12);
    expect(episodeReturn(4, true)).toBeCloseTo(9.7, 12);
    expect(() => stepRewards(-1, false)).toThrow(/non-negative/);
  });
});

describe("group advantages", () => {
  it("GRPO normalises returns within the group to mean 0 and standard deviation 1", () => {
    const a = grpoAdvantages([9.8, -0.5, -0.5, 9.6]);
    const m = a.reduce((x, y) => x + y, 0) / a.length;
    const sd = Math.sqrt(a.reduce((x, y) => x + (y - m) ** 2, 0) / a.length);
    expect(m).toBeCloseTo(0, 9);
    expect(sd).toBeCloseTo(1, 5);
    expect(a[0]!).toBeGreaterThan(a[3]!);
    expect(a[1]).toBe(a[2]);
  });

  it("RLOO subtracts the mean of the other rollouts' returns", () => {
    expect(rlooAdvantages([10, 0, 0])).toEqual([10, -5, -5]);
    expect(rlooAdvantages([4, 2])).toEqual([2, -2]);
    expect(() => rlooAdvantages([1])).toThrow(/at least 2/);
  });

  it("gives every rollout of an all-equal group exactly zero advantage", () => {
    const equal = [-0.1 * 19, -0.1 * 19, -0.1 * 19, -0.1 * 19, -0.1 * 19, -0.1 * 19, -0.1 * 19];
    expect(grpoAdvantages(equal)).toEqual(equal.map(() => 0));
    expect(rlooAdvantages(equal)).toEqual(equal.map(() => 0));
  });

  it("gives A_refine = 1 only to a successful refined trajectory that beats both group means", () => {
    expect(refineAdvantage(9.8, true, 5, 4)).toBe(1);
    expect(refineAdvantage(9.8, false, 5, 4)).toBe(0);
    expect(refineAdvantage(4.5, true, 5, 4)).toBe(0);
    expect(refineAdvantage(4.5, true, 4, 5)).toBe(0);
  });
});

describe("the clipped objective with the k3 KL penalty", () => {
  // Row 1: advantage +1, ratios 1.25 (clipped to 1.2) and 1; the reference differs on token 2.
  // Row 2: advantage −1, ratios 0.5 (clipped to 0.8) and 1.5 (kept: the min picks it); reference = policy.
  // A fifth position is padding. ε = 0.2, β = 0.1.
  const ln = Math.log;
  const inputs = () => ({
    logprobs: tf.tensor2d([[ln(0.5), ln(0.2), 0], [ln(0.1), ln(0.3), 0]]),
    oldLogprobs: tf.tensor2d([[ln(0.4), ln(0.2), 0], [ln(0.2), ln(0.2), 0]]),
    refLogprobs: tf.tensor2d([[ln(0.5), ln(0.4), 0], [ln(0.1), ln(0.3), 0]]),
    advantages: tf.tensor2d([[1, 1, 1], [-1, -1, -1]]),
    mask: tf.tensor2d([[1, 1, 0], [1, 1, 0]]),
    clip: 0.2,
    beta: 0.1,
  });
  const k3 = 2 - Math.log(2) - 1; // exp(d) − d − 1 at d = ln 2

  it("matches the values worked out by hand", async () => {
    const o = clippedObjective(inputs());
    // surrogates 1.2, 1, −0.8, −1.5 over 4 tokens; KL only on row 1 token 2.
    expect((await o.loss.data())[0]).toBeCloseTo(-(1.2 + 1 - 0.8 - 1.5) / 4 + (0.1 * k3) / 4, 5);
    expect((await o.kl.data())[0]).toBeCloseTo(k3 / 4, 5);
    expect((await o.clipFraction.data())[0]).toBeCloseTo(2 / 4, 6);
  });

  it("passes no gradient through a clipped token and the KL gradient through the rest", async () => {
    const x = inputs();
    const g = tf.grad((lp: tf.Tensor) => clippedObjective({ ...x, logprobs: lp as tf.Tensor2D }).loss)(x.logprobs);
    const d = (await g.array()) as number[][];
    expect(d[0]![0]).toBeCloseTo(0, 6); // clipped, and k3'(0) = 0
    expect(d[0]![1]).toBeCloseTo((-1 - 0.1 * (2 - 1)) / 4, 5); // −ratio·A and β·(1 − exp(d))
    expect(d[1]![0]).toBeCloseTo(0, 6); // clipped
    expect(d[1]![1]).toBeCloseTo(1.5 / 4, 5); // −ratio·A with A = −1
    expect(Math.abs(d[0]![2]!)).toBe(0); // padding
  });
});

describe("weighting an episode's steps", () => {
  it("with episode weighting, tokens every response shares get no net push from a group whose failures run longer", async () => {
    const { stepWeight } = await import("../../../agent/rl/trainer.js");
    // One group: two 3-step successes, two 20-step failures (a step-capped task).
    const lengths = [3, 3, 20, 20];
    const adv = grpoAdvantages([9.8, 9.8, -2, -2]);
    const push = (weighting: "episode" | "step") => {
      const cfg = parseRlConfig({ algo: "grpo", stepWeighting: weighting });
      // Σ over every step's sample of weight · advantage: what a token in every response (the answer markup) is pushed by.
      return lengths.reduce((a, n, i) => a + n * stepWeight(cfg, { turns: new Array(n).fill({}) } as never) * adv[i]!, 0);
    };
    expect(push("episode")).toBeCloseTo(0, 12);
    expect(push("step")).toBeLessThan(-10);
    expect(parseRlConfig({ algo: "grpo" }).stepWeighting).toBe("episode");
  });

  it("divides by the normalizer it is given, so minibatches keep the whole set's weighting", async () => {
    const ln = Math.log;
    const x = {
      logprobs: tf.tensor2d([[ln(0.5), ln(0.5)]]),
      oldLogprobs: tf.tensor2d([[ln(0.5), ln(0.5)]]),
      refLogprobs: tf.tensor2d([[ln(0.5), ln(0.5)]]),
      advantages: tf.tensor2d([[1, 1]]),
      mask: tf.tensor2d([[0.25, 0.25]]),
      clip: 0.2,
      beta: 0,
    };
    expect((await clippedObjective(x).loss.data())[0]).toBeCloseTo(-1, 6); // weighted mean
    expect((await clippedObjective({ ...x, normalizer: 2 }).loss.data())[0]).toBeCloseTo(-0.25, 6); // Σ w·(−ratio·A) / 2
  });
});

describe("one policy update", () => {
  it("raises the log-probability of a positive-advantage completion and lowers a negative one", async () => {
    const cfg = { vocabSize: 16, dModel: 16, nLayers: 1, nHeads: 2, dFF: 32, maxSeqLen: 16 };
    const model = new TransformerLM(cfg, { seed: 3 });
    const reference = new TransformerLM(cfg, { seed: 3 });
    const optimizer = new AdamW(model.params, (n) => model.decayed(n), { weightDecay: 0 });
    const good = { prompt: [1, 2, 3], completion: [4, 5, 6] };
    const bad = { prompt: [1, 2, 3], completion: [7, 8, 9] };
    const total = async () => (await model.scoreCompletions([good, bad])).map((lp) => lp.reduce((a, b) => a + b, 0));
    const [g0, b0] = await total();
    const stats = await policyUpdate(model, reference, optimizer, [{ ...good, advantage: 1 }, { ...bad, advantage: -1 }], {
      clip: 0.2,
      beta: 0.04,
      lr: 1e-2,
      gradClip: 1,
      epochs: 1,
      minibatchSize: 8,
      seed: 0,
    });
    const [g1, b1] = await total();
    expect(g1!).toBeGreaterThan(g0!);
    expect(b1!).toBeLessThan(b0!);
    expect(stats).toMatchObject({ samples: 2, tokens: 6, gradientSteps: 1, kl: 0, clipFraction: 0 }); // the policy starts at the reference, ratio 1
    // The policy has moved: a second update sees a positive KL to the reference.
    const again = await policyUpdate(model, reference, optimizer, [{ ...good, advantage: 1 }], { clip: 0.2, beta: 0.04, lr: 1e-2, gradClip: 1, epochs: 2, minibatchSize: 1, seed: 0 });
    expect(again.kl).toBeGreaterThan(0);
    expect(again.gradientSteps).toBe(2);
    model.dispose();
    reference.dispose();
    optimizer.dispose();
  });
});

describe("micro-batches", () => {
  it("split a minibatch by padded tokens, and the update equals one pass over the whole minibatch", async () => {
    const { microbatches } = await import("../../../agent/rl/update.js");
    expect(microbatches([10, 10, 10, 30], 40)).toEqual([[0, 1, 2], [3]]);
    expect(microbatches([50], 10)).toEqual([[0]]);
    const cfg = { vocabSize: 16, dModel: 16, nLayers: 1, nHeads: 2, dFF: 32, maxSeqLen: 32 };
    const samples = [
      { prompt: [1, 2, 3], completion: [4, 5, 6], advantage: 1, weight: 0.5 },
      { prompt: [1, 2], completion: [7, 8, 9, 10], advantage: -1, weight: 0.25 },
      { prompt: [3, 3, 3, 3], completion: [11], advantage: 0.5, weight: 1 },
    ];
    const run = async (microbatchTokens: number) => {
      const model = new TransformerLM(cfg, { seed: 5 });
      const reference = new TransformerLM(cfg, { seed: 6 });
      const optimizer = new AdamW(model.params, (n) => model.decayed(n), { weightDecay: 0 });
      const stats = await policyUpdate(model, reference, optimizer, samples, { clip: 0.2, beta: 0.04, lr: 1e-2, gradClip: 1, epochs: 1, minibatchSize: 8, seed: 0, microbatchTokens });
      const w = await model.params.get("tok_emb")!.data();
      model.dispose();
      reference.dispose();
      optimizer.dispose();
      return { stats, w: Array.from(w) };
    };
    const whole = await run(1_000_000);
    const split = await run(6);
    expect(split.stats.gradientSteps).toBe(1);
    expect(split.stats.loss).toBeCloseTo(whole.stats.loss, 5);
    expect(split.stats.kl).toBeCloseTo(whole.stats.kl, 5);
    for (let i = 0; i < whole.w.length; i++) expect(split.w[i]).toBeCloseTo(whole.w[i]!, 5);
  });
});

describe("the RL config", () => {
  it("fills defaults and lays out Dyna-GRPO's rounds", () => {
    const c = parseRlConfig({ algo: "dyna-grpo", groupSize: 4, nT: 2, nPi: 1, rounds: 2 });
    expect(c.beta).toBeGreaterThan(0);
    expect(schedule(c).map((s) => `${s.round}${s.phase}`)).toEqual(["0sim", "0sim", "0policy", "1sim", "1sim", "1policy"]);
    expect(schedule(parseRlConfig({ algo: "rloo", iterations: 3 })).map((s) => s.phase)).toEqual(["policy", "policy", "policy"]);
  });

  it("gives each group a new task seed, or cycles through a pool of taskPool seeds", () => {
    const seedsOf = (c: object) => schedule(parseRlConfig(c)).map((it) => iterationEpisodes(parseRlConfig(c), it).seeds);
    expect(seedsOf({ algo: "grpo", iterations: 3, groupsPerIteration: 2, seedStart: 100 })).toEqual([[100, 101], [102, 103], [104, 105]]);
    expect(seedsOf({ algo: "grpo", iterations: 3, groupsPerIteration: 2, seedStart: 100, taskPool: 3 })).toEqual([[100, 101], [102, 100], [101, 102]]);
    expect(() => parseRlConfig({ algo: "grpo", taskPool: -1 })).toThrow(/taskPool/);
  });

  it("refuses malformed values with the field named", () => {
    expect(() => parseRlConfig({ algo: "ppo" })).toThrow(/RL config: .*algo/);
    expect(() => parseRlConfig({ algo: "dyna-grpo", groupSize: 5 })).toThrow(/even groupSize.*groupSize/);
    expect(() => parseRlConfig({ algo: "grpo", clip: 1.5 })).toThrow(/clip/);
    expect(() => parseRlConfig({ algo: "grpo", groupSize: 1 })).toThrow(/groupSize/);
    expect(() => parseRlConfig({ algo: "grpo", planMaxActions: 6 })).toThrow(/planMaxActions/);
    expect(() => parseRlConfig({ algo: "dyna-grpo", lookaheadTries: 65 })).toThrow(/lookaheadTries/);
    expect(() => parseRlConfig({ algo: "dyna-grpo", lookaheadHorizon: 0 })).toThrow(/lookaheadHorizon/);
    expect(() => parseRlConfig({ algo: "dyna-grpo", lookaheadScope: "everywhere" })).toThrow(/lookaheadScope/);
    expect(parseRlConfig({ algo: "dyna-grpo" }).lookaheadScope).toBe("plan");
    expect(() => parseRlConfig({ algo: "grpo", temprature: 1 })).toThrow(/temprature/);
    expect(() => parseRlConfig({ algo: "grpo", lr: "fast" })).toThrow(/lr/);
  });
});

describe("SimRollout's plan and refinement input", () => {
  const response =
    "<think>\n<plan id=1>\n<action>Left</action>\n<state>\nA\n</state>\n</plan>\n<plan id=2>\n<action>Up</action>\n<state>\nB\n</state>\n<action>Up</action>\n<state>\nC\n</state>\n</plan>\n</think>\n<answer>Up</answer>";

  it("takes the plan that starts with the answer, at most n actions", () => {
    expect(extractPlan(response, 5)).toEqual({ actions: ["Up", "Up"], source: "plan" });
    expect(extractPlan(response, 1)).toEqual({ actions: ["Up"], source: "plan" });
    expect(extractPlan("<answer>Down</answer>", 5)).toEqual({ actions: ["Down"], source: "answer" });
    expect(extractPlan("no idea", 5)).toEqual({ actions: [], source: "none" });
  });

  it("appends the draft and the real future states to the state's prompt", () => {
    const m = refinementMessages([{ role: "user", content: "Current observation:\nS0" }], response, {
      rejected: false,
      states: [{ action: "Up", text: "S1", terminated: false, truncated: false, success: false }, { action: "Up", text: "S2", terminated: true, truncated: false, success: true }],
    });
    expect(m).toHaveLength(1);
    const text = m[0]!.content;
    expect(text.startsWith("Current observation:\nS0\n\nYour draft response:\n<think>")).toBe(true);
    expect(text).toContain("Action: Up\nObservation:\nS1\nAction: Up\nObservation:\nS2\nThe episode ends: success.");
  });

  it("in the plan form, shows only the plan's real outcome, not the draft's text", () => {
    const future = { rejected: false, states: [{ action: "Up", text: "S1", terminated: false, truncated: false, success: false }] };
    const text = refinementMessages([{ role: "user", content: "Current observation:\nS0" }], response, future, "plan")[0]!.content;
    expect(text).toBe(`Current observation:\nS0\n\n${PLAN_FUTURE_HEADER}\nAction: Up\nObservation:\nS1\n\n${REFINE_INSTRUCTION}`);
    const full = refinementMessages([{ role: "user", content: "Current observation:\nS0" }], response, future, "response")[0]!.content;
    expect(full.length - text.length).toBeGreaterThan(response.length);
    expect(refinementMessages([{ role: "user", content: "x" }], response, { rejected: true, states: [] }, "plan")[0]!.content).toContain("The environment rejected an action of the plan.");
  });

  it("counts the lookaheads a run's turns were shown, the dead ends among them, and the answers changed after one", () => {
    const turn = (lookahead: { tries: number; successes: number } | undefined, answerChanged: boolean, refined = true): Turn =>
      ({ prompt: [], completion: [], text: "", answer: "Up", accepted: true, ...(refined ? { refinement: { input: [], firstText: "", planActions: 1, answerChanged, ...(lookahead ? { lookahead } : {}) } } : {}) }) as Turn;
    const turns = [
      turn({ tries: 8, successes: 0 }, true),
      turn({ tries: 8, successes: 0 }, false),
      turn({ tries: 8, successes: 3 }, true),
      turn(undefined, true), // refined without a lookahead (the draft's action ended the episode)
      turn(undefined, false, false), // a plain step
    ];
    const none = { lookaheadInformative: 0, lookaheadDraftBest: 0, lookaheadRefinedBest: 0 };
    expect(lookaheadCounts(turns)).toEqual({ lookaheads: 3, lookaheadChanged: 2, lookaheadDeadEnds: 2, lookaheadDeadEndsChanged: 1, ...none });
    expect(lookaheadCounts([])).toEqual({ lookaheads: 0, lookaheadChanged: 0, lookaheadDeadEnds: 0, lookaheadDeadEndsChanged: 0, ...none });
  });

  it("counts, for every-action lookaheads, those with a best first action and whether the draft and the refined answer took one", () => {
    const byAction = (up: number, down: number, left: number) => [
      { action: "Up", tries: 8, successes: up },
      { action: "Down", tries: 8, successes: down },
      { action: "Left", tries: 4, successes: left },
    ];
    const turn = (draft: string, refined: string, counts: ReturnType<typeof byAction>): Turn =>
      ({
        prompt: [],
        completion: [],
        text: "",
        answer: refined,
        accepted: true,
        refinement: { input: [], firstText: `<answer>${draft}</answer>`, planActions: 1, answerChanged: draft !== refined, lookahead: { tries: 8, successes: counts.find((c) => c.action === draft)!.successes, byAction: counts } },
      }) as Turn;
    const turns = [
      turn("Up", "Left", byAction(0, 2, 2)), // Left's 2 of 4 beats Down's 2 of 8: the refinement took the best, the draft did not
      turn("Down", "Down", byAction(4, 4, 1)), // a tie at the top: either is best
      turn("Left", "Up", byAction(0, 0, 0)), // nothing reached the goal: not informative
    ];
    expect(bestLookaheadActions(byAction(0, 2, 2))).toEqual(["Left"]);
    expect(bestLookaheadActions(byAction(4, 4, 1))).toEqual(["Up", "Down"]);
    expect(bestLookaheadActions(byAction(0, 0, 0))).toEqual([]);
    expect(lookaheadCounts(turns)).toEqual({ lookaheads: 3, lookaheadChanged: 2, lookaheadDeadEnds: 2, lookaheadDeadEndsChanged: 2, lookaheadInformative: 2, lookaheadDraftBest: 1, lookaheadRefinedBest: 2 });
    expect(lookaheadLine({ tries: 8, successes: 0, byAction: byAction(0, 2, 2) })).toBe("Random play after each first action reached the goal: Down 2 of 8, Left 2 of 4, Up 0 of 8.");
  });

  it("says how many random continuations reached the goal, after the real future and before the instruction", () => {
    const future = { rejected: false, states: [{ action: "Up", text: "S1", terminated: false, truncated: false, success: false }], lookahead: { tries: 8, successes: 3 } };
    const text = refinementMessages([{ role: "user", content: "Current observation:\nS0" }], response, future, "plan")[0]!.content;
    expect(text).toBe(`Current observation:\nS0\n\n${PLAN_FUTURE_HEADER}\nAction: Up\nObservation:\nS1\nRandom play from there reached the goal in 3 of 8 tries.\n\n${REFINE_INSTRUCTION}`);
    expect(refinementMessages([{ role: "user", content: "x" }], response, { ...future, rejected: true, states: [] }, "plan")[0]!.content).not.toContain("Random play");
  });
});
