/** The parts of the engine that its operations (saved states, Expand, expert) share. */
import type { EngineCounters, EngineLimits } from "./limits.js";
import type { PortableStateCodec } from "./portable-state.js";
import type { SessionManager } from "./session.js";
import type { StateStore } from "./state-store.js";
import type { TemplateFactory } from "./templates.js";

export interface EngineCore {
  readonly sessions: SessionManager;
  readonly states: StateStore;
  readonly templates: TemplateFactory;
  readonly codec: PortableStateCodec;
  readonly limits: EngineLimits;
  readonly counters: EngineCounters;
  /** Throws SHUTTING_DOWN while the server drains. */
  assertAccepting(): void;
}
