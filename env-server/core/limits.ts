/** What the engine allows per call and in all; every value has a server flag. */
export interface EngineLimits {
  maxSessions: number;
  /** Sessions one client (peer address, or in-process caller) may hold at once. */
  maxSessionsPerClient: number;
  idleTimeoutMs: number;
  /** Idle limit for sessions that were never reset: cheap to create, so reaped sooner. */
  unstartedIdleTimeoutMs: number;
  stateTtlMs: number;
  maxStates: number;
  maxStateBytes: number;
  maxBatchSize: number;
  maxExpandSequences: number;
  /**
   * Actions in one Expand. Decoding them holds the event loop (~1 µs per text action,
   * before any check of ours can run), so this bounds a stall every client shares.
   */
  maxExpandActions: number;
  /**
   * Largest Expand reply, bytes (estimated before the work and counted during it); below the send limit.
   * Encoding the reply holds the event loop too (~10 ns a byte).
   */
  maxExpandReplyBytes: number;
  maxActionTextBytes: number;
  /** Largest episode step budget a session may ask for (the config caps agree). */
  maxStepsCap: number;
}

export const DEFAULT_LIMITS: EngineLimits = {
  maxSessions: 4096,
  maxSessionsPerClient: 1024,
  idleTimeoutMs: 10 * 60_000,
  unstartedIdleTimeoutMs: 60_000,
  stateTtlMs: 10 * 60_000,
  maxStates: 1_000_000,
  maxStateBytes: 512 * 1024 * 1024,
  maxBatchSize: 16_384,
  maxExpandSequences: 4096,
  // 32k actions decode in ~15-35 ms and a 4 MiB reply encodes in ~20-50 ms (2 busy cores);
  // 262k and 32 MiB cost ~0.3 s each, a stall for every other client. Larger work: more calls.
  maxExpandActions: 32_768,
  maxExpandReplyBytes: 4 * 1024 * 1024,
  maxActionTextBytes: 64 * 1024,
  maxStepsCap: 1_000_000,
};

export interface EngineCounters {
  steps: number;
  resets: number;
  expandNodes: number;
}

/** Who makes a call: caps and session binding are per caller. */
export interface CallContext {
  /** The client's identity for per-client caps (peer address without port, or "in-process"). */
  client: string;
  /** Sessions created in this call close when the scope ends (a Connect stream that asked for it). */
  scope?: SessionScope;
}

/** A set of sessions that close together, e.g. those created on one Connect stream. */
export interface SessionScope {
  add(sessionId: string): void;
}

export const IN_PROCESS: CallContext = Object.freeze({ client: "in-process" });
