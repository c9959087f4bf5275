/**
 * ReSim's search as the paper does it: a tree of real rollouts that share their
 * prefixes, Monte-Carlo values from the trajectories through each state, no
 * privileged information unless asked for, and the episode never moves.
 */
import { describe, expect, it } from "vitest";
import type { RemoteSession } from "../../../agent/client/index.js";
import { buildPrompt } from "../../../agent/format/prompt.js";
import { writeResponse } from "../../../agent/format/response.js";
import { toPlan } from "../../../agent/resim/aggregate.js";
import { RandomPolicy, ResponseRolloutPolicy } from "../../../agent/resim/policies.js";
import { SeededRandom } from "../../../agent/resim/seeded-random.js";
import { searchTree, type TreeNode } from "../../../agent/resim/tree.js";
import { useTestServer } from "../../support/server.js";

const ctx = useTestServer();

async function started(seed = 3): Promise<RemoteSession> {
  const s = await ctx.client.createSession("sokoban", { config: { preset: "6x6-1box" } });
  await s.reset(seed);
  return s;
}

function allNodes(root: TreeNode): TreeNode[] {
  const out = [root];
  for (let i = 0; i < out.length; i++) out.push(...out[i]!.children.values());
  return out;
}

describe("the ReSim search tree", () => {
  it("shares prefixes: trajectories through a node are counted once per trajectory, and children add up", async () => {
    const s = await started();
    const first = await s.reset(3);
    const r = await searchTree(s, first.observation, new RandomPolicy(new SeededRandom(1)), { b: 16, d: 3, horizon: 10, gamma: 0.9 });
    expect(r.root.visits).toBe(16);
    const nodes = allNodes(r.root);
    expect(nodes.length - 1).toBe(r.nodes);
    // 16 trajectories of up to 10 steps; Sokoban has 4 moves, so the first levels are shared.
    expect(r.nodes).toBeLessThan(16 * 10);
    expect(r.root.children.size).toBeLessThanOrEqual(4);
    for (const n of nodes) {
      const ended = n.step !== undefined && (n.step.terminated || n.step.truncated);
      if (n.children.size > 0 && !ended) {
        const below = [...n.children.values()].reduce((a, c) => a + c.visits, 0);
        expect(below).toBeLessThanOrEqual(n.visits);
      }
      expect(n.successes).toBeLessThanOrEqual(n.visits);
    }
    await s.client.release(r.handles);
  });

  it("values each plan by the paper's Monte-Carlo rule: γ^(t_max − t) × the success fraction through its last state", async () => {
    const s = await started(5);
    const obs = (await s.reset(5)).observation;
    const gamma = 0.9;
    const r = await searchTree(s, obs, new RandomPolicy(new SeededRandom(2)), { b: 24, d: 2, horizon: 12, gamma });
    expect(r.plans.length).toBeGreaterThan(0);
    for (const p of r.plans) {
      const last = p.steps.at(-1)!;
      const won = last.terminated && last.reward > 0;
      const t = won ? 12 : p.steps.length;
      expect(p.value).toBeCloseTo(gamma ** (12 - t) * (p.successes! / p.visits!), 12);
      expect(p.steps.length).toBeLessThanOrEqual(2);
    }
    await s.client.release(r.handles);
  });

  it("uses no privileged information: the random policy never asks the expert", async () => {
    const s = await started();
    let expertCalls = 0;
    const spy = new Proxy(s, {
      get(target, prop, receiver) {
        if (prop === "expertPlan") {
          expertCalls++;
        }
        return Reflect.get(target, prop, receiver);
      },
    });
    const obs = (await s.reset(3)).observation;
    const r = await searchTree(spy, obs, new RandomPolicy(new SeededRandom(3)), { b: 8, d: 3, horizon: 8, gamma: 0.9 });
    expect(expertCalls).toBe(0);
    await s.client.release(r.handles);
  });

  it("never moves the episode, and the same seed gives the same tree", async () => {
    const s = await started(9);
    const before = await s.reset(9);
    const run = () => searchTree(s, before.observation, new RandomPolicy(new SeededRandom(4)), { b: 8, d: 3, horizon: 8, gamma: 0.9 });
    const a = await run();
    const b = await run();
    const shape = (r: typeof a) => r.plans.map((p) => [p.actions.join(","), p.value, p.visits]);
    expect(shape(b)).toEqual(shape(a));
    expect((await s.step("Up")).stepIndex).toBe(1);
    await s.client.release([...a.handles, ...b.handles]);
  });

  it("writes each plan's states before its value, and prompts carry no step counter", async () => {
    const s = await started(11);
    const obs = (await s.reset(11)).observation;
    const r = await searchTree(s, obs, new RandomPolicy(new SeededRandom(5)), { b: 6, d: 2, horizon: 6, gamma: 0.9 });
    const text = writeResponse(r.plans.map((p, i) => toPlan(p, i + 1)), "", r.plans[0]!.actions[0]!);
    for (const block of text.split("</plan>").slice(0, -1)) expect(block.lastIndexOf("</state>")).toBeLessThan(block.indexOf("<value>"));
    const prompt = buildPrompt(s.spec, obs, [{ action: "Up", observation: "x" }], true, "compact");
    expect(prompt.map((m) => m.content).join("\n")).not.toMatch(/Step \d/);
    await s.client.release(r.handles);
  });

  it("can use the model under training as the rollout policy; unusable answers fall back to random and are counted", async () => {
    const s = await started(13);
    const obs = (await s.reset(13)).observation;
    const fixed = (text: string) => ({ name: "fixed", simulates: false, respond: async () => ({ text, tokens: 1 }) });
    const up = new ResponseRolloutPolicy(fixed("<answer>Up</answer>"), new SeededRandom(6));
    const r = await searchTree(s, obs, up, { b: 6, d: 2, horizon: 5, gamma: 0.9 });
    // Every trajectory answers Up: one shared path.
    expect(r.root.children.size).toBe(1);
    expect(r.nodes).toBeLessThanOrEqual(5);
    expect(up.fallbacks).toBe(0);
    const nonsense = new ResponseRolloutPolicy(fixed("no answer here"), new SeededRandom(7));
    const r2 = await searchTree(s, obs, nonsense, { b: 4, d: 2, horizon: 3, gamma: 0.9 });
    expect(nonsense.fallbacks).toBe(nonsense.calls);
    await s.client.release([...r.handles, ...r2.handles]);
  });
});
