/**
 * The environment contract. Every environment in `adapters/` implements
 * {@link Environment} and is registered through an {@link EnvDefinition}.
 *
 * Environment code never imports gRPC: the server (`env-server/`) is a thin
 * binding over this contract, so tests, benchmarks and trainers can also run
 * environments in-process. Cross-cutting behaviour — step budgets (truncation),
 * episode phases, limits, metrics — lives in `env-server/core`, not here.
 */

import type { ViewNodeFields } from "../emulator/device/contract.js";

/** What an environment can show. */
export type ObservationKind = "text" | "image" | "ui_elements";

/** Which action kinds an environment accepts. */
export type ActionKind = "index" | "text" | "json";

/** How an environment's state can be saved: not at all, in-process only, or as bytes. */
export type CloneSupport = "none" | "handle" | "portable";

/**
 * One action. The shape matches the generated protocol type on purpose, so the
 * server hands requests to environments without copying. `json` stays a string:
 * only environments that accept JSON pay for parsing it.
 */
export type Action =
  | { $case: "index"; index: number }
  | { $case: "text"; text: string }
  | { $case: "json"; json: string };

/** An encoded image. */
export interface ImageObservation {
  data: Uint8Array;
  /** "image/png" or "application/x-rgb8" (raw row-major RGB). */
  mimeType: string;
  width: number;
  height: number;
}

/** AndroidWorld's UIElement fields: those a device reads from a view node (`ViewNodeFields`), and the boxes, tooltip and metadata. */
export interface UiElement extends ViewNodeFields {
  bboxPixels: { xMin: number; xMax: number; yMin: number; yMax: number } | undefined;
  /** AndroidWorld's normalised bbox: bboxPixels divided by the screen's width and height. */
  bbox: { xMin: number; xMax: number; yMin: number; yMax: number } | undefined;
  tooltip: string;
  /** Backend extras AndroidWorld's fields do not carry (tree depth, UiAutomator2 attributes); bounded by the backend. */
  metadata: { [key: string]: string };
}

/** What an environment returns from {@link Environment.observe}. */
export interface Observation {
  text: string;
  image: ImageObservation | undefined;
  uiElements: UiElement[];
  /** Text commands that are meaningful now; empty when the environment does not know them. */
  validActions: readonly string[];
  /** Hex hash of the full environment state; equal states must give equal fingerprints. */
  fingerprint: string;
}

/** The result of one environment step (observation is asked for separately). */
export interface Transition {
  reward: number;
  /** The environment's own end condition was reached (e.g. solved). */
  terminated: boolean;
  /** Environment-specific details; serialised to JSON by the server. */
  info: Record<string, unknown> | undefined;
}

/** A task or preset the environment offers. */
export interface TaskInfo {
  name: string;
  description: string;
  /** The config (or reset options) object that selects it. */
  config: Record<string, unknown>;
}

/** Everything an agent needs to act in the environment without special-casing it. */
export interface EnvSpec {
  id: string;
  /** Bumped whenever the episode produced by a given seed and config changes. */
  version: string;
  description: string;
  observationKinds: ObservationKind[];
  defaultObservationKinds: ObservationKind[];
  action: {
    /** Accepted kinds; the first is the preferred one. */
    kinds: ActionKind[];
    /** Names of the discrete actions (their count is the number of index actions). */
    discreteNames: string[];
    textFormat: string;
    /** JSON Schema (as an object) of JSON actions, when accepted. */
    jsonSchema: Record<string, unknown> | undefined;
  };
  cloneSupport: CloneSupport;
  /** Default step budget; 0 = none. */
  maxSteps: number;
  /** A text an LLM agent can be given: rules, observation legend, action format. */
  instructions: string;
  tasks: TaskInfo[];
  /** JSON Schema of the session config object. */
  configSchema: Record<string, unknown>;
  /** JSON Schema of the reset options object. */
  resetOptionsSchema: Record<string, unknown>;
  /** The environment implements {@link Environment.expertPlan}. */
  hasExpert?: boolean;
  /** A model, not the real dynamics, produces the transitions (the `dream` environment); clients can tell. */
  learned?: boolean;
}

/** What an environment's expert proposes from a state. */
export interface ExpertPlan {
  actions: Action[];
  /** Executing every action is expected to end the episode successfully (a distance to the goal). */
  reachesGoal: boolean;
}

/**
 * A value or a promise of it. Fast in-process environments (Sokoban, ALFWorld)
 * answer synchronously and the server never awaits them; device-backed ones
 * (Android) return promises.
 */
export type MaybePromise<T> = T | Promise<T>;

/**
 * Given when an environment serves a server call. Heavy work (generation, solvers) must
 * then leave the event loop, which every other client shares, and stop at the deadline;
 * without it (in-process use: tests, trainers) environments may run everything inline.
 */
