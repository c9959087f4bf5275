/**
 * The server's over-the-wire figures, each beside the echo of the same bytes in the
 * same repetition (bench/echo-service.ts). The hot loops send pre-encoded requests
 * and leave replies undecoded, exactly as the echo client does, so a ratio compares
 * the server with the bare transport and not two clients' codecs. Sessions are made
 * and replies inspected once through the ordinary client.
 */
import { credentials, makeGenericClientConstructor, type ClientDuplexStream, type ServiceDefinition } from "@grpc/grpc-js";
import { EnvClient, type ObservationChoice } from "../agent/client/index.js";
import {
  BatchStepRequest,
  ConnectRequest,
  ConnectResponse,
  ExpandRequest,
  ExpandResponse,
  StepRequest,
} from "../gen/ts/dynamind/env/v1/env_service_pb.js";
import { toObservationOptions as toOptions } from "../agent/client/observation-options.js";
import { EchoClient, round1 } from "./wire-reference.js";

const raw = { requestSerialize: (b: Buffer) => b, requestDeserialize: (b: Buffer) => b, responseSerialize: (b: Buffer) => b, responseDeserialize: (b: Buffer) => b };
const P = "/dynamind.env.v1.EnvService/";
const RAW_ENV: ServiceDefinition = {
  step: { path: `${P}Step`, requestStream: false, responseStream: false, ...raw },
  batchStep: { path: `${P}BatchStep`, requestStream: false, responseStream: false, ...raw },
  expand: { path: `${P}Expand`, requestStream: false, responseStream: false, ...raw },
  connect: { path: `${P}Connect`, requestStream: true, responseStream: true, ...raw },
};
type Callback = (e: Error | null, r?: Buffer) => void;
interface RawStub {
  step(b: Buffer, o: object, cb: Callback): void;
  batchStep(b: Buffer, o: object, cb: Callback): void;
  expand(b: Buffer, o: object, cb: Callback): void;
  connect(): ClientDuplexStream<Buffer, Buffer>;
  close(): void;
}

/** The lean view for Sokoban: the grid text only; valid actions once, then by hash. */
export const LEAN: ObservationChoice = { fingerprint: false, info: false, validActions: "changed" };
const SOKOBAN = { preset: "6x6-1box", report_optimal: false };

/** Moves that never end an episode (max steps off): a 6×6 room keeps the player busy. */
const move = (i: number) => 5 + (i % 4);

/** Four pre-encoded BatchStep requests over the sessions, one move each, naming the valid-action list each session holds when the view sends lists only when changed. */
function batchRequests(sessions: readonly { s: { id: string }; hash: number | undefined }[], observation: ObservationChoice | undefined): Buffer[] {
  return [0, 1, 2, 3].map((i) =>
    Buffer.from(BatchStepRequest.encode({
      steps: sessions.map(({ s, hash }) => ({
        sessionId: s.id,
        action: { kind: { $case: "index", index: move(i) } },
        knownValidActionsHash: observation?.validActions === "changed" ? hash : undefined,
      })),
    }).finish()),
  );
}

/** Told when a timed window starts and ends (the profile run keeps only the samples inside it). */
export type Marker = (phase: "start" | "end") => void;

/** One measurement: items (env steps, tree nodes, messages) per second, server CPU µs per item. */
export interface Rate {
  perSec: number;
  serverCpuUsPerItem: number;
}

/** A figure and the echo of the same bytes, measured one after the other. */
export interface Paired {
  subject: Rate;
  echo: Rate;
  requestBytes: number;
  replyBytes: number;
}

export class ServerFigures {
  private readonly raw: RawStub;
  private readonly client: EnvClient;
  private readonly echo: EchoClient;

  constructor(readonly address: string, echoAddress: string) {
    const Raw = makeGenericClientConstructor(RAW_ENV, "RawEnv");
    this.raw = new Raw(address, credentials.createInsecure()) as unknown as RawStub;
    this.client = new EnvClient(address);
    this.echo = new EchoClient(echoAddress);
  }

