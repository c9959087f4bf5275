/**
 * Server-held saved states: opaque handles with a TTL, a count cap and a byte
 * budget, evicting the least recently used first.
 *
 * A handle id is `<server-id>.st-<n>-<tag>` (the server id lets a proxy route it;
 * see server-id.ts): n counts issued handles and tag is 128 bits of
 * HMAC(n) under a key this store draws at start, so ids cannot be guessed or
 * forged, and a handle that was issued here but is gone (expired, evicted,
 * released) is still told apart from one that never existed — STATE_EXPIRED vs
 * STATE_NOT_FOUND — without keeping tombstones.
 *
 * A handle belongs to the session family that made it (see Session.family);
 * other families are told it does not exist. Portable state bytes are how a
 * state is shared on purpose.
 *
 * The budget counts what a handle really keeps alive: the environment's estimate
 * of its snapshot, the entry itself, and — once per distinct template held — the
 * template (spec, config) it references.
 */
import { createHmac, randomBytes } from "node:crypto";
import { EnvError } from "../../adapters/contract.js";
import { quote } from "../../adapters/kit/clip.js";
import type { EpisodeSnapshot } from "./episode.js";
import { randomServerId, routedId, serverOf } from "./server-id.js";
import type { SessionTemplate } from "./templates.js";

export interface StoredState {
  readonly snapshot: EpisodeSnapshot;
  /** How to build a session that can hold this state (fork) and who may restore it. */
  readonly template: SessionTemplate;
  /** The session family allowed to use it. */
  readonly family: string;
  readonly bytes: number;
  expiresAt: number;
}

export interface StateStoreLimits {
  /** Time to live of a handle, ms. */
  ttlMs: number;
  /** Most handles held at once. */
  maxStates: number;
  /** Most bytes (as estimated) held at once. */
  maxBytes: number;
}

/** Per-handle overhead on top of the environment's own estimate: Map entry, id string, entry and snapshot objects. */
export const ENTRY_OVERHEAD_BYTES = 400;

const LOCAL_ID_PATTERN = /^st-([0-9a-z]{1,11})-([A-Za-z0-9_-]{22})$/;

export class StateStore {
  private readonly entries = new Map<string, StoredState>();
  private readonly idKey = randomBytes(32);
  private readonly templates = new Map<SessionTemplate, number>();
  private counter = 0;
  private heldBytes = 0;
  evictions = 0;

  constructor(
    readonly limits: StateStoreLimits,
    private readonly now: () => number = Date.now,
    /** Prefixes every handle id, so a proxy can route calls to this server. */
    readonly serverId: string = randomServerId(),
  ) {}

  get size(): number {
    return this.entries.size;
  }

  get bytes(): number {
    return this.heldBytes;
  }

  put(snapshot: EpisodeSnapshot, template: SessionTemplate, family: string, envBytes: number): { id: string; expiresAt: number } {
    const bytes = envBytes + ENTRY_OVERHEAD_BYTES;
    const templateCharge = this.templates.has(template) ? 0 : template.bytes;
    if (bytes + templateCharge > this.limits.maxBytes) {
      throw new EnvError("CAPACITY", `a state of ${bytes + templateCharge} bytes exceeds the server's state budget of ${this.limits.maxBytes} bytes`);
    }
    const id = this.issue();
    const expiresAt = this.now() + this.limits.ttlMs;
    this.entries.set(id, { snapshot, template, family, bytes, expiresAt });
    this.heldBytes += bytes;
    this.retain(template);
    this.evictOverBudget();
    return { id, expiresAt };
  }

  /**
   * The state behind a handle, marking it recently used; throws STATE_NOT_FOUND /
   * STATE_EXPIRED. With `family`, a handle of another family is reported as not found.
   */
  get(id: string, family?: string): StoredState {
    const entry = this.entries.get(id);
    if (entry === undefined || (family !== undefined && entry.family !== family)) throw this.missing(id);
    if (entry.expiresAt <= this.now()) {
      this.remove(id, entry);
      throw new EnvError("STATE_EXPIRED", `state ${id} expired (TTL ${this.limits.ttlMs} ms)`);
    }
    // Re-inserting moves the key to the end of the Map's order: the LRU position.
    this.entries.delete(id);
    this.entries.set(id, entry);
    return entry;
  }

  /** Drops handles; returns how many were still held. */
  release(ids: readonly string[]): number {
    let released = 0;
    for (const id of ids) {
      const entry = this.entries.get(id);
      if (entry !== undefined) {
        this.remove(id, entry);
        released++;
      }
    }
    return released;
  }

  /** Removes expired handles; returns how many. */
  sweep(): number {
    const now = this.now();
    let removed = 0;
    for (const [id, entry] of this.entries) {
      if (entry.expiresAt <= now) {
        this.remove(id, entry);
        removed++;
      }
    }
    return removed;
  }

  clear(): void {
    this.entries.clear();
    this.templates.clear();
    this.heldBytes = 0;
  }

  private issue(): string {
    const n = (this.counter++).toString(36);
    return routedId(this.serverId, `st-${n}-${this.tag(n)}`);
  }

  private tag(n: string): string {
    return createHmac("sha256", this.idKey).update(n).digest().subarray(0, 16).toString("base64url");
  }

  private retain(template: SessionTemplate): void {
    const refs = this.templates.get(template);
    if (refs === undefined) this.heldBytes += template.bytes;
    this.templates.set(template, (refs ?? 0) + 1);
  }

  private evictOverBudget(): void {
    const { maxStates, maxBytes } = this.limits;
    while (this.entries.size > maxStates || this.heldBytes > maxBytes) {
      const oldest = this.entries.keys().next();
      if (oldest.done) return;
      this.remove(oldest.value, this.entries.get(oldest.value)!);
      this.evictions++;
    }
  }

  private remove(id: string, entry: StoredState): void {
    this.entries.delete(id);
    this.heldBytes -= entry.bytes;
    const refs = this.templates.get(entry.template)! - 1;
    if (refs > 0) this.templates.set(entry.template, refs);
    else {
      this.templates.delete(entry.template);
      this.heldBytes -= entry.template.bytes;
    }
  }

  private missing(id: string): EnvError {
    const match = serverOf(id) === this.serverId ? LOCAL_ID_PATTERN.exec(id.slice(this.serverId.length + 1)) : null;
    if (match && !this.entries.has(id) && match[2] === this.tag(match[1]!)) {
      return new EnvError(
        "STATE_EXPIRED",
        `state ${id} is no longer held (expired, released, or evicted under the state budget); clone it again`,
      );
    }
    return new EnvError("STATE_NOT_FOUND", `state ${quote(id)} was not issued by this server, or not to this session`);
  }
}
