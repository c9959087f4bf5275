/**
 * Observation options: a session (and a call) chooses which parts of an observation
 * replies carry; valid actions can be sent only when the client lacks them. Defaults
 * keep today's replies; bad options are refused before anything changes.
 */
import { describe, expect, it } from "vitest";
import { builtinRegistry } from "../../adapters/index.js";
import { useTestServer } from "../support/server.js";
import { EnvEngine } from "../../env-server/core/engine.js";
import { resolveView, validActionsHashOf } from "../../env-server/core/observation-options.js";
import { ValidActionsMode, type ObservationOptions, type StepResult } from "../../gen/ts/dynamind/env/v1/types_pb.js";

const SOKOBAN = '{"dim_room":[6,6],"num_boxes":1}';
const opts = (o: Partial<ObservationOptions>): ObservationOptions => ({
  omitText: false,
  omitImage: false,
  omitUiElements: false,
  omitFingerprint: false,
  omitInfo: false,
  validActions: ValidActionsMode.VALID_ACTIONS_MODE_UNSPECIFIED,
  deltas: false,
  ...o,
});
const up = { kind: { $case: "index" as const, index: 1 } };
const CHANGED = ValidActionsMode.VALID_ACTIONS_WHEN_CHANGED;

async function engineWith(): Promise<EnvEngine> {
  return EnvEngine.create(builtinRegistry(), {}, Buffer.alloc(32, 1));
}

async function session(engine: EnvEngine, options?: ObservationOptions, kinds: number[] = []): Promise<{ id: string; first: StepResult }> {
  const { sessionId } = engine.createSession({ envId: "sokoban", configJson: SOKOBAN, observationKinds: kinds, observationOptions: options });
  const { result } = await engine.reset({ sessionId, seed: 5, optionsJson: "" });
  return { id: sessionId, first: result! };
}

describe("observation options", () => {
  it("keep today's full observation by default, with no valid-actions hash", async () => {
    const engine = await engineWith();
    const { id, first } = await session(engine);
    expect(first.observation!.validActions).toEqual(["Up", "Down", "Left", "Right"]);
    expect(first.observation!.fingerprint).toMatch(/^[0-9a-f]+$/);
    expect(first.observation!.validActionsHash).toBeUndefined();
    const { result } = await engine.step({ sessionId: id, action: up });
    expect(result!.infoJson).toContain("player_moved");
    expect(result!.observation!.text).toContain("#");
  });

  it("leave out the parts a session omits, on every reply about it", async () => {
    const engine = await engineWith();
    const lean = opts({ omitFingerprint: true, omitInfo: true, validActions: ValidActionsMode.VALID_ACTIONS_NEVER });
    const { id, first } = await session(engine, lean);
    expect(first.observation!.validActions).toEqual([]);
    expect(first.observation!.fingerprint).toBe("");
    expect(first.infoJson).toBe("");
    const { result } = await engine.step({ sessionId: id, action: up });
    expect(result!.observation!.text).toContain("#");
    expect(result!.infoJson).toBe("");
    expect(result!.stepIndex).toBe(1);
    // A fork keeps its parent's options.
    const forked = await engine.fork({ source: { $case: "sessionId", sessionId: id } });
    expect(forked.result!.observation!.fingerprint).toBe("");
    // A call's own options replace the session's for that call only.
    const full = await engine.step({ sessionId: id, action: up, observationOptions: opts({}) });
    expect(full.result!.observation!.fingerprint).not.toBe("");
    expect(full.result!.observation!.validActions.length).toBe(4);
    expect((await engine.step({ sessionId: id, action: up })).result!.observation!.fingerprint).toBe("");
  });

  it("send valid actions only when the client lacks them, with a hash to look them up", async () => {
    const engine = await engineWith();
    const { id, first } = await session(engine, opts({ validActions: CHANGED }));
    const hash = validActionsHashOf(["Up", "Down", "Left", "Right"]);
    expect(first.observation!.validActionsHash).toBe(hash);
    expect(first.observation!.validActions).toEqual(["Up", "Down", "Left", "Right"]);
    const known = await engine.step({ sessionId: id, action: up, knownValidActionsHash: hash });
    expect(known.result!.observation!.validActions).toEqual([]);
    expect(known.result!.observation!.validActionsHash).toBe(hash);
    const stale = await engine.step({ sessionId: id, action: up, knownValidActionsHash: 12345 });
    expect(stale.result!.observation!.validActions.length).toBe(4);

    // In one BatchStep reply a list goes out once, at its first item.
    const others = [id, (await session(engine, opts({ validActions: CHANGED }))).id, (await session(engine)).id];
    const batch = (await engine.batchStep({ steps: others.map((sessionId) => ({ sessionId, action: up })) })).items.map((i) => (i.outcome as { result: StepResult }).result);
    expect(batch.map((r) => r.observation!.validActions.length)).toEqual([4, 0, 4]);
    expect(batch.map((r) => r.observation!.validActionsHash)).toEqual([hash, hash, undefined]);

    // Expand: once per reply, and not at all when the client holds it.
    const expand = async (knownValidActionsHash?: number) =>
      (
        await engine.expand({
          sessionId: id,
          sequences: [{ actions: [up, up] }, { actions: [up] }],
          options: { returnLeafStates: false, leafObservationsOnly: false, observationOptions: opts({ validActions: CHANGED }), knownValidActionsHash },
        })
      ).branches.flatMap((b) => b.steps.map((s) => s.observation!.validActions.length));
    expect(await expand()).toEqual([4, 0, 0]);
    expect(await expand(hash)).toEqual([0, 0, 0]);
  });

  it("skip the screenshot of a RestoreState that asks for no image", async () => {
    const engine = await engineWith();
    const { id, first } = await session(engine, undefined, [1, 2]);
    expect(first.observation!.image!.data.length).toBeGreaterThan(0);
    const { handle } = await engine.cloneState({ sessionId: id, portable: false });
    const light = await engine.restoreState({ sessionId: id, source: { $case: "handleId", handleId: handle!.id }, observationOptions: opts({ omitImage: true }) });
    expect(light.result!.observation!.image).toBeUndefined();
    expect(light.result!.observation!.text).toBe(first.observation!.text);
    const full = await engine.restoreState({ sessionId: id, source: { $case: "handleId", handleId: handle!.id } });
    expect(full.result!.observation!.image!.data).toEqual(first.observation!.image!.data);
  });

  it("ask the environment for a fingerprint only when the reply carries one", () => {
    expect(resolveView(["text"], undefined).request.fingerprint).toBe(true);
    const lean = resolveView(["text"], opts({ omitFingerprint: true }));
    expect(lean.request).toEqual({ text: true, image: false, uiElements: false, fingerprint: false });
  });

  it("bound an Expand reply by the parts it carries, so a lean Expand holds more nodes", async () => {
    // A full Sokoban 6x6 node is ~190 bytes by the server's estimate; a lean one (no fingerprint, info or valid actions) ~90.
    const engine = await EnvEngine.create(builtinRegistry(), { maxExpandReplyBytes: 16 * 130 }, Buffer.alloc(32, 1));
    const { id } = await session(engine);
    const sequences = Array.from({ length: 16 }, () => ({ actions: [up] }));
    const call = (observationOptions?: ObservationOptions) =>
      engine.expand({ sessionId: id, sequences, options: { returnLeafStates: false, leafObservationsOnly: false, observationOptions } });
    await expect(Promise.resolve().then(() => call())).rejects.toMatchObject({ reason: "CAPACITY" });
    const lean = await call(opts({ omitFingerprint: true, omitInfo: true, validActions: ValidActionsMode.VALID_ACTIONS_NEVER }));
    expect(lean.branches).toHaveLength(16);
    expect(lean.branches[0]!.steps[0]!.observation!.fingerprint).toBe("");
  });

  it("refuse an unknown valid-actions mode before anything changes", async () => {
    const engine = await engineWith();
    const { id } = await session(engine);
    const bad = opts({ validActions: 9 as ValidActionsMode });
    expect(() => engine.step({ sessionId: id, action: up, observationOptions: bad })).toThrow(/not a ValidActionsMode/);
    const batch = await engine.batchStep({ steps: [{ sessionId: id, action: up, observationOptions: bad }] });
    expect(batch.items[0]!.outcome!.$case).toBe("error");
    expect(() => engine.createSession({ envId: "sokoban", configJson: SOKOBAN, observationKinds: [], observationOptions: bad })).toThrow(/not a ValidActionsMode/);
    expect((await engine.step({ sessionId: id, action: up })).result!.stepIndex).toBe(1);
  });
});

