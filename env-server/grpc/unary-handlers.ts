/**
 * The unary RPCs: each one answers undecodable requests, checks the deadline,
 * calls the engine, and maps thrown errors to a status. Authentication happened
 * before the request was read (call-policy.ts). Nothing environment-specific.
 */
import type { sendUnaryData, ServerUnaryCall, UntypedHandleCall } from "@grpc/grpc-js";
import type { EnvServiceServer } from "../../gen/ts/dynamind/env/v1/env_service_pb.js";
import type { EnvEngine } from "../core/engine.js";
import type { CallContext } from "../core/limits.js";
import type { ExpandResponse } from "../../gen/ts/dynamind/env/v1/env_service_pb.js";
import { andThen, isPromise, type MaybePromise } from "../core/maybe-promise.js";
import { decodeExpand, encodeExpandReply, type RawExpandRequest } from "./expand-codec.js";
import { clientOf, type CallGuard } from "./call-guard.js";
import { isUndecodable, undecodableError } from "./decoding.js";
import type { RpcMetrics } from "./metrics.js";
import { toServiceError } from "./status.js";

type UnaryMethods = Omit<EnvServiceServer, "connect">;

/** Called for every refused call (the server logs them at debug). */
export type RefusalLog = (method: string, peer: string, reason: string, message: string) => void;

export function unaryHandlers(
  engine: EnvEngine,
  guard: CallGuard,
  metrics: RpcMetrics,
  onRefused: RefusalLog = () => {},
): { [K in keyof UnaryMethods]: UnaryMethods[K] } & Record<string, UntypedHandleCall> {
  function unary<Req, Res>(method: string, op: (req: Req, deadline: number, ctx: CallContext) => MaybePromise<Res>) {
    return (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>): void => {
      const started = performance.now();
      const done = (err: unknown, res?: Res): void => {
        if (err === null) {
          metrics.observe(method, (performance.now() - started) / 1000, undefined);
          callback(null, res);
          return;
        }
        const e = engine.toEnvError(err);
        metrics.observe(method, (performance.now() - started) / 1000, e.reason);
        onRefused(method, call.getPeer(), e.reason, e.message);
        callback(toServiceError(e));
      };
      try {
        if (isUndecodable(call.request)) throw undecodableError(call.request);
        const deadline = guard.deadline(call.getDeadline());
        const result = op(call.request, deadline, { client: clientOf(call.getPeer()) });
        if (isPromise(result)) result.then((res) => done(null, res), done);
        else done(null, result);
      } catch (err) {
        done(err);
      }
    };
  }

  return {
    listEnvs: unary("ListEnvs", () => engine.listEnvs()),
    createSession: unary("CreateSession", (req, _d, ctx) => engine.openSession(req, ctx)),
    closeSession: unary("CloseSession", (req) => engine.closeSession(req)),
    reset: unary("Reset", (req, deadline) => engine.reset(req, deadline)),
    step: unary("Step", (req) => engine.step(req)),
    batchStep: unary("BatchStep", (req) => engine.batchStep(req)),
    cloneState: unary("CloneState", (req) => engine.cloneState(req)),
    restoreState: unary("RestoreState", (req) => engine.restoreState(req)),
    releaseState: unary("ReleaseState", (req) => engine.releaseState(req)),
    fork: unary("Fork", (req, _d, ctx) => engine.fork(req, ctx)),
    expand: unary("Expand", (req, deadline) => {
      // From the server's service the sequences arrive raw and the reply leaves encoded (expand-codec.ts).
      const raw = req as unknown as RawExpandRequest;
      const full = "rawSequences" in raw ? decodeExpand(raw, deadline) : req;
      const reply = andThen(full, (r) => engine.expand(r, deadline));
      return andThen(reply, (r) => encodeExpandReply(r) as unknown as ExpandResponse);
    }),
    expertPlan: unary("ExpertPlan", (req, deadline) => engine.expertPlan(req, deadline)),
  };
}
