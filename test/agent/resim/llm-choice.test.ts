/**
 * How LLM answers are used: valid ones are taken, unusable ones replaced. The endpoint
 * here is an in-process fetch that answers the OpenAI chat format deterministically;
 * llm-roles.test.ts runs the same roles against the real model server.
 */
import { describe, expect, it } from "vitest";
import type { RemoteSession } from "../../../agent/client/index.js";
import { ChatClient } from "../../../agent/llm/client.js";
import { llmAggregate } from "../../../agent/resim/aggregate.js";
import { LlmRolloutPolicy } from "../../../agent/resim/policies.js";
import { SeededRandom } from "../../../agent/resim/seeded-random.js";
import type { ValuedRollout } from "../../../agent/resim/value.js";
import { parseResponse } from "../../../agent/format/response.js";
import { useTestServer } from "../../support/server.js";

const ctx = useTestServer();

function answering(...texts: string[]): ChatClient {
  let i = 0;
  const fetchImpl = (async () =>
    new Response(
      JSON.stringify({
        id: "x",
        object: "chat.completion",
        created: 0,
        model: "scripted",
        choices: [{ index: 0, message: { role: "assistant", content: texts[i++ % texts.length] }, finish_reason: "stop" }],
      }),
      { status: 200, headers: { "content-type": "application/json" } },
    )) as typeof fetch;
  return new ChatClient({ baseUrl: "http://llm.invalid", model: "scripted", fetch: fetchImpl, maxRetries: 0 });
}

async function root(): Promise<{ session: RemoteSession; node: { session: RemoteSession; observation: never; state: undefined } }> {
  const session = await ctx.client.createSession("sokoban", { config: { preset: "6x6-1box" } });
  const r = await session.reset(3);
  return { session, node: { session, observation: r.observation as never, state: undefined } };
}

describe("LLM rollout policy", () => {
  it("takes a valid answer and replaces a missing or invalid one", async () => {
    const { node } = await root();
    const policy = new LlmRolloutPolicy(answering("<answer>Left</answer>", "no idea", "<answer>Jump</answer>"), new SeededRandom(1));
    expect(await policy.act(node, 0)).toBe("Left");
    for (let i = 0; i < 2; i++) expect(["Up", "Down", "Left", "Right"]).toContain(await policy.act(node, 0));
    expect([policy.calls, policy.fallbacks]).toEqual([3, 2]);
  });
});

describe("LLM aggregator", () => {
  const rollout = (index: number, action: string, value: number): ValuedRollout =>
    ({ index, actions: [action], steps: [{ observation: { text: `after ${action}` }, reward: 0, terminated: false, truncated: false, info: {}, stepIndex: 1 }], leaf: undefined, value, stepsToGoal: undefined }) as never;

  it("keeps the real plans, uses the LLM's pick when it is a plan's first action, else the best plan's", async () => {
    const best = rollout(0, "Up", 0.9);
    const other = rollout(1, "Down", 0.1);
    const prompt = [{ role: "user" as const, content: "state" }];
    const picked = await llmAggregate(answering("Down looks safer. <answer>Down</answer>"), prompt, best, [best, other], new SeededRandom(2));
    expect(picked.llmChoiceUsed).toBe(true);
    expect(parseResponse(picked.response).answer).toBe("Down");
    expect(picked.response).toContain("Down looks safer.");
    expect(parseResponse(picked.response).plans.map((p) => p.steps[0]!.state).sort()).toEqual(["after Down", "after Up"]);
    const off = await llmAggregate(answering("<answer>Left</answer>"), prompt, best, [best, other], new SeededRandom(2));
    expect([off.llmChoiceUsed, parseResponse(off.response).answer]).toEqual([false, "Up"]);
  });
});
