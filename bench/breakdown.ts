/**
 * Where the time of one batched step goes on the server, without the transport:
 * request decoding, the engine (environment step + observation + bookkeeping) and
 * response encoding; and what moving a step to a worker thread would add.
 */
import { Worker } from "node:worker_threads";
import { builtinRegistry } from "../adapters/index.js";
import { EnvEngine } from "../env-server/core/engine.js";
import { decodeStrict } from "../env-server/grpc/decoding.js";
import { FastEncoder } from "../env-server/grpc/fast-encode.js";
import { BatchStepRequest, BatchStepResponse } from "../gen/ts/dynamind/env/v1/env_service_pb.js";

/** ns per item of `f` (one call handles `items`), timed over `rounds` calls. */
function perItem(items: number, rounds: number, f: (i: number) => unknown): number {
  const t0 = performance.now();
  for (let i = 0; i < rounds; i++) f(i);
  return ((performance.now() - t0) / rounds / items) * 1e6;
}

/**
 * Each stage's median over `reps` interleaved repetitions, after all are warmed up:
 * measured one after the other, the first stage also paid for the JIT's compilation
 * (the strict reader read 712 ns per item against the generated decoder's 430, and
 * 360 against 300 when warmed and interleaved).
 */
function interleaved(items: number, rounds: number, stages: Record<string, (i: number) => unknown>, reps = 5): Record<string, number> {
  const all = Object.entries(stages);
  for (const [, f] of all) perItem(items, Math.min(50, rounds), f);
  const times: Record<string, number[]> = {};
  for (let r = 0; r < reps; r++) for (const [name, f] of all) (times[name] ??= []).push(perItem(items, Math.max(1, Math.round(rounds / reps)), f));
  return Object.fromEntries(Object.entries(times).map(([name, xs]) => [name, Math.round(xs.sort((a, b) => a - b)[xs.length >> 1]!)]));
}

export async function batchBreakdown(rounds: number): Promise<Record<string, number>> {
  const engine = await EnvEngine.create(builtinRegistry(), {}, Buffer.alloc(32, 7));
  const ids: string[] = [];
  for (let i = 0; i < 256; i++) {
    const { sessionId } = engine.createSession({ envId: "sokoban", configJson: '{"report_optimal":false}', observationKinds: [], maxSteps: 0 });
    await engine.reset({ sessionId, seed: i, optionsJson: "" });
    ids.push(sessionId);
  }
  const requests = [5, 6, 7, 8].map((index) => ({ steps: ids.map((sessionId) => ({ sessionId, action: { kind: { $case: "index" as const, index } } })) }));
  // Buffers, as grpc-js hands them to the deserializer.
  const wire = requests.map((r) => Buffer.from(BatchStepRequest.encode(r).finish()));
  const response = engine.batchStep(requests[0]!) as BatchStepResponse;
  const fast = new FastEncoder();
  // The server's own codec path (strict reader, fast encoder), each beside the generated code.
  return {
    ...interleaved(256, rounds, {
      decodeRequestNsPerItem: (i) => decodeStrict(BatchStepRequest.decode, wire[i & 3]!),
      generatedDecodeRequestNsPerItem: (i) => BatchStepRequest.decode(wire[i & 3]!),
      engineNsPerItem: (i) => engine.batchStep(requests[i & 3]!),
      encodeResponseNsPerItem: () => fast.batchStepReply(response),
      generatedEncodeResponseNsPerItem: () => BatchStepResponse.encode(response).finish(),
    }),
    responseBytesPerItem: Math.round(BatchStepResponse.encode(response).finish().length / 256),
  };
}

/** Round trip of one small message to a worker thread and back: the price of stepping off the event loop. */
export async function workerRoundTripUs(n: number): Promise<number> {
  const worker = new Worker("const { parentPort } = require('node:worker_threads'); parentPort.on('message', (m) => parentPort.postMessage(m));", { eval: true });
  const once = (m: unknown) => new Promise((resolve) => (worker.once("message", resolve), worker.postMessage(m)));
  const msg = { sessionId: "00000000-0000-4000-8000-000000000000", action: 5 };
  for (let i = 0; i < 200; i++) await once(msg);
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await once(msg);
  const us = ((performance.now() - t0) / n) * 1000;
  await worker.terminate();
  return Math.round(us * 10) / 10;
}
