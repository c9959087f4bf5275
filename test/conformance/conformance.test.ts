/**
 * The conformance suite: every registered environment, through the real server,
 * must satisfy the protocol's contract. Environments declare capabilities in
 * their spec (clone support, action kinds); the suite adapts to them and never
 * names an environment.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { builtinRegistry } from "../../adapters/index.js";
import type { ActionInput, RemoteSession, Step } from "../../agent/client/index.js";
import { CloneSupport, ObservationKind, type EnvSpec } from "../../gen/ts/dynamind/env/v1/types_pb.js";
import { randomAction, testRandom } from "../support/actions.js";
import { runnableEnvs } from "../support/runnable.js";
import { rejection, useTestServer } from "../support/server.js";

// Every built-in environment, plus the template adapter so that the template stays a working example.
const registry = builtinRegistry().register("example-corridor", async () => (await import("../../adapters/example-corridor/definition.js")).corridorDefinition);
const { ids } = await runnableEnvs(registry);
const ctx = useTestServer({ stateKey: "conformance-suite-state-key", registry });

/** What must be identical for two steps to count as the same future. */
function essence(s: Step) {
  const o = s.observation;
  return {
    text: o.text,
    fingerprint: o.fingerprint,
    validActions: o.validActions,
    image: o.image ? Buffer.from(o.image.data).toString("base64") : undefined,
    ui: o.uiElements,
    reward: s.reward,
    terminated: s.terminated,
    truncated: s.truncated,
    stepIndex: s.stepIndex,
    info: s.info,
  };
}

/** Plays `n` random actions (stopping at episode end); returns the actions and results. */
async function rollout(session: RemoteSession, first: Step, n: number, seed: number): Promise<{ actions: ActionInput[]; steps: Step[] }> {
  const rand = testRandom(seed);
  const actions: ActionInput[] = [];
  const steps: Step[] = [];
  let cur = first;
  for (let i = 0; i < n && !cur.terminated && !cur.truncated; i++) {
    const a = randomAction(session.spec, cur, rand);
    actions.push(a);
    cur = await session.step(a);
    steps.push(cur);
  }
  return { actions, steps };
}

async function replay(session: RemoteSession, actions: ActionInput[]): Promise<Step[]> {
  const out: Step[] = [];
  for (const a of actions) out.push(await session.step(a));
  return out;
}

