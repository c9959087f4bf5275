/**
 * The environment service without a transport: every RPC as a method taking
 * and returning protocol messages, throwing EnvError for bad input. The gRPC
 * binding, the Connect stream and in-process users all call this, so the rules
 * (validation, phases, caps, state handling) exist once.
 *
 * Methods return synchronously when the environment is synchronous.
 */
import { randomInt } from "node:crypto";
import { EnvError, type Action, type EnvDefinition, type ObservationKind } from "../../adapters/contract.js";
import type { EnvRegistry } from "../../adapters/registry.js";
import type {
  BatchStepItem,
  BatchStepRequest,
  BatchStepResponse,
  Branch,
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
import type { ErrorDetail, StepResult } from "../../gen/ts/dynamind/env/v1/types_pb.js";
import { assertSteppable, type Episode, type EpisodeSnapshot } from "./episode.js";
import { isPromise, andThen, type MaybePromise } from "./maybe-promise.js";
import { PortableStateCodec, type PortableState } from "./portable-state.js";
import { SessionManager, type Session, type SessionTemplate } from "./session.js";
import { StateStore } from "./state-store.js";
import { fromProtoObservationKind, GRPC_CODE, toProtoReason, toProtoSpec } from "./to-proto.js";

export interface EngineLimits {
  maxSessions: number;
  idleTimeoutMs: number;
  stateTtlMs: number;
  maxStates: number;
  maxStateBytes: number;
  maxBatchSize: number;
  maxExpandSequences: number;
  maxExpandActions: number;
  maxActionTextBytes: number;
}

export const DEFAULT_LIMITS: EngineLimits = {
  maxSessions: 4096,
  idleTimeoutMs: 10 * 60_000,
  stateTtlMs: 10 * 60_000,
  maxStates: 1_000_000,
  maxStateBytes: 512 * 1024 * 1024,
  maxBatchSize: 16_384,
  maxExpandSequences: 4096,
  maxExpandActions: 262_144,
  maxActionTextBytes: 64 * 1024,
};

export interface EngineCounters {
  steps: number;
  resets: number;
  expandNodes: number;
}

/** Reset seeds drawn by the server when the client gives none stay below 2^48 (exact in every language). */
const MAX_DRAWN_SEED = 2 ** 48;

export class EnvEngine {
  readonly sessions: SessionManager;
  readonly states: StateStore;
  readonly counters: EngineCounters = { steps: 0, resets: 0, expandNodes: 0 };
  private readonly codec: PortableStateCodec;
  private draining = false;
  private listCache: ListEnvsResponse | undefined;

  private constructor(
    private readonly registry: EnvRegistry,
    readonly limits: EngineLimits,
    stateKey: Buffer,
  ) {
    this.sessions = new SessionManager({ maxSessions: limits.maxSessions, idleTimeoutMs: limits.idleTimeoutMs });
    this.states = new StateStore({ ttlMs: limits.stateTtlMs, maxStates: limits.maxStates, maxBytes: limits.maxStateBytes });
    this.codec = new PortableStateCodec(stateKey);
  }

  /** Loads every registered environment so that no call awaits an import. */
  static async create(registry: EnvRegistry, limits: Partial<EngineLimits>, stateKey: Buffer): Promise<EnvEngine> {
    await registry.loadAll();
    return new EnvEngine(registry, { ...DEFAULT_LIMITS, ...limits }, stateKey);
  }

  /** Stop accepting new sessions (SHUTTING_DOWN); existing ones keep working until the server stops. */
  drain(): void {
    this.draining = true;
  }

  /** Periodic housekeeping: idle sessions and expired states. */
  sweep(): { reapedSessions: string[]; expiredStates: number } {
    return { reapedSessions: this.sessions.reapIdle(), expiredStates: this.states.sweep() };
  }

  listEnvs(): ListEnvsResponse {
    this.listCache ??= {
      envs: this.registry.ids().map((id) => toProtoSpec(this.definition(id).describe(undefined))),
    };
    return this.listCache;
  }

  createSession(req: CreateSessionRequest): CreateSessionResponse {
    this.assertAccepting();
    const definition = this.definition(req.envId);
    const template = this.template(definition, req.configJson, req.observationKinds.map(toKind), req.maxSteps);
    const session = this.sessions.create(template);
    return { sessionId: session.id, spec: template.spec };
  }

  async closeSession(req: CloseSessionRequest): Promise<CloseSessionResponse> {
    await this.sessions.close(req.sessionId);
    return {};
  }

  reset(req: ResetRequest): MaybePromise<ResetResponse> {
    const session = this.sessions.get(req.sessionId);
    const options = parseJsonObject(req.optionsJson, "options_json");
    const seed = req.seed ?? randomInt(MAX_DRAWN_SEED);
    return session.exclusive(() =>
      andThen(session.episode.reset(seed, options), (result) => {
        this.counters.resets++;
        return { result };
      }),
    );
  }

  step(req: StepRequest): MaybePromise<StepResponse> {
    return andThen(this.stepOne(req), (result) => ({ result }));
  }

  batchStep(req: BatchStepRequest): MaybePromise<BatchStepResponse> {
    if (req.steps.length > this.limits.maxBatchSize) {
      throw new EnvError("CAPACITY", `a batch holds at most ${this.limits.maxBatchSize} steps, got ${req.steps.length}`);
    }
    const items: MaybePromise<BatchStepItem>[] = new Array(req.steps.length);
    let pending = false;
    for (let i = 0; i < req.steps.length; i++) {
      const item = this.batchItem(req.steps[i]!);
      pending ||= isPromise(item);
      items[i] = item;
    }
    return pending ? Promise.all(items).then((all) => ({ items: all })) : { items: items as BatchStepItem[] };
  }

  cloneState(req: CloneStateRequest): MaybePromise<CloneStateResponse> {
    const session = this.sessions.get(req.sessionId);
    const support = session.template.cloneSupport;
    if (support === "none") throw new EnvError("UNSUPPORTED", `${session.envId} cannot clone its state`);
    if (req.portable && support !== "portable") {
      throw new EnvError("UNSUPPORTED", `${session.envId} states can be held by the server only, not exported as portable bytes`);
    }
    assertStarted(session);
    return session.exclusive(() =>
      andThen(session.episode.snapshot(), (snapshot) => {
        const handle = this.hold(session, snapshot);
        const portableState = req.portable ? this.seal(session, snapshot) : Buffer.alloc(0);
        return { handle, portableState };
      }),
    );
  }

  restoreState(req: RestoreStateRequest): MaybePromise<RestoreStateResponse> {
    const session = this.sessions.get(req.sessionId);
    const source = req.source;
    if (source === undefined) throw new EnvError("INVALID_ARGUMENT", "RestoreState needs a handle_id or portable_state");
    let snapshot: EpisodeSnapshot;
    if (source.$case === "handleId") {
      const stored = this.states.get(source.handleId);
      assertCompatible(stored.template, session.template);
      snapshot = stored.snapshot;
    } else {
      const opened = this.unseal(source.portableState);
      assertCompatible(opened.template, session.template);
      snapshot = decodeSnapshot(session, opened.state);
    }
    return session.exclusive(() =>
      andThen(session.episode.restore(snapshot), () => andThen(session.episode.current(), (result) => ({ result }))),
    );
  }

  releaseState(req: ReleaseStateRequest): ReleaseStateResponse {
    return { released: this.states.release(req.handleIds) };
  }

  fork(req: ForkRequest): MaybePromise<ForkResponse> {
    this.assertAccepting();
    const source = req.source;
    if (source === undefined) throw new EnvError("INVALID_ARGUMENT", "Fork needs a session_id, handle_id or portable_state");
    let origin: MaybePromise<{ template: SessionTemplate; snapshot: EpisodeSnapshot }>;
    if (source.$case === "sessionId") {
      const parent = this.sessions.get(source.sessionId);
      assertStarted(parent);
      origin = parent.exclusive(() => andThen(parent.episode.snapshot(), (snapshot) => ({ template: parent.template, snapshot })));
    } else if (source.$case === "handleId") {
      const stored = this.states.get(source.handleId);
      origin = { template: stored.template, snapshot: stored.snapshot };
    } else {
      const opened = this.unseal(source.portableState);
      const child = this.sessions.create(opened.template);
      try {
        return this.startChild(child, decodeSnapshot(child, opened.state));
      } catch (err) {
        void this.sessions.close(child.id);
        throw err;
      }
    }
    return andThen(origin, ({ template, snapshot }) => this.startChild(this.sessions.create(template), snapshot));
  }

  private startChild(child: Session, snapshot: EpisodeSnapshot): MaybePromise<ForkResponse> {
    return andThen(
      child.exclusive(() => andThen(child.episode.restore(snapshot), () => child.episode.current())),
      (result) => ({ sessionId: child.id, spec: child.template.spec, result }),
    );
  }

  /**
   * Runs every sequence from the start state on the session's scratch instance.
   * The session's own episode is never touched; on any error, handles made so far
   * are released and nothing remains.
   */
  expand(req: ExpandRequest, deadline = Infinity): MaybePromise<ExpandResponse> {
    const session = this.sessions.get(req.sessionId);
    const { template } = session;
    const sequences = req.sequences;
    if (sequences.length > this.limits.maxExpandSequences) {
      throw new EnvError("CAPACITY", `Expand takes at most ${this.limits.maxExpandSequences} sequences, got ${sequences.length}`);
    }
    let total = 0;
    for (let i = 0; i < sequences.length; i++) {
      const actions = sequences[i]!.actions;
      total += actions.length;
      for (let j = 0; j < actions.length; j++) this.validateAction(template, actions[j]!.kind, `sequence ${i}, action ${j}: `);
    }
    if (total > this.limits.maxExpandActions) {
      throw new EnvError("CAPACITY", `Expand takes at most ${this.limits.maxExpandActions} actions in all, got ${total}`);
    }
    const leafStates = req.options?.returnLeafStates ?? false;
    const leafOnly = req.options?.leafObservationsOnly ?? false;
    let start: EpisodeSnapshot | undefined;
    if (req.fromHandleId !== undefined) {
      const stored = this.states.get(req.fromHandleId);
      assertCompatible(stored.template, template);
      start = stored.snapshot;
    }
    if (start === undefined) assertStarted(session);
    return session.exclusive(() => {
      const run = new ExpandRun(this, session, leafStates, leafOnly, deadline);
      return start === undefined
        ? andThen(session.episode.snapshot(), (s) => run.all(s, sequences))
        : run.all(start, sequences);
    });
  }

  /**
   * The expert's plan from the session's state or a saved one. It runs on the scratch
   * instance, so the session's own episode is never touched.
   */
  expertPlan(req: ExpertPlanRequest): MaybePromise<ExpertPlanResponse> {
    const session = this.sessions.get(req.sessionId);
    const { template } = session;
    if (!template.spec.hasExpert) throw new EnvError("UNSUPPORTED", `${session.envId} has no expert`);
    let start: EpisodeSnapshot | undefined;
    if (req.fromHandleId !== undefined) {
      const stored = this.states.get(req.fromHandleId);
      assertCompatible(stored.template, template);
      start = stored.snapshot;
    }
    if (start === undefined && session.episode.phase !== "running") return { actions: [], reachesGoal: false };
    return session.exclusive(() =>
      andThen(start ?? session.episode.snapshot(), (snapshot) => {
        if (snapshot.phase !== "running") return { actions: [], reachesGoal: false };
        const scratch = session.scratch();
        return andThen(scratch.restore(snapshot), () =>
          andThen(scratch.env.expertPlan!(), (plan) => ({
            actions: (plan?.actions ?? []).map((kind) => ({ kind })),
            reachesGoal: plan?.reachesGoal ?? false,
          })),
        );
      }),
    );
  }

  /** Saves a snapshot under the state budget; used by CloneState and Expand. */
  hold(session: Session, snapshot: EpisodeSnapshot): { id: string; expiresAtMs: number } {
    const bytes = session.episode.env.stateSize(snapshot.env) + 64;
    const { id, expiresAt } = this.states.put(snapshot, session.template, bytes);
    return { id, expiresAtMs: expiresAt };
  }

  /** The error detail sent for any thrown value. */
  static errorDetail(err: unknown): ErrorDetail {
    const e = err instanceof EnvError ? err : new EnvError("INTERNAL", `internal error: ${(err as Error)?.message ?? String(err)}`);
    return { code: GRPC_CODE[e.reason], reason: toProtoReason(e.reason), message: e.message, retryable: e.retryable };
  }

  async close(): Promise<void> {
    await this.sessions.closeAll();
    this.states.clear();
  }

  // ---- internals ------------------------------------------------------------------------------

  validateAction(template: SessionTemplate, kind: Action | undefined, where = ""): asserts kind is Action {
    if (kind === undefined) throw new EnvError("INVALID_ACTION", `${where}the action has no kind set (index, text or json)`);
    const action = template.spec.actionSpec!;
    const accepted = template.acceptedKinds;
    if (!accepted.has(kind.$case)) {
      throw new EnvError(
        "INVALID_ACTION",
        `${where}${template.definition.id} does not accept ${kind.$case} actions; it accepts ${[...accepted].join(" or ")}`,
      );
    }
    if (kind.$case === "index") {
      const n = action.discreteNames.length;
      if (kind.index >= n) throw new EnvError("INVALID_ACTION", `${where}action index ${kind.index} is out of range 0..${n - 1}`);
    } else {
      const text = kind.$case === "text" ? kind.text : kind.json;
      if (text.length > this.limits.maxActionTextBytes) {
        throw new EnvError("INVALID_ACTION", `${where}the ${kind.$case} action is longer than ${this.limits.maxActionTextBytes} characters`);
      }
    }
  }

  private stepOne(req: StepRequest): MaybePromise<StepResult> {
    const session = this.sessions.get(req.sessionId);
    const kind = req.action?.kind;
    this.validateAction(session.template, kind);
    return session.exclusive(() =>
      andThen(session.episode.step(kind), (result) => {
        this.counters.steps++;
        return result;
      }),
    );
  }

  private batchItem(req: StepRequest): MaybePromise<BatchStepItem> {
    try {
      const result = this.stepOne(req);
      if (isPromise(result)) {
        return result.then(
          (r): BatchStepItem => ({ outcome: { $case: "result", result: r } }),
          (err): BatchStepItem => ({ outcome: { $case: "error", error: EnvEngine.errorDetail(err) } }),
        );
      }
      return { outcome: { $case: "result", result } };
    } catch (err) {
      return { outcome: { $case: "error", error: EnvEngine.errorDetail(err) } };
    }
  }

  private definition(envId: string): EnvDefinition {
    const definition = this.registry.peek(envId);
    if (definition === undefined) {
      throw new EnvError("ENV_NOT_FOUND", `unknown env id ${JSON.stringify(envId)}; this server runs: ${this.registry.ids().join(", ")}`);
    }
    return definition;
  }

  private template(
    definition: EnvDefinition,
    configJson: string,
    requestedKinds: ObservationKind[],
    maxStepsOverride: number | undefined,
  ): SessionTemplate {
    const raw = parseJsonObject(configJson, "config_json");
    const config = definition.parseConfig(raw);
    const described = definition.describe(config);
    for (const kind of requestedKinds) {
      if (!described.observationKinds.includes(kind)) {
        throw new EnvError("INVALID_ARGUMENT", `${definition.id} cannot produce ${kind} observations; it offers ${described.observationKinds.join(", ")}`);
      }
    }
    const observationKinds = requestedKinds.length > 0 ? [...new Set(requestedKinds)] : described.defaultObservationKinds;
    const maxSteps = maxStepsOverride ?? described.maxSteps;
    return {
      definition,
      config,
      configJson: JSON.stringify(raw),
      configKey: definition.configKey(config),
      observationKinds,
      maxSteps,
      acceptedKinds: new Set(described.action.kinds),
      cloneSupport: described.cloneSupport,
      spec: toProtoSpec({ ...described, maxSteps }),
    };
  }

  private seal(session: Session, snapshot: EpisodeSnapshot): Buffer {
    const { template } = session;
    const env = session.episode.env;
    if (env.encodeState === undefined) throw new EnvError("UNSUPPORTED", `${template.definition.id} cannot encode its state`);
    const state: PortableState = {
      envId: template.definition.id,
      configJson: template.configJson,
      observationKinds: [...template.observationKinds],
      maxSteps: template.maxSteps,
      phase: snapshot.phase,
      steps: snapshot.steps,
      terminated: snapshot.terminated,
      truncated: snapshot.truncated,
      envBytes: env.encodeState(snapshot.env),
    };
    return this.codec.seal(state);
  }

  /** Verifies portable bytes and rebuilds the template they were made under. */
  private unseal(bytes: Uint8Array): { template: SessionTemplate; state: PortableState } {
    const state = this.codec.open(bytes);
    if (!this.registry.has(state.envId)) {
      throw new EnvError("STATE_INCOMPATIBLE", `the state belongs to env ${JSON.stringify(state.envId)}, which this server does not run`);
    }
    const template = this.template(this.definition(state.envId), state.configJson, state.observationKinds, state.maxSteps);
    return { template, state };
  }

  private assertAccepting(): void {
    if (this.draining) throw new EnvError("SHUTTING_DOWN", "the server is shutting down and accepts no new sessions", true);
  }
}

/** One Expand call's work, kept apart so its loop stays monomorphic and simple. */
class ExpandRun {
  private readonly handles: string[] = [];
  private nodes = 0;
  /** Where the run is (sequence, action), to say where a rejected action was. */
  private sequence = 0;
  private action = 0;

  constructor(
    private readonly engine: EnvEngine,
    private readonly session: Session,
    private readonly leafStates: boolean,
    private readonly leafOnly: boolean,
    private readonly deadline: number,
  ) {}

  all(start: EpisodeSnapshot, sequences: ExpandRequest["sequences"]): MaybePromise<ExpandResponse> {
    assertSteppable(start);
    const branches: Branch[] = [];
    try {
      for (let i = 0; i < sequences.length; i++) {
        this.sequence = i;
        const branch = this.branch(start, sequences[i]!.actions);
        if (isPromise(branch)) return this.rest(start, sequences, branches, i, branch);
        branches.push(branch);
      }
    } catch (err) {
      this.abort();
      throw this.located(err);
    }
    this.engine.counters.expandNodes += this.nodes;
    return { branches };
  }

  private located(err: unknown): unknown {
    if (!(err instanceof EnvError) || err.reason !== "INVALID_ACTION") return err;
    return new EnvError(err.reason, `sequence ${this.sequence}, action ${this.action}: ${err.message}`, err.retryable);
  }

  /** The asynchronous continuation, used only by environments that return promises. */
  private async rest(
    start: EpisodeSnapshot,
    sequences: ExpandRequest["sequences"],
    branches: Branch[],
    from: number,
    first: Promise<Branch>,
  ): Promise<ExpandResponse> {
    try {
      branches.push(await first);
      for (let i = from + 1; i < sequences.length; i++) {
        this.sequence = i;
        branches.push(await this.branch(start, sequences[i]!.actions));
      }
    } catch (err) {
      this.abort();
      throw this.located(err);
    }
    this.engine.counters.expandNodes += this.nodes;
    return { branches };
  }

  private branch(start: EpisodeSnapshot, actions: ExpandRequest["sequences"][number]["actions"]): MaybePromise<Branch> {
    const scratch = this.session.scratch();
    const steps: StepResult[] = [];
    const loop = (from: number): MaybePromise<Branch> => {
      for (let j = from; j < actions.length; j++) {
        if ((this.nodes & 63) === 0 && Date.now() > this.deadline) {
          throw new EnvError("DEADLINE", "the call's deadline passed during Expand; nothing was kept");
        }
        this.action = j;
        const observed = !this.leafOnly || j === actions.length - 1;
        const r = scratch.step(actions[j]!.kind!, observed);
        if (isPromise(r)) {
          return r.then((res) => (this.record(steps, res) ? this.finish(steps, scratch, !observed) : loop(j + 1)));
        }
        if (this.record(steps, r)) return this.finish(steps, scratch, !observed);
      }
      return this.finish(steps, scratch, false);
    };
    return andThen(scratch.restore(start), () => loop(0));
  }

  /** Appends a step; true when the episode ended and the branch stops. */
  private record(steps: StepResult[], r: StepResult): boolean {
    this.nodes++;
    steps.push(r);
    return r.terminated || r.truncated;
  }

  /** Completes a branch: the leaf's observation if it was skipped, and its saved state if asked. */
  private finish(steps: StepResult[], scratch: Episode, leafUnobserved: boolean): MaybePromise<Branch> {
    const observed = leafUnobserved
      ? andThen(scratch.current(), (cur) => {
          const last = steps[steps.length - 1]!;
          steps[steps.length - 1] = { ...last, observation: cur.observation };
        })
      : undefined;
    return andThen(observed, () => {
      if (!this.leafStates) return { steps, leafState: undefined };
      return andThen(scratch.snapshot(), (snapshot) => {
        const handle = this.engine.hold(this.session, snapshot);
        this.handles.push(handle.id);
        return { steps, leafState: handle };
      });
    });
  }

  private abort(): void {
    this.engine.states.release(this.handles);
  }
}

/** Decodes the environment part of a portable state with the session's own instance. */
function decodeSnapshot(session: Session, state: PortableState): EpisodeSnapshot {
  const env = session.episode.env;
  if (env.decodeState === undefined) throw new EnvError("UNSUPPORTED", `${session.envId} cannot decode states`);
  return {
    env: env.decodeState(state.envBytes),
    phase: state.phase,
    steps: state.steps,
    terminated: state.terminated,
    truncated: state.truncated,
  };
}

/** Operations on the session's own state need an episode to exist. */
function assertStarted(session: Session): void {
  if (session.episode.phase === "created") {
    throw new EnvError("EPISODE_NOT_STARTED", "the episode has not started: call Reset first");
  }
}

function assertCompatible(state: SessionTemplate, session: SessionTemplate): void {
  if (state.definition.id !== session.definition.id) {
    throw new EnvError("STATE_INCOMPATIBLE", `the state belongs to ${state.definition.id}, the session runs ${session.definition.id}`);
  }
  if (state.configKey !== session.configKey) {
    throw new EnvError(
      "STATE_INCOMPATIBLE",
      `the state was made under config ${state.configKey}, the session runs ${session.configKey}; Fork it instead`,
    );
  }
}

function toKind(kind: number): ObservationKind {
  const k = fromProtoObservationKind(kind);
  if (k === undefined) throw new EnvError("INVALID_ARGUMENT", `observation kind ${kind} is not a valid ObservationKind`);
  return k;
}

function parseJsonObject(text: string, field: string): Record<string, unknown> {
  if (text.trim() === "") return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new EnvError("INVALID_ARGUMENT", `${field} is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new EnvError("INVALID_ARGUMENT", `${field} must be a JSON object, got ${Array.isArray(value) ? "an array" : typeof value}`);
  }
  return value as Record<string, unknown>;
}
