/**
 * Typed, promise-based client of the environment service.
 *
 * Talks to one or more servers. Sessions and saved states live on the server
 * that made them, so every RemoteSession and StateRef remembers its server and
 * calls go there; new sessions are spread over the servers (fewest sessions
 * first). Stateless calls (ListEnvs) go to any server.
 *
 * Behind a proxy (one address, many servers) every call about a session or state
 * also carries its routing key (route.ts), so the proxy finds the server.
 */
import { credentials as grpcCredentials, Metadata, type CallOptions, type ChannelCredentials, type ServiceError } from "@grpc/grpc-js";
import {
  EnvServiceClient,
  type BatchStepResponse,
  type CreateSessionResponse,
  type ExpandOptions,
} from "../../gen/ts/dynamind/env/v1/env_service_pb.js";
import { ObservationKind, type Action, type EnvSpec, type ObservationOptions, type StateHandle, type StepResult } from "../../gen/ts/dynamind/env/v1/types_pb.js";
import { fromAction, toAction, type ActionInput } from "./actions.js";
import { DynamindError } from "./errors.js";
import { toStep, type Step } from "./results.js";
import { toObservationOptions, ValidActionsCache, type ObservationChoice } from "./observation-options.js";
import { ReplyHolds, type DeltaCounts, type Held } from "./observation-deltas.js";
import { ROUTE_HEADER, routeOf, routeOfRequest, routeTo } from "./route.js";
import { StreamChannel } from "./stream-channel.js";
import { StreamHolds } from "./stream-holds.js";

export interface ClientOptions {
  /** One or more "host:port" addresses. */
  addresses: string | string[];
  /** Bearer token, when the servers require one. */
  token?: string;
  /** PEM root certificate(s) to dial TLS; plaintext when absent. */
  tlsRootCert?: Buffer;
  /** Default per-call deadline, ms. */
  timeoutMs?: number;
}

/** A saved state on a particular server. */
export interface StateRef {
  id: string;
  expiresAtMs: number;
  /** Signed portable bytes, when they were asked for. */
  portable?: Uint8Array;
  readonly server: number;
}

export interface SessionOptions {
  config?: Record<string, unknown>;
  observationKinds?: ("text" | "image" | "ui_elements")[];
  maxSteps?: number;
  /** What replies about this session carry (default: everything); calls may override it. */
  observation?: ObservationChoice;
  /**
   * Behind a proxy: create the session on this server (a server id, or an id it issued),
   * e.g. the one that owns an Android device. Otherwise the proxy picks.
   */
  route?: string;
}

export interface ExpandBranch {
  steps: Step[];
  leaf?: StateRef;
}

const KIND = {
  text: ObservationKind.OBSERVATION_KIND_TEXT,
  image: ObservationKind.OBSERVATION_KIND_IMAGE,
  ui_elements: ObservationKind.OBSERVATION_KIND_UI_ELEMENTS,
} as const;

type Callback<Res> = (err: ServiceError | null, res?: Res) => void;
type UnaryMethod<Req, Res> = (req: Req, metadata: Metadata, options: Partial<CallOptions>, cb: Callback<Res>) => unknown;

export class EnvClient {
  /** Valid-action lists received, by hash (sessions with validActions: "changed"). */
  readonly validActions = new ValidActionsCache();
  /** Texts and valid-action lists rebuilt from deltas (sessions with observation.deltas). */
  readonly deltasApplied: DeltaCounts = { text: 0, validActions: 0 };
  readonly stubs: EnvServiceClient[];
  private readonly metadata: Metadata;
  private readonly sessionsPerServer: number[];
  private readonly timeoutMs: number;

  constructor(options: ClientOptions | string) {
    const opts = typeof options === "string" ? { addresses: options } : options;
    const addresses = Array.isArray(opts.addresses) ? opts.addresses : [opts.addresses];
    if (addresses.length === 0) throw new Error("EnvClient needs at least one address");
    const creds: ChannelCredentials = opts.tlsRootCert ? grpcCredentials.createSsl(opts.tlsRootCert) : grpcCredentials.createInsecure();
    this.stubs = addresses.map(
      (a) =>
        new EnvServiceClient(a, creds, {
          "grpc.max_receive_message_length": 512 * 1024 * 1024,
          "grpc.max_send_message_length": 64 * 1024 * 1024,
        }),
    );
    this.metadata = new Metadata();
    if (opts.token !== undefined) this.metadata.set("authorization", `Bearer ${opts.token}`);
    this.sessionsPerServer = addresses.map(() => 0);
    this.timeoutMs = opts.timeoutMs ?? 60_000;
  }

