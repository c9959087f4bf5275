/**
 * Server-held saved states: opaque handles with a TTL, a count cap and a byte
 * budget, evicting the least recently used first.
 *
 * Handle ids embed this store's epoch and a counter, so a handle that was
 * issued here but is gone (expired, evicted, released) is told apart from one
 * that never existed — STATE_EXPIRED vs STATE_NOT_FOUND — without keeping
 * tombstones.
 */
import { randomBytes } from "node:crypto";
import { EnvError } from "../../adapters/contract.js";
import type { EpisodeSnapshot } from "./episode.js";
import type { SessionTemplate } from "./session.js";

export interface StoredState {
  readonly snapshot: EpisodeSnapshot;
  /** How to build a session that can hold this state (fork) and who may restore it. */
  readonly template: SessionTemplate;
  readonly bytes: number;
  expiresAt: number;
}

export interface StateStoreLimits {
  /** Time to live of a handle, ms. */
  ttlMs: number;
  /** Most handles held at once. */
  maxStates: number;
  /** Most bytes (as estimated by environments) held at once. */
  maxBytes: number;
}

/** Per-handle overhead on top of the environment's own estimate (Map entry, objects). */
const ENTRY_OVERHEAD_BYTES = 160;

export class StateStore {
  private readonly entries = new Map<string, StoredState>();
  private readonly epoch = randomBytes(4).toString("hex");
  private counter = 0;
  private heldBytes = 0;
  evictions = 0;

  constructor(
    readonly limits: StateStoreLimits,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  get bytes(): number {
    return this.heldBytes;
  }

  put(snapshot: EpisodeSnapshot, template: SessionTemplate, envBytes: number): { id: string; expiresAt: number } {
    const bytes = envBytes + ENTRY_OVERHEAD_BYTES;
    if (bytes > this.limits.maxBytes) {
      throw new EnvError("CAPACITY", `a state of ${bytes} bytes exceeds the server's state budget of ${this.limits.maxBytes} bytes`);
    }
    const id = `st-${this.epoch}-${(this.counter++).toString(36)}`;
    const expiresAt = this.now() + this.limits.ttlMs;
    this.entries.set(id, { snapshot, template, bytes, expiresAt });
    this.heldBytes += bytes;
    this.evictOverBudget();
    return { id, expiresAt };
  }

  /** The state behind a handle, marking it recently used; throws STATE_NOT_FOUND / STATE_EXPIRED. */
  get(id: string): StoredState {
    const entry = this.entries.get(id);
    if (entry === undefined) throw this.missing(id);
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
    this.heldBytes = 0;
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
  }

  private missing(id: string): EnvError {
    const match = /^st-([0-9a-f]{8})-([0-9a-z]+)$/.exec(id);
    if (match && match[1] === this.epoch && parseInt(match[2]!, 36) < this.counter) {
      return new EnvError(
        "STATE_EXPIRED",
        `state ${id} is no longer held (expired, released, or evicted under the state budget); clone it again`,
      );
    }
    return new EnvError("STATE_NOT_FOUND", `state ${JSON.stringify(id.slice(0, 80))} was not issued by this server`);
  }
}
