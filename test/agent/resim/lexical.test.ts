/**
 * The episode's goal reaches every prompt and rollout policy (ALFWorld states it only
 * at reset), and the lexical rollout policy draws valid actions with the weights it
 * documents, from what any agent sees.
 */
import { describe, expect, it } from "vitest";
import type { RemoteSession } from "../../../agent/client/index.js";
import { buildPrompt, goalOf } from "../../../agent/format/prompt.js";
import { contentWords, lexicalAction, LEXICAL_STRENGTH, randomValidAction, type RolloutNode, type RolloutPolicy } from "../../../agent/resim/policies.js";
import { SeededRandom } from "../../../agent/resim/seeded-random.js";
import { searchTree } from "../../../agent/resim/tree.js";
import { ActionKind, type Observation } from "../../../gen/ts/dynamind/env/v1/types_pb.js";
import { useTestServer } from "../../support/server.js";

const ctx = useTestServer();

const textSession = { spec: { id: "text-env", actionSpec: { kinds: [ActionKind.ACTION_KIND_TEXT], discreteNames: [] } } } as unknown as RemoteSession;

function nodeWith(validActions: string[], goal?: string): RolloutNode {
  const observation = { text: "", image: undefined, uiElements: [], validActions, fingerprint: "" } as Observation;
  return { session: textSession, observation, state: undefined, goal };
}

describe("the goal in prompts", () => {
  it("reads the goal from reset info, and nothing else", () => {
    expect(goalOf({ goal: "put a fork in countertop" })).toBe("put a fork in countertop");
    expect(goalOf({ task: "ContactsAddContact" })).toBeUndefined();
    expect(goalOf({ goal: "" })).toBeUndefined();
    expect(goalOf({ goal: 3 })).toBeUndefined();
  });

  it("ALFWorld: the first prompt states the goal through its observation, every later one in a Goal line", async () => {
    const s = await ctx.client.createSession("alfworld", { config: { split: "train" } });
    try {
      const first = await s.reset(1);
      const goal = goalOf(first.info);
      expect(goal).toBe(first.info["task"]);
      const atReset = buildPrompt(s.spec, first.observation, [], false, "compact", goal).at(-1)!.content;
      expect(atReset).not.toMatch(/^Goal:/);
      expect(atReset).toContain(`Your task is to: ${goal}.`);
      const next = await s.step(first.observation.validActions[0]!);
      expect(next.observation.text).not.toContain(goal!);
      const later = buildPrompt(s.spec, next.observation, [], false, "compact", goal).at(-1)!.content;
      expect(later.startsWith(`Goal: ${goal}\n\nCurrent observation:\n`)).toBe(true);
    } finally {
      await s.close();
    }
  });

  it("compact-actions: the compact prompt with the valid actions, and no system message", async () => {
    const s = await ctx.client.createSession("alfworld", { config: { split: "train" } });
    try {
      const first = await s.reset(1);
      const next = await s.step(first.observation.validActions[0]!);
      const goal = goalOf(first.info);
      const compact = buildPrompt(s.spec, next.observation, [], false, "compact", goal);
      const withActions = buildPrompt(s.spec, next.observation, [], false, "compact-actions", goal);
      const full = buildPrompt(s.spec, next.observation, [], false, "full", goal);
      expect(withActions).toHaveLength(1);
      expect(withActions[0]!.content).toBe(`${compact[0]!.content}\n\nValid actions: ${next.observation.validActions.join(", ")}`);
      expect(withActions[0]!.content).toBe(full.at(-1)!.content);
    } finally {
      await s.close();
    }
  });

  it("Sokoban names no goal, so its prompts are what they were", async () => {
    const s = await ctx.client.createSession("sokoban", { config: { preset: "6x6-1box" } });
    try {
      const r = await s.reset(4);
      expect(goalOf(r.info)).toBeUndefined();
      expect(buildPrompt(s.spec, r.observation, [], true, "compact", goalOf(r.info))).toEqual(buildPrompt(s.spec, r.observation, [], true, "compact"));
    } finally {
      await s.close();
    }
  });

  it("the search hands the goal to its rollout policy at every node", async () => {
    const s = await ctx.client.createSession("alfworld", { config: { split: "train" } });
    try {
      const first = await s.reset(2);
      const seen: (string | undefined)[] = [];
      const random = new SeededRandom(5);
      const spy: RolloutPolicy = {
        name: "spy",
        async act(node) {
          seen.push(node.goal);
          return randomValidAction(node, random);
        },
      };
      const r = await searchTree(s, first.observation, spy, { b: 3, d: 2, horizon: 4, gamma: 0.9, goal: goalOf(first.info) });
      expect(seen.length).toBe(3 * 4);
      expect(new Set(seen)).toEqual(new Set([first.info["task"]]));
      await s.client.release(r.handles);
    } finally {
      await s.close();
    }
  });
});

describe("the lexical rollout policy", () => {
  it("keeps words of three letters or more, less filler and numbers", () => {
    expect([...contentWords("put a clean apple in fridge")]).toEqual(["put", "clean", "apple", "fridge"]);
    expect([...contentWords("take apple 1 from countertop 2")]).toEqual(["take", "apple", "countertop"]);
  });

  it("draws each valid action with weight e^(strength × words shared with the goal)", () => {
    const valid = ["go to toilet 1", "go to fridge 1", "take apple 1 from countertop 1", "put apple 1 in/on fridge 1"];
    const node = nodeWith(valid, "put a clean apple in fridge");
    const shared = [0, 1, 1, 3];
    const weights = shared.map((k) => Math.exp(LEXICAL_STRENGTH * k));
    const total = weights.reduce((a, b) => a + b, 0);
    const random = new SeededRandom(11);
    const n = 40_000;
    const counts = new Map<string, number>();
    for (let i = 0; i < n; i++) {
      const a = lexicalAction(node, random) as string;
      counts.set(a, (counts.get(a) ?? 0) + 1);
    }
    valid.forEach((a, i) => {
      const p = weights[i]! / total;
      // Five standard errors: a wrong weight (e.g. e^(strength × (k ± 1))) is far outside.
      expect(Math.abs((counts.get(a) ?? 0) / n - p)).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / n));
    });
  });

  it("without a goal it is the random policy, draw for draw", () => {
    const valid = ["look", "inventory", "go to desk 1", "go to bed 1"];
    const a = new SeededRandom(3);
    const b = new SeededRandom(3);
    for (let i = 0; i < 50; i++) expect(lexicalAction(nodeWith(valid), a)).toBe(randomValidAction(nodeWith(valid), b));
  });
});
