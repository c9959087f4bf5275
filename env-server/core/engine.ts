/**
 * The environment service without a transport: every RPC as a method taking
 * and returning protocol messages, throwing EnvError for bad input. The gRPC
 * binding, the Connect stream and in-process users all call this, so the rules
 * (validation, phases, caps, state handling) exist once.
 *
 * This file holds sessions and stepping; saved states and Fork live in
 * saved-states.ts, Expand in expand.ts, ExpertPlan in expert.ts.
 *
 * Methods return synchronously when the environment is synchronous.
 */
import { randomInt } from "node:crypto";
import { EnvError } from "../../adapters/contract.js";
import type { EnvRegistry } from "../../adapters/registry.js";
import type {
  BatchStepItem,
  BatchStepRequest,
  BatchStepResponse,
  CloneStateRequest,
  CloneStateResponse,
  CloseSessionRequest,
  CloseSessionResponse,
  CreateSessionRequest,
  CreateSessionResponse,
  ExpandRequest,
  ExpandResponse,
  ExpertPlanRequest,
  ExpertPlanResponse,
  ForkRequest,
  ForkResponse,
  ListEnvsResponse,
  ReleaseStateRequest,
  ReleaseStateResponse,
  ResetRequest,
  ResetResponse,
  RestoreStateRequest,
  RestoreStateResponse,
  StepRequest,
  StepResponse,
} from "../../gen/ts/dynamind/env/v1/env_service_pb.js";
import type { ErrorDetail, Observation, StepResult } from "../../gen/ts/dynamind/env/v1/types_pb.js";
import { listsFor, SentLists, shapeResult, viewFor, type ObservationView } from "./observation-options.js";
import type { EngineCore } from "./engine-core.js";
import { errorDetail, toEnvError, type InternalErrorSink } from "./error-detail.js";
import { expand } from "./expand.js";
import { expertPlan } from "./expert.js";
import { DEFAULT_LIMITS, IN_PROCESS, type CallContext, type EngineCounters, type EngineLimits } from "./limits.js";
import { isPromise, andThen, type MaybePromise } from "./maybe-promise.js";
import { PortableStateCodec } from "./portable-state.js";
import { validateAction, validateSeed } from "./request-checks.js";
import { cloneState, fork, hold, releaseState, restoreState } from "./saved-states.js";
import { checkServerId, randomServerId } from "./server-id.js";
import { SessionManager, type Session } from "./session.js";
import { StateStore } from "./state-store.js";
import { TemplateFactory, parseJsonObject } from "./templates.js";
import { toProtoSpec } from "./to-proto.js";
import type { EpisodeSnapshot } from "./episode.js";

export { DEFAULT_LIMITS, IN_PROCESS };
export type { CallContext, EngineCounters, EngineLimits };

/** Seeds drawn by the server when the client gives none stay below 2^48 (exact in every language). */
const MAX_DRAWN_SEED = 2 ** 48 - 1;
/** Longest options_json accepted. */
const MAX_OPTIONS_JSON_BYTES = 64 * 1024;

export interface EngineOptions {
  /** Receives unexpected errors (sent to clients as an opaque INTERNAL with this incident id). */
  onInternalError?: InternalErrorSink;
  /** Clock for idle sessions and state TTLs (tests inject one). */
  now?: () => number;
  /** Prefixes session and state ids so a proxy can route them here (server-id.ts); random when absent. */
  serverId?: string;
}

export class EnvEngine implements EngineCore {
  /** This server's name in the ids it issues. */
  readonly serverId: string;
  readonly sessions: SessionManager;
  readonly states: StateStore;
  readonly templates: TemplateFactory;
  readonly codec: PortableStateCodec;
  readonly counters: EngineCounters = { steps: 0, resets: 0, expandNodes: 0 };
  private readonly onInternalError: InternalErrorSink;
  private draining = false;
  private listCache: ListEnvsResponse | undefined;

  private constructor(
    private readonly registry: EnvRegistry,
    readonly limits: EngineLimits,
    stateKey: Buffer,
    options: EngineOptions,
  ) {
    const now = options.now ?? Date.now;
    this.serverId = options.serverId === undefined ? randomServerId() : checkServerId(options.serverId);
    this.sessions = new SessionManager(limits, now, this.serverId);
    this.states = new StateStore({ ttlMs: limits.stateTtlMs, maxStates: limits.maxStates, maxBytes: limits.maxStateBytes }, now, this.serverId);
    this.templates = new TemplateFactory(registry, limits.maxStepsCap);
    this.codec = new PortableStateCodec(stateKey);
    this.onInternalError = options.onInternalError ?? (() => {});
  }

