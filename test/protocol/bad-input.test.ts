/**
 * Every RPC answers bad input with a clear status and reason, and a rejected call
 * leaves the session exactly as it was.
 */
import { describe, expect, it } from "vitest";
import type { RemoteSession, Step } from "../../agent/client/index.js";
import { rejection, useTestServer } from "../support/server.js";

const ctx = useTestServer({ limits: { maxExpandSequences: 64, maxBatchSize: 32 } });

const NOT_FOUND = 5;
const INVALID_ARGUMENT = 3;
const FAILED_PRECONDITION = 9;
const RESOURCE_EXHAUSTED = 8;

/** Opens a Sokoban session with a few moves played, and a way to prove it did not change. */
async function playedSession(): Promise<{ s: RemoteSession; unchanged: () => Promise<void> }> {
  const s = await ctx.client.createSession("sokoban", { config: { preset: "8x8-2box" } });
  await s.reset(11);
  let last: Step | undefined;
  for (const a of ["Left", "Up", "Right"]) last = await s.step(a);
  const fingerprint = last!.observation.fingerprint;
  const stepIndex = last!.stepIndex;
  return {
    s,
    unchanged: async () => {
      const probe = await s.expand([[]]);
      expect(probe[0]!.steps).toEqual([]);
      const saved = await s.clone();
      const here = await s.restore(saved);
      expect(here.observation.fingerprint).toBe(fingerprint);
      expect(here.stepIndex).toBe(stepIndex);
    },
  };
}

const UNKNOWN = "00000000-0000-4000-8000-000000000000";

describe("unknown sessions", () => {
  for (const [rpc, req] of [
    ["reset", { sessionId: UNKNOWN }],
    ["step", { sessionId: UNKNOWN, action: { kind: { $case: "text", text: "Up" } } }],
    ["cloneState", { sessionId: UNKNOWN }],
    ["restoreState", { sessionId: UNKNOWN, source: { $case: "handleId", handleId: "x" } }],
    ["closeSession", { sessionId: UNKNOWN }],
    ["expand", { sessionId: UNKNOWN, sequences: [] }],
    ["fork", { source: { $case: "sessionId", sessionId: UNKNOWN } }],
    ["expertPlan", { sessionId: UNKNOWN }],
  ] as const) {
    it(`${rpc} on an unknown session fails with NOT_FOUND / SESSION_NOT_FOUND`, async () => {
      const err = await rejection(ctx.client.call(0, rpc, req));
      expect(err.code).toBe(NOT_FOUND);
      expect(err.reason).toBe("SESSION_NOT_FOUND");
      expect(err.retryable).toBe(false);
      expect(err.message).toMatch(/does not exist/);
    });
  }

  it("a closed session is gone", async () => {
    const s = await ctx.client.createSession("sokoban");
    await s.close();
    expect((await rejection(s.reset(1))).reason).toBe("SESSION_NOT_FOUND");
  });
});

describe("CreateSession", () => {
  it("rejects an unknown env id, naming the ones it runs", async () => {
    const err = await rejection(ctx.client.createSession("pong"));
    expect([err.code, err.reason]).toEqual([NOT_FOUND, "ENV_NOT_FOUND"]);
    expect(err.message).toMatch(/sokoban/);
  });

  it("rejects config that is not JSON, not an object, or invalid for the env", async () => {
    for (const configJson of ["{not json", "[1,2]", '"text"', '{"preset":"99x99"}', '{"num_boxes":-1}']) {
      const err = await rejection(ctx.client.call(0, "createSession", { envId: "sokoban", configJson, observationKinds: [] }));
      expect([err.code, err.reason]).toEqual([INVALID_ARGUMENT, "INVALID_ARGUMENT"]);
    }
  });

  it("rejects observation kinds the env cannot produce", async () => {
    const err = await rejection(ctx.client.createSession("sokoban", { observationKinds: ["ui_elements"] }));
    expect(err.reason).toBe("INVALID_ARGUMENT");
    expect(err.message).toMatch(/ui_elements/);
    const bad = await rejection(ctx.client.call(0, "createSession", { envId: "sokoban", configJson: "", observationKinds: [0, 42] }));
    expect(bad.reason).toBe("INVALID_ARGUMENT");
  });
});

