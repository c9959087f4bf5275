/**
 * Observation deltas (ObservationOptions.deltas): over random Sokoban and ALFWorld
 * episodes — resets, steps, clone/restore, Expand branches (from the session and from a
 * handle, leaf-only too), BatchSteps naming a session twice, forks and per-call options —
 * the observations the TypeScript client rebuilds from deltas equal the full
 * observations a twin session gets with today's defaults. And a delta is only ever sent
 * against a base the client said it holds; a client without it fails, never guesses.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { builtinRegistry } from "../../adapters/index.js";
import type { EnvClient, RemoteSession, StateRef } from "../../agent/client/index.js";
import { toObservationOptions, type ObservationChoice } from "../../agent/client/observation-options.js";
import { applyLinesDelta, ReplyHolds } from "../../agent/client/observation-deltas.js";
import type { Step } from "../../agent/client/results.js";
import { EnvEngine } from "../../env-server/core/engine.js";
import { diffLines, spliceLines } from "../../env-server/core/lines-delta.js";
import { textHashOf } from "../../env-server/core/observation-options.js";
import { ValidActionsMode, type StepResult } from "../../gen/ts/dynamind/env/v1/types_pb.js";
import { useTestServer } from "../support/server.js";

const DELTAS: ObservationChoice = { deltas: true, validActions: "changed" };

/** What must match between a full observation and a rebuilt one. */
function seen(s: Step): unknown {
  const o = s.observation;
  return { text: o.text, va: [...o.validActions], fp: o.fingerprint, r: s.reward, t: s.terminated, u: s.truncated, i: s.stepIndex, info: s.info };
}

type Op =
  | { op: "step"; pick: number; also: number }
  | { op: "reset"; seed: number }
  | { op: "clone" }
  | { op: "restore"; pick: number }
  | { op: "expand"; seqs: number[][]; fromHandle: boolean; leafOnly: boolean }
  | { op: "batch"; picks: number[] }
  | { op: "fork" }
  | { op: "plain"; pick: number };

const pick = fc.nat(40);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ op: fc.constant("step" as const), pick, also: fc.nat(3) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("reset" as const), seed: fc.nat(50) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("clone" as const) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("restore" as const), pick }) },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant("expand" as const),
      seqs: fc.array(fc.array(pick, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 4 }),
      fromHandle: fc.boolean(),
      leafOnly: fc.boolean(),
    }),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("batch" as const), picks: fc.array(pick, { minLength: 1, maxLength: 3 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("fork" as const) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("plain" as const), pick }) },
);

/** A session with deltas and its twin with today's defaults, driven alike. */
interface Pair {
  full: RemoteSession;
  delta: RemoteSession;
  last: Step;
}

async function outcome<T>(p: Promise<T>): Promise<T | { error: string }> {
  try {
    return await p;
  } catch (err) {
    return { error: (err as { reason?: string }).reason ?? String(err) };
  }
}

function action(last: Step, k: number): string {
  const va = last.observation.validActions;
  return va.length === 0 ? "look" : va[k % va.length]!;
}

