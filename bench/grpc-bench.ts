/** Over-the-wire measurements against a server in another process. */
import { credentials, makeGenericClientConstructor } from "@grpc/grpc-js";
import { EnvClient, type RemoteSession } from "../agent/client/index.js";
import type { StepRequest } from "../gen/ts/dynamind/env/v1/env_service_pb.js";
import { ECHO_SERVICE } from "./echo-service.js";

export interface Latency {
  p50Us: number;
  p90Us: number;
  p99Us: number;
  callsPerSec: number;
}

function summarise(samples: number[], wallMs: number): Latency {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => Math.round(s[Math.min(s.length - 1, Math.floor(q * s.length))]! * 1000 * 10) / 10;
  return { p50Us: at(0.5), p90Us: at(0.9), p99Us: at(0.99), callsPerSec: Math.round(samples.length / (wallMs / 1000)) };
}

async function timed(n: number, warmup: number, call: (i: number) => Promise<unknown>): Promise<Latency> {
  for (let i = 0; i < warmup; i++) await call(i);
  const samples: number[] = [];
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await call(i);
    samples.push(performance.now() - t);
  }
  return summarise(samples, performance.now() - t0);
}

/** The grpc-js unary round trip with nothing behind it: a 16-byte echo. */
export async function echoFloor(address: string, n: number): Promise<Latency> {
  const Echo = makeGenericClientConstructor(ECHO_SERVICE, "Echo");
  const stub = new Echo(address, credentials.createInsecure()) as unknown as {
    echo(b: Buffer, o: object, cb: (e: Error | null) => void): void;
    close(): void;
  };
  const payload = Buffer.alloc(16, 1);
  const r = await timed(n, 500, () => new Promise<void>((res, rej) => stub.echo(payload, { deadline: Date.now() + 60_000 }, (e) => (e ? rej(e) : res()))));
  stub.close();
  return r;
}

/** Moves that never end an episode (max steps off): a 6×6 room keeps the player busy. */
function move(i: number): number {
  return 5 + (i % 4);
}

async function session(client: EnvClient, preset: string): Promise<RemoteSession> {
  const s = await client.createSession("sokoban", { config: { preset, report_optimal: false }, maxSteps: 0 });
  await s.reset(1);
  return s;
}

export async function unaryStep(client: EnvClient, n: number): Promise<Latency> {
  const s = await session(client, "6x6-1box");
  const r = await timed(n, 500, (i) => s.step(move(i)));
  await s.close();
  return r;
}

/** BatchStep over `sessions` sessions, one step each per call; returns env-steps/s. */
export async function batchStep(client: EnvClient, sessions: number, calls: number, concurrency: number): Promise<{ envStepsPerSec: number; batch: number }> {
  const all = await Promise.all(Array.from({ length: sessions }, () => session(client, "6x6-1box")));
  const perWorker = Math.ceil(sessions / concurrency);
  const groups = Array.from({ length: concurrency }, (_, w) => all.slice(w * perWorker, (w + 1) * perWorker));
  const requests = groups.map((g) => (i: number): StepRequest[] => g.map((s) => ({ sessionId: s.id, action: { kind: { $case: "index", index: move(i) } } })));
  const run = (rounds: number) =>
    Promise.all(
      groups.map(async (_, w) => {
        for (let i = 0; i < rounds; i++) await client.call(0, "batchStep", { steps: requests[w]!(i) });
      }),
    );
  await run(5);
  const t0 = performance.now();
  await run(calls);
  const sec = (performance.now() - t0) / 1000;
  await Promise.all(all.map((s) => s.close()));
  return { envStepsPerSec: Math.round((sessions * calls) / sec), batch: perWorker };
}

/** Single steps pipelined over the Connect stream with a bounded window. */
export async function streamSteps(client: EnvClient, sessions: number, steps: number, window: number): Promise<{ envStepsPerSec: number }> {
  const all = await Promise.all(Array.from({ length: sessions }, () => session(client, "6x6-1box")));
  const stream = client.stream(0, window);
  const send = (i: number) => stream.request({ $case: "step", step: { sessionId: all[i % sessions]!.id, action: { kind: { $case: "index", index: move(i) } } } });
  const pump = async (n: number) => {
    const inflight: Promise<unknown>[] = [];
    for (let i = 0; i < n; i++) {
      inflight.push(send(i));
      if (inflight.length >= window) await inflight.shift();
    }
    await Promise.all(inflight);
  };
  await pump(2000);
  const t0 = performance.now();
  await pump(steps);
  const sec = (performance.now() - t0) / 1000;
  stream.close();
  await Promise.all(all.map((s) => s.close()));
  return { envStepsPerSec: Math.round(steps / sec) };
}