  /**
   * Calls a unary method on one server and turns its status into a DynamindError.
   * The request's routing key (its session's or handle's server id) goes with it.
   */
  call<Req, Res>(server: number, name: string, req: Req, timeoutMs = this.timeoutMs, route = routeOfRequest(req)): Promise<Res> {
    const stub = this.stubs[server]!;
    const method = (stub as unknown as Record<string, UnaryMethod<Req, Res>>)[name]!;
    const metadata = this.routed(route);
    return new Promise<Res>((resolve, reject) => {
      method.call(stub, req, metadata, { deadline: Date.now() + timeoutMs }, (err, res) => {
        if (err) reject(DynamindError.fromServiceError(err));
        else resolve(res!);
      });
    });
  }

  async listEnvs(): Promise<EnvSpec[]> {
    return (await this.call<object, { envs: EnvSpec[] }>(0, "listEnvs", {})).envs;
  }

  async createSession(envId: string, options: SessionOptions = {}): Promise<RemoteSession> {
    const server = this.leastLoaded();
    // Count the session before the reply, so concurrent creations spread too.
    this.sessionsPerServer[server]!++;
    try {
      const res = await this.call<object, CreateSessionResponse>(server, "createSession", {
        envId,
        configJson: options.config === undefined ? "" : JSON.stringify(options.config),
        observationKinds: (options.observationKinds ?? []).map((k) => KIND[k]),
        maxSteps: options.maxSteps,
        observationOptions: toObservationOptions(options.observation),
      }, this.timeoutMs, options.route === undefined ? undefined : routeTo(options.route));
      return new RemoteSession(this, server, res.sessionId, res.spec!);
    } catch (err) {
      this.sessionsPerServer[server]!--;
      throw err;
    }
  }

  /** Opens a session from a saved state (on the state's server) or from portable bytes (anywhere). */
  async fork(from: StateRef | Uint8Array): Promise<RemoteSession> {
    const isBytes = from instanceof Uint8Array;
    const server = isBytes ? this.leastLoaded() : from.server;
    const source = isBytes
      ? { $case: "portableState" as const, portableState: Buffer.from(from) }
      : { $case: "handleId" as const, handleId: from.id };
    return this.forked(server, await this.call(server, "fork", { source }));
  }

  /** @internal */
  forked(server: number, res: { sessionId: string; spec?: EnvSpec; result?: unknown }): RemoteSession {
    this.sessionsPerServer[server]!++;
    const session = new RemoteSession(this, server, res.sessionId, res.spec!);
    // The forked state's observation: what the new session holds from the start.
    if (res.result !== undefined) session.initial = session.received(res.result as StepResult);
    return session;
  }

  /** Drops saved states early. */
  async release(states: StateRef[]): Promise<number> {
    let released = 0;
    for (const group of groupBy(states, (s) => `${s.server} ${routeOf(s.id) ?? ""}`).values()) {
      const server = group[0]!.server;
      released += (await this.call<object, { released: number }>(server, "releaseState", { handleIds: group.map((s) => s.id) })).released;
    }
    return released;
  }

  /**
   * Steps many sessions, one BatchStep per server (per routing key behind a proxy), in
   * parallel. Results come back in input order; a failed item is a DynamindError in its
   * place instead of a Step.
   */
  async batchStep(items: { session: RemoteSession; action: ActionInput }[]): Promise<(Step | DynamindError)[]> {
    const out: (Step | DynamindError)[] = new Array(items.length);
    const byServer = groupBy(
      items.map((item, i) => ({ ...item, i })),
      (x) => `${x.session.server} ${routeOf(x.session.id) ?? ""}`,
    );
    await Promise.all(
      [...byServer.values()].map(async (group) => {
        const server = group[0]!.session.server;
        const res = await this.call<object, BatchStepResponse>(server, "batchStep", {
          steps: group.map((g) => ({ sessionId: g.session.id, action: toAction(g.action), ...g.session.asked() })),
        });
        // One memory for the reply: an item may build on a text or list sent by an item before it.
        const holds = this.replyHolds();
        res.items.forEach((item, k) => {
          const o = item.outcome;
          out[group[k]!.i] = o?.$case === "result" ? group[k]!.session.received(o.result, holds) : DynamindError.fromDetail(o!.error);
        });
      }),
    );
    return out;
  }