describe.each(ids)("environment %s", (envId) => {
  let spec: EnvSpec;

  async function open(options: { maxSteps?: number } = {}): Promise<RemoteSession> {
    const s = await ctx.client.createSession(envId, options);
    spec = s.spec;
    return s;
  }

  it("is listed with a complete spec", async () => {
    const listed = (await ctx.client.listEnvs()).find((e) => e.id === envId);
    expect(listed).toBeDefined();
    const s = listed!;
    expect(s.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(s.instructions.length).toBeGreaterThan(50);
    expect(s.observationKinds.length).toBeGreaterThan(0);
    for (const k of s.defaultObservationKinds) expect(s.observationKinds).toContain(k);
    expect(s.actionSpec!.kinds.length).toBeGreaterThan(0);
    expect(s.cloneSupport).not.toBe(CloneSupport.CLONE_SUPPORT_UNSPECIFIED);
    expect(() => JSON.parse(s.configSchema)).not.toThrow();
    expect(() => JSON.parse(s.resetOptionsSchema)).not.toThrow();
  });

  it("gives the same episode for the same seed, in different sessions", async () => {
    const [a, b] = [await open(), await open()];
    for (const seed of [0, 1, 12345]) {
      const ra = await a.reset(seed);
      const rb = await b.reset(seed);
      expect(essence(rb)).toEqual(essence(ra));
      const { actions, steps } = await rollout(a, ra, 20, seed);
      expect((await replay(b, actions)).map(essence)).toEqual(steps.map(essence));
    }
    await Promise.all([a.close(), b.close()]);
  });

  it("starts an episode without a seed, drawing one it reports, that replays the same episode", async () => {
    const s = await open();
    const first = await s.reset();
    const seed = first.info.seed;
    expect(Number.isSafeInteger(seed)).toBe(true);
    expect(essence(await s.reset(seed as number))).toEqual(essence(first));
    await s.close();
  });

  it("gives different episodes for different seeds", async () => {
    const s = await open();
    const texts = new Set<string>();
    for (let seed = 0; seed < 8; seed++) texts.add((await s.reset(seed)).observation.fingerprint);
    expect(texts.size).toBeGreaterThan(1);
    await s.close();
  });

  it("reproduces the same future after clone → restore (property)", async () => {
    const s = await open();
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 2 ** 31 }), fc.integer({ min: 0, max: 10 }), fc.integer({ min: 1, max: 15 }), async (seed, prefix, horizon) => {
        const first = await s.reset(seed);
        const pre = await rollout(s, first, prefix, seed + 1);
        const at = pre.steps.at(-1) ?? first;
        if (at.terminated || at.truncated) return;
        const saved = await s.clone();
        const future = await rollout(s, at, horizon, seed + 2);
        const back = await s.restore(saved);
        expect(essence(back)).toEqual({ ...essence(at), reward: 0, info: {} });
        expect((await replay(s, future.actions)).map(essence)).toEqual(future.steps.map(essence));
        await ctx.client.release([saved]);
      }),
      { numRuns: 25 },
    );
    await s.close();
    // Up to 25 × 25 steps; android-web renders a 1080×2400 screenshot on each (~50 s alone on 2 cores).
  }, 180_000);

  it("moves a state between sessions as portable bytes, when it supports them", async () => {
    const a = await open();
    if (spec.cloneSupport !== CloneSupport.CLONE_SUPPORT_PORTABLE) return void (await a.close());
    const first = await a.reset(77);
    const pre = await rollout(a, first, 4, 3);
    const saved = await a.clone(true);
    expect(saved.portable!.length).toBeGreaterThan(0);
    const future = await rollout(a, pre.steps.at(-1) ?? first, 10, 4);
    const b = await open();
    await b.restore(saved.portable!);
    expect((await replay(b, future.actions)).map(essence)).toEqual(future.steps.map(essence));
    const forked = await ctx.client.fork(saved.portable!);
    expect((await replay(forked, future.actions)).map(essence)).toEqual(future.steps.map(essence));
    await Promise.all([a.close(), b.close(), forked.close()]);
  });

  it("expands exactly as stepping by hand, and leaves the session untouched", async () => {
    const s = await open();
    const first = await s.reset(2024);
    const rand = testRandom(9);
    const sequences: ActionInput[][] = [];
    for (let i = 0; i < 6; i++) {
      const seq: ActionInput[] = [];
      for (let j = 0; j < 1 + (i % 5); j++) seq.push(randomAction(spec, first, rand));
      sequences.push(seq);
    }
    sequences.push([]);
    const branches = await s.expand(sequences, { returnLeafStates: true });
    expect(branches).toHaveLength(sequences.length);
    const saved = await s.clone();
    for (let i = 0; i < sequences.length; i++) {
      await s.restore(saved);
      const byHand: Step[] = [];
      for (const a of sequences[i]!) {
        const r = await s.step(a);
        byHand.push(r);
        if (r.terminated || r.truncated) break;
      }
      expect(branches[i]!.steps.map(essence)).toEqual(byHand.map(essence));
      // The leaf state continues where the branch ended.
      const leaf = await s.restore(branches[i]!.leaf!);
      expect(leaf.observation.fingerprint).toBe((byHand.at(-1) ?? first).observation.fingerprint);
    }
    // Leaf-only observations: same rewards and flags, observation on the last step only.
    const lean = await s.expand(sequences.slice(0, 3), { leafObservationsOnly: true, from: saved });
    lean.forEach((b, i) => {
      expect(b.steps.map((x) => [x.reward, x.terminated, x.truncated])).toEqual(branches[i]!.steps.map((x) => [x.reward, x.terminated, x.truncated]));
      expect(b.steps.at(-1)!.observation.fingerprint).toBe(branches[i]!.steps.at(-1)!.observation.fingerprint);
    });
    // Expand never moved the session.
    await s.restore(saved);
    const untouched = await ctx.client.createSession(envId);
    await untouched.reset(2024);
    const probe = await s.expand([[randomAction(spec, first, testRandom(1))]]);
    expect(probe[0]!.steps[0]!.stepIndex).toBe(1);
    await Promise.all([s.close(), untouched.close()]);
  });

  it("truncates at the step budget and then refuses to step", async () => {
    const s = await open({ maxSteps: 3 });
    const first = await s.reset(5);
    const { steps } = await rollout(s, first, 3, 5);
    const last = steps.at(-1)!;
    if (!last.terminated) {
      expect(last.stepIndex).toBe(3);
      expect(last.truncated).toBe(true);
      expect(steps.slice(0, -1).every((x) => !x.truncated)).toBe(true);
    }
    const err = await rejection(s.step(randomAction(spec, first, testRandom(2))));
    expect(err.reason).toBe("EPISODE_ENDED");
    await s.close();
  });

  it("leaves the state unchanged when it rejects an action", async () => {
    const s = await open();
    const twin = await open();
    const first = await s.reset(31);
    await twin.reset(31);
    const bad: ActionInput[] = [{ not: "an action" }, 1_000_000, "\u0000 definitely not a command \u0000"];
    for (const a of bad) {
      try {
        await s.step(a);
      } catch (err) {
        expect((err as { reason: string }).reason).toBe("INVALID_ACTION");
      }
    }
    // A rejected step counts nothing; an env that defines its own reaction (e.g. "Nothing happens.")
    // is not an error, and then the twin must see the same.
    const after = await s.clone();
    const stateNow = await s.restore(after);
    for (const a of bad) {
      try {
        await twin.step(a);
      } catch {
        // rejected in the twin too
      }
    }
    const twinState = await twin.clone();
    const twinNow = await twin.restore(twinState);
    expect(essence(stateNow)).toEqual(essence(twinNow));
    if (stateNow.stepIndex === 0) expect(stateNow.observation.fingerprint).toBe(first.observation.fingerprint);
    await Promise.all([s.close(), twin.close()]);
  });

  it("renders every observation kind it offers", async () => {
    const listed = (await ctx.client.listEnvs()).find((e) => e.id === envId)!;
    const kinds = listed.observationKinds.map((k) => (({ 1: "text", 2: "image", 3: "ui_elements" }) as const)[k as 1 | 2 | 3]);
    const s = await ctx.client.createSession(envId, { observationKinds: kinds });
    const r = await s.reset(3);
    if (listed.observationKinds.includes(ObservationKind.OBSERVATION_KIND_TEXT)) expect(r.observation.text.length).toBeGreaterThan(0);
    if (listed.observationKinds.includes(ObservationKind.OBSERVATION_KIND_IMAGE)) {
      const img = r.observation.image!;
      expect(img.width * img.height).toBeGreaterThan(0);
      if (img.mimeType === "image/png") expect(Buffer.from(img.data).subarray(1, 4).toString()).toBe("PNG");
    }
    if (listed.observationKinds.includes(ObservationKind.OBSERVATION_KIND_UI_ELEMENTS)) expect(r.observation.uiElements.length).toBeGreaterThan(0);
    await s.close();
  });
});

describe.each(ids)("expert of %s", (envId) => {
  it("plans from a state without moving the session, and the plan does what it says", async () => {
    const s = await ctx.client.createSession(envId);
    if (!s.spec.hasExpert) {
      const err = await rejection(s.expertPlan());
      expect(err.reason).toBe("UNSUPPORTED");
      return void (await s.close());
    }
    for (const seed of [1, 2, 3]) {
      const first = await s.reset(seed);
      const plan = await s.expertPlan();
      const here = (await s.expand([[]]))[0]!;
      expect(here.steps).toEqual([]);
      const saved = await s.clone();
      expect((await s.restore(saved)).observation.fingerprint).toBe(first.observation.fingerprint);
      if (!plan.reachesGoal) continue;
      let last: Step | undefined;
      for (const a of plan.actions) last = await s.step(a);
      expect(last?.terminated).toBe(true);
      // From a saved handle too.
      const fromHandle = await s.expertPlan(saved);
      expect(fromHandle.actions).toEqual(plan.actions);
    }
    await s.close();
  });
});
