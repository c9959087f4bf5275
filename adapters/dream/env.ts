/**
 * The dream environment: a base environment's start states, with transitions from a
 * model. reset(seed) resets a real base environment with that seed and takes its
 * observation (the start of an episode is real); every step after that asks the
 * transition model, grounded by the nearest real transitions, for the next observation
 * and a judgment of task completion (the dynamics are learned).
 *
 * State: the first observation, the last steps (bounded), the current observation and
 * valid actions, and the episode RNG that seeds sampling — plain values, replaced (never
 * mutated) on each step, so a clone is the state object itself and restoring copies
 * nothing that a later step could change.
 */
import { z } from "zod";
import { EnvError, type Action, type CallBudget, type Environment, type EnvSpec, type MaybePromise, type Observation, type ObservationRequest, type Transition } from "../contract.js";
import { clip } from "../kit/clip.js";
import { hashString } from "../kit/hash.js";
import { Rng } from "../kit/rng.js";
import type { DreamConfig } from "./config.js";
import type { TransitionModel } from "./model.js";
import { buildPrompt, type HistoryEntry } from "./prompt.js";
import { parseReply, DEFAULT_REPLY_LIMITS } from "./reply.js";
import { normaliseAction, type ReplayBuffer } from "./retrieval.js";

export interface DreamState {
  readonly start: string;
  readonly history: readonly HistoryEntry[];
  readonly current: string;
  readonly validActions: readonly string[];
  readonly rng: readonly number[];
  /** The model judged the task complete (the episode ended). */
  readonly done: boolean;
}

/** What a DreamEnv needs besides its config; built once per session template. */
export interface DreamParts {
  baseId: string;
  baseSpec: EnvSpec;
  /** A fresh real base environment (reset only: its dynamics are never used after the start). */
  createBase(): Environment;
  model: TransitionModel;
  modelName: string;
  buffer: ReplayBuffer;
  /** Longest observation text shown in a prompt. */
  maxTextChars: number;
  /** Most time one step may take, ms. */
  timeoutMs: number;
  now?: () => number;
}

/** The longest action text accepted (ALFWorld's commands are under 100 characters). */
const MAX_ACTION_CHARS = 200;
/** Most history kept in the state: the prompt shows at most config.history of it. */
const MAX_HISTORY = 32;
/** Largest portable state accepted. */
const MAX_STATE_BYTES = 4 * 1024 * 1024;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

const stateSchema = z.strictObject({
  start: z.string(),
  history: z.array(z.strictObject({ action: z.string(), observation: z.string() })).max(MAX_HISTORY),
  current: z.string(),
  validActions: z.array(z.string()).max(DEFAULT_REPLY_LIMITS.maxValidActions),
  rng: z.array(z.number().int().min(0).max(0xffffffff)).length(4),
  done: z.boolean(),
});

/** The generator's state as unsigned words: one spelling per state, so equal states encode and hash equally. */
function words(rng: Rng): number[] {
  return rng.state().map((w) => w >>> 0);
}

export class DreamEnv implements Environment<DreamState> {
  private state: DreamState | undefined;
  private base: Environment | undefined;
  private readonly fixedActions: readonly string[];

  constructor(
    private readonly config: DreamConfig,
    private readonly parts: DreamParts,
  ) {
    this.fixedActions = parts.baseSpec.action.discreteNames;
  }

  reset(seed: number, options: Record<string, unknown>, call?: CallBudget): MaybePromise<Record<string, unknown>> {
    this.base ??= this.parts.createBase();
    const base = this.base;
    const started = (info: Record<string, unknown> | undefined) => {
      const o = base.observe({ text: true, image: false, uiElements: false, fingerprint: false });
      const begin = (obs: Observation) => {
        this.state = { start: obs.text, history: [], current: obs.text, validActions: [...obs.validActions], rng: words(Rng.fromSeed(seed, 0xd4ea)), done: false };
        // buffer_transitions: the real transitions behind this dream, which a sim-to-real comparison counts as real interaction.
        return { ...info, base: this.parts.baseId, learned: true, model: this.parts.modelName, buffer_transitions: this.parts.buffer.transitions.length };
      };
      return o instanceof Promise ? o.then(begin) : begin(o);
    };
    // The budget goes with it: a base env's heavy reset (room generation) leaves the event loop as it would alone.
    const r = base.reset(seed, options, call);
    return r instanceof Promise ? r.then(started) : started(r);
  }

  /** The action as text, in the spelling the model and the buffer use; throws INVALID_ACTION. */
  private actionText(action: Action, state: DreamState): string {
    const kinds = this.parts.baseSpec.action.kinds;
    if (action.$case === "index") {
      const i = action.index;
      if (!kinds.includes("index") || !Number.isInteger(i) || i < 0 || i >= this.fixedActions.length) {
        throw new EnvError("INVALID_ACTION", kinds.includes("index") ? `index ${i} out of range 0..${this.fixedActions.length - 1}` : `${this.parts.baseId} takes no index actions`);
      }
      return this.fixedActions[i]!;
    }
    if (action.$case === "json" && !kinds.includes("json")) throw new EnvError("INVALID_ACTION", `${this.parts.baseId} takes no JSON actions`);
    const text = (action.$case === "json" ? action.json : action.text).trim();
    if (text === "" || text.length > MAX_ACTION_CHARS || CONTROL.test(text)) {
      throw new EnvError("INVALID_ACTION", `an action is 1-${MAX_ACTION_CHARS} printable characters (got ${JSON.stringify(clip(text, 40))})`);
    }
    // A base env with a fixed action set (Sokoban) refuses anything else; one with open
    // commands (ALFWorld answers "Nothing happens.") takes any text.
    if (this.fixedActions.length > 0) {
      const key = normaliseAction(text);
      const known = [...state.validActions, ...this.fixedActions].find((a) => normaliseAction(a) === key);
      if (known === undefined) throw new EnvError("INVALID_ACTION", `unknown action ${JSON.stringify(clip(text, 40))}; valid: ${[...state.validActions, ...this.fixedActions].slice(0, 20).join(", ")}`);
      return known;
    }
    return text;
  }