async function runEpisode(client: EnvClient, envId: string, config: Record<string, unknown>, seed: number, ops: Op[]): Promise<number> {
  let deltas = 0;
  const open: RemoteSession[] = [];
  const make = async (): Promise<Pair> => {
    const full = await client.createSession(envId, { config });
    const delta = await client.createSession(envId, { config, observation: DELTAS });
    open.push(full, delta);
    const a = await full.reset(seed);
    const b = await delta.reset(seed);
    expect(seen(b)).toEqual(seen(a));
    return { full, delta, last: a };
  };
  const count = (s: Step): void => {
    if (s.observation.textHash !== undefined) deltas++;
  };
  try {
    const pairs = [await make(), await make()];
    const saved: [StateRef, StateRef][] = [];
    for (const o of ops) {
      const p = pairs[0]!;
      if (p.last.terminated || p.last.truncated) {
        const a = await p.full.reset(seed + 1);
        expect(seen(await p.delta.reset(seed + 1))).toEqual(seen(a));
        p.last = a;
      }
      switch (o.op) {
        case "step": {
          const which = pairs[o.also % 2]!;
          if (which.last.terminated || which.last.truncated) break;
          const act = action(which.last, o.pick);
          const a = await outcome(which.full.step(act));
          const b = await outcome(which.delta.step(act));
          expect("error" in b ? b : seen(b)).toEqual("error" in a ? a : seen(a));
          if (!("error" in a)) which.last = a;
          if (!("error" in b)) count(b);
          break;
        }
        case "plain": {
          // A call's own options: a text-less step, then the session's deltas resume.
          const act = action(p.last, o.pick);
          const a = await p.full.step(act, { text: false });
          const b = await p.delta.step(act, { text: false, validActions: "changed" });
          expect(seen(b)).toEqual(seen(a));
          p.last = await p.full.reset(seed + 2);
          expect(seen(await p.delta.reset(seed + 2))).toEqual(seen(p.last));
          break;
        }
        case "reset": {
          const a = await p.full.reset(o.seed);
          expect(seen(await p.delta.reset(o.seed))).toEqual(seen(a));
          p.last = a;
          break;
        }
        case "clone":
          saved.push([await p.full.clone(), await p.delta.clone()]);
          break;
        case "restore": {
          if (saved.length === 0) break;
          const [sa, sb] = saved[o.pick % saved.length]!;
          const a = await p.full.restore(sa);
          const b = await p.delta.restore(sb);
          expect(seen(b)).toEqual(seen(a));
          p.last = a;
          count(b);
          break;
        }
        case "expand": {
          const from = o.fromHandle && saved.length > 0 ? saved[saved.length - 1]! : undefined;
          // Actions by index into the starting state's list: the same sequences for both.
          const seqs = o.seqs.map((s) => s.map((k) => action(p.last, k)));
          const a = await outcome(p.full.expand(seqs, { from: from?.[0], leafObservationsOnly: o.leafOnly }));
          const b = await outcome(p.delta.expand(seqs, { from: from?.[1], leafObservationsOnly: o.leafOnly }));
          if ("error" in a || "error" in b) {
            expect(b).toEqual(a);
            break;
          }
          expect(b.map((br) => br.steps.map(seen))).toEqual(a.map((br) => br.steps.map(seen)));
          for (const br of b) br.steps.forEach(count);
          break;
        }
        case "batch": {
          // Both pairs, and the first one again: the second item builds on the first's observation.
          const live = pairs.filter((x) => !x.last.terminated && !x.last.truncated);
          if (live.length === 0) break;
          const items = o.picks.map((k, i) => ({ pair: live[i % live.length]!, k }));
          const fulls: (Step | Error)[] = [];
          for (const it of items) fulls.push(...(await client.batchStep([{ session: it.pair.full, action: action(it.pair.last, it.k) }])));
          const acts = items.map((it) => action(it.pair.last, it.k));
          const got = await client.batchStep(items.map((it, i) => ({ session: it.pair.delta, action: acts[i]! })));
          got.forEach((g, i) => {
            const f = fulls[i]!;
            if (f instanceof Error || g instanceof Error) expect(String(g)).toEqual(String(f));
            else {
              expect(seen(g)).toEqual(seen(f));
              items[i]!.pair.last = f;
              count(g);
            }
          });
          break;
        }
        case "fork": {
          const fa = await p.full.fork();
          const fb = await p.delta.fork();
          open.push(fa, fb);
          expect(seen(fb.initial!)).toEqual(seen(fa.initial!));
          pairs[1] = { full: fa, delta: fb, last: fa.initial! };
          break;
        }
      }
    }
  } finally {
    for (const s of open) await s.close().catch(() => {});
  }
  return deltas;
}

