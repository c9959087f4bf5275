/**
 * What every call goes through before its request is even read, as a grpc-js
 * server interceptor:
 * - authentication from metadata alone, so a stranger's large body is never
 *   decoded (health stays open for load balancers; reflection and EnvService do not);
 * - a time limit on receiving a unary request (a sender trickling one byte every
 *   few seconds is cut) and an idle limit on streams;
 * - a register of open calls, so a drain can wait for them and then cut the rest
 *   with a reason.
 */
import { Metadata, ServerInterceptingCall, status as Status, type ServerInterceptingCallInterface, type ServerInterceptor } from "@grpc/grpc-js";
import { EnvError } from "../../adapters/contract.js";
import type { CallGuard } from "./call-guard.js";
import { statusMetadata } from "./status.js";

export interface CallPolicyOptions {
  guard: CallGuard;
  /** A unary call's request must arrive within this many ms of the call's start. */
  requestTimeoutMs: number;
  /** A stream with no message either way for this many ms is closed. */
  streamIdleTimeoutMs: number;
  /** Reports refused calls (debug log). */
  onRefused?: (path: string, peer: string, reason: string) => void;
}

type PartialStatusObject = Parameters<ServerInterceptingCallInterface["sendStatus"]>[0];

/** Methods open without a token: health checks come from load balancers that hold none. */
const OPEN_PREFIXES = ["/grpc.health.v1.Health/"];

/** Open calls, for a drain to wait on and then cut. */
export class CallRegister {
  private readonly open = new Map<ServerInterceptingCallInterface, string>();
  private waiters: Array<() => void> = [];

  get size(): number {
    return this.open.size;
  }

  add(call: ServerInterceptingCallInterface, path: string): void {
    this.open.set(call, path);
  }

  remove(call: ServerInterceptingCallInterface): void {
    if (this.open.delete(call) && this.open.size === 0) {
      const waiters = this.waiters;
      this.waiters = [];
      for (const w of waiters) w();
    }
  }

  /** Resolves when no call is open, or after `ms`; true when every call ended on its own. */
  idle(ms: number): Promise<boolean> {
    if (this.open.size === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), ms);
      timer.unref();
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  /** Ends every open call with UNAVAILABLE and the reason; returns the paths of the calls cut. */
  cutAll(message: string): string[] {
    const cut: string[] = [];
    for (const [call, path] of [...this.open]) {
      cut.push(path);
      this.open.delete(call);
      call.sendStatus({ code: Status.UNAVAILABLE, details: message, metadata: statusMetadata(new EnvError("SHUTTING_DOWN", message, true)) });
    }
    return cut;
  }
}

export function callPolicy(options: CallPolicyOptions, register: CallRegister): ServerInterceptor {
  return (method, call) => {
    const path = method.path;
    const open = OPEN_PREFIXES.some((p) => path.startsWith(p));
    const streaming = method.requestStream;
    let timer: NodeJS.Timeout | undefined;
    let finished = false;

    const stop = (): void => {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
    };
    const finish = (): void => {
      if (finished) return;
      finished = true;
      stop();
      register.remove(call);
    };
    const refuse = (code: Status, err: EnvError): void => {
      options.onRefused?.(path, call.getPeer(), err.reason);
      finish();
      call.sendStatus({ code, details: err.message, metadata: statusMetadata(err) });
    };
    const ms = streaming ? options.streamIdleTimeoutMs : options.requestTimeoutMs;
    // A stream's messages only note the time: re-arming a timer per message (clearTimeout +
    // setTimeout, twice per request and reply) was a measurable share of a Connect Step's
    // server CPU. The timer, when it fires, waits out what is left since the last message.
    let lastActivity = 0;
    const expire = (): void => {
      timer = undefined;
      const left = streaming ? lastActivity + ms - performance.now() : 0;
      if (left > 1) {
        timer = setTimeout(expire, left);
        timer.unref();
        return;
      }
      const message = streaming
        ? `the stream was idle for ${ms} ms (no message either way) and was closed`
        : `the request did not arrive within ${ms} ms of the call's start`;
      refuse(Status.DEADLINE_EXCEEDED, new EnvError("DEADLINE", message));
    };
    const arm = (): void => {
      stop();
      if (ms <= 0) return;
      lastActivity = performance.now();
      timer = setTimeout(expire, ms);
      timer.unref();
    };

    return new ServerInterceptingCall(call, {
      start(next) {
        next({
          onReceiveMetadata(metadata: Metadata, mdNext: (m: Metadata) => void) {
            if (!open) {
              try {
                options.guard.authenticate(metadata);
              } catch (err) {
                refuse(Status.UNAUTHENTICATED, err as EnvError);
                return;
              }
            }
            register.add(call, path);
            arm();
            mdNext(metadata);
          },
          onReceiveMessage(message: unknown, msgNext: (m: unknown) => void) {
            if (!streaming) stop();
            else if (timer === undefined) arm();
            else lastActivity = performance.now();
            msgNext(message);
          },
          onReceiveHalfClose(hcNext: () => void) {
            if (streaming) stop();
            hcNext();
          },
          onCancel() {
            finish();
          },
        });
      },
      sendMessage(message: unknown, msgNext: (m: unknown) => void) {
        if (streaming && timer !== undefined) lastActivity = performance.now();
        msgNext(message);
      },
      sendStatus(status: PartialStatusObject, statusNext: (s: PartialStatusObject) => void) {
        finish();
        statusNext(status);
      },
    });
  };
}