  close(): void {
    this.raw.close();
    this.client.close();
    this.echo.close();
  }

  cpuUs(): Promise<number> {
    return this.echo.cpuUs();
  }

  private unary(method: "step" | "batchStep" | "expand", b: Buffer): Promise<Buffer> {
    return new Promise((resolve, reject) => this.raw[method](b, { deadline: Date.now() + 60_000 }, (e, r) => (e ? reject(e) : resolve(r!))));
  }

  private async sessions(n: number, observation?: ObservationChoice) {
    return Promise.all(
      Array.from({ length: n }, async () => {
        const s = await this.client.createSession("sokoban", { config: SOKOBAN, maxSteps: 0, observation });
        const first = await s.reset(1);
        return { s, hash: first.observation.validActionsHash };
      }),
    );
  }

  /**
   * `calls` unary calls by `inFlight` callers, each cycling through its own pre-encoded
   * requests; then the echo of the same sizes with the same callers. `items` per call.
   */
  private async unaryPair(method: "step" | "batchStep" | "expand", perCaller: Buffer[][], items: number, calls: number): Promise<Paired> {
    const inFlight = perCaller.length;
    const rounds = Math.max(1, Math.ceil(calls / inFlight));
    const run = (n: number) => Promise.all(perCaller.map(async (reqs) => {
      for (let i = 0; i < n; i++) await this.unary(method, reqs[i % reqs.length]!);
    }));
    await run(Math.min(20, rounds));
    const replyBytes = (await this.unary(method, perCaller[0]![0]!)).length;
    const cpu0 = await this.cpuUs();
    const t0 = performance.now();
    await run(rounds);
    const sec = (performance.now() - t0) / 1000;
    const cpu = (await this.cpuUs()) - cpu0;
    const total = rounds * inFlight;
    const requestBytes = perCaller[0]![0]!.length;
    const e = await this.echo.unaryRate(requestBytes, replyBytes, total, inFlight);
    return {
      subject: { perSec: Math.round((total * items) / sec), serverCpuUsPerItem: round1(cpu / (total * items)) },
      echo: { perSec: e.callsPerSec * items, serverCpuUsPerItem: round1(e.serverCpuUsPerCall / items) },
      requestBytes,
      replyBytes,
    };
  }

  /** Unary Step, one call in flight: steps/s is calls/s; p50s beside each other. */
  async unaryStep(calls: number): Promise<Paired & { p50Us: number; echoP50Us: number }> {
    const [{ s }] = await this.sessions(1);
    const reqs = [0, 1, 2, 3].map((i) => Buffer.from(StepRequest.encode({ sessionId: s!.id, action: { kind: { $case: "index", index: move(i) } } }).finish()));
    const samples: number[] = [];
    for (let i = 0; i < 200; i++) await this.unary("step", reqs[i & 3]!);
    const replyBytes = (await this.unary("step", reqs[0]!)).length;
    const cpu0 = await this.cpuUs();
    const t0 = performance.now();
    for (let i = 0; i < calls; i++) {
      const t = performance.now();
      await this.unary("step", reqs[i & 3]!);
      samples.push(performance.now() - t);
    }
    const sec = (performance.now() - t0) / 1000;
    const cpu = (await this.cpuUs()) - cpu0;
    await s!.close();
    samples.sort((a, b) => a - b);
    const e = await this.echo.unaryRate(reqs[0]!.length, replyBytes, calls, 1);
    return {
      subject: { perSec: Math.round(calls / sec), serverCpuUsPerItem: round1(cpu / calls) },
      echo: { perSec: e.callsPerSec, serverCpuUsPerItem: e.serverCpuUsPerCall },
      requestBytes: reqs[0]!.length,
      replyBytes,
      p50Us: round1(samples[samples.length >> 1]! * 1000),
      echoP50Us: e.p50Us,
    };
  }

