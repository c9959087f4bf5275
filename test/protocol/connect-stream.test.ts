/** The Connect stream: pipelined calls with request ids, in-order replies, errors as replies. */
import { Metadata } from "@grpc/grpc-js";
import { describe, expect, it } from "vitest";
import { ConnectRequest, ConnectResponse } from "../../gen/ts/dynamind/env/v1/env_service_pb.js";
import { useTestServer } from "../support/server.js";

const ctx = useTestServer();

describe("Connect", () => {
  it("answers pipelined requests in order, matching unary results", async () => {
    const stream = ctx.client.stream(0, 64);
    const created = await stream.request({ $case: "createSession", createSession: { envId: "sokoban", configJson: "", observationKinds: [], maxSteps: 0 } });
    if (created.$case !== "createSession") throw new Error("unexpected reply");
    const sessionId = created.createSession.sessionId;
    await stream.request({ $case: "reset", reset: { sessionId, seed: 42, optionsJson: "" } });
    const moves = Array.from({ length: 200 }, (_, i) => 5 + (i % 4));
    const replies = await Promise.all(moves.map((index) => stream.request({ $case: "step", step: { sessionId, action: { kind: { $case: "index", index } } } })));
    expect(replies.map((r) => (r.$case === "step" ? r.step.result!.stepIndex : -1))).toEqual(moves.map((_, i) => i + 1));

    const unary = await ctx.client.createSession("sokoban", { maxSteps: 0 });
    await unary.reset(42);
    for (const [i, index] of moves.entries()) {
      const r = await unary.step(index);
      const streamed = replies[i]!;
      expect(streamed.$case === "step" && streamed.step.result!.observation!.fingerprint).toBe(r.observation.fingerprint);
      if (r.truncated) break;
    }
    stream.close();
  });

  it("replies with an error for a bad request and carries on", async () => {
    const stream = ctx.client.stream(0, 8);
    const bad = stream.request({ $case: "step", step: { sessionId: "nope", action: undefined } });
    await expect(bad).rejects.toMatchObject({ reason: "SESSION_NOT_FOUND" });
    const ok = await stream.request({ $case: "listEnvs", listEnvs: {} });
    expect(ok.$case).toBe("listEnvs");
    stream.close();
  });

  it("replies with INVALID_ARGUMENT to a request that carries no call", async () => {
    const call = ctx.client.stubs[0]!.connect(new Metadata());
    const got = new Promise<ConnectResponse>((resolve) => call.once("data", resolve));
    call.write({ requestId: 7, request: undefined });
    const reply = await got;
    expect(reply.requestId).toBe(7);
    expect(reply.response?.$case === "error" && reply.response.error.message).toMatch(/carries no call/);
    call.end();
  });

  it("survives undecodable bytes on the stream and keeps serving others", async () => {
    const stub = ctx.client.stubs[0]!;
    const raw = stub.makeBidiStreamRequest(
      "/dynamind.env.v1.EnvService/Connect",
      (b: Buffer) => b,
      (b: Buffer) => b,
      new Metadata(),
    );
    const status = new Promise<number>((resolve) => {
      raw.on("error", (e: { code: number }) => resolve(e.code));
      raw.on("status", (s: { code: number }) => resolve(s.code));
    });
    raw.on("data", () => {});
    raw.write(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f, 0x01, 0x02]));
    raw.write(Buffer.from(ConnectRequest.encode({ requestId: 1, request: { $case: "listEnvs", listEnvs: {} } }).finish()));
    raw.end();
    const code = await status;
    expect(code).not.toBe(0);
    // Unary garbage too.
    const unaryCode = await new Promise<number>((resolve) =>
      stub.makeUnaryRequest("/dynamind.env.v1.EnvService/Step", (b: Buffer) => b, (b: Buffer) => b, Buffer.from([0x0a, 0xff, 0xff]), (err) =>
        resolve(err?.code ?? 0),
      ),
    );
    expect(unaryCode).not.toBe(0);
    expect((await ctx.client.listEnvs()).length).toBeGreaterThan(0);
  });
});