  /**
   * A pipelined Connect stream to one server, with at most `window` requests in flight.
   * With `bindSessions`, sessions created or forked on the stream are closed by the
   * server when the stream ends (a crashed agent leaves nothing behind). Behind a proxy
   * a stream stays on one server: `route` (a session's or handle's id, or a server id)
   * picks which; without it the proxy picks, and only sessions made on the stream are
   * sure to be on its server.
   */
  stream(server = 0, window = 256, options: { bindSessions?: boolean; route?: string } = {}): StreamChannel {
    const route = options.route === undefined ? undefined : routeTo(options.route);
    const metadata = this.metadata.clone();
    if (route !== undefined) metadata.set(ROUTE_HEADER, route);
    if (options.bindSessions) metadata.set("dynamind-session-scope", "stream");
    const holds = new StreamHolds(() => this.replyHolds(), (hash, list) => this.validActions.put(hash, list as string[]));
    return new StreamChannel(this.stubs[server]!.connect(metadata), window, holds);
  }

  /** @internal What the client holds while it reads one reply; lists it was sent before count too. */
  replyHolds(): ReplyHolds {
    return new ReplyHolds((hash) => this.validActions.get(hash), this.deltasApplied);
  }

  /** @internal */
  sessionClosed(server: number): void {
    this.sessionsPerServer[server]!--;
  }

  close(): void {
    for (const stub of this.stubs) stub.close();
  }

  /** The call metadata with `route` added; the shared metadata when there is none. */
  private routed(route: string | undefined): Metadata {
    if (route === undefined) return this.metadata;
    const metadata = this.metadata.clone();
    metadata.set(ROUTE_HEADER, route);
    return metadata;
  }

  private leastLoaded(): number {
    let best = 0;
    for (let i = 1; i < this.sessionsPerServer.length; i++) if (this.sessionsPerServer[i]! < this.sessionsPerServer[best]!) best = i;
    return best;
  }
}

/** One environment session on one server. */
export class RemoteSession {
  constructor(
    readonly client: EnvClient,
    readonly server: number,
    readonly id: string,
    readonly spec: EnvSpec,
  ) {}

  /** For forked sessions: the observation at the forked state. */
  initial: Step | undefined;

  /** @internal Continues `plain` (a wrapper taking over a session): its first observation and what it holds. */
  adopt(plain: RemoteSession): void {
    this.initial = plain.initial;
    this.held = { ...plain.held };
  }

  /**
   * The valid-action list and text this session last got, quoted by hash so the server need
   * not resend them (valid actions "changed") or can send deltas against them (deltas).
   */
  private held: Held = {};

  /** `observation` replaces the session's observation options for this call. */
  async reset(seed?: number, options?: Record<string, unknown>, observation?: ObservationChoice): Promise<Step> {
    const res = await this.client.call<object, { result: never }>(this.server, "reset", {
      sessionId: this.id,
      seed,
      optionsJson: options === undefined ? "" : JSON.stringify(options),
      ...this.asked(observation),
    });
    return this.received(res.result);
  }

  async step(action: ActionInput, observation?: ObservationChoice): Promise<Step> {
    const res = await this.client.call<object, { result: never }>(this.server, "step", { sessionId: this.id, action: toAction(action), ...this.asked(observation) });
    return this.received(res.result);
  }

  /** The per-call observation fields of a request. */
  asked(observation?: ObservationChoice): { observationOptions?: ObservationOptions; knownValidActionsHash?: number; knownTextHash?: number } {
    return { observationOptions: toObservationOptions(observation), knownValidActionsHash: this.held.listHash, knownTextHash: this.held.textHash };
  }

  /** A reply's result made whole (deltas applied, valid actions filled in); what it holds becomes this session's. */
  received(r: StepResult | undefined, holds = this.client.replyHolds()): Step {
    holds.hold(this.held);
    const now = holds.complete(r);
    if (now.listHash !== undefined) {
      this.held.listHash = now.listHash;
      this.held.list = now.list;
      this.client.validActions.put(now.listHash, now.list as string[]);
    }
    if (now.textHash !== undefined) {
      this.held.textHash = now.textHash;
      this.held.text = now.text;
    } else if (r?.observation !== undefined) {
      // A reply without a text hash (deltas off for this call): the server's base moved on.
      this.held.textHash = undefined;
      this.held.text = undefined;
    }
    return toStep(r);
  }

