/**
 * The client side of the transport reference (bench/echo-service.ts): the echo of
 * given request and reply sizes, unary with k calls in flight or pipelined on a bidi
 * stream with a window, and the server process's CPU time.
 */
import { credentials, makeGenericClientConstructor, type ClientDuplexStream } from "@grpc/grpc-js";
import { ECHO_SERVICE, sizedRequest } from "./echo-service.js";

type Callback = (e: Error | null, r?: Buffer) => void;
interface EchoStub {
  sized(b: Buffer, o: object, cb: Callback): void;
  cpu(b: Buffer, o: object, cb: Callback): void;
  stream(): ClientDuplexStream<Buffer, Buffer>;
  close(): void;
}

export class EchoClient {
  private readonly stub: EchoStub;

  constructor(address: string) {
    const Echo = makeGenericClientConstructor(ECHO_SERVICE, "Echo");
    this.stub = new Echo(address, credentials.createInsecure()) as unknown as EchoStub;
  }

  private unary(method: "sized" | "cpu", b: Buffer): Promise<Buffer> {
    return new Promise((resolve, reject) => this.stub[method](b, { deadline: Date.now() + 60_000 }, (e, r) => (e ? reject(e) : resolve(r!))));
  }

  /** The serving process's CPU time so far (user + system), µs. */
  async cpuUs(): Promise<number> {
    const { userUs, systemUs } = JSON.parse((await this.unary("cpu", Buffer.alloc(0))).toString()) as { userUs: number; systemUs: number };
    return userUs + systemUs;
  }

  /** `calls` sized echoes, `inFlight` callers back to back; calls/s and the server's CPU µs per call. */
  async unaryRate(requestBytes: number, replyBytes: number, calls: number, inFlight = 1): Promise<{ callsPerSec: number; serverCpuUsPerCall: number; p50Us: number }> {
    const req = sizedRequest(requestBytes, replyBytes);
    const samples: number[] = [];
    const run = (n: number, record: boolean) =>
      Promise.all(
        Array.from({ length: inFlight }, async () => {
          for (let i = 0; i < n; i++) {
            const t = performance.now();
            await this.unary("sized", req);
            if (record) samples.push(performance.now() - t);
          }
        }),
      );
    await run(Math.min(200, calls), false);
    const perCaller = Math.ceil(calls / inFlight);
    const cpu0 = await this.cpuUs();
    const t0 = performance.now();
    await run(perCaller, true);
    const sec = (performance.now() - t0) / 1000;
    const cpu = (await this.cpuUs()) - cpu0;
    samples.sort((a, b) => a - b);
    const total = perCaller * inFlight;
    return {
      callsPerSec: Math.round(total / sec),
      serverCpuUsPerCall: round1(cpu / total),
      p50Us: round1(samples[samples.length >> 1]! * 1000),
    };
  }

  /** `messages` sized echoes pipelined on one bidi stream, at most `window` unanswered; messages/s and server CPU µs per message. */
  async streamRate(requestBytes: number, replyBytes: number, messages: number, window: number): Promise<{ messagesPerSec: number; serverCpuUsPerMessage: number }> {
    const req = sizedRequest(requestBytes, replyBytes);
    const call = this.stub.stream();
    // Replies come in order, so a queue of resolvers pairs them with their requests.
    const waiting: (() => void)[] = [];
    call.on("data", () => waiting.shift()?.());
    call.on("error", () => {});
    const pump = async (n: number) => {
      const inflight: Promise<void>[] = [];
      for (let i = 0; i < n; i++) {
        inflight.push(new Promise<void>((r) => waiting.push(r)));
        call.write(req);
        if (inflight.length >= window) await inflight.shift();
      }
      await Promise.all(inflight);
    };
    await pump(Math.min(2000, messages));
    const cpu0 = await this.cpuUs();
    const t0 = performance.now();
    await pump(messages);
    const sec = (performance.now() - t0) / 1000;
    const cpu = (await this.cpuUs()) - cpu0;
    call.end();
    return { messagesPerSec: Math.round(messages / sec), serverCpuUsPerMessage: round1(cpu / messages) };
  }

  close(): void {
    this.stub.close();
  }
}

export function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

/** Median and range of repeated measurements. */
export interface Spread {
  median: number;
  min: number;
  max: number;
}

export function spread(xs: number[]): Spread {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  const r = (x: number) => (Math.abs(x) >= 100 ? Math.round(x) : Math.round(x * 100) / 100);
  return { median: r(median), min: r(s[0]!), max: r(s[s.length - 1]!) };
}