  /** Loads every registered environment so that no call awaits an import. */
  static async create(registry: EnvRegistry, limits: Partial<EngineLimits>, stateKey: Buffer, options: EngineOptions = {}): Promise<EnvEngine> {
    await registry.loadAll();
    return new EnvEngine(registry, { ...DEFAULT_LIMITS, ...limits }, stateKey, options);
  }

  /** Stop accepting new sessions (SHUTTING_DOWN); existing ones keep working until the server stops. */
  drain(): void {
    this.draining = true;
  }

  get isDraining(): boolean {
    return this.draining;
  }

  /** Periodic housekeeping: idle sessions and expired states. */
  sweep(): { reapedSessions: string[]; expiredStates: number } {
    return { reapedSessions: this.sessions.reapIdle(), expiredStates: this.states.sweep() };
  }

  listEnvs(): ListEnvsResponse {
    this.listCache ??= {
      envs: this.registry.ids().map((id) => toProtoSpec(this.templates.definition(id).describe(undefined))),
    };
    return this.listCache;
  }

  /**
   * CreateSession as the handlers serve it: an environment that drives an outside device
   * (`EnvDefinition.prepare`) is checked first, so a session is never made for a device
   * that is not there; every other environment is created at once, synchronously.
   */
  openSession(req: CreateSessionRequest, ctx: CallContext = IN_PROCESS): MaybePromise<CreateSessionResponse> {
    this.assertAccepting();
    const template = this.templates.get(req.envId, req.configJson, req.observationKinds, req.maxSteps, req.observationOptions);
    const definition = template.definition;
    if (!definition.prepare) return this.createSession(req, ctx);
    return definition.prepare(template.config).then(() => this.createSession(req, ctx));
  }

  createSession(req: CreateSessionRequest, ctx: CallContext = IN_PROCESS): CreateSessionResponse {
    this.assertAccepting();
    const template = this.templates.get(req.envId, req.configJson, req.observationKinds, req.maxSteps, req.observationOptions);
    const session = this.sessions.create(template, ctx.client);
    ctx.scope?.add(session.id);
    return { sessionId: session.id, spec: template.spec };
  }

  async closeSession(req: CloseSessionRequest): Promise<CloseSessionResponse> {
    await this.sessions.close(req.sessionId);
    return {};
  }

  /** `deadline` (epoch ms) reaches the environment, which keeps heavy work off the event loop and stops there. */
  reset(req: ResetRequest, deadline = Infinity): MaybePromise<ResetResponse> {
    const session = this.sessions.get(req.sessionId);
    if (req.optionsJson.length > MAX_OPTIONS_JSON_BYTES) {
      throw new EnvError("INVALID_ARGUMENT", `options_json is longer than ${MAX_OPTIONS_JSON_BYTES} characters`);
    }
    const options = parseJsonObject(req.optionsJson, "options_json");
    if (req.seed !== undefined) validateSeed(req.seed);
    const view = viewFor(session, req.observationOptions);
    const seed = req.seed ?? randomInt(MAX_DRAWN_SEED);
    return session.exclusive(() => {
      const before = view.deltas ? [session.episode.lastResult?.observation] : undefined;
      return andThen(session.episode.reset(seed, options, { deadline }, view.request), (result) => {
        session.started = true;
        this.counters.resets++;
        return { result: shapeResult(result, view, listsFor(view, req.knownValidActionsHash, req.knownTextHash), before) };
      });
    });
  }

  step(req: StepRequest): MaybePromise<StepResponse> {
    const session = this.sessions.get(req.sessionId);
    const view = viewFor(session, req.observationOptions);
    // The delta's base is the observation before the step (the client's last one, if it says it holds it).
    const before = view.deltas ? [session.episode.lastResult?.observation] : undefined;
    return andThen(this.stepIn(session, req, view), (result) => {
      this.counters.steps++;
      return { result: shapeResult(result, view, listsFor(view, req.knownValidActionsHash, req.knownTextHash), before) };
    });
  }