describe("Reset", () => {
  it("rejects options that are not a JSON object", async () => {
    const { s, unchanged } = await playedSession();
    const err = await rejection(ctx.client.call(0, "reset", { sessionId: s.id, seed: 1, optionsJson: "{oops" }));
    expect(err.reason).toBe("INVALID_ARGUMENT");
    await unchanged();
  });
});

describe("Step", () => {
  it("refuses to step before the first reset", async () => {
    const s = await ctx.client.createSession("sokoban");
    const err = await rejection(s.step("Up"));
    expect([err.code, err.reason]).toEqual([FAILED_PRECONDITION, "EPISODE_NOT_STARTED"]);
  });

  it("rejects a missing action, a wrong action kind, an out-of-range index and an unknown command", async () => {
    const { s, unchanged } = await playedSession();
    const cases: [unknown, RegExp][] = [
      [{}, /no kind/],
      [{ kind: { $case: "json", json: '{"action_type":"click"}' } }, /does not accept json/],
      [{ kind: { $case: "index", index: 9 } }, /out of range 0..8/],
      [{ kind: { $case: "index", index: 4_000_000_000 } }, /out of range/],
      [{ kind: { $case: "text", text: "jump" } }, /Up, Down, Left, Right/],
      [{ kind: { $case: "text", text: "x".repeat(100_000) } }, /longer than/],
    ];
    for (const [action, message] of cases) {
      const err = await rejection(ctx.client.call(0, "step", { sessionId: s.id, action }));
      expect([err.code, err.reason]).toEqual([INVALID_ARGUMENT, "INVALID_ACTION"]);
      expect(err.message).toMatch(message);
    }
    await unchanged();
  });

  it("rejects a message over the server's size limit and keeps serving", async () => {
    const { s, unchanged } = await playedSession();
    const err = await rejection(s.step("U".repeat(20 * 1024 * 1024)));
    expect(err.code).toBe(RESOURCE_EXHAUSTED);
    await unchanged();
  });

  it("accepts text commands case-insensitively with surrounding spaces", async () => {
    const { s } = await playedSession();
    const r = await s.step("  dOwN ");
    expect(r.stepIndex).toBe(4);
  });
});

describe("BatchStep", () => {
  it("fails only the bad items and applies the good ones in order", async () => {
    const { s } = await playedSession();
    const other = await ctx.client.createSession("sokoban");
    const out = await ctx.client.batchStep([
      { session: s, action: "Down" },
      { session: other, action: "Up" },
      { session: s, action: 99 },
      { session: s, action: "Up" },
    ]);
    expect(out.map((o) => ("reason" in o ? o.reason : (o as Step).stepIndex))).toEqual([4, "EPISODE_NOT_STARTED", "INVALID_ACTION", 5]);
  });

  it("refuses batches over the size limit", async () => {
    const { s } = await playedSession();
    const err = await rejection(ctx.client.batchStep(Array.from({ length: 33 }, () => ({ session: s, action: "Up" }))));
    expect([err.code, err.reason]).toEqual([RESOURCE_EXHAUSTED, "CAPACITY"]);
  });
});

describe("RestoreState and Fork sources", () => {
  it("need a source", async () => {
    const { s, unchanged } = await playedSession();
    expect((await rejection(ctx.client.call(0, "restoreState", { sessionId: s.id }))).reason).toBe("INVALID_ARGUMENT");
    expect((await rejection(ctx.client.call(0, "fork", {}))).reason).toBe("INVALID_ARGUMENT");
    await unchanged();
  });

  it("reject handles this server never issued", async () => {
    const { s, unchanged } = await playedSession();
    for (const handleId of ["st-deadbeef-1", "nonsense", ""]) {
      const err = await rejection(ctx.client.call(0, "restoreState", { sessionId: s.id, source: { $case: "handleId", handleId } }));
      expect([err.code, err.reason]).toEqual([NOT_FOUND, "STATE_NOT_FOUND"]);
    }
    expect((await rejection(ctx.client.call(0, "fork", { source: { $case: "handleId", handleId: "nonsense" } }))).reason).toBe("STATE_NOT_FOUND");
    await unchanged();
  });

  it("reject a state from an incompatible configuration", async () => {
    const { s, unchanged } = await playedSession();
    const small = await ctx.client.createSession("sokoban", { config: { preset: "6x6-1box" } });
    await small.reset(1);
    const saved = await small.clone(true);
    // A server-held handle of another session family is not shown to exist; portable bytes are checked for fit.
    expect((await rejection(s.restore(saved))).reason).toBe("STATE_NOT_FOUND");
    expect((await rejection(s.restore(saved.portable!))).reason).toBe("STATE_INCOMPATIBLE");
    await unchanged();
  });
});

