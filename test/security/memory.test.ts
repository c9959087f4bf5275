/**
 * Memory that is counted is memory that is used, and no client can hold the
 * server's sessions: budgets cover what handles retain, sessions can be bound to
 * their stream, caps are per client, and sessions never started are reaped soon.
 */
import { spawn, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { builtinRegistry } from "../../adapters/index.js";
import { EnvEngine } from "../../env-server/core/engine.js";
import { rejection, useTestServer } from "../support/server.js";
import { until } from "../support/until.js";

const ctx = useTestServer({ limits: { maxSessionsPerClient: 40 } });

describe("the state budget", () => {
  it("counts what handles retain: filling it cannot exhaust a small heap", () => {
    // 15,000 handles from closed sessions under distinct templates: ~190 MB retained before the
    // budget counted templates (the server aborted); now the budget (24 MB) evicts in time.
    const script = fileURLToPath(new URL("./fixtures/fill-state-budget.ts", import.meta.url));
    const run = spawnSync(process.execPath, ["--max-old-space-size=96", "--expose-gc", "--import", "tsx", script, "15000", "24"], {
      encoding: "utf8",
      timeout: 120_000,
    });
    expect(run.status, run.stderr.slice(-2000)).toBe(0);
    const report = JSON.parse(run.stdout.trim()) as { heapUsed: number; held: number; countedBytes: number; evictions: number };
    expect(report.countedBytes).toBeLessThanOrEqual(24 * 1024 * 1024);
    expect(report.evictions).toBeGreaterThan(0);
    // What the heap holds beyond the loaded code stays within the counted budget.
    expect(report.heapUsed).toBeLessThan(24 * 1024 * 1024 + 40 * 1024 * 1024);
  });
});

describe("sessions", () => {
  it("are capped per client, and a freed slot can be reused", async () => {
    const made = [];
    for (let i = 0; i < 40; i++) made.push(await ctx.client.createSession("sokoban"));
    const err = await rejection(ctx.client.createSession("sokoban"));
    expect([err.reason, err.retryable]).toEqual(["CAPACITY", true]);
    expect(err.message).toMatch(/this client holds its maximum of 40/);
    await made.pop()!.close();
    made.push(await ctx.client.createSession("sokoban"));
    await Promise.all(made.map((s) => s.close()));
  });

  it("bound to their Connect stream close when it ends, and when it is cancelled", async () => {
    const base = ctx.server.engine.sessions.size;
    for (const ending of ["end", "cancel"] as const) {
      const stream = ctx.client.stream(0, 16, { bindSessions: true });
      for (let i = 0; i < 3; i++) await stream.request({ $case: "createSession", createSession: { envId: "sokoban", configJson: "", observationKinds: [] } });
      expect(ctx.server.engine.sessions.size).toBe(base + 3);
      if (ending === "end") stream.close();
      else (stream as unknown as { call: { cancel(): void } }).call.cancel();
      await until(() => ctx.server.engine.sessions.size === base);
    }
  });

  it("bound to streams of a client that vanishes (killed, connection dropped) are all closed", async () => {
    const base = ctx.server.engine.sessions.size;
    const script = fileURLToPath(new URL("./fixtures/vanishing-client.ts", import.meta.url));
    const child = spawn(process.execPath, ["--import", "tsx", script, ctx.server.address, "30"], { stdio: ["ignore", "pipe", "inherit"] });
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on("data", (d: Buffer) => d.toString().includes("ready") && resolve());
      child.once("exit", (code) => reject(new Error(`the client exited early with ${code}`)));
    });
    expect(ctx.server.engine.sessions.size).toBe(base + 30);
    child.kill("SIGKILL");
    await until(() => ctx.server.engine.sessions.size === base);
  });

  it("created on a stream without binding outlive it", async () => {
    const base = ctx.server.engine.sessions.size;
    const stream = ctx.client.stream(0, 16);
    const r = await stream.request({ $case: "createSession", createSession: { envId: "sokoban", configJson: "", observationKinds: [] } });
    stream.close();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(ctx.server.engine.sessions.size).toBe(base + 1);
    if (r.$case === "createSession") await ctx.client.call(0, "closeSession", { sessionId: r.createSession.sessionId });
  });

  it("never reset are reaped sooner than started ones", async () => {
    let now = 0;
    const engine = await EnvEngine.create(builtinRegistry(), { idleTimeoutMs: 600_000, unstartedIdleTimeoutMs: 60_000 }, Buffer.alloc(32, 3), { now: () => now });
    const idle = engine.createSession({ envId: "sokoban", configJson: "", observationKinds: [] });
    const used = engine.createSession({ envId: "sokoban", configJson: "", observationKinds: [] });
    await engine.reset({ sessionId: used.sessionId, seed: 1, optionsJson: "" });
    now = 60_001;
    expect(engine.sweep().reapedSessions).toEqual([idle.sessionId]);
    now = 600_001 + 1;
    expect(engine.sweep().reapedSessions).toEqual([used.sessionId]);
    await engine.close();
  });
});

describe("a server with many vanished clients", () => {
  it("keeps room for others: one client reaching its cap does not lock the rest out", async () => {
    const engine = await EnvEngine.create(builtinRegistry(), { maxSessions: 12, maxSessionsPerClient: 8 }, Buffer.alloc(32, 4));
    const create = (client: string) => engine.createSession({ envId: "sokoban", configJson: "", observationKinds: [] }, { client });
    for (let i = 0; i < 8; i++) create("10.0.0.1");
    expect(() => create("10.0.0.1")).toThrow(/this client holds its maximum of 8/);
    for (let i = 0; i < 4; i++) create("10.0.0.2");
    expect(() => create("10.0.0.3")).toThrow(/the server holds its maximum of 12/);
    await engine.close();
  });
});
