/**
 * The unary RPCs: each one authenticates, checks the deadline, calls the
 * engine, and maps thrown errors to a status. Nothing environment-specific.
 */
import type { sendUnaryData, ServerUnaryCall, UntypedHandleCall } from "@grpc/grpc-js";
import type { EnvServiceServer } from "../../gen/ts/dynamind/env/v1/env_service_pb.js";
import type { EnvEngine } from "../core/engine.js";
import { isPromise, type MaybePromise } from "../core/maybe-promise.js";
import { reasonOf } from "./reason.js";
import type { CallGuard } from "./call-guard.js";
import type { RpcMetrics } from "./metrics.js";
import { toServiceError } from "./status.js";

type UnaryMethods = Omit<EnvServiceServer, "connect">;

export function unaryHandlers(
  engine: EnvEngine,
  guard: CallGuard,
  metrics: RpcMetrics,
): { [K in keyof UnaryMethods]: UnaryMethods[K] } & Record<string, UntypedHandleCall> {
  function unary<Req, Res>(method: string, op: (req: Req, deadline: number) => MaybePromise<Res>) {
    return (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>): void => {
      const started = performance.now();
      const done = (err: unknown, res?: Res): void => {
        metrics.observe(method, (performance.now() - started) / 1000, err === null ? undefined : reasonOf(err));
        if (err === null) callback(null, res);
        else callback(toServiceError(err));
      };
      try {
        guard.authenticate(call.metadata);
        const result = op(call.request, guard.deadline(call.getDeadline()));
        if (isPromise(result)) result.then((res) => done(null, res), done);
        else done(null, result);
      } catch (err) {
        done(err);
      }
    };
  }

  return {
    listEnvs: unary("ListEnvs", () => engine.listEnvs()),
    createSession: unary("CreateSession", (req) => engine.createSession(req)),
    closeSession: unary("CloseSession", (req) => engine.closeSession(req)),
    reset: unary("Reset", (req) => engine.reset(req)),
    step: unary("Step", (req) => engine.step(req)),
    batchStep: unary("BatchStep", (req) => engine.batchStep(req)),
    cloneState: unary("CloneState", (req) => engine.cloneState(req)),
    restoreState: unary("RestoreState", (req) => engine.restoreState(req)),
    releaseState: unary("ReleaseState", (req) => engine.releaseState(req)),
    fork: unary("Fork", (req) => engine.fork(req)),
    expand: unary("Expand", (req, deadline) => engine.expand(req, deadline)),
    expertPlan: unary("ExpertPlan", (req) => engine.expertPlan(req)),
  };
}