describe("Expand", () => {
  it("rejects a bad action anywhere, naming where, and keeps nothing", async () => {
    const { s, unchanged } = await playedSession();
    const held = ctx.server.engine.states.size;
    const err = await rejection(s.expand([["Up", "Left"], ["Down", "fly"]], { returnLeafStates: true }));
    expect(err.reason).toBe("INVALID_ACTION");
    expect(err.message).toMatch(/sequence 1, action 1/);
    expect(ctx.server.engine.states.size).toBe(held);
    await unchanged();
  });

  it("refuses too many sequences", async () => {
    const { s, unchanged } = await playedSession();
    const err = await rejection(s.expand(Array.from({ length: 65 }, () => ["Up"])));
    expect(err.reason).toBe("CAPACITY");
    await unchanged();
  });

  it("refuses to expand, clone or fork an episode that has not started", async () => {
    const s = await ctx.client.createSession("sokoban");
    expect((await rejection(s.expand([["Up"]]))).reason).toBe("EPISODE_NOT_STARTED");
    expect((await rejection(s.clone())).reason).toBe("EPISODE_NOT_STARTED");
    expect((await rejection(s.fork())).reason).toBe("EPISODE_NOT_STARTED");
  });

  it("stops at the episode's end", async () => {
    const s = await ctx.client.createSession("sokoban", { maxSteps: 2 });
    await s.reset(3);
    const [branch] = await s.expand([["Up", "Up", "Up", "Up"]]);
    expect(branch!.steps).toHaveLength(2);
    expect(branch!.steps[1]!.truncated).toBe(true);
  });

  it("honours the call's deadline and keeps nothing", async () => {
    const { s, unchanged } = await playedSession();
    const held = ctx.server.engine.states.size;
    const sequences = Array.from({ length: 64 }, () => ({ actions: Array.from({ length: 4000 }, () => ({ kind: { $case: "index", index: 5 } })) }));
    const err = await rejection(
      ctx.client.call(0, "expand", { sessionId: s.id, sequences, options: { returnLeafStates: true, leafObservationsOnly: false } }, 5),
    );
    expect(err.code).toBe(4); // DEADLINE_EXCEEDED, from the server (DEADLINE) or the client's own timer
    expect(ctx.server.engine.states.size).toBe(held);
    await unchanged();
  });
});

describe("ExpertPlan", () => {
  it("rejects unknown handles and leaves the session where it was", async () => {
    const { s, unchanged } = await playedSession();
    expect((await rejection(ctx.client.call(0, "expertPlan", { sessionId: s.id, fromHandleId: "st-deadbeef-9" }))).reason).toBe("STATE_NOT_FOUND");
    const plan = await s.expertPlan();
    expect(plan.actions.length).toBeGreaterThan(0);
    await unchanged();
  });

  it("has no plan before the episode starts", async () => {
    const s = await ctx.client.createSession("sokoban");
    expect(await s.expertPlan()).toEqual({ actions: [], reachesGoal: false });
  });
});

describe("ReleaseState", () => {
  it("counts only handles that were held", async () => {
    const { s } = await playedSession();
    const a = await s.clone();
    expect(await ctx.client.release([a, { id: "nope", expiresAtMs: 0, server: 0 }])).toBe(1);
    expect(await ctx.client.release([a])).toBe(0);
    expect((await rejection(s.restore(a))).reason).toBe("STATE_EXPIRED");
  });
});
