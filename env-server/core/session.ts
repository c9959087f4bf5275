/**
 * Sessions: one environment instance each, with their episode, and the manager
 * that caps how many exist and reaps idle ones (on by default: a client that
 * vanishes without CloseSession must not hold a slot forever).
 */
import { randomUUID } from "node:crypto";
import { EnvError, type Action, type ObservationRequest } from "../../adapters/contract.js";
import type { StepResult } from "../../gen/ts/dynamind/env/v1/types_pb.js";
import { quote } from "../../adapters/kit/clip.js";
import { Episode } from "./episode.js";
import type { MaybePromise } from "./maybe-promise.js";
import { randomServerId, routedId, serverOf } from "./server-id.js";
import type { SessionTemplate } from "./templates.js";

export type { SessionTemplate };

const noop = (): void => {};

export class Session {
  lastUsedAt: number;
  /** Whether Reset ever ran: sessions that never start are reaped sooner. */
  started = false;
  private tail: Promise<void> | undefined;
  /** A second instance for Expand, so branches never touch the session's own episode. */
  private scratchEpisode: Episode | undefined;

  constructor(
    readonly id: string,
    readonly template: SessionTemplate,
    readonly episode: Episode,
    now: number,
    /** Who created it, for per-client caps. */
    readonly client: string,
    /**
     * Sessions descended from one CreateSession (through Fork) share a family; a
     * server-held state handle works only in sessions of the family that made it.
     */
    readonly family: string,
  ) {
    this.lastUsedAt = now;
  }

  get envId(): string {
    return this.template.definition.id;
  }

  scratch(): Episode {
    this.scratchEpisode ??= createEpisode(this.template);
    return this.scratchEpisode;
  }

  /**
   * Runs `fn` after any asynchronous operation already running on this session, so
   * calls on one session never interleave. Synchronous environments run inline.
   */
  exclusive<T>(fn: () => MaybePromise<T>): MaybePromise<T> {
    if (this.tail === undefined) {
      const value = fn();
      if (value instanceof Promise) this.track(value);
      return value;
    }
    const next = this.tail.then(fn);
    this.track(next);
    return next;
  }

  /**
   * One step under {@link exclusive}, without the closures exclusive takes (BatchStep's
   * per-item path): inline when nothing runs on the session, queued otherwise.
   */
  step(action: Action, request: ObservationRequest): MaybePromise<StepResult> {
    if (this.tail === undefined) {
      const value = this.episode.step(action, true, request);
      if (value instanceof Promise) this.track(value);
      return value;
    }
    const next = this.tail.then(() => this.episode.step(action, true, request));
    this.track(next);
    return next;
  }

  async close(): Promise<void> {
    await this.tail;
    await this.episode.env.close?.();
    await this.scratchEpisode?.env.close?.();
  }

  private track(p: Promise<unknown>): void {
    const settled = p.then(noop, noop);
    this.tail = settled;
    void settled.then(() => {
      if (this.tail === settled) this.tail = undefined;
    });
  }
}

export function createEpisode(template: SessionTemplate): Episode {
  return new Episode(template.definition.create(template.config), template.maxSteps, template.defaultView.request);
}

export interface SessionLimits {
  maxSessions: number;
  maxSessionsPerClient: number;
  /** Sessions unused for this long are closed; 0 disables the reaper. */
  idleTimeoutMs: number;
  /** The same for sessions never reset (0 = use idleTimeoutMs). */
  unstartedIdleTimeoutMs: number;
}

export class SessionManager {
  private readonly sessions = new Map<string, Session>();
  private readonly perClient = new Map<string, number>();

  constructor(
    readonly limits: SessionLimits,
    private readonly now: () => number = Date.now,
    /** Prefixes every session id, so a proxy can route calls to this server. */
    readonly serverId: string = randomServerId(),
  ) {}

  get size(): number {
    return this.sessions.size;
  }

  /** A new session; `family` is the family to join (Fork), else the session starts its own. */
  create(template: SessionTemplate, client: string, family?: string): Session {
    if (this.sessions.size >= this.limits.maxSessions) {
      throw new EnvError(
        "CAPACITY",
        `the server holds its maximum of ${this.limits.maxSessions} sessions; close some or retry later`,
        true,
      );
    }
    const held = this.perClient.get(client) ?? 0;
    if (held >= this.limits.maxSessionsPerClient) {
      throw new EnvError(
        "CAPACITY",
        `this client holds its maximum of ${this.limits.maxSessionsPerClient} sessions; close some or retry later`,
        true,
      );
    }
    const id = routedId(this.serverId, randomUUID());
    const session = new Session(id, template, createEpisode(template), this.now(), client, family ?? id);
    this.sessions.set(id, session);
    this.perClient.set(client, held + 1);
    return session;
  }

  /** The session if it exists, without touching its idle clock. */
  peek(id: string): Session | undefined {
    return this.sessions.get(id);
  }

  /** The clock sessions' idle times are kept on (BatchStep reads it once per call). */
  clock(): number {
    return this.now();
  }

  get(id: string): Session {
    return this.getAt(id, this.now());
  }

  /** {@link get} with the time given by the caller. */
  getAt(id: string, now: number): Session {
    const session = this.sessions.get(id);
    if (session === undefined) {
      const owner = serverOf(id);
      if (owner !== undefined && owner !== this.serverId) {
        // Misrouted, not lost: say so, or an operator chases idle timeouts instead of a proxy map.
        throw new EnvError(
          "SESSION_NOT_FOUND",
          `session ${quote(id)} belongs to server ${owner}, not this one (${this.serverId}): route calls by the x-dynamind-route header`,
        );
      }
      throw new EnvError("SESSION_NOT_FOUND", `session ${quote(id)} does not exist (closed, reaped as idle, or never created)`);
    }
    session.lastUsedAt = now;
    return session;
  }

  /** Removes the session at once; its environment is closed in the background. */
  close(id: string): Promise<void> {
    const session = this.get(id);
    this.remove(session);
    return session.close();
  }

  /** Closes sessions idle past the limit; returns their ids. */
  reapIdle(): string[] {
    const { idleTimeoutMs, unstartedIdleTimeoutMs } = this.limits;
    if (idleTimeoutMs <= 0) return [];
    const now = this.now();
    const cutoff = now - idleTimeoutMs;
    const unstartedCutoff = unstartedIdleTimeoutMs > 0 ? now - Math.min(unstartedIdleTimeoutMs, idleTimeoutMs) : cutoff;
    const reaped: string[] = [];
    for (const [id, session] of this.sessions) {
      if (session.lastUsedAt < (session.started ? cutoff : unstartedCutoff)) {
        this.remove(session);
        reaped.push(id);
        void session.close().catch(noop);
      }
    }
    return reaped;
  }

  async closeAll(): Promise<void> {
    const all = [...this.sessions.values()];
    this.sessions.clear();
    this.perClient.clear();
    await Promise.allSettled(all.map((s) => s.close()));
  }

  private remove(session: Session): void {
    if (!this.sessions.delete(session.id)) return;
    const held = (this.perClient.get(session.client) ?? 1) - 1;
    if (held <= 0) this.perClient.delete(session.client);
    else this.perClient.set(session.client, held);
  }

  countByEnv(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const s of this.sessions.values()) counts.set(s.envId, (counts.get(s.envId) ?? 0) + 1);
    return counts;
  }
}