describe("observation deltas", () => {
  const ctx = useTestServer();

  for (const [name, envId, config, lists] of [
    ["Sokoban 8x8", "sokoban", { dim_room: [8, 8], num_boxes: 1 }, false],
    ["Sokoban 6x6", "sokoban", { dim_room: [6, 6], num_boxes: 1 }, false],
    ["ALFWorld", "alfworld", {}, true],
  ] as const) {
    it(`rebuilt by the TypeScript client equal the full observations over random ${name} episodes`, async () => {
      const before = { ...ctx.client.deltasApplied };
      await fc.assert(
        fc.asyncProperty(fc.nat(1000), fc.array(opArb, { minLength: 5, maxLength: 25 }), async (seed, ops) => {
          await runEpisode(ctx.client, envId, config, seed, ops);
        }),
        { numRuns: 12 },
      );
      // The property must have met deltas, not only full observations.
      expect(ctx.client.deltasApplied.text).toBeGreaterThan(before.text);
      if (lists) expect(ctx.client.deltasApplied.validActions).toBeGreaterThan(before.validActions);
    }, 240_000);
  }

  it("are sent against the client's last text and shrink a Sokoban 8x8 step and an ALFWorld list change", async () => {
    const engine = await EnvEngine.create(builtinRegistry(), {}, Buffer.alloc(32, 1));
    const options = { omitText: false, omitImage: false, omitUiElements: false, omitFingerprint: false, omitInfo: false, validActions: ValidActionsMode.VALID_ACTIONS_WHEN_CHANGED, deltas: true };
    const { sessionId } = engine.createSession({ envId: "sokoban", configJson: '{"dim_room":[8,8],"num_boxes":1}', observationKinds: [], observationOptions: options });
    const first = (await engine.reset({ sessionId, seed: 3, optionsJson: "" })).result!.observation!;
    expect(first.text).not.toBe("");
    expect(first.textHash).toBe(textHashOf(first.text));
    const moves = ["Up", "Down", "Left", "Right"].map((text) => ({ kind: { $case: "text" as const, text } }));
    // Without a known text the server sends the full text; with it, a delta naming it.
    const blind = (await engine.step({ sessionId, action: moves[0]! })).result!.observation!;
    expect(blind.textDelta).toBeUndefined();
    let known = blind.textHash!;
    let text = blind.text;
    let sawDelta = false;
    for (let i = 0; i < 8; i++) {
      const o = (await engine.step({ sessionId, action: moves[i % 4]!, knownTextHash: known })).result!.observation!;
      if (o.textDelta !== undefined) {
        sawDelta = true;
        expect(o.text).toBe("");
        expect(o.textDelta.baseHash).toBe(known);
        text = applyLinesDelta(text.split("\n"), o.textDelta).join("\n");
      } else text = o.text;
      expect(textHashOf(text)).toBe(o.textHash);
      known = o.textHash!;
    }
    expect(sawDelta).toBe(true);
    // A wrong known hash is never used as a base: the full text comes.
    const stale = (await engine.step({ sessionId, action: moves[1]!, knownTextHash: 12345 })).result!.observation!;
    expect(stale.textDelta).toBeUndefined();
    expect(stale.text).not.toBe("");
    await engine.close();
  });

  it("rebuild a large Expand shaped across time slices (yields between nodes) exactly", async () => {
    const full = await ctx.client.createSession("alfworld");
    const delta = await ctx.client.createSession("alfworld", { observation: DELTAS });
    const start = await full.reset(11);
    await delta.reset(11);
    const va = start.observation.validActions;
    // 3072 nodes (under the server's reply bound for full observations): well past one 4 ms slice of shaping.
    const seqs = Array.from({ length: 96 }, (_, b) => Array.from({ length: 32 }, (_, d) => va[(b * 7 + d * 5) % va.length]!));
    const a = await full.expand(seqs);
    const b = await delta.expand(seqs);
    expect(b.map((br) => br.steps.map(seen))).toEqual(a.map((br) => br.steps.map(seen)));
    await full.close();
    await delta.close();
  }, 120_000);

  it("are off by default: replies carry no text hash and no delta", async () => {
    const engine = await EnvEngine.create(builtinRegistry(), {}, Buffer.alloc(32, 1));
    const { sessionId } = engine.createSession({ envId: "alfworld", configJson: "", observationKinds: [] });
    const first = (await engine.reset({ sessionId, seed: 3, optionsJson: "" })).result!.observation!;
    const o = (await engine.step({ sessionId, action: { kind: { $case: "text", text: "look" } }, knownTextHash: textHashOf(first.text) })).result!.observation!;
    expect(o.textHash).toBeUndefined();
    expect(o.textDelta).toBeUndefined();
    expect(o.validActionsDelta).toBeUndefined();
    expect(o.text).not.toBe("");
    await engine.close();
  });

  it("fail the reply when the client lacks the base, instead of guessing", () => {
    const holds = new ReplyHolds();
    const r = {
      observation: { text: "", image: undefined, uiElements: [], validActions: [], fingerprint: "", textHash: 5, textDelta: { baseHash: 77, ops: [0, 0, 1], lines: [] } },
      reward: 0,
      terminated: false,
      truncated: false,
      infoJson: "",
      stepIndex: 1,
    };
    expect(() => holds.complete(r)).toThrow(/does not hold/);
    // And a delta that does not rebuild the announced text is refused too.
    holds.hold({ textHash: 77, text: "a\nb" });
    expect(() => holds.complete({ ...r, observation: { ...r.observation, textDelta: { baseHash: 77, ops: [0, 0, 1], lines: [] } } })).toThrow(/did not rebuild/);
  });

  it("diffLines (lists) and spliceLines (texts) round-trip through applyLinesDelta for any pair", () => {
    const line = fc.constantFrom("", "#", "##__#", "go to shelf 1", "go to shelf 2", "look", "é\u{1F600}");
    fc.assert(
      fc.property(fc.array(line, { maxLength: 30 }), fc.array(line, { maxLength: 30 }), (a, b) => {
        expect(applyLinesDelta(a, diffLines(a, b))).toEqual(b);
      }),
      { numRuns: 500 },
    );
    // Texts: one splice (shared leading and trailing lines kept), exact for any pair.
    const textArb = fc.array(line, { maxLength: 12 }).map((ls) => ls.join("\n"));
    fc.assert(
      fc.property(textArb, textArb, (a, b) => {
        expect(applyLinesDelta(a.split("\n"), spliceLines(a, b)).join("\n")).toBe(b);
      }),
      { numRuns: 2000 },
    );
    // A changed grid row costs that row only.
    expect(spliceLines("####\n#_P#\n#__#\n####", "####\n#__#\n#_P#\n####")).toEqual({ ops: [0, 0, 1, 2, 3, 1], lines: ["#__#", "#_P#"] });
    expect(spliceLines("a\nb", "a\nb")).toEqual({ ops: [0, 0, 2], lines: [] });
    expect(() => applyLinesDelta(["a"], { ops: [0, 0, 2], lines: [] })).toThrow(/malformed/);
    expect(() => applyLinesDelta(["a"], { ops: [1, 0, 0], lines: [] })).toThrow(/malformed/);
    expect(() => applyLinesDelta(["a"], { ops: [0, 0], lines: [] })).toThrow(/malformed/);
  });
});

