/**
 * Saved-state handles are capabilities: unguessable, unforgeable, and usable only
 * by the session family that made them (portable bytes are how a state is shared).
 */
import { describe, expect, it } from "vitest";
import type { RemoteSession, StateRef } from "../../agent/client/index.js";
import { rejection, useTestServer } from "../support/server.js";

const ctx = useTestServer();

async function cloned(): Promise<{ id: string; session: RemoteSession; handle: StateRef }> {
  const session = await ctx.client.createSession("sokoban");
  await session.reset(5);
  await session.step("Up");
  const handle = await session.clone();
  return { id: handle.id, session, handle };
}

/** Ids that differ from `id` by one in one of the two parts after `st-`, read as base-36 counters (the server prefix kept). */
function neighbours(id: string): string[] {
  const m = /^([^.]+)\.st-([^-]+)-(.+)$/.exec(id);
  if (!m) return [];
  const out: string[] = [];
  for (const part of [2, 3] as const) {
    const n = parseInt(m[part]!, 36);
    if (!Number.isSafeInteger(n)) continue;
    for (const d of [-1, 1]) {
      const next = (n + d).toString(36);
      out.push(part === 2 ? `${m[1]}.st-${next}-${m[3]}` : `${m[1]}.st-${m[2]}-${next}`);
    }
  }
  return out;
}

describe("state handles", () => {
  it("carry 128 unguessable bits and never repeat", async () => {
    const s = await ctx.client.createSession("sokoban");
    await s.reset(1);
    const ids = new Set<string>();
    for (let i = 0; i < 200; i++) ids.add((await s.clone()).id);
    expect(ids.size).toBe(200);
    const serverId = ctx.server.serverId;
    for (const id of ids) expect(id).toMatch(new RegExp(`^${serverId}\\.st-[0-9a-z]+-[A-Za-z0-9_-]{22}$`));
  });

  it("cannot be guessed from the ids a client sees: neighbours of its own handles release and restore nothing", async () => {
    const attacker = await ctx.client.createSession("sokoban");
    await attacker.reset(5);
    const before = await attacker.clone();
    const victim = await cloned();
    const after = await attacker.clone();
    // Every id one counter step away from the attacker's own, in any part of the id that counts.
    const guesses = [before.id, after.id].flatMap(neighbours).filter((id) => id !== before.id && id !== after.id);
    expect(guesses.length).toBeGreaterThan(0);
    for (const handleId of guesses) {
      const err = await rejection(ctx.client.call(0, "restoreState", { sessionId: attacker.id, source: { $case: "handleId", handleId } }));
      expect(err.reason).toBe("STATE_NOT_FOUND");
    }
    expect(await ctx.client.release(guesses.map((id) => ({ id, server: 0 }) as StateRef))).toBe(0);
    expect((await victim.session.restore(victim.handle)).stepIndex).toBe(1);
  });

  it("work only in the session family that made them", async () => {
    const victim = await cloned();
    const stranger = await ctx.client.createSession("sokoban");
    await stranger.reset(5);
    const source = { $case: "handleId", handleId: victim.id };
    for (const [rpc, req] of [
      ["restoreState", { sessionId: stranger.id, source }],
      ["expand", { sessionId: stranger.id, fromHandleId: victim.id, sequences: [{ actions: [] }] }],
      ["expertPlan", { sessionId: stranger.id, fromHandleId: victim.id }],
    ] as const) {
      const err = await rejection(ctx.client.call(0, rpc, req));
      expect(err.reason, rpc).toBe("STATE_NOT_FOUND");
    }
  });

  it("are shared with forks of the session that made them", async () => {
    const owner = await ctx.client.createSession("sokoban");
    await owner.reset(5);
    const handle = await owner.clone();
    const child = await ctx.client.fork(handle);
    await child.step("Down");
    expect((await child.restore(handle)).stepIndex).toBe(0);
    const grandchild = await child.fork();
    expect((await grandchild.restore(handle)).stepIndex).toBe(0);
  });

  it("still tell an expired or released handle from one never issued", async () => {
    const { handle, session } = await cloned();
    await ctx.client.release([handle]);
    expect((await rejection(session.restore(handle))).reason).toBe("STATE_EXPIRED");
  });
});