  /**
   * Per item only what must be per item (session lookup, action check, the step); the
   * clock is read, steps counted and observations shaped once per call. Shaping runs
   * over the finished items in order: "valid actions when changed" depends on what
   * came earlier in the reply.
   */
  batchStep(req: BatchStepRequest): MaybePromise<BatchStepResponse> {
    const steps = req.steps;
    if (steps.length > this.limits.maxBatchSize) {
      throw new EnvError("CAPACITY", `a batch holds at most ${this.limits.maxBatchSize} steps, got ${steps.length}`);
    }
    const now = this.sessions.clock();
    const items: MaybePromise<BatchStepItem>[] = new Array(steps.length);
    let views: ObservationView[] | undefined;
    let bases: (Observation | undefined)[][] | undefined;
    let pending = false;
    for (let i = 0; i < steps.length; i++) {
      const step = steps[i]!;
      let item: MaybePromise<BatchStepItem>;
      try {
        const session = this.sessions.getAt(step.sessionId, now);
        const view = viewFor(session, step.observationOptions);
        if (!view.passThrough) (views ??= new Array(steps.length))[i] = view;
        if (view.deltas) (bases ??= new Array(steps.length))[i] = [session.episode.lastResult?.observation];
        const result = this.stepIn(session, step, view);
        item = isPromise(result)
          ? result.then(
              (r): BatchStepItem => ({ outcome: { $case: "result", result: r } }),
              (err): BatchStepItem => ({ outcome: { $case: "error", error: this.errorDetail(err) } }),
            )
          : { outcome: { $case: "result", result } };
      } catch (err) {
        item = { outcome: { $case: "error", error: this.errorDetail(err) } };
      }
      pending ||= isPromise(item);
      items[i] = item;
    }
    const finish = (all: BatchStepItem[]): BatchStepResponse => {
      let ok = 0;
      let lists: SentLists | undefined;
      for (let i = 0; i < all.length; i++) {
        const outcome = all[i]!.outcome;
        if (outcome?.$case !== "result") continue;
        ok++;
        const view = views?.[i];
        if (view === undefined) continue;
        if (view.validActions === "changed" || view.deltas) {
          lists ??= new SentLists(undefined);
          lists.holds(steps[i]!.knownValidActionsHash, steps[i]!.knownTextHash);
        }
        outcome.result = shapeResult(outcome.result, view, lists, bases?.[i]);
      }
      this.counters.steps += ok;
      return { items: all };
    };
    return pending ? Promise.all(items).then(finish) : finish(items as BatchStepItem[]);
  }

  cloneState(req: CloneStateRequest): MaybePromise<CloneStateResponse> {
    return cloneState(this, req);
  }

  restoreState(req: RestoreStateRequest): MaybePromise<RestoreStateResponse> {
    return restoreState(this, req);
  }

  releaseState(req: ReleaseStateRequest): ReleaseStateResponse {
    return releaseState(this, req);
  }

  fork(req: ForkRequest, ctx: CallContext = IN_PROCESS): MaybePromise<ForkResponse> {
    return fork(this, req, ctx);
  }

  expand(req: ExpandRequest, deadline = Infinity): MaybePromise<ExpandResponse> {
    return expand(this, req, deadline);
  }

  expertPlan(req: ExpertPlanRequest, deadline = Infinity): MaybePromise<ExpertPlanResponse> {
    return expertPlan(this, req, deadline);
  }

  /** Saves a snapshot under the state budget (see saved-states.ts). */
  hold(session: Session, snapshot: EpisodeSnapshot): { id: string; expiresAtMs: number } {
    return hold(this, session, snapshot);
  }

  /** The error detail sent for any thrown value; unexpected errors go to the server's log, not the client. */
  errorDetail(err: unknown): ErrorDetail {
    return errorDetail(err, this.onInternalError);
  }

  /** The EnvError sent for any thrown value (see errorDetail). */
  toEnvError(err: unknown): EnvError {
    return toEnvError(err, this.onInternalError);
  }

  async close(): Promise<void> {
    await this.sessions.closeAll();
    this.states.clear();
  }

  assertAccepting(): void {
    if (this.draining) throw new EnvError("SHUTTING_DOWN", "the server is shutting down and accepts no new sessions", true);
  }

  // ---- internals ------------------------------------------------------------------------------

  /** One step on a looked-up session, unshaped and uncounted (the callers do both). */
  private stepIn(session: Session, req: StepRequest, view: ObservationView): MaybePromise<StepResult> {
    const kind = req.action?.kind;
    validateAction(session.template, kind, this.limits.maxActionTextBytes);
    return session.step(kind, view.request);
  }
}