describe("observation deltas on the Connect stream", () => {
  const ctx = useTestServer();

  it("are rebuilt by the stream client, pipelined or not, equal to a full-observation twin", async () => {
    const before = { ...ctx.client.deltasApplied };
    const stream = ctx.client.stream(0, 16);
    const options = toObservationOptions(DELTAS);
    const created = await stream.request({ $case: "createSession", createSession: { envId: "alfworld", configJson: "{}", observationKinds: [], maxSteps: 0, observationOptions: options } });
    if (created.$case !== "createSession") throw new Error("unexpected reply");
    const id = created.createSession.sessionId;
    const twin = await ctx.client.createSession("alfworld", {});
    const text = (r: { result?: StepResult }) => ({ text: r.result!.observation!.text, va: [...r.result!.observation!.validActions] });
    const reset = await stream.request({ $case: "reset", reset: { sessionId: id, seed: 3, optionsJson: "" } });
    let last = await twin.reset(3);
    expect(reset.$case === "reset" && text(reset.reset)).toEqual({ text: last.observation.text, va: [...last.observation.validActions] });

    // The actions come from the twin, so both sides take the same path.
    const plan: string[] = [];
    const twinSteps: Step[] = [];
    for (let k = 0; k < 12 && !last.terminated && !last.truncated; k++) {
      plan.push(action(last, 7 * k + 1));
      last = await twin.step(plan[k]!);
      twinSteps.push(last);
    }
    const step = (a: string) => stream.request({ $case: "step", step: { sessionId: id, action: { kind: { $case: "text", text: a } } } });
    // First half one at a time, second half all in flight at once (each names what was held when it left).
    const half = Math.floor(plan.length / 2);
    const replies = [];
    for (const a of plan.slice(0, half)) replies.push(await step(a));
    replies.push(...(await Promise.all(plan.slice(half).map(step))));
    replies.forEach((r, k) => {
      const o = twinSteps[k]!.observation;
      expect(r.$case === "step" && text(r.step)).toEqual({ text: o.text, va: [...o.validActions] });
    });
    // A Sokoban grid changes a line or two per move: text deltas, here inside BatchSteps naming the session twice.
    const sok = await stream.request({ $case: "createSession", createSession: { envId: "sokoban", configJson: '{"dim_room":[8,8],"num_boxes":1}', observationKinds: [], maxSteps: 0, observationOptions: options } });
    if (sok.$case !== "createSession") throw new Error("unexpected reply");
    const sid = sok.createSession.sessionId;
    const grid = await ctx.client.createSession("sokoban", { config: { dim_room: [8, 8], num_boxes: 1 } });
    await stream.request({ $case: "reset", reset: { sessionId: sid, seed: 11, optionsJson: "" } });
    await grid.reset(11);
    const textBefore = ctx.client.deltasApplied.text;
    for (let k = 0; k < 6; k++) {
      const moves = [5 + (k % 4), 5 + ((k + 1) % 4)];
      const batch = await stream.request({ $case: "batchStep", batchStep: { steps: moves.map((index) => ({ sessionId: sid, action: { kind: { $case: "index", index } } })) } });
      if (batch.$case !== "batchStep") throw new Error("unexpected reply");
      for (const [j, index] of moves.entries()) {
        const o = (await grid.step(index)).observation;
        const item = batch.batchStep.items[j]!.outcome;
        expect(item?.$case === "result" && text(item)).toEqual({ text: o.text, va: [...o.validActions] });
      }
    }
    expect(ctx.client.deltasApplied.text).toBeGreaterThan(textBefore);
    // ALFWorld's admissible commands change a little per step: deltas, not whole lists.
    expect(ctx.client.deltasApplied.validActions).toBeGreaterThan(before.validActions);
    stream.close();
  }, 60_000);
});