  /** BatchStep of `batch` sessions per call, `callers` calls in flight (each its own sessions). */
  async batchStep(batch: number, callers: number, calls: number, observation?: ObservationChoice): Promise<Paired> {
    const groups = await Promise.all(Array.from({ length: callers }, () => this.sessions(batch, observation)));
    const perCaller = groups.map((g) => batchRequests(g, observation));
    const r = await this.unaryPair("batchStep", perCaller, batch, calls);
    await Promise.all(groups.flat().map(({ s }) => s.close()));
    return r;
  }

  /** BatchStep of `batch` new sessions, ready to run (no echo): `run(calls)` makes calls back to back. */
  async batchStepLoop(batch: number, observation?: ObservationChoice): Promise<{ run(calls: number): Promise<void>; close(): Promise<void> }> {
    const g = await this.sessions(batch, observation);
    const reqs = batchRequests(g, observation);
    return {
      run: async (calls) => {
        for (let i = 0; i < calls; i++) await this.unary("batchStep", reqs[i & 3]!);
      },
      close: async () => void (await Promise.all(g.map(({ s }) => s.close()))),
    };
  }

  /** Expand of `sequences` × `depth` moves from one Sokoban state, `callers` calls in flight; items are tree nodes. */
  async expand(sequences: number, depth: number, callers: number, calls: number, leafOnly: boolean): Promise<Paired & { nodesPerCall: number }> {
    const all = await this.sessions(callers);
    const perCaller = all.map(({ s }) => [
      Buffer.from(ExpandRequest.encode({
        sessionId: s.id,
        sequences: Array.from({ length: sequences }, (_, i) => ({
          actions: Array.from({ length: depth }, (_, j) => ({ kind: { $case: "index", index: 1 + ((i * 7 + j * 3) % 8) } })),
        })),
        options: { returnLeafStates: false, leafObservationsOnly: leafOnly },
      }).finish()),
    ]);
    const reply = ExpandResponse.decode(await this.unary("expand", perCaller[0]![0]!));
    const nodes = reply.branches.reduce((a, b) => a + b.steps.length, 0);
    const r = await this.unaryPair("expand", perCaller, nodes, calls);
    await Promise.all(all.map(({ s }) => s.close()));
    return { ...r, nodesPerCall: nodes };
  }

  /**
   * Connect stream: `messages` pre-encoded requests pipelined with at most `window` unanswered,
   * cycling through `frames`, then the echo stream of the same sizes and window; `items` per message.
   */
  private async streamPair(frames: Buffer[], items: number, messages: number, window: number, mark?: Marker): Promise<Paired> {
    const call = this.raw.connect();
    const waiting: ((b: Buffer) => void)[] = [];
    call.on("data", (b: Buffer) => waiting.shift()?.(b));
    call.on("error", () => {});
    let replyBytes = 0;
    const pump = async (n: number) => {
      const inflight: Promise<Buffer>[] = [];
      for (let i = 0; i < n; i++) {
        inflight.push(new Promise<Buffer>((r) => waiting.push(r)));
        call.write(frames[i % frames.length]!);
        if (inflight.length >= window) replyBytes = (await inflight.shift()!).length;
      }
      for (const p of inflight) replyBytes = (await p).length;
    };
    await pump(Math.min(2000, messages));
    const check = ConnectResponse.decode(await new Promise<Buffer>((r) => (waiting.push(r), call.write(frames[0]!))));
    if (check.response?.$case === "error") throw new Error(`the stream bench's request failed: ${check.response.error.message}`);
    const cpu0 = await this.cpuUs();
    mark?.("start");
    const t0 = performance.now();
    await pump(messages);
    const sec = (performance.now() - t0) / 1000;
    mark?.("end");
    const cpu = (await this.cpuUs()) - cpu0;
    call.end();
    const requestBytes = frames[0]!.length;
    const e = await this.echo.streamRate(requestBytes, replyBytes, messages, window);
    return {
      subject: { perSec: Math.round((messages * items) / sec), serverCpuUsPerItem: round1(cpu / (messages * items)) },
      echo: { perSec: e.messagesPerSec * items, serverCpuUsPerItem: round1(e.serverCpuUsPerMessage / items) },
      requestBytes,
      replyBytes,
    };
  }

