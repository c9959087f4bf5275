/**
 * The Connect bidi stream: any request with a request id, replies in request
 * order. A bad request gets an error reply and the stream goes on; a frame that
 * cannot be decoded is answered by its request id when that can be read, else the
 * stream ends with INVALID_ARGUMENT. Requests are handled inline while the
 * environment answers synchronously; once one is asynchronous, the rest queue
 * behind it, so order holds. When the client outruns the server (more than
 * MAX_QUEUED queued, or the socket is full), the server stops reading until it
 * catches up — the client's window should keep it from happening.
 *
 * With metadata `dynamind-session-scope: stream`, sessions created (or forked)
 * on the stream are closed when the stream ends, however it ends.
 */
import type { ServerDuplexStream } from "@grpc/grpc-js";
import { EnvError } from "../../adapters/contract.js";
import type { ConnectRequest, ConnectResponse } from "../../gen/ts/dynamind/env/v1/env_service_pb.js";
import type { EnvEngine } from "../core/engine.js";
import type { CallContext, SessionScope } from "../core/limits.js";
import { isPromise, andThen, type MaybePromise } from "../core/maybe-promise.js";
import { clientOf, type CallGuard } from "./call-guard.js";
import { isUndecodable, undecodableError } from "./decoding.js";
import type { RpcMetrics } from "./metrics.js";
import { toServiceError } from "./status.js";
import type { RefusalLog } from "./unary-handlers.js";

const MAX_QUEUED = 4096;
export const SESSION_SCOPE_HEADER = "dynamind-session-scope";

type Request = NonNullable<ConnectRequest["request"]>;
type Response = NonNullable<ConnectResponse["response"]>;
type ConnectResponseOf<K extends Response["$case"]> = Extract<Response, { $case: K }> extends infer R ? R[K & keyof R] : never;

// Reply wrappers and metric labels made once, not per message.
const asReset = (reset: ConnectResponseOf<"reset">): Response => ({ $case: "reset", reset });
const asStep = (step: ConnectResponseOf<"step">): Response => ({ $case: "step", step });
const asBatchStep = (batchStep: ConnectResponseOf<"batchStep">): Response => ({ $case: "batchStep", batchStep });
const asCloneState = (cloneState: ConnectResponseOf<"cloneState">): Response => ({ $case: "cloneState", cloneState });
const asRestoreState = (restoreState: ConnectResponseOf<"restoreState">): Response => ({ $case: "restoreState", restoreState });
const asFork = (fork: ConnectResponseOf<"fork">): Response => ({ $case: "fork", fork });
const asExpand = (expand: ConnectResponseOf<"expand">): Response => ({ $case: "expand", expand });
const asExpertPlan = (expertPlan: ConnectResponseOf<"expertPlan">): Response => ({ $case: "expertPlan", expertPlan });
const LABELS = new Map<string, string>();
function labelOf(msg: ConnectRequest): string {
  const method = msg.request?.$case ?? "none";
  let label = LABELS.get(method);
  if (label === undefined) LABELS.set(method, (label = `Connect.${method}`));
  return label;
}

/** Sessions that close with the stream that created them. */
class StreamScope implements SessionScope {
  private readonly ids = new Set<string>();
  private closed = false;

  constructor(private readonly engine: EnvEngine) {}

  add(sessionId: string): void {
    if (this.closed) void this.engine.closeSession({ sessionId }).catch(() => {});
    else this.ids.add(sessionId);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const sessionId of this.ids) {
      if (this.engine.sessions.peek(sessionId) !== undefined) void this.engine.closeSession({ sessionId }).catch(() => {});
    }
    this.ids.clear();
  }
}

