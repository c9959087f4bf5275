/**
 * Deltas and cached valid-action lists on the Connect stream, handled as the unary client
 * handles them: each request says what its session holds (known hashes), and each reply
 * is made whole before the caller sees it. Requests are pipelined, so what a reply may
 * build on is captured when its request is sent, not when the reply arrives: a second
 * Step sent before the first reply names the older text, and the server deltas against that.
 */
import type { ConnectRequest, ConnectResponse } from "../../gen/ts/dynamind/env/v1/env_service_pb.js";
import type { StepResult } from "../../gen/ts/dynamind/env/v1/types_pb.js";
import type { Held, ReplyHolds } from "./observation-deltas.js";

type Request = NonNullable<ConnectRequest["request"]>;
type Response = NonNullable<ConnectResponse["response"]>;

/** What one request's reply may build on: per session, what it held when the request left. */
export type SentHolds = ReadonlyMap<string, Held>;

interface Known {
  knownValidActionsHash?: number;
  knownTextHash?: number;
}

export class StreamHolds {
  private readonly held = new Map<string, Held>();

  constructor(
    /** A fresh per-reply memory backed by the client's list cache. */
    private readonly replyHolds: () => ReplyHolds,
    /** Stores a list received, by hash, in the client's cache. */
    private readonly remember: (hash: number, list: readonly string[]) => void,
  ) {}

  /**
   * Fills the known hashes a request leaves unset from what its session holds (in place:
   * the request is about to be written) and returns what its reply may build on.
   */
  prepare(request: Request): SentHolds | undefined {
    switch (request.$case) {
      case "reset":
        return this.sent([[request.reset.sessionId, request.reset]]);
      case "step":
        return this.sent([[request.step.sessionId, request.step]]);
      case "restoreState":
        return this.sent([[request.restoreState.sessionId, request.restoreState]]);
      case "batchStep":
        return this.sent(request.batchStep.steps.map((s) => [s.sessionId, s] as const));
      case "expand": {
        const options = request.expand.options;
        return options === undefined ? undefined : this.sent([[request.expand.sessionId, options]]);
      }
      case "closeSession":
        this.held.delete(request.closeSession.sessionId);
        return undefined;
      default:
        return undefined;
    }
  }

  /** Makes a reply whole (deltas applied, lists filled in); throws if the server built on something not held. */
  received(request: Request, sent: SentHolds, response: Response): void {
    switch (response.$case) {
      case "reset":
        if (request.$case === "reset") this.update(request.reset.sessionId, sent, response.reset.result, this.replyHolds());
        return;
      case "step":
        if (request.$case === "step") this.update(request.step.sessionId, sent, response.step.result, this.replyHolds());
        return;
      case "restoreState":
        if (request.$case === "restoreState") this.update(request.restoreState.sessionId, sent, response.restoreState.result, this.replyHolds());
        return;
      case "batchStep": {
        if (request.$case !== "batchStep") return;
        // One memory for the reply: an item may build on a text or list sent by an item before it.
        const holds = this.replyHolds();
        const steps = request.batchStep.steps;
        response.batchStep.items.forEach((item, k) => {
          if (item.outcome?.$case === "result") this.update(steps[k]!.sessionId, sent, item.outcome.result, holds);
        });
        return;
      }
      case "expand": {
        if (request.$case !== "expand") return;
        // Expand leaves the session where it was, so what it holds stays.
        const holds = this.replyHolds();
        holds.hold(sent.get(request.expand.sessionId));
        for (const b of response.expand.branches) for (const s of b.steps) this.keep(holds.complete(s));
        return;
      }
      default:
        return;
    }
  }

  private sent(items: readonly (readonly [string, Known])[]): SentHolds {
    const sent = new Map<string, Held>();
    for (const [id, req] of items) {
      const held = this.held.get(id);
      if (held === undefined) continue;
      // A caller that names hashes itself is answered against those.
      if (req.knownTextHash === undefined && req.knownValidActionsHash === undefined) {
        req.knownTextHash = held.textHash;
        req.knownValidActionsHash = held.listHash;
      }
      sent.set(id, { ...held });
    }
    return sent;
  }

  private update(id: string, sent: SentHolds, r: StepResult | undefined, holds: ReplyHolds): void {
    holds.hold(sent.get(id));
    const now = holds.complete(r);
    this.keep(now);
    if (r?.observation === undefined) return;
    const held = this.held.get(id) ?? {};
    if (now.listHash !== undefined) {
      held.listHash = now.listHash;
      held.list = now.list;
    }
    if (now.textHash !== undefined) {
      held.textHash = now.textHash;
      held.text = now.text;
    } else {
      // No text hash (deltas off for this call): the server's base moved on.
      held.textHash = undefined;
      held.text = undefined;
    }
    this.held.set(id, held);
  }

  private keep(now: Held): void {
    if (now.listHash !== undefined && now.list !== undefined) this.remember(now.listHash, now.list);
  }
}