  /** One Step per Connect message over `sessions` sessions, `window` messages in flight. */
  async streamSteps(sessions: number, messages: number, window: number, mark?: Marker): Promise<Paired> {
    const all = await this.sessions(sessions);
    const frames = Array.from({ length: sessions * 4 }, (_, i) =>
      Buffer.from(ConnectRequest.encode({
        requestId: 1_000_000 + i,
        request: { $case: "step", step: { sessionId: all[i % sessions]!.s.id, action: { kind: { $case: "index", index: move(Math.floor(i / sessions)) } } } },
      }).finish()),
    );
    const r = await this.streamPair(frames, 1, messages, window, mark);
    await Promise.all(all.map(({ s }) => s.close()));
    return r;
  }

  /** A BatchStep of `batch` sessions per Connect message, `window` messages in flight. */
  async streamBatches(batch: number, messages: number, window: number): Promise<Paired> {
    const all = await this.sessions(batch);
    const frames = [0, 1, 2, 3].map((k) =>
      Buffer.from(ConnectRequest.encode({
        requestId: 1_000_000 + k,
        request: { $case: "batchStep", batchStep: { steps: all.map(({ s }) => ({ sessionId: s.id, action: { kind: { $case: "index", index: move(k) } } })) } },
      }).finish()),
    );
    const r = await this.streamPair(frames, batch, messages, window);
    await Promise.all(all.map(({ s }) => s.close()));
    return r;
  }

  /**
   * Wire bytes per tree node of an Expand 16×5 on ALFWorld (full observations), with the
   * default view and with valid actions sent only when changed (the client quoting the
   * root's list, as the TS and Python clients do).
   */
  async alfworldExpandBytes(sequences = 16, depth = 5): Promise<{ defaultBytesPerNode: number; validActionsWhenChangedBytesPerNode: number; withDeltasBytesPerNode: number; nodes: number }> {
    const s = await this.client.createSession("alfworld", { maxSteps: 0 });
    const root = await s.reset(1);
    const valid = root.observation.validActions;
    const sequencesOf = Array.from({ length: sequences }, (_, i) => ({
      actions: Array.from({ length: depth }, (_, j) => ({ kind: { $case: "text" as const, text: valid[(i * 7 + j * 3) % valid.length]! } })),
    }));
    const bytesPerNode = async (observation?: ObservationChoice, known?: number) => {
      const req = ExpandRequest.encode({
        sessionId: s.id,
        sequences: sequencesOf,
        options: { returnLeafStates: false, leafObservationsOnly: false, observationOptions: observation === undefined ? undefined : toOptions(observation), knownValidActionsHash: known },
      }).finish();
      const reply = await this.unary("expand", Buffer.from(req));
      const nodes = ExpandResponse.decode(reply).branches.reduce((a, b) => a + b.steps.length, 0);
      return { bytes: Math.round(reply.length / nodes), nodes };
    };
    const plain = await bytesPerNode();
    const cached = await bytesPerNode({ validActions: "changed" }, root.observation.validActionsHash);
    // Deltas: each node's text and changed list as line edits of its parent's (the root's are the base the client holds).
    const deltas = await bytesPerNode({ validActions: "changed", deltas: true }, root.observation.validActionsHash);
    await s.close();
    return { defaultBytesPerNode: plain.bytes, validActionsWhenChangedBytesPerNode: cached.bytes, withDeltasBytesPerNode: deltas.bytes, nodes: plain.nodes };
  }
}