export function connectHandler(engine: EnvEngine, guard: CallGuard, metrics: RpcMetrics, onRefused: RefusalLog = () => {}) {
  const dispatch = (req: Request, ctx: CallContext, deadline: number): MaybePromise<Response> => {
    if (deadline !== Infinity && deadline <= Date.now()) {
      throw new EnvError("DEADLINE", "the stream's deadline passed before the server could start this request; nothing was done");
    }
    switch (req.$case) {
      case "listEnvs":
        return { $case: "listEnvs", listEnvs: engine.listEnvs() };
      case "createSession":
        return andThen(engine.openSession(req.createSession, ctx), (createSession): Response => ({ $case: "createSession", createSession }));
      case "closeSession":
        return engine.closeSession(req.closeSession).then((closeSession) => ({ $case: "closeSession" as const, closeSession }));
      case "reset":
        return andThen(engine.reset(req.reset, deadline), asReset);
      case "step":
        return andThen(engine.step(req.step), asStep);
      case "batchStep":
        return andThen(engine.batchStep(req.batchStep), asBatchStep);
      case "cloneState":
        return andThen(engine.cloneState(req.cloneState), asCloneState);
      case "restoreState":
        return andThen(engine.restoreState(req.restoreState), asRestoreState);
      case "releaseState":
        return { $case: "releaseState", releaseState: engine.releaseState(req.releaseState) };
      case "fork":
        return andThen(engine.fork(req.fork, ctx), asFork);
      case "expand":
        return andThen(engine.expand(req.expand, deadline), asExpand);
      case "expertPlan":
        return andThen(engine.expertPlan(req.expertPlan, deadline), asExpertPlan);
    }
  };

  return (call: ServerDuplexStream<ConnectRequest, ConnectResponse>): void => {
    const peer = call.getPeer();
    const scoped = call.metadata.get(SESSION_SCOPE_HEADER)[0] === "stream";
    const scope = scoped ? new StreamScope(engine) : undefined;
    const ctx: CallContext = { client: clientOf(peer), scope };
    const rawDeadline = call.getDeadline();
    const deadline = rawDeadline instanceof Date ? rawDeadline.getTime() : rawDeadline;
    let tail: Promise<void> | undefined;
    let queued = 0;
    let ended = false;
    let failed = false;

    const reply = (requestId: number, response: Response): void => {
      if (failed || call.destroyed || call.writableEnded) return;
      if (!call.write({ requestId, response }) && !call.isPaused()) {
        call.pause();
        call.once("drain", () => call.resume());
      }
    };

    // Answers are made by functions of the stream, not closures of each request: a Step
    // per message is the hot path, and its sync answer then allocates nothing but the reply.
    const answered = (msg: ConnectRequest, started: number, r: Response): void => {
      metrics.observe(labelOf(msg), (performance.now() - started) / 1000, undefined);
      reply(msg.requestId, r);
    };
    const failedWith = (msg: ConnectRequest, started: number, err: unknown): void => {
      const e = engine.toEnvError(err);
      const label = labelOf(msg);
      metrics.observe(label, (performance.now() - started) / 1000, e.reason);
      onRefused(label, peer, e.reason, e.message);
      reply(msg.requestId, { $case: "error", error: engine.errorDetail(e) });
    };

    const handle = (msg: ConnectRequest, undecodable?: EnvError): MaybePromise<void> => {
      const started = performance.now();
      try {
        if (undecodable !== undefined) throw undecodable;
        if (msg.request === undefined) throw new EnvError("INVALID_ARGUMENT", `request ${msg.requestId} carries no call`);
        const res = dispatch(msg.request, ctx, deadline);
        if (isPromise(res)) {
          return res.then(
            (r) => answered(msg, started, r),
            (err: unknown) => failedWith(msg, started, err),
          );
        }
        answered(msg, started, res);
      } catch (err) {
        failedWith(msg, started, err);
      }
    };

    const finishIfDone = (): void => {
      if (ended && tail === undefined && !call.writableEnded) call.end();
    };

    /** A frame with no readable request id cannot be answered in order: the stream ends, with the reason. */
    const abort = (err: EnvError): void => {
      if (failed) return;
      failed = true;
      onRefused("Connect", peer, err.reason, err.message);
      call.emit("error", toServiceError(err));
    };

    call.on("data", (raw: ConnectRequest) => {
      if (failed) return;
      let msg = raw;
      let undecodable: EnvError | undefined;
      if (isUndecodable(raw)) {
        undecodable = undecodableError(raw);
        if (raw.requestId === undefined) return abort(undecodable);
        msg = { requestId: raw.requestId, request: undefined };
      }
      if (tail === undefined) {
        const r = handle(msg, undecodable);
        if (!isPromise(r)) return;
        tail = r;
      } else {
        tail = tail.then(() => handle(msg, undecodable));
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
    // However the stream ends (finished, cancelled, cut by a timeout or a drain), scoped sessions go with it.
    const closeScope = (): void => scope?.close();
    call.on("finish", closeScope);
    call.on("close", closeScope);
    call.on("cancelled", closeScope);
    // A broken connection must not crash the server; grpc-js reports the status.
    call.on("error", () => {});
  };
}
