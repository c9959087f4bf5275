import { describe, expect, it } from "vitest";
import { everyActionSequences, executePlan, lookaheadSequences, randomLookahead } from "../../../agent/rl/sim-rollout.js";
import type { ActionInput } from "../../../agent/client/index.js";
import { useTestServer } from "../../support/server.js";

const ctx = useTestServer();

/** How many of the sequences reach the goal when stepped one by one on fresh episodes of the seed (Step, not Expand). */
async function steppedSuccesses(seed: number, sequences: readonly (readonly ActionInput[])[]): Promise<number> {
  let successes = 0;
  for (const seq of sequences) {
    const replay = await ctx.client.createSession("sokoban", { config: { preset: "6x6-1box" } });
    await replay.reset(seed);
    for (const action of seq) {
      const r = await replay.step(action);
      if (r.terminated || r.truncated) {
        if (r.terminated && r.reward > 0) successes++;
        break;
      }
    }
    await replay.close();
  }
  return successes;
}

describe("SimRollout's random lookahead", () => {
  it("counts the random continuations after the plan that reach the goal, as stepping them one by one does, and leaves the episode where it was", async () => {
    const opts = { tries: 16, horizon: 20, seed: 7 };
    let reached = 0;
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const session = await ctx.client.createSession("sokoban", { config: { preset: "6x6-1box" } });
      const start = await session.reset(seed);
      const plan = ["Up"];
      const future = await executePlan(session, plan);
      const got = await randomLookahead(session, start.observation, plan, future, opts);
      // Same seed, same answer.
      expect(await randomLookahead(session, start.observation, plan, future, opts)).toEqual(got);
      if (future.states[0]!.terminated) {
        expect(got).toBeUndefined();
        continue;
      }
      // The same sequences stepped on a fresh episode of the same seed (Step, not Expand).
      const sequences = lookaheadSequences(session, start.observation, plan, opts);
      for (const seq of sequences) expect(seq).toHaveLength(1 + opts.horizon);
      const successes = await steppedSuccesses(seed, sequences);
      expect(got).toEqual({ tries: opts.tries, successes });
      reached += successes;
      // The lookahead ran from clones: the episode itself is still at its start.
      expect((await session.step("Up")).observation.text).toBe(future.states[0]!.text);
      await session.close();
    }
    // Random play does reach the goal from some of these rooms: the count is not always 0.
    expect(reached).toBeGreaterThan(0);
  });

  it("with scope every-action, counts each valid first action's continuations as stepping them does, the drafted action's as the total", async () => {
    const opts = { tries: 6, horizon: 20, seed: 3, scope: "every-action" as const };
    let informative = 0;
    for (const seed of [1, 2, 3, 4]) {
      const session = await ctx.client.createSession("sokoban", { config: { preset: "6x6-1box" } });
      const start = await session.reset(seed);
      const future = await executePlan(session, ["Left"]);
      const got = (await randomLookahead(session, start.observation, ["Left"], future, opts))!;
      expect(await randomLookahead(session, start.observation, ["Left"], future, opts)).toEqual(got);
      const valid = start.observation.validActions;
      expect(got.byAction!.map((a) => a.action)).toEqual(valid);
      const sequences = everyActionSequences(session, start.observation, valid, opts);
      expect(sequences).toHaveLength(valid.length * opts.tries);
      for (const [k, a] of valid.entries()) {
        const own = sequences.slice(k * opts.tries, (k + 1) * opts.tries);
        for (const seq of own) expect(seq[0]).toBe(a);
        expect(got.byAction![k]).toEqual({ action: a, tries: opts.tries, successes: await steppedSuccesses(seed, own) });
      }
      expect({ tries: got.tries, successes: got.successes }).toEqual({ tries: opts.tries, successes: got.byAction!.find((a) => a.action === "Left")!.successes });
      if (got.byAction!.some((a) => a.successes > 0)) informative++;
      // Also when the drafted action ended the episode: the other actions did not.
      const ended = { rejected: false, states: [{ ...future.states[0]!, terminated: true, success: false }] };
      expect((await randomLookahead(session, start.observation, ["Left"], ended, opts))?.byAction).toEqual(got.byAction);
      expect((await session.step("Left")).observation.text).toBe(future.states[0]!.text);
      await session.close();
    }
    expect(informative).toBeGreaterThan(0);
  });

  it("plays nothing when off, after a rejected plan or after the episode ended", async () => {
    const session = await ctx.client.createSession("sokoban", { config: { preset: "6x6-1box" } });
    const start = await session.reset(1);
    const future = await executePlan(session, ["Up"]);
    expect(await randomLookahead(session, start.observation, ["Up"], future, { tries: 0, horizon: 5, seed: 0 })).toBeUndefined();
    expect(await randomLookahead(session, start.observation, ["Up"], { states: [], rejected: true }, { tries: 4, horizon: 5, seed: 0 })).toBeUndefined();
    const ended = { rejected: false, states: [{ ...future.states[0]!, terminated: true, success: true }] };
    expect(await randomLookahead(session, start.observation, ["Up"], ended, { tries: 4, horizon: 5, seed: 0 })).toBeUndefined();
    await session.close();
  });
});