  /** Saves the current state on the server (and as portable bytes when asked). */
  async clone(portable = false): Promise<StateRef> {
    const res = await this.client.call<object, { handle: StateHandle; portableState: Buffer }>(this.server, "cloneState", {
      sessionId: this.id,
      portable,
    });
    return {
      id: res.handle.id,
      expiresAtMs: res.handle.expiresAtMs,
      portable: portable ? new Uint8Array(res.portableState) : undefined,
      server: this.server,
    };
  }

  /** Returns to a saved state (a handle from this server, or portable bytes from any server sharing the key). */
  async restore(state: StateRef | Uint8Array, observation?: ObservationChoice): Promise<Step> {
    let source;
    if (state instanceof Uint8Array) source = { $case: "portableState", portableState: Buffer.from(state) };
    else if (state.server === this.server) source = { $case: "handleId", handleId: state.id };
    else if (state.portable) source = { $case: "portableState", portableState: Buffer.from(state.portable) };
    else throw new Error(`state ${state.id} is held by server ${state.server}, this session is on server ${this.server}; clone it as portable`);
    const res = await this.client.call<object, { result: never }>(this.server, "restoreState", { sessionId: this.id, source, ...this.asked(observation) });
    return this.received(res.result);
  }

  /** A new session (on this server) starting from this session's current state. */
  async fork(): Promise<RemoteSession> {
    return this.client.forked(this.server, await this.client.call(this.server, "fork", { source: { $case: "sessionId", sessionId: this.id } }));
  }

  /** Runs each action sequence from the current state (or `from`), leaving this session untouched. */
  async expand(
    sequences: ActionInput[][],
    options: Partial<Pick<ExpandOptions, "returnLeafStates" | "leafObservationsOnly">> & { from?: StateRef; observation?: ObservationChoice } = {},
  ): Promise<ExpandBranch[]> {
    const res = await this.client.call<object, { branches: { steps: never[]; leafState?: StateHandle }[] }>(this.server, "expand", {
      sessionId: this.id,
      fromHandleId: options.from?.id,
      sequences: sequences.map((seq) => ({ actions: seq.map(toAction) })),
      options: {
        returnLeafStates: options.returnLeafStates ?? false,
        leafObservationsOnly: options.leafObservationsOnly ?? false,
        observationOptions: toObservationOptions(options.observation),
        knownValidActionsHash: this.held.listHash,
        knownTextHash: this.held.textHash,
      },
    });
    // Rebuilt in reply order: a list or text the server sent once serves the nodes after it.
    // Expand leaves the session where it was, so what it holds stays what it was.
    const holds = this.client.replyHolds();
    holds.hold(this.held);
    const cache = this.client.validActions;
    return res.branches.map((b) => ({
      steps: b.steps.map((s: StepResult) => {
        const now = holds.complete(s);
        if (now.listHash !== undefined) cache.put(now.listHash, now.list as string[]);
        return toStep(s);
      }),
      leaf: b.leafState ? { id: b.leafState.id, expiresAtMs: b.leafState.expiresAtMs, server: this.server } : undefined,
    }));
  }

  /** The environment expert's plan from the current state (or `from`); the session is untouched. */
  async expertPlan(from?: StateRef): Promise<{ actions: ActionInput[]; reachesGoal: boolean }> {
    const res = await this.client.call<object, { actions: Action[]; reachesGoal: boolean }>(this.server, "expertPlan", {
      sessionId: this.id,
      fromHandleId: from?.id,
    });
    return { actions: res.actions.map(fromAction), reachesGoal: res.reachesGoal };
  }

  async close(): Promise<void> {
    await this.client.call(this.server, "closeSession", { sessionId: this.id });
    this.client.sessionClosed(this.server);
  }
}

function groupBy<T, K>(items: T[], key: (t: T) => K): Map<K, T[]> {
  const m = new Map<K, T[]>();
  for (const it of items) {
    const k = key(it);
    const list = m.get(k);
    if (list) list.push(it);
    else m.set(k, [it]);
  }
  return m;
}
