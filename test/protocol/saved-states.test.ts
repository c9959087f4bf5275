/** Saved states: expiry, eviction under the budget, and integrity of portable bytes. */
import { describe, expect, it } from "vitest";
import { rejection, startTestServer, useTestServer } from "../support/server.js";

// This server's clock moves only when a test moves it, so no state expires because the
// machine was slow (a real 1.5 s TTL could run out between a clone and a fork under load).
const TTL_MS = 60_000;
let clock = Date.UTC(2026, 0, 1);
const ttl = useTestServer({ limits: { stateTtlMs: TTL_MS }, stateKey: "key-of-server-A-0123456789", now: () => clock });
const tiny = useTestServer({ limits: { maxStates: 3 } });
const other = useTestServer({ stateKey: "key-of-server-B-0123456789" });

describe("server-held states", () => {
  it("expire after their TTL with STATE_EXPIRED", async () => {
    const s = await ttl.client.createSession("sokoban");
    await s.reset(1);
    const saved = await s.clone();
    expect(saved.expiresAtMs).toBe(clock + TTL_MS);
    clock += TTL_MS - 1;
    await s.restore(saved);
    clock += 1;
    const err = await rejection(s.restore(saved));
    expect([err.code, err.reason]).toEqual([5, "STATE_EXPIRED"]);
  });

  it("are evicted least-recently-used first when over the budget", async () => {
    const s = await tiny.client.createSession("sokoban");
    await s.reset(1);
    const a = await s.clone();
    const b = await s.clone();
    const c = await s.clone();
    await s.restore(a); // a is now the most recently used
    const d = await s.clone(); // evicts b
    expect((await rejection(s.restore(b))).reason).toBe("STATE_EXPIRED");
    for (const kept of [a, c, d]) await s.restore(kept);
    expect(tiny.server.engine.states.size).toBe(3);
    expect(tiny.server.engine.states.evictions).toBe(1);
  });

  it("can fork a new session that continues from the saved state", async () => {
    const s = await ttl.client.createSession("sokoban", { config: { preset: "8x8-2box" } });
    await s.reset(5);
    await s.step("Left");
    const saved = await s.clone();
    const child = await ttl.client.fork(saved);
    expect(child.initial!.stepIndex).toBe(1);
    expect((await child.step("Up")).observation.text).toBe((await s.step("Up")).observation.text);
  });
});

describe("portable states", () => {
  async function sealed() {
    const s = await ttl.client.createSession("sokoban");
    await s.reset(9);
    await s.step("Down");
    const before = (await s.expand([[]]))[0]!;
    return { s, bytes: (await s.clone(true)).portable!, before };
  }

  it("are refused whole when any byte is altered", async () => {
    const { s, bytes } = await sealed();
    const target = await ttl.client.createSession("sokoban");
    const start = await target.reset(4);
    for (const i of [0, 5, 20, bytes.length - 40, bytes.length - 1]) {
      const bad = Uint8Array.from(bytes);
      bad[i]! ^= 0x40;
      const err = await rejection(target.restore(bad));
      expect([err.code, err.reason]).toEqual([3, "STATE_INVALID"]);
      expect((await rejection(ttl.client.fork(bad))).reason).toBe("STATE_INVALID");
    }
    for (const junk of [new Uint8Array(0), new Uint8Array(3), Buffer.from("DMS1 but then nothing sensible at all, long enough to pass")]) {
      expect((await rejection(target.restore(junk))).reason).toBe("STATE_INVALID");
    }
    // The target session never moved.
    const saved = await target.clone();
    expect((await target.restore(saved)).observation.fingerprint).toBe(start.observation.fingerprint);
    await s.close();
  });

  it("from a server with another key are refused", async () => {
    const { bytes } = await sealed();
    const foreign = await other.client.createSession("sokoban");
    await foreign.reset(1);
    const err = await rejection(foreign.restore(bytes));
    expect(err.reason).toBe("STATE_INVALID");
    expect(err.message).toMatch(/integrity/);
  });

  it("move between servers that share a key", async () => {
    const twin = await startTestServer({ stateKey: "key-of-server-A-0123456789" });
    try {
      const { s, bytes } = await sealed();
      const there = await twin.client.fork(bytes);
      expect(there.initial!.stepIndex).toBe(1);
      expect((await there.step("Left")).observation.fingerprint).toBe((await s.step("Left")).observation.fingerprint);
    } finally {
      twin.client.close();
      await twin.server.stop(500);
    }
  });
});
