/**
 * Requests no well-behaved client sends: out-of-range integers, undecodable bytes,
 * unbounded text echoed back, oversized bodies, too many streams, idle and
 * trickling senders. Each is refused clearly and the server keeps serving.
 */
import { connect as http2Connect } from "node:http2";
import { Metadata } from "@grpc/grpc-js";
import { afterAll, describe, expect, it } from "vitest";
import { ListEnvsRequest } from "../../gen/ts/dynamind/env/v1/env_service_pb.js";
import { rejection, startTestServer, useTestServer } from "../support/server.js";
import { connectFrame, rawClient, rawConnect, rawUnary, resetWithSeed, stepWithIndex } from "./raw-client.js";
import { until } from "../support/until.js";

const ctx = useTestServer();
const INVALID_ARGUMENT = 3;
const clients: { close(): void }[] = [];
afterAll(() => clients.forEach((c) => c.close()));

function raw() {
  const c = rawClient(ctx.server.address);
  clients.push(c);
  return c;
}

async function sokoban() {
  const s = await ctx.client.createSession("sokoban");
  await s.reset(3);
  return s;
}

describe("integers out of range", () => {
  it("refuses an action index of 2^63 instead of truncating it to action 0", async () => {
    const s = await sokoban();
    const before = (await s.clone()).id;
    const status = await rawUnary(raw(), "Step", stepWithIndex(s.id, 2n ** 63n));
    expect([status.code, status.reason]).toEqual([INVALID_ARGUMENT, "INVALID_ARGUMENT"]);
    expect(status.details).toMatch(/above 2\^32-1/);
    const here = await s.restore({ id: before, server: 0 } as never);
    expect(here.stepIndex).toBe(0);
  });

  it("refuses an action index of 2^32 + 1", async () => {
    const s = await sokoban();
    const status = await rawUnary(raw(), "Step", stepWithIndex(s.id, 2n ** 32n + 1n));
    expect(status.reason).toBe("INVALID_ARGUMENT");
  });

  it("refuses a seed above 2^53 with INVALID_ARGUMENT, not INTERNAL", async () => {
    const s = await sokoban();
    const status = await rawUnary(raw(), "Reset", resetWithSeed(s.id, 2n ** 53n + 2n));
    expect([status.code, status.reason]).toEqual([INVALID_ARGUMENT, "INVALID_ARGUMENT"]);
    expect(status.details).toMatch(/seed/);
  });

  it("refuses max_steps above the server's cap (the config caps it at 1M too)", async () => {
    const err = await rejection(ctx.client.createSession("sokoban", { maxSteps: 2 ** 32 - 1 }));
    expect([err.code, err.reason]).toEqual([INVALID_ARGUMENT, "INVALID_ARGUMENT"]);
    expect(err.message).toMatch(/max_steps 4294967295 is above this server's cap of 1000000/);
  });

  it("starts an episode when the client gives no seed, and reports the seed it drew", async () => {
    const s = await ctx.client.createSession("sokoban");
    const first = await s.reset();
    const seed = first.info.seed as number;
    expect(Number.isSafeInteger(seed)).toBe(true);
    const again = await s.reset(seed);
    expect(again.observation.fingerprint).toBe(first.observation.fingerprint);
  });
});

describe("undecodable requests", () => {
  it("are INVALID_ARGUMENT with a reason on unary calls", async () => {
    const status = await rawUnary(raw(), "Step", Uint8Array.from([0x0a, 0xff, 0xff, 0xff, 0x0f]));
    expect([status.code, status.reason]).toEqual([INVALID_ARGUMENT, "INVALID_ARGUMENT"]);
    expect(status.details).toMatch(/could not be decoded/);
  });

  it("on Connect fail only the request whose id can be read, and the stream goes on", async () => {
    const s = await sokoban();
    const stream = rawConnect(raw());
    stream.send(connectFrame(7, 6, stepWithIndex(s.id, 2n ** 63n)));
    stream.send(connectFrame(8, 6, stepWithIndex(s.id, 1n)));
    await until(() => stream.replies.length === 2);
    expect(stream.replies.map((r) => r.requestId)).toEqual([7, 8]);
    expect(stream.replies[0]!.response?.$case).toBe("error");
    expect(stream.replies[1]!.response?.$case).toBe("step");
    stream.call.end();
    expect((await stream.status).code).toBe(0);
  });

  it("on Connect end the stream with INVALID_ARGUMENT when no request id can be read", async () => {
    const stream = rawConnect(raw());
    stream.send(Uint8Array.from([0xff, 0xff, 0xff]));
    const status = await stream.status;
    expect([status.code, status.reason]).toEqual([INVALID_ARGUMENT, "INVALID_ARGUMENT"]);
  });
});

describe("error messages", () => {
  it("are capped, so a 65,536-character action cannot wedge the connection with huge trailers", async () => {
    const s = await sokoban();
    for (let i = 0; i < 3; i++) {
      const err = await rejection(s.step("x".repeat(65_536)));
      expect(err.reason).toBe("INVALID_ACTION");
      expect(err.message.length).toBeLessThanOrEqual(1024);
    }
    // The same connection still answers.
    expect((await s.step("Up")).stepIndex).toBe(1);
  });

  it("never repeat an unbounded env id", async () => {
    const err = await rejection(ctx.client.createSession("z".repeat(100_000)));
    expect(err.reason).toBe("ENV_NOT_FOUND");
    expect(err.message.length).toBeLessThan(400);
  });

  it("never repeat an unbounded session id", async () => {
    const err = await rejection(ctx.client.call(0, "step", { sessionId: "q".repeat(100_000), action: { kind: { $case: "index", index: 1 } } }));
    expect(err.reason).toBe("SESSION_NOT_FOUND");
    expect(err.message.length).toBeLessThan(400);
  });
});

describe("message limits", () => {
  it("refuse a request over 4 MiB by default and keep serving", async () => {
    const big = new Uint8Array(5 * 1024 * 1024);
    const status = await rawUnary(raw(), "ListEnvs", big);
    expect(status.code).toBe(8); // RESOURCE_EXHAUSTED, from grpc-js before any decoding
    expect((await ctx.client.listEnvs()).length).toBeGreaterThan(0);
  });
});

describe("streams", () => {
  it("are limited per connection; a call beyond the limit waits for a free one", async () => {
    const small = await startTestServer({ maxConcurrentStreams: 2 });
    try {
      const c = rawClient(small.server.address);
      clients.push(c);
      const held = [rawConnect(c), rawConnect(c)];
      // The two streams are open once they answer.
      held.forEach((h, i) => h.send(connectFrame(i + 1, 2, ListEnvsRequest.encode({}).finish())));
      await until(() => held.every((h) => h.replies.length === 1));
      const third = await rawUnary(c, "ListEnvs", new Uint8Array(), new Metadata(), 700);
      expect(third.code).toBe(4); // DEADLINE_EXCEEDED while queued behind the limit
      held[0]!.call.end();
      await held[0]!.status;
      expect((await rawUnary(c, "ListEnvs", new Uint8Array())).code).toBe(0);
      held[1]!.call.end();
    } finally {
      small.client.close();
      await small.server.stop(1000);
    }
  });

  it("are closed with a reason when idle past the stream idle timeout", async () => {
    const small = await startTestServer({ streamIdleTimeoutMs: 300 });
    try {
      const c = rawClient(small.server.address);
      clients.push(c);
      const stream = rawConnect(c);
      const status = await stream.status;
      expect([status.code, status.reason]).toEqual([4, "DEADLINE"]);
      expect(status.details).toMatch(/idle/);
    } finally {
      small.client.close();
      await small.server.stop(1000);
    }
  });

  it("stay open while messages keep coming, past the stream idle timeout in all, and close once idle", async () => {
    // The idle timer is not re-armed per message but waits out what is left since the last
    // one; 25 messages 100 ms apart span 2.5 idle timeouts of 1 s, a wide margin either way.
    const small = await startTestServer({ streamIdleTimeoutMs: 1000 });
    try {
      const c = rawClient(small.server.address);
      clients.push(c);
      const stream = rawConnect(c);
      let closed = false;
      void stream.status.then(() => (closed = true));
      for (let i = 1; i <= 25; i++) {
        stream.send(connectFrame(i, 2, ListEnvsRequest.encode({}).finish()));
        await new Promise((r) => setTimeout(r, 100));
      }
      await until(() => stream.replies.length === 25);
      expect(closed).toBe(false);
      const status = await stream.status;
      expect([status.code, status.reason]).toEqual([4, "DEADLINE"]);
      expect(status.details).toMatch(/idle for 1000 ms/);
    } finally {
      small.client.close();
      await small.server.stop(1000);
    }
  });

  it("cut a unary request that trickles in slower than the request timeout", async () => {
    const small = await startTestServer({ requestTimeoutMs: 300 });
    const session = http2Connect(`http://${small.server.address}`);
    try {
      const req = session.request({
        ":method": "POST",
        ":path": "/dynamind.env.v1.EnvService/ListEnvs",
        "content-type": "application/grpc",
        te: "trailers",
      });
      req.write(Buffer.from([0, 0, 0, 0])); // 4 of the 5 bytes of a frame header, then nothing
      const trailers = await new Promise<Record<string, unknown>>((resolve) => {
        req.on("trailers", (t) => resolve(t));
        req.on("response", (h) => {
          if (h["grpc-status"] !== undefined) resolve(h);
        });
      });
      expect(trailers["grpc-status"]).toBe("4");
      expect(trailers["dynamind-reason"]).toBe("DEADLINE");
      req.close();
    } finally {
      session.close();
      small.client.close();
      await small.server.stop(1000);
    }
  });
});