  step(action: Action): MaybePromise<Transition> {
    const s = this.started();
    if (s.done) throw new EnvError("EPISODE_ENDED", "the episode has ended");
    const act = this.actionText(action, s);
    const c = this.config;
    const neighbours = this.parts.buffer.nearest(s.current, act, c.k);
    const rng = Rng.fromState(s.rng);
    const seed = rng.nextUint32();
    const now = this.parts.now ?? Date.now;
    const deadline = now() + this.parts.timeoutMs;
    const history = c.history > 0 ? s.history.slice(-c.history) : [];
    const messages = buildPrompt({ baseId: this.parts.baseId, instructions: this.parts.baseSpec.instructions, neighbours, start: s.start, history, state: s.current, action: act, maxTextChars: this.parts.maxTextChars, style: this.parts.model.prompt });
    const request = { messages, state: s.current, action: act, neighbours, maxTokens: c.maxTokens, temperature: c.temperature, seed, deadline };
    const finish = (reply: string): Transition => {
      // A reply is a model's output: its size is bounded by max tokens, and anything
      // beyond a generous number of characters per token is not read.
      const parsed = parseReply(reply.slice(0, c.maxTokens * 16));
      const info: Record<string, unknown> = { learned: true, model: this.parts.modelName, neighbours: neighbours.map((n) => n.index) };
      let next = s.current;
      let valid = this.fixedActions.length > 0 ? s.validActions : [];
      let success = false;
      if (parsed.ok) {
        next = parsed.reply.nextState;
        valid = parsed.reply.validActions ?? (this.fixedActions.length > 0 ? s.validActions : []);
        success = parsed.reply.success;
      } else {
        // The defined fallback for an unusable reply: the state stays, no reward, the
        // episode goes on; info says why, so a trainer can drop or count such steps.
        info.malformed = parsed.error;
      }
      this.state = {
        start: s.start,
        history: [...s.history.slice(-(MAX_HISTORY - 1)), { action: act, observation: next }],
        current: next,
        validActions: valid,
        rng: words(rng),
        done: success,
      };
      return { reward: success ? 1 : 0, terminated: success, info };
    };
    const failed = (err: unknown): never => {
      // Nothing changed: the state is only replaced in finish().
      if (err instanceof EnvError) throw err;
      throw new EnvError("DEVICE_UNAVAILABLE", `the ${this.parts.modelName} transition model gave no reply: ${clip((err as Error).message ?? String(err), 300)}`, true);
    };
    let out: MaybePromise<string>;
    try {
      out = this.parts.model.generate(request);
    } catch (err) {
      return failed(err);
    }
    if (!(out instanceof Promise)) return finish(out);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new EnvError("DEADLINE", `the ${this.parts.modelName} transition model took longer than ${this.parts.timeoutMs} ms`, true)), Math.max(0, deadline - now()));
    });
    return Promise.race([out, late]).then(finish, failed).finally(() => clearTimeout(timer));
  }

  observe(request: ObservationRequest): Observation {
    const s = this.started();
    return {
      text: request.text ? s.current : "",
      image: undefined,
      uiElements: [],
      validActions: s.validActions,
      fingerprint: request.fingerprint === false ? "" : hashString(JSON.stringify(s)),
    };
  }

  cloneState(): DreamState {
    return this.started();
  }

  restoreState(state: DreamState): void {
    this.state = state;
  }

  stateSize(state: DreamState): number {
    let chars = state.start.length + state.current.length;
    for (const h of state.history) chars += h.action.length + h.observation.length;
    for (const a of state.validActions) chars += a.length;
    return 2 * chars + 64 * (state.history.length + state.validActions.length) + 200;
  }

  encodeState(state: DreamState): Uint8Array {
    return new TextEncoder().encode(JSON.stringify(state));
  }

  decodeState(bytes: Uint8Array): DreamState {
    if (bytes.length > MAX_STATE_BYTES) throw new EnvError("STATE_INVALID", `a dream state is at most ${MAX_STATE_BYTES} bytes`);
    let raw: unknown;
    try {
      raw = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
    } catch {
      throw new EnvError("STATE_INVALID", "not a dream state (not UTF-8 JSON)");
    }
    const parsed = stateSchema.safeParse(raw);
    if (!parsed.success) throw new EnvError("STATE_INVALID", "not a dream state (wrong fields)");
    return parsed.data;
  }

  async close(): Promise<void> {
    await this.base?.close?.();
  }

  private started(): DreamState {
    if (this.state === undefined) throw new EnvError("EPISODE_NOT_STARTED", "reset first");
    return this.state;
  }
}