describe("observation options through the TS client", () => {
  const ctx = useTestServer();

  it("fill in valid actions the server left out, across Step, BatchStep and Expand", async () => {
    const { client } = ctx;
    const a = await client.createSession("sokoban", { config: JSON.parse(SOKOBAN), observation: { validActions: "changed", fingerprint: false } });
    const b = await client.createSession("sokoban", { config: JSON.parse(SOKOBAN), observation: { validActions: "changed" } });
    const full = ["Up", "Down", "Left", "Right"];
    for (const s of [a, b]) expect((await s.reset(3)).observation.validActions).toEqual(full);
    const one = await a.step("Up");
    expect(one.observation.validActions).toEqual(full);
    expect(one.observation.fingerprint).toBe("");
    const batch = await client.batchStep([{ session: a, action: "Down" }, { session: b, action: "Left" }]);
    for (const r of batch) expect((r as { observation: { validActions: string[] } }).observation.validActions).toEqual(full);
    const branches = await b.expand([["Up", "Up"], ["Down"]]);
    for (const br of branches) for (const st of br.steps) expect(st.observation.validActions).toEqual(full);
    // A per-call choice: no text for this step only.
    expect((await a.step("Up", { text: false })).observation.text).toBe("");
    expect((await a.step("Up")).observation.text).toContain("#");
    await Promise.all([a.close(), b.close()]);
  });
});

describe("the valid-action hash, written on both sides of the wire", () => {
  it("is the same function in the server and in the TS client", async () => {
    const fc = (await import("fast-check")).default;
    const client = await import("../../agent/client/observation-deltas.js");
    fc.assert(
      fc.property(fc.array(fc.string({ unit: "grapheme" }), { maxLength: 12 }), (list) => {
        expect(client.validActionsHashOf(list)).toBe(validActionsHashOf(list));
      }),
      { numRuns: 500 },
    );
  });
});
