/**
 * Pipelined calls over the Connect stream with a bounded in-flight window.
 * Unbounded pipelining on grpc-js measured several times slower than a window
 * of 64–1024, so `call` waits for a free slot before sending.
 */
import type { ClientDuplexStream } from "@grpc/grpc-js";
import type { ConnectRequest, ConnectResponse } from "../../gen/ts/dynamind/env/v1/env_service_pb.js";
import { DynamindError } from "./errors.js";
import type { SentHolds, StreamHolds } from "./stream-holds.js";

type Request = NonNullable<ConnectRequest["request"]>;
type Response = NonNullable<ConnectResponse["response"]>;

interface Pending {
  resolve(r: Response): void;
  reject(e: Error): void;
  request: Request;
  sent: SentHolds | undefined;
}

export class StreamChannel {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly waiters: (() => void)[] = [];
  private failure: Error | undefined;

  constructor(
    private readonly call: ClientDuplexStream<ConnectRequest, ConnectResponse>,
    readonly window: number,
    /** Rebuilds deltas and cached lists in replies (the client's; absent: replies as sent). */
    private readonly holds?: StreamHolds,
  ) {
    call.on("data", (msg: ConnectResponse) => {
      const p = this.pending.get(msg.requestId);
      if (p === undefined) return;
      this.pending.delete(msg.requestId);
      this.waiters.shift()?.();
      const r = msg.response;
      if (r === undefined) p.reject(new Error(`reply ${msg.requestId} carries nothing`));
      else if (r.$case === "error") p.reject(DynamindError.fromDetail(r.error));
      else if (p.sent === undefined || this.holds === undefined) p.resolve(r);
      else {
        try {
          this.holds.received(p.request, p.sent, r);
          p.resolve(r);
        } catch (err) {
          p.reject(err as Error);
        }
      }
    });
    const fail = (err: Error): void => {
      this.failure = err;
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
      for (const w of this.waiters.splice(0)) w();
    };
    call.on("error", (err) => fail(DynamindError.fromServiceError(err as never)));
    call.on("end", () => fail(new Error("the stream ended")));
  }

  get inFlight(): number {
    return this.pending.size;
  }

  /** Sends one request; resolves with its reply (or rejects with the server's error). */
  async request(request: Request): Promise<Response> {
    while (this.pending.size >= this.window && this.failure === undefined) await new Promise<void>((r) => this.waiters.push(r));
    if (this.failure) throw this.failure;
    const requestId = this.nextId++;
    const sent = this.holds?.prepare(request);
    return new Promise<Response>((resolve, reject) => {
      this.pending.set(requestId, { resolve, reject, request, sent });
      this.call.write({ requestId, request });
    });
  }

  close(): void {
    this.call.end();
  }
}
