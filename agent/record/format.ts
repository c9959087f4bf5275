/**
 * The episode recording format: JSONL, one episode per file.
 *
 *   line 1   {"type":"header","format":"dynamind-recording","version":1,"env":"sokoban","config":{…},"seed":42,…}
 *   line 2   {"type":"reset","result":{…},"ms":1.2,"at":0.0}
 *   line …   {"type":"step","action":"Up","result":{…},"ms":0.8,"at":12.5}
 *            {"type":"step","action":"jump","error":{"reason":"INVALID_ACTION","message":"…"},"ms":0.5,"at":13.0}
 *            {"type":"restore","to":2,"result":{…},"ms":0.4,"at":20.1}
 *
 * A result is a StepResult with its observation; an image is not inlined but written
 * as a PNG file beside the JSONL and named relative to it, so the JSONL stays
 * greppable and a viewer can load frames one at a time. `restore` returns the episode
 * to the state after event `to` (0 = the reset), which is how an undo in `play` is
 * replayable without server-side handles. `ms` is how long the call took, `at` when it
 * started (ms after the header's `startedAt`). Timings are never compared on replay.
 */
import type { UiElement } from "../../gen/ts/dynamind/env/v1/types_pb.js";
import type { ActionInput } from "../client/actions.js";

export const RECORDING_FORMAT = "dynamind-recording";
/** Bumped on any change a reader of version 1 could not read. */
export const RECORDING_VERSION = 1;

export interface RecordingHeader {
  type: "header";
  format: typeof RECORDING_FORMAT;
  version: number;
  env: string;
  /** The session config, as the client sent it. */
  config: Record<string, unknown>;
  seed: number | undefined;
  /** Reset options, when any were given. */
  options?: Record<string, unknown>;
  /** Observation kinds the session asked for (empty: the environment's default). */
  observationKinds: ("text" | "image" | "ui_elements")[];
  maxSteps?: number;
  /** The environment's version from its spec, to tell a replay against a changed environment apart. */
  envVersion?: string;
  /** Who wrote it: "client" (the recording wrapper) or "server" (`serve --record`). */
  recorder: "client" | "server";
  startedAt: string;
}

export interface ImageRef {
  /** A PNG file, relative to the JSONL file's folder. */
  file: string;
  mimeType: "image/png";
  width: number;
  height: number;
  /** sha256 of the PNG bytes the server sent (hex), compared on replay. */
  sha256: string;
}

/** A UI element exactly as the protocol sends it (bounds in device pixels, as the screenshot). */
export type RecordedUiElement = UiElement;

export interface RecordedObservation {
  text: string;
  image?: ImageRef;
  uiElements: RecordedUiElement[];
  validActions: string[];
  fingerprint: string;
}

export interface RecordedResult {
  observation: RecordedObservation;
  reward: number;
  terminated: boolean;
  truncated: boolean;
  info: Record<string, unknown>;
  stepIndex: number;
}

interface Timed {
  /** Duration of the call, ms. */
  ms: number;
  /** Start of the call, ms after the header's startedAt. */
  at: number;
}

export interface ResetEvent extends Timed {
  type: "reset";
  result: RecordedResult;
}

export interface StepEvent extends Timed {
  type: "step";
  action: ActionInput;
  /** Absent when the step was refused (then `error` says why). */
  result?: RecordedResult;
  error?: { reason: string; message: string };
}

export interface RestoreEvent extends Timed {
  type: "restore";
  /** The event (0 = the reset) whose resulting state was restored. */
  to: number;
  result: RecordedResult;
}

export type RecordingEvent = ResetEvent | StepEvent | RestoreEvent;

export interface Recording {
  header: RecordingHeader;
  /** events[0] is the reset. */
  events: RecordingEvent[];
}

/** Parses a recording's text; throws with the line number on anything malformed. */
export function parseRecording(text: string, name = "recording"): Recording {
  const lines = text.split("\n").filter((l) => l.trim() !== "");
  const parsed = lines.map((line, i) => {
    try {
      return JSON.parse(line) as { type?: unknown };
    } catch (err) {
      throw new Error(`${name}:${i + 1}: not valid JSON (${(err as Error).message})`);
    }
  });
  const header = parsed[0] as RecordingHeader | undefined;
  if (!header || header.type !== "header" || header.format !== RECORDING_FORMAT) throw new Error(`${name}: not a dynamind recording (no header line)`);
  if (header.version !== RECORDING_VERSION) throw new Error(`${name}: recording format version ${header.version}; this dynamind reads version ${RECORDING_VERSION}`);
  const events = parsed.slice(1) as RecordingEvent[];
  events.forEach((e, i) => {
    const type: unknown = e.type;
    if (type !== "reset" && type !== "step" && type !== "restore") throw new Error(`${name}:${i + 2}: unknown event type ${JSON.stringify(type)}`);
    if ((i === 0) !== (type === "reset")) throw new Error(`${name}:${i + 2}: a recording starts with one reset and has no other`);
  });
  if (events.length === 0) throw new Error(`${name}: the recording has no reset`);
  return { header, events };
}
