/** World-model objectives: real chains out of ReSim examples and recordings, next-state and critique examples, mixing. */
import { describe, expect, it } from "vitest";
import { parseSokobanConfig } from "../../../adapters/sokoban/config.js";
import { SokobanEnv } from "../../../adapters/sokoban/env.js";
import { buildPrompt } from "../../../agent/format/prompt.js";
import { writeResponse } from "../../../agent/format/response.js";
import type { Recording } from "../../../agent/record/format.js";
import type { ChatExample } from "../../../agent/train/dataset.js";
import {
  chainsFromRecording,
  chainsFromResim,
  copyPredictor,
  critique,
  currentState,
  firstStepExamples,
  firstStepResponse,
  mixExamples,
  planEndings,
  refinementExamples,
  transitionsFromRecording,
  transitionsOf,
  worldModelExamples,
} from "../../../agent/train/world-model.js";
import { PLAN_FUTURE_HEADER, REAL_FUTURE_HEADER, REFINE_HEADER } from "../../../agent/format/refinement.js";
import { withWorldModel } from "../../../agent/train/world-model-mix.js";
import { splitHeldOut } from "../../../agent/train/dataset.js";
import type { EnvSpec } from "../../../gen/ts/dynamind/env/v1/types_pb.js";

const TEXT = { text: true, image: false, uiElements: false };

/** A ReSim-shaped example over real Sokoban dynamics: plans of real states from the current one. */
function resimExample(seed: number, plans: string[][], style: "compact" | "full"): { example: ChatExample; env: SokobanEnv } {
  const env = new SokobanEnv(parseSokobanConfig({ preset: "6x6-1box" }));
  env.reset(seed, {});
  const root = env.cloneState();
  const start = env.observe(TEXT);
  const simulated = plans.map((actions, id) => {
    env.restoreState(root);
    return { id: id + 1, value: 0, steps: actions.map((a) => (env.step({ $case: "text", text: a }), { action: a, state: env.observe(TEXT).text })) };
  });
  env.restoreState(root);
  const spec = { instructions: "Push the box onto the target." } as EnvSpec;
  const prompt = buildPrompt(spec, { ...start, image: undefined, validActions: [...start.validActions] } as never, [], true, style);
  return { example: { messages: [...prompt, { role: "assistant", content: writeResponse(simulated, "Plan 1 is best.", plans[0]![0]!) }] }, env };
}

