/**
 * Sessions: one environment instance each, with their episode, and the manager
 * that caps how many exist and reaps idle ones (on by default: a client that
 * vanishes without CloseSession must not hold a slot forever).
 */
import { randomUUID } from "node:crypto";
import { EnvError, type ActionKind, type CloneSupport, type EnvDefinition, type ObservationKind } from "../../adapters/contract.js";
import type { EnvSpec } from "../../gen/ts/dynamind/env/v1/types_pb.js";
import { Episode } from "./episode.js";
import type { MaybePromise } from "./maybe-promise.js";

/** Everything needed to build an equivalent session: used by Fork and to check state compatibility. */
export interface SessionTemplate {
  readonly definition: EnvDefinition;
  /** The parsed config. */
  readonly config: unknown;
  /** The config as given (canonical JSON), carried in portable states so another server can rebuild it. */
  readonly configJson: string;
  /** States are interchangeable between sessions with the same env id and config key. */
  readonly configKey: string;
  readonly observationKinds: readonly ObservationKind[];
  readonly maxSteps: number;
  /** Action kinds the environment accepts (checked before it sees an action). */
  readonly acceptedKinds: ReadonlySet<ActionKind>;
  /** From the spec, kept here because CloneState asks on every call. */
  readonly cloneSupport: CloneSupport;
  /** The spec as sent to clients. */
  readonly spec: EnvSpec;
}

const noop = (): void => {};

export class Session {
  lastUsedAt: number;
  private tail: Promise<void> | undefined;
  /** A second instance for Expand, so branches never touch the session's own episode. */
  private scratchEpisode: Episode | undefined;

  constructor(
    readonly id: string,
    readonly template: SessionTemplate,
    readonly episode: Episode,
    now: number,
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
  const kinds = template.observationKinds;
  return new Episode(template.definition.create(template.config), template.maxSteps, {
    text: kinds.includes("text"),
    image: kinds.includes("image"),
    uiElements: kinds.includes("ui_elements"),
  });
}

export interface SessionLimits {
  maxSessions: number;
  /** Sessions unused for this long are closed; 0 disables the reaper. */
  idleTimeoutMs: number;
}

export class SessionManager {
  private readonly sessions = new Map<string, Session>();

  constructor(
    readonly limits: SessionLimits,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.sessions.size;
  }

  create(template: SessionTemplate): Session {
    if (this.sessions.size >= this.limits.maxSessions) {
      throw new EnvError(
        "CAPACITY",
        `the server holds its maximum of ${this.limits.maxSessions} sessions; close some or retry later`,
        true,
      );
    }
    const session = new Session(randomUUID(), template, createEpisode(template), this.now());
    this.sessions.set(session.id, session);
    return session;
  }

  get(id: string): Session {
    const session = this.sessions.get(id);
    if (session === undefined) {
      throw new EnvError("SESSION_NOT_FOUND", `session ${JSON.stringify(id.slice(0, 80))} does not exist (closed, reaped as idle, or never created)`);
    }
    session.lastUsedAt = this.now();
    return session;
  }

  /** Removes the session at once; its environment is closed in the background. */
  close(id: string): Promise<void> {
    const session = this.get(id);
    this.sessions.delete(id);
    return session.close();
  }

  /** Closes sessions idle past the limit; returns their ids. */
  reapIdle(): string[] {
    if (this.limits.idleTimeoutMs <= 0) return [];
    const cutoff = this.now() - this.limits.idleTimeoutMs;
    const reaped: string[] = [];
    for (const [id, session] of this.sessions) {
      if (session.lastUsedAt < cutoff) {
        this.sessions.delete(id);
        reaped.push(id);
        void session.close().catch(noop);
      }
    }
    return reaped;
  }

  async closeAll(): Promise<void> {
    const all = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.allSettled(all.map((s) => s.close()));
  }

  countByEnv(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const s of this.sessions.values()) counts.set(s.envId, (counts.get(s.envId) ?? 0) + 1);
    return counts;
  }
}