/**
 * Expand calls of `sequences` × `depth` actions from one state; tree nodes/s.
 * Actions come from the root's valid actions (text envs) or the move indices (Sokoban).
 */
export async function expandNodes(
  client: EnvClient,
  calls: number,
  sequences: number,
  depth: number,
  concurrency: number,
  leafOnly: boolean,
  target: { envId: string; config?: Record<string, unknown> } = { envId: "sokoban", config: { preset: "6x6-1box", report_optimal: false } },
): Promise<{ nodesPerSec: number; callP50Us: number }> {
  const sessions = await Promise.all(
    Array.from({ length: concurrency }, async () => {
      const s = await client.createSession(target.envId, { config: target.config, maxSteps: 0 });
      const root = await s.reset(1);
      return { s, valid: root.observation.validActions };
    }),
  );
  const seqsFor = (valid: readonly string[]) =>
    Array.from({ length: sequences }, (_, i) =>
      Array.from({ length: depth }, (_, j) => (valid.length > 0 && target.envId !== "sokoban" ? valid[(i * 7 + j * 3) % valid.length]! : 1 + ((i * 7 + j * 3) % 8))),
    );
  const samples: number[] = [];
  let nodes = 0;
  const run = (n: number, record: boolean) =>
    Promise.all(
      sessions.map(async ({ s, valid }) => {
        const seqs = seqsFor(valid);
        for (let i = 0; i < n; i++) {
          const t = performance.now();
          const branches = await s.expand(seqs, { leafObservationsOnly: leafOnly });
          if (record) {
            samples.push(performance.now() - t);
            for (const b of branches) nodes += b.steps.length;
          }
        }
      }),
    );
  await run(20, false);
  const t0 = performance.now();
  await run(Math.ceil(calls / concurrency), true);
  const sec = (performance.now() - t0) / 1000;
  await Promise.all(sessions.map(({ s }) => s.close()));
  return { nodesPerSec: Math.round(nodes / sec), callP50Us: summarise(samples, sec * 1000).p50Us };
}

/** BatchStep requests pipelined over the Connect stream: no per-call overhead, `window` batches in flight. */
export async function streamBatches(client: EnvClient, sessions: number, batches: number, window: number): Promise<{ envStepsPerSec: number; batch: number }> {
  const all = await Promise.all(Array.from({ length: sessions }, () => session(client, "6x6-1box")));
  const stream = client.stream(0, window);
  const steps = [5, 6, 7, 8].map((index) => all.map((s) => ({ sessionId: s.id, action: { kind: { $case: "index" as const, index } } })));
  const pump = async (n: number) => {
    const inflight: Promise<unknown>[] = [];
    for (let i = 0; i < n; i++) {
      inflight.push(stream.request({ $case: "batchStep", batchStep: { steps: steps[i & 3]! } }));
      if (inflight.length >= window) await inflight.shift();
    }
    await Promise.all(inflight);
  };
  await pump(10);
  const t0 = performance.now();
  await pump(batches);
  const sec = (performance.now() - t0) / 1000;
  stream.close();
  await Promise.all(all.map((s) => s.close()));
  return { envStepsPerSec: Math.round((batches * sessions) / sec), batch: sessions };
}

/** BatchStep on every server of the client at once (one batch per server in flight); env-steps/s in all. */
export async function batchStepAcrossServers(client: EnvClient, sessionsPerServer: number, calls: number): Promise<{ envStepsPerSec: number; servers: number }> {
  const servers = client.stubs.length;
  const all = await Promise.all(Array.from({ length: sessionsPerServer * servers }, () => session(client, "6x6-1box")));
  const byServer = Array.from({ length: servers }, (_, k) => all.filter((s) => s.server === k));
  const run = (rounds: number) =>
    Promise.all(
      byServer.map(async (group, k) => {
        for (let i = 0; i < rounds; i++) {
          await client.call(k, "batchStep", { steps: group.map((s) => ({ sessionId: s.id, action: { kind: { $case: "index", index: move(i) } } })) });
        }
      }),
    );
  await run(5);
  const t0 = performance.now();
  await run(calls);
  const sec = (performance.now() - t0) / 1000;
  await Promise.all(all.map((s) => s.close()));
  return { envStepsPerSec: Math.round((all.length * calls) / sec), servers };
}
