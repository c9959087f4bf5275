/**
 * The Connect bidi stream: any request with a request id, replies in request
 * order. A bad request gets an error reply and the stream goes on. Requests are
 * handled inline while the environment answers synchronously; once one is
 * asynchronous, the rest queue behind it, so order holds. When the client
 * outruns the server (more than MAX_QUEUED queued, or the socket is full), the
 * server stops reading until it catches up — the client's window should keep
 * it from happening.
 */
import type { ServerDuplexStream } from "@grpc/grpc-js";
import { EnvError } from "../../adapters/contract.js";
import type { ConnectRequest, ConnectResponse } from "../../gen/ts/dynamind/env/v1/env_service_pb.js";
import { EnvEngine } from "../core/engine.js";
import { isPromise, andThen, type MaybePromise } from "../core/maybe-promise.js";
import type { CallGuard } from "./call-guard.js";
import type { RpcMetrics } from "./metrics.js";
import { reasonOf } from "./reason.js";
import { toServiceError } from "./status.js";

const MAX_QUEUED = 4096;

type Request = NonNullable<ConnectRequest["request"]>;
type Response = NonNullable<ConnectResponse["response"]>;

export function connectHandler(engine: EnvEngine, guard: CallGuard, metrics: RpcMetrics) {
  const dispatch = (req: Request): MaybePromise<Response> => {
    switch (req.$case) {
      case "listEnvs":
        return { $case: "listEnvs", listEnvs: engine.listEnvs() };
      case "createSession":
        return { $case: "createSession", createSession: engine.createSession(req.createSession) };
      case "closeSession":
        return engine.closeSession(req.closeSession).then((closeSession) => ({ $case: "closeSession" as const, closeSession }));
      case "reset":
        return andThen(engine.reset(req.reset), (reset): Response => ({ $case: "reset", reset }));
      case "step":
        return andThen(engine.step(req.step), (step): Response => ({ $case: "step", step }));
      case "batchStep":
        return andThen(engine.batchStep(req.batchStep), (batchStep): Response => ({ $case: "batchStep", batchStep }));
      case "cloneState":
        return andThen(engine.cloneState(req.cloneState), (cloneState): Response => ({ $case: "cloneState", cloneState }));
      case "restoreState":
        return andThen(engine.restoreState(req.restoreState), (restoreState): Response => ({ $case: "restoreState", restoreState }));
      case "releaseState":
        return { $case: "releaseState", releaseState: engine.releaseState(req.releaseState) };
      case "fork":
        return andThen(engine.fork(req.fork), (fork): Response => ({ $case: "fork", fork }));
      case "expand":
        return andThen(engine.expand(req.expand), (expand): Response => ({ $case: "expand", expand }));
      case "expertPlan":
        return andThen(engine.expertPlan(req.expertPlan), (expertPlan): Response => ({ $case: "expertPlan", expertPlan }));
    }
  };

  return (call: ServerDuplexStream<ConnectRequest, ConnectResponse>): void => {
    try {
      guard.authenticate(call.metadata);
    } catch (err) {
      call.emit("error", toServiceError(err));
      return;
    }
    let tail: Promise<void> | undefined;
    let queued = 0;
    let ended = false;

    const reply = (requestId: number, response: Response): void => {
      if (call.destroyed || call.writableEnded) return;
      if (!call.write({ requestId, response }) && !call.isPaused()) {
        call.pause();
        call.once("drain", () => call.resume());
      }
    };

    const handle = (msg: ConnectRequest): MaybePromise<void> => {
      const started = performance.now();
      const method = msg.request?.$case ?? "none";
      const fail = (err: unknown): void => {
        metrics.observe(`Connect.${method}`, (performance.now() - started) / 1000, reasonOf(err));
        reply(msg.requestId, { $case: "error", error: EnvEngine.errorDetail(err) });
      };
      try {
        if (msg.request === undefined) throw new EnvError("INVALID_ARGUMENT", `request ${msg.requestId} carries no call`);
        const res = dispatch(msg.request);
        const ok = (r: Response): void => {
          metrics.observe(`Connect.${method}`, (performance.now() - started) / 1000, undefined);
          reply(msg.requestId, r);
        };
        if (isPromise(res)) return res.then(ok, fail);
        ok(res);
      } catch (err) {
        fail(err);
      }
    };

    const finishIfDone = (): void => {
      if (ended && tail === undefined && !call.writableEnded) call.end();
    };

    call.on("data", (msg: ConnectRequest) => {
      if (tail === undefined) {
        const r = handle(msg);
        if (!isPromise(r)) return;
        tail = r;
      } else {
        tail = tail.then(() => handle(msg));
      }
      queued++;
      if (queued > MAX_QUEUED && !call.isPaused()) call.pause();
      const mine = tail;
      void mine.then(() => {
        queued--;
        if (queued <= MAX_QUEUED / 2 && call.isPaused()) call.resume();
        if (tail === mine) {
          tail = undefined;
          finishIfDone();
        }
      });
    });
    call.on("end", () => {
      ended = true;
      finishIfDone();
    });
    // A broken connection or undecodable message must not crash the server; grpc-js reports the status.
    call.on("error", () => {});
  };
}