describe("world-model data", () => {
  it("reads the real chains of ReSim examples, each transition true to the environment", () => {
    for (const style of ["compact", "full"] as const) {
      const { example, env } = resimExample(3, [["Up", "Left"], ["Up", "Right"], ["Down"]], style);
      const start = currentState(example)!;
      expect(start).toBe(env.observe(TEXT).text);
      const chains = chainsFromResim([example]);
      expect(chains.map((c) => c.steps.map((s) => s.action))).toEqual([["Up", "Left"], ["Up", "Right"], ["Down"]]);
      // The shared first step (Up) is one transition, not two.
      const ts = transitionsOf(chains);
      expect(ts).toHaveLength(4);
      // Every transition is what the environment does from its state.
      const root = env.cloneState();
      const real = new Set<string>();
      for (const c of chains) {
        env.restoreState(root);
        for (const s of c.steps) {
          const before = env.observe(TEXT).text;
          env.step({ $case: "text", text: String(s.action) });
          real.add(`${before}|${String(s.action)}|${env.observe(TEXT).text}`);
        }
      }
      for (const t of ts) expect(real.has(`${t.state}|${String(t.action)}|${t.next}`)).toBe(true);
    }
  });

  it("reads recordings: chains restart at restores, refused steps change nothing, rewards and ends are kept", () => {
    const obs = (text: string) => ({ text, uiElements: [], validActions: [], fingerprint: "" });
    const res = (text: string, reward = 0, terminated = false) => ({ observation: obs(text), reward, terminated, truncated: false, info: {}, stepIndex: 0 });
    const rec: Recording = {
      header: { type: "header", format: "dynamind-recording", version: 1, env: "x", config: {}, seed: 1, observationKinds: [], recorder: "client", startedAt: "" },
      events: [
        { type: "reset", ms: 0, at: 0, result: res("A") },
        { type: "step", ms: 0, at: 0, action: "go", result: res("B") },
        { type: "step", ms: 0, at: 0, action: "bad", error: { reason: "INVALID_ACTION", message: "no" } },
        { type: "step", ms: 0, at: 0, action: "go", result: res("C", 1, true) },
        { type: "restore", ms: 0, at: 0, to: 1, result: res("B") },
        { type: "step", ms: 0, at: 0, action: "back", result: res("A") },
      ],
    };
    expect(chainsFromRecording(rec)).toEqual([
      { start: "A", steps: [{ action: "go", state: "B" }, { action: "go", state: "C" }] },
      { start: "B", steps: [{ action: "back", state: "A" }] },
    ]);
    expect(transitionsFromRecording(rec)).toEqual([
      { state: "A", action: "go", next: "B", reward: 0, done: false },
      { state: "B", action: "go", next: "C", reward: 1, done: true },
      { state: "B", action: "back", next: "A", reward: 0, done: false },
    ]);
  });

  it("critiques a prediction line by line, and says so when it was right", () => {
    const chain = { start: "#_P\n#X_", steps: [{ action: "Left", state: "#P_\n#X_" }, { action: "Down", state: "#P_\n#X_" }] };
    const text = critique(chain, copyPredictor(chain.start, ["Left", "Down"]));
    expect(text).toBe('Step 1 (Left): wrong: line 1 is "#P_", not "#_P".\nStep 2 (Down): wrong: line 1 is "#P_", not "#_P".\n2 of 2 predicted states were wrong.');
    expect(critique(chain, ["#P_\n#X_", "#P_\n#X_"])).toMatch(/predicted correctly\.\nStep 2 \(Down\): predicted correctly\.\nThe plan was simulated correctly\.$/);
  });

  it("writes next-state examples in the response's own state block, and critiques of the copy predictor", () => {
    const { example } = resimExample(5, [["Right"], ["Left", "Left"]], "compact");
    const out = worldModelExamples(chainsFromResim([example]), ["next-state", "critique"]);
    const next = out.filter((e) => e.metadata?.objective === "next-state");
    const crit = out.filter((e) => e.metadata?.objective === "critique");
    expect(next).toHaveLength(3);
    expect(crit).toHaveLength(2);
    expect(next[0]!.messages[0]!.content).toMatch(/^Current observation:\n[\s\S]+\nAction: Right\nPredict the next observation\.$/);
    expect(next[0]!.messages[1]!.content).toMatch(/^<state>\n[\s\S]+\n<\/state>$/);
    expect(crit[1]!.messages[1]!.content).toMatch(/Step 2 \(Left\)/);
  });

  it("mixes auxiliary examples in at the asked fraction, seeded, repeating a small set only when it must", () => {
    const ex = (tag: string): ChatExample => ({ messages: [{ role: "user", content: tag }, { role: "assistant", content: tag }] });
    const policy = Array.from({ length: 70 }, (_, i) => ex(`p${i}`));
    const aux = Array.from({ length: 100 }, (_, i) => ex(`a${i}`));
    const a = mixExamples(policy, aux, 0.3, 1);
    expect(a.auxUsed).toBe(30);
    expect(a.examples).toHaveLength(100);
    expect(new Set(a.examples.slice(70).map((e) => e.messages[0]!.content)).size).toBe(30);
    expect(mixExamples(policy, aux, 0.3, 1)).toEqual(a);
    expect(mixExamples(policy, aux, 0.3, 2).examples).not.toEqual(a.examples);
    const small = mixExamples(policy, aux.slice(0, 10), 0.5, 1);
    expect(small.auxUsed).toBe(70);
    expect(mixExamples(policy, aux, 0, 1).examples).toEqual(policy);
    expect(() => mixExamples(policy, aux, 1, 1)).toThrow(/fraction/);
  });

  it("hold out the same policy examples as a run without them, and derive world-model data from the training split only", () => {
    const examples = Array.from({ length: 20 }, (_, i) => resimExample(i, [["Up"], ["Left", "Down"]], "compact").example);
    const plain = splitHeldOut(examples, 0.2, 7);
    const mixed = withWorldModel(examples, undefined, { objectives: "next-state", fraction: 0.25, evalFraction: 0.2, seed: 7 });
    expect(mixed.eval).toEqual(plain.eval);
    expect(mixed.train.slice(0, plain.train.length)).toEqual(plain.train);
    expect(mixed.report).toMatchObject({ policy: 16, mixed: 5 });
    // Every world-model state is a state the training split shows (a prompt's or a plan's), so nothing held out leaks in.
    const trainStates = new Set(chainsFromResim(plain.train).flatMap((c) => [c.start, ...c.steps.map((x) => x.state)]));
    const aux = mixed.train.slice(plain.train.length);
    for (const e of aux) expect(trainStates.has(currentState(e)!.split("\nAction:")[0]!)).toBe(true);
  });

  it("take the chains of action-only data from the paired ReSim examples of training steps only", () => {
    const resim = Array.from({ length: 20 }, (_, i) => {
      const { example } = resimExample(i, [["Up"], ["Left", "Down"]], "compact");
      return { ...example, metadata: { seed: i, step: 0 } };
    });
    const actionOnly: ChatExample[] = resim.map((x) => ({ messages: [x.messages[0]!, { role: "assistant", content: "<answer>Up</answer>" }], metadata: x.metadata }));
    const plain = splitHeldOut(actionOnly, 0.2, 7);
    const mixed = withWorldModel(actionOnly, undefined, { objectives: "next-state", fraction: 0.25, evalFraction: 0.2, seed: 7, chainsFrom: resim });
    expect(mixed.eval).toEqual(plain.eval);
    expect(mixed.train.slice(0, plain.train.length)).toEqual(plain.train);
    expect(mixed.report).toMatchObject({ policy: 16, paired: 16, chains: 32, mixed: 5 });
    // Only the training steps' plans are read: every next-state example starts at a training step's state or a state of its plans.
    const trainSeeds = new Set(plain.train.map((x) => x.metadata!.seed));
    const trainStates = new Set(chainsFromResim(resim.filter((x) => trainSeeds.has(x.metadata.seed))).flatMap((c) => [c.start, ...c.steps.map((x) => x.state)]));
    const heldStarts = plain.eval.map((x) => currentState(x)!);
    for (const e of mixed.train.slice(plain.train.length)) {
      const state = currentState(e)!.split("\nAction:")[0]!;
      expect(trainStates.has(state)).toBe(true);
      expect(heldStarts).not.toContain(state);
    }
    expect(() => withWorldModel(actionOnly, undefined, { objectives: "next-state", fraction: 0.25, evalFraction: 0.2, seed: 7 })).toThrow(/--resim-data/);
    expect(() => withWorldModel(actionOnly, undefined, { objectives: "next-state", fraction: 0.25, evalFraction: 0.2, seed: 7, chainsFrom: resim.map((x) => ({ ...x, metadata: { seed: 99, step: 0 } })) })).toThrow(/no example of a training step/);
    expect(() => withWorldModel(actionOnly, undefined, { objectives: "refine", fraction: 0.25, evalFraction: 0.2, seed: 7, chainsFrom: resim })).toThrow(/ReSim --data/);
  });

  it("teach SimRollout's refinement input: a draft with copied states, the executed plan's real future, the ReSim response as the answer", () => {
    const { example } = resimExample(2, [["Down", "Right"], ["Up"]], "compact");
    const [refine] = refinementExamples([example]);
    const start = currentState(example)!;
    const response = example.messages[1]!.content;
    expect(refine!.messages.at(-1)).toEqual({ role: "assistant", content: response });
    const input = refine!.messages[0]!.content;
    const draft = input.slice(input.indexOf(REFINE_HEADER) + REFINE_HEADER.length, input.indexOf(REAL_FUTURE_HEADER));
    // The draft keeps the plans' actions and values, with every state the current one.
    expect(draft.match(/<state>\n([\s\S]*?)\n<\/state>/g)!.every((b) => b === `<state>\n${start}\n</state>`)).toBe(true);
    expect(draft).toContain("<answer>Down</answer>");
    // The real future is plan 1's (it starts with the answer), its real states in order.
    const realStates = chainsFromResim([example])[0]!.steps.map((s) => s.state);
    expect(input.slice(input.indexOf(REAL_FUTURE_HEADER))).toContain(`Action: Down\nObservation:\n${realStates[0]}\nAction: Right\nObservation:\n${realStates[1]}`);
    // Action-only examples have no plan to refine.
    expect(refinementExamples([{ messages: [{ role: "user", content: "Current observation:\n#P" }, { role: "assistant", content: "<answer>Up</answer>" }] }])).toEqual([]);
  });

  it("in the plan form, show a drawn plan's real outcome without the draft, ends marked as the real env marks them", () => {
    const { example } = resimExample(2, [["Down", "Right"], ["Up"]], "compact");
    const chains = chainsFromResim([example]);
    const shown = new Set<string>();
    for (let seed = 0; seed < 12; seed++) {
      const [refine] = refinementExamples([example], "plan", seed);
      const input = refine!.messages[0]!.content;
      expect(input).not.toContain(REFINE_HEADER);
      expect(input).not.toContain("<think>");
      expect(refine!.messages.at(-1)!.content).toBe(example.messages[1]!.content);
      const future = input.slice(input.indexOf(PLAN_FUTURE_HEADER));
      const chain = chains.find((c) => future.includes(c.steps.map((s) => `Action: ${s.action}\nObservation:\n${s.state}`).join("\n")));
      expect(chain).toBeDefined();
      shown.add(chain!.steps.map((s) => s.action).join(","));
    }
    // Both plans are drawn, so the answer is not always the shown plan's first action.
    expect([...shown].sort()).toEqual(["Down,Right", "Up"]);
    // The same seed draws the same plans.
    expect(refinementExamples([example, example], "plan", 3)).toEqual(refinementExamples([example, example], "plan", 3));
  });

  it("cut a ReSim response to a one-step simulation of the plan its answer follows", () => {
    const built = resimExample(2, [["Up"], ["Down", "Right"]], "compact").example;
    // The answer follows plan 2, not the first plan written.
    const response = built.messages[1]!.content.replace("<answer>Up</answer>", "<answer>Down</answer>");
    const example = { messages: [built.messages[0]!, { role: "assistant" as const, content: response }] };
    const realNext = chainsFromResim([example])[1]!.steps[0]!.state;
    const cut = firstStepResponse(response)!;
    expect(cut).toBe(`<think>\n<plan id=1>\n<action>Down</action>\n<state>\n${realNext}\n</state>\n</plan>\n</think>\n<answer>Down</answer>`);
    // It parses back as a plan SimRollout can execute: one step, the answer first.
    expect(chainsFromResim([{ messages: [example.messages[0]!, { role: "assistant", content: cut }] }])[0]!.steps).toEqual([{ action: "Down", state: realNext }]);
    // No plan starting with the answer, or no answer: nothing to cut, and the example is dropped.
    expect(firstStepResponse(response.replace("<answer>Down</answer>", "<answer>Left</answer>"))).toBeUndefined();
    expect(firstStepResponse("<answer>Up</answer>")).toBeUndefined();
    const actionOnly = { messages: [example.messages[0]!, { role: "assistant" as const, content: "<answer>Up</answer>" }] };
    expect(firstStepExamples([actionOnly, example])).toEqual([{ ...example, messages: [example.messages[0]!, { role: "assistant", content: cut }] }]);
  });

  it("with firstStep, teach the refinement of a one-step draft: a drawn plan's first real step in, the cut response out", () => {
    const { example } = resimExample(2, [["Down", "Right"], ["Up"]], "compact");
    const chains = chainsFromResim([example]);
    const target = firstStepResponse(example.messages[1]!.content)!;
    const shown = new Set<string>();
    for (let seed = 0; seed < 12; seed++) {
      const [refine] = refinementExamples([example], "plan", seed, true);
      expect(refine!.messages.at(-1)).toEqual({ role: "assistant", content: target });
      const future = refine!.messages[0]!.content.slice(refine!.messages[0]!.content.indexOf(PLAN_FUTURE_HEADER));
      // Only the first step is shown, as SimRollout executes a one-step draft.
      expect(future.match(/^Action: /gm)).toHaveLength(1);
      const chain = chains.find((c) => future.includes(`Action: ${c.steps[0]!.action}\nObservation:\n${c.steps[0]!.state}`));
      expect(chain).toBeDefined();
      shown.add(String(chain!.steps[0]!.action));
    }
    expect([...shown].sort()).toEqual(["Down", "Up"]);
    // The response form's draft is the cut response with the copy predictor's state.
    const [viaResponse] = refinementExamples([example], "response", 0, true);
    const input = viaResponse!.messages[0]!.content;
    expect(input.slice(input.indexOf(REFINE_HEADER), input.indexOf(REAL_FUTURE_HEADER))).toContain(`<state>\n${currentState(example)}\n</state>`);
    expect(viaResponse!.messages.at(-1)!.content).toBe(target);
    // In the mix, held-out and policy examples are cut too, and ReSim data is required.
    const examples = [0, 1, 2, 3, 4, 5].map((s) => resimExample(s, [["Down", "Right"], ["Up"]], "compact").example);
    const mixed = withWorldModel(examples, undefined, { objectives: "refine", fraction: 0.25, evalFraction: 0.2, seed: 7, refineInput: "plan", firstStep: true });
    expect([...mixed.train, ...mixed.eval].every((x) => !x.messages.at(-1)!.content.includes("<value>"))).toBe(true);
    expect(mixed.eval.length).toBeGreaterThan(0);
    expect(() => withWorldModel(examples, undefined, { objectives: "refine", fraction: 0.25, evalFraction: 0.2, seed: 7, firstStep: true, chainsFrom: examples })).toThrow(/--first-step/);
  });

  it("read how each plan ended from the template's assessment lines", () => {
    const response = "<think>\nPlan 1: value 0.12, 1 of 4 rollouts through its last state reached the goal.\nPlan 2: value 1.00, it reaches the goal in 1 step.\nPlan 3: value 0.00, the episode ends without success.\nPlan 4: value 0.00, it runs out of steps.\n</think>";
    expect([...planEndings(response)]).toEqual([[2, "success"], [3, "failure"], [4, "cut"]]);
    const { example } = resimExample(2, [["Down", "Right"], ["Up"]], "compact");
    const solved = { messages: [example.messages[0]!, { role: "assistant" as const, content: example.messages[1]!.content.replace("Plan 1 is best.", "Plan 1: value 1.00, it reaches the goal in 2 steps.") }] };
    const input = refinementExamples([solved])[0]!.messages[0]!.content;
    expect(input.trimEnd().split("\n").slice(-3)[0]).toBe("The episode ends: success.");
  });
});