export interface CallBudget {
  /** Epoch ms after which the caller no longer wants the answer (Infinity = none). */
  deadline: number;
}

/** Which observation parts the session wants; environments may skip work for the others. */
export interface ObservationRequest {
  text: boolean;
  image: boolean;
  uiElements: boolean;
  /**
   * false: the reply leaves the fingerprint out, so an environment may skip hashing its
   * state and return "". Absent means true (in-process users always get it).
   */
  fingerprint?: boolean;
}

/**
 * A live environment instance: Gymnasium semantics with state cloning.
 *
 * Contract:
 * - `reset(seed, options)` fully determines the episode: the same seed and options give
 *   the same observations and rewards in any process. No global randomness.
 * - `step` either applies the action or throws an {@link EnvError} and changes nothing.
 * - `cloneState()` captures everything that influences the future (including any RNG);
 *   after `restoreState(s)` the environment behaves exactly as it did when `s` was taken.
 *   Clones are immutable values: restoring must copy, so one clone can be restored many times.
 */
export interface Environment<S = unknown> {
  /** Starts an episode. Returns info for the first StepResult (e.g. task parameters). */
  reset(seed: number, options: Record<string, unknown>, call?: CallBudget): MaybePromise<Record<string, unknown> | undefined>;
  /** Applies one action, or throws EnvError (reason INVALID_ACTION) and changes nothing. */
  step(action: Action): MaybePromise<Transition>;
  /** Renders the current state. */
  observe(request: ObservationRequest): MaybePromise<Observation>;
  cloneState(): MaybePromise<S>;
  restoreState(state: S): MaybePromise<void>;
  /** Approximate bytes a clone occupies; used for the server's memory budget. */
  stateSize(state: S): number;
  /** Serialises a clone (required when cloneSupport is "portable"). */
  encodeState?(state: S): Uint8Array;
  /** Parses bytes from encodeState; throws EnvError (STATE_INVALID) on malformed input. */
  decodeState?(bytes: Uint8Array): S;
  /**
   * The expert's plan from the current state (an optimal solver or a scripted planner),
   * without changing the state; undefined when it has none.
   */
  expertPlan?(call?: CallBudget): MaybePromise<ExpertPlan | undefined>;
  /** Releases external resources (browsers, devices). */
  close?(): Promise<void> | void;
}

/**
 * A registered environment: how to validate its config, describe it and build instances.
 * Registration is data: the registry stores definitions and loads them lazily.
 */
export interface EnvDefinition<C = unknown> {
  id: string;
  /** The spec for a given config (presets may change max steps, tasks, instructions). */
  describe(config: C | undefined): EnvSpec;
  /** Validates a parsed config JSON object; throws EnvError (INVALID_ARGUMENT) with a clear message. */
  parseConfig(raw: unknown): C;
  /** A stable string identifying configs whose states are interchangeable. */
  configKey(config: C): string;
  create(config: C): Environment;
  /**
   * For environments that drive something outside the server (a device): checks, within
   * seconds, that it answers, before CreateSession makes a session for it. Throws a
   * retryable EnvError (DEVICE_UNAVAILABLE) when it does not. Absent = nothing to check.
   * Also where an environment must build something for a new config (dream's live replay
   * buffer) without holding the event loop: CreateSession awaits it before `create`.
   */
  prepare?(config: C): Promise<void>;
  /**
   * Why this server cannot run the environment at all — a program it needs is not
   * installed — checked without side effects; undefined when it can. The server then
   * refuses its sessions (UNSUPPORTED) before any work, with this reason, instead of
   * failing deep inside the first reset. Absent = always runnable.
   */
  unavailable?(): string | undefined;
}

/** Machine-readable failure reasons shared by environments and the server. */
export type ErrorReason =
  | "ENV_NOT_FOUND"
  | "SESSION_NOT_FOUND"
  | "STATE_NOT_FOUND"
  | "STATE_EXPIRED"
  | "STATE_INVALID"
  | "STATE_INCOMPATIBLE"
  | "INVALID_ACTION"
  | "INVALID_ARGUMENT"
  | "EPISODE_NOT_STARTED"
  | "EPISODE_ENDED"
  | "CAPACITY"
  | "UNAUTHENTICATED"
  | "DEADLINE"
  | "SHUTTING_DOWN"
  | "UNSUPPORTED"
  | "DEVICE_UNAVAILABLE"
  | "INTERNAL";

/** An error with a reason; environments throw it for bad input, before changing anything. */
export class EnvError extends Error {
  constructor(
    readonly reason: ErrorReason,
    message: string,
    readonly retryable = false,
  ) {
    super(message);
    this.name = "EnvError";
  }
}
