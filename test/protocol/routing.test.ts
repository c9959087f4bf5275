/**
 * Routing keys: every session and state id names its server (`<server-id>.<opaque>`),
 * and the TypeScript client sends that server id as `x-dynamind-route` on every call
 * about a session or state, so a proxy in front of many servers can route it.
 * (test/scale-out.test.ts runs the real thing behind nginx.)
 */
import { Server, ServerCredentials, status, type Metadata, type sendUnaryData, type ServerUnaryCall } from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EnvClient, ROUTE_HEADER, RemoteSession, routeOf, type StateRef } from "../../agent/client/index.js";
import { createLogger } from "../../env-server/logger.js";
import { startServer } from "../../env-server/server.js";
import { BatchStepResponse, EnvServiceService, ForkResponse, StepResponse } from "../../gen/ts/dynamind/env/v1/env_service_pb.js";
import { rejection, useTestServer } from "../support/server.js";

const ctx = useTestServer({ serverId: "fleet-7" });

describe("ids issued by a server", () => {
  it("carry the server's id before the first dot, for sessions, forks and state handles", async () => {
    expect(ctx.server.serverId).toBe("fleet-7");
    const s = await ctx.client.createSession("sokoban");
    expect(s.id).toMatch(/^fleet-7\.[0-9a-f-]{36}$/);
    await s.reset(1);
    const handle = await s.clone();
    expect(handle.id).toMatch(/^fleet-7\.st-/);
    const [branch] = await s.expand([["Up"]], { returnLeafStates: true });
    expect(routeOf(branch!.leaf!.id)).toBe("fleet-7");
    expect(routeOf((await s.fork()).id)).toBe("fleet-7");
  });

  it("say so when a call reaches a server that does not hold the session (a misrouting proxy)", async () => {
    const err = await rejection(ctx.client.call(0, "step", { sessionId: "fleet-8.00000000-0000-4000-8000-000000000000", action: { text: "Up" } }));
    expect(err.reason).toBe("SESSION_NOT_FOUND");
    expect(err.message).toMatch(/belongs to server fleet-8, not this one \(fleet-7\)/);
  });

  it("use a random server id when none is given, and refuse one that is not a DNS label", async () => {
    const server = await startServer({ port: 0, logger: createLogger("test", "silent") });
    try {
      expect(server.serverId).toMatch(/^[a-z0-9][a-z0-9-]*$/);
    } finally {
      await server.stop(100);
    }
    for (const bad of ["Upper", "has.dot", "-lead", "x".repeat(64), ""]) {
      await expect(startServer({ port: 0, serverId: bad, logger: createLogger("test", "silent") })).rejects.toThrow(/server id/);
    }
  });
});

describe("the TypeScript client's routing header", () => {
  const seen: { method: string; route: string | undefined; ids: string[] }[] = [];
  let server: Server;
  let client: EnvClient;

  /** A stand-in EnvService that records each call's routing header and answers with empty replies. */
  function record(method: string, ids: (req: never) => string[]) {
    return (call: ServerUnaryCall<never, unknown>, done: sendUnaryData<unknown>) => {
      const route = (call.metadata as Metadata).get(ROUTE_HEADER)[0];
      seen.push({ method, route: route === undefined ? undefined : String(route), ids: ids(call.request) });
      const result = { stepIndex: 1 };
      if (method === "batchStep") {
        done(null, BatchStepResponse.fromPartial({ items: ids(call.request).map(() => ({ outcome: { $case: "result", result } })) }));
      } else if (method === "releaseState") done(null, { released: ids(call.request).length });
      else if (method === "fork") done(null, ForkResponse.fromPartial({ sessionId: "srv-b.child", spec: {}, result }));
      else if (method === "step") done(null, StepResponse.fromPartial({ result }));
      else done({ code: status.UNAVAILABLE, details: "stand-in" });
    };
  }

  beforeAll(async () => {
    server = new Server();
    server.addService(EnvServiceService, {
      createSession: record("createSession", () => []),
      step: record("step", (r: { sessionId: string }) => [r.sessionId]),
      fork: record("fork", (r: { source?: { handleId?: string; sessionId?: string } }) => [r.source?.handleId ?? r.source?.sessionId ?? ""]),
      batchStep: record("batchStep", (r: { steps: { sessionId: string }[] }) => r.steps.map((s) => s.sessionId)),
      releaseState: record("releaseState", (r: { handleIds: string[] }) => r.handleIds),
    } as never);
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync("127.0.0.1:0", ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
    );
    client = new EnvClient(`127.0.0.1:${port}`);
  });

  afterAll(() => {
    client.close();
    server.forceShutdown();
  });

  it("names the session's server on session calls, the source's on Fork, and nothing on CreateSession", async () => {
    seen.length = 0;
    const a = new RemoteSession(client, 0, "srv-a.1111", {} as never);
    await a.step("Up");
    await client.fork({ id: "srv-b.st-1-x", expiresAtMs: 0, server: 0 });
    await client.fork(new Uint8Array([1, 2]));
    await rejection(client.createSession("sokoban"));
    await rejection(client.createSession("sokoban", { route: "srv-c" }));
    expect(seen.map(({ method, route }) => [method, route])).toEqual([
      ["step", "srv-a"],
      ["fork", "srv-b"],
      ["fork", undefined],
      ["createSession", undefined],
      ["createSession", "srv-c"],
    ]);
    await expect(client.createSession("sokoban", { route: "Not A Server" })).rejects.toThrow(/a route is a server id/);
  });

  it("splits BatchStep and ReleaseState by server, keeping results in order", async () => {
    seen.length = 0;
    const sessions = ["srv-a.1", "srv-b.2", "srv-a.3", "legacy-id"].map((id) => new RemoteSession(client, 0, id, {} as never));
    const results = await client.batchStep(sessions.map((session) => ({ session, action: "Up" })));
    expect(results).toHaveLength(4);
    const states = ["srv-a.st-1", "srv-b.st-2", "srv-b.st-3"].map((id) => ({ id, expiresAtMs: 0, server: 0 }) as StateRef);
    expect(await client.release(states)).toBe(3);
    const calls = seen.map(({ method, route, ids }) => [method, route, ids]);
    expect(calls).toEqual(
      expect.arrayContaining([
        ["batchStep", "srv-a", ["srv-a.1", "srv-a.3"]],
        ["batchStep", "srv-b", ["srv-b.2"]],
        ["batchStep", undefined, ["legacy-id"]],
        ["releaseState", "srv-a", ["srv-a.st-1"]],
        ["releaseState", "srv-b", ["srv-b.st-2", "srv-b.st-3"]],
      ]),
    );
    expect(calls).toHaveLength(5);
  });

  it("never turns a malformed id into a header", () => {
    for (const id of ["UPPER.x", ".x", "no-dot", `${"a".repeat(64)}.x`, "a b.x"]) expect(routeOf(id), id).toBeUndefined();
    expect(routeOf("pod-3.st-1-abc")).toBe("pod-3");
  });
});
