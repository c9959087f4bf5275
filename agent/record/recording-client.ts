/**
 * A client that records every session it opens: each episode (from a Reset to the
 * next Reset or the session's close) goes to its own JSONL file in one folder.
 *
 * Only what moves the episode is recorded: Reset, Step (refused steps too, with
 * their reason) and RestoreState to a state this session cloned during the same
 * episode (an undo). Expand, ExpertPlan and forks leave the episode where it is, so
 * they are not part of it. A restore the format cannot express (a state from another
 * session or episode) ends that recording with a warning rather than write a file
 * that would not replay.
 */
import { randomInt } from "node:crypto";
import { EnvClient, RemoteSession, type ClientOptions, type SessionOptions, type StateRef } from "../client/env-client.js";
import type { ActionInput } from "../client/actions.js";
import { DynamindError } from "../client/errors.js";
import type { Step } from "../client/results.js";
import { EpisodeWriter } from "./episode-writer.js";

/** Seeds drawn here when the caller gives none, in the server's own range, so that every recording can be replayed. */
const MAX_DRAWN_SEED = 2 ** 48 - 1;

export interface RecordingOptions {
  /** Folder for the recordings (created when missing). */
  dir: string;
  /** Called with each recording's path when its episode starts. */
  onEpisode?: (path: string) => void;
}

export class RecordingEnvClient extends EnvClient {
  constructor(
    options: ClientOptions | string,
    readonly recording: RecordingOptions,
  ) {
    super(options);
  }

  override async createSession(envId: string, options: SessionOptions = {}): Promise<RemoteSession> {
    const plain = await super.createSession(envId, options);
    return new RecordedSession(plain, envId, options, this.recording);
  }
}

/** A RemoteSession whose episodes are written to disk as they happen. */
export class RecordedSession extends RemoteSession {
  private writer: EpisodeWriter | undefined;
  /** Saved states of the current episode → the event whose state they hold. */
  private readonly savedAt = new Map<string, { writer: EpisodeWriter; event: number }>();
  /** The event whose resulting state the session is in (a refused step changes nothing). */
  private stateEvent = 0;

  constructor(
    plain: RemoteSession,
    private readonly envId: string,
    private readonly options: SessionOptions,
    private readonly recording: RecordingOptions,
  ) {
    super(plain.client, plain.server, plain.id, plain.spec);
    this.adopt(plain);
  }

  /** The file the current episode is written to. */
  get path(): string | undefined {
    return this.writer?.path;
  }

  override async reset(seed?: number, options?: Record<string, unknown>): Promise<Step> {
    const fixedSeed = seed ?? randomInt(MAX_DRAWN_SEED);
    const started = performance.now();
    const result = await super.reset(fixedSeed, options);
    this.endEpisode();
    this.writer = new EpisodeWriter(
      this.recording.dir,
      {
        env: this.envId,
        config: this.options.config ?? {},
        seed: fixedSeed,
        ...(options === undefined ? {} : { options }),
        observationKinds: this.options.observationKinds ?? [],
        ...(this.options.maxSteps === undefined ? {} : { maxSteps: this.options.maxSteps }),
        envVersion: this.spec.version,
        recorder: "client",
      },
      started,
    );
    this.writer.reset(result, 0);
    this.stateEvent = 0;
    this.recording.onEpisode?.(this.writer.path);
    return result;
  }

  override async step(action: ActionInput): Promise<Step> {
    const w = this.writer;
    const at = w?.now() ?? 0;
    try {
      const result = await super.step(action);
      if (w && w === this.writer) {
        w.step(action, { result }, at);
        this.stateEvent = w.count - 1;
      }
      return result;
    } catch (err) {
      if (w && w === this.writer && err instanceof DynamindError) w.step(action, { error: { reason: err.reason, message: err.message } }, at);
      throw err;
    }
  }

  override async clone(portable = false): Promise<StateRef> {
    const state = await super.clone(portable);
    if (this.writer) this.savedAt.set(state.id, { writer: this.writer, event: this.stateEvent });
    return state;
  }

  override async restore(state: StateRef | Uint8Array): Promise<Step> {
    const w = this.writer;
    const at = w?.now() ?? 0;
    const result = await super.restore(state);
    if (w && w === this.writer) {
      const saved = state instanceof Uint8Array ? undefined : this.savedAt.get(state.id);
      if (saved && saved.writer === w) {
        w.restore(saved.event, result, at);
        this.stateEvent = w.count - 1;
      } else {
        console.warn(`recording ${w.path} ends here: it restored a state it did not clone in this episode, which a replay cannot repeat`);
        this.endEpisode();
      }
    }
    return result;
  }

  override async close(): Promise<void> {
    try {
      await super.close();
    } finally {
      this.endEpisode();
    }
  }

  private endEpisode(): void {
    this.writer?.close();
    this.writer = undefined;
    this.savedAt.clear();
  }
}
