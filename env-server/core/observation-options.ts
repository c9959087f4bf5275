/**
 * Observation options (types.proto ObservationOptions): which parts of an observation a
 * reply carries. A session has defaults (CreateSession); a call may replace them. The
 * default view is today's full observation and costs nothing: results pass through.
 *
 * Parts the environment renders (text, image, UI elements) are left out of the
 * ObservationRequest, so their work is skipped (no screenshot). Fingerprint, info and
 * valid actions are dropped from the result afterwards, in reply order, because "valid
 * actions when changed" depends on what came earlier in the same reply. Deltas (text and
 * lists as LinesDelta against what the client holds, lines-delta.ts) are made there too,
 * for the same reason: a node's base may be a node earlier in the reply.
 */
import { EnvError, type ObservationKind, type ObservationRequest } from "../../adapters/contract.js";
import type { Session } from "./session.js";
import { ValidActionsMode, type LinesDelta, type ObservationOptions, type Observation, type StepResult } from "../../gen/ts/dynamind/env/v1/types_pb.js";
import { EMPTY_OBSERVATION } from "./episode.js";
import { deltaBytes, diffLines, lineCount, listBytes, spliceLines, textBytes, type LineEdits } from "./lines-delta.js";

export type ValidActionsView = "always" | "changed" | "never";

/** What one call's replies carry, resolved from the session's kinds and the options in force. */
export interface ObservationView {
  /** What the environment is asked to render. */
  readonly request: ObservationRequest;
  readonly fingerprint: boolean;
  readonly info: boolean;
  readonly validActions: ValidActionsView;
  /** Text (and, with "changed", valid-action lists) as line deltas against what the client holds. */
  readonly deltas: boolean;
  /** True when results need no shaping (the default: everything, valid actions always). */
  readonly passThrough: boolean;
}

/** Checks client-given options (enum values come off the wire as any integer). */
export function checkObservationOptions(o: ObservationOptions | undefined): void {
  if (o === undefined) return;
  const m = o.validActions;
  if (m !== ValidActionsMode.VALID_ACTIONS_MODE_UNSPECIFIED && m !== ValidActionsMode.VALID_ACTIONS_ALWAYS && m !== ValidActionsMode.VALID_ACTIONS_WHEN_CHANGED && m !== ValidActionsMode.VALID_ACTIONS_NEVER) {
    throw new EnvError("INVALID_ARGUMENT", `observation_options.valid_actions ${Number(m)} is not a ValidActionsMode`);
  }
}

/** The view for a session's kinds under `options` (undefined = everything). */
export function resolveView(kinds: readonly ObservationKind[], options: ObservationOptions | undefined): ObservationView {
  const fingerprint = !(options?.omitFingerprint ?? false);
  const request: ObservationRequest = {
    text: kinds.includes("text") && !(options?.omitText ?? false),
    image: kinds.includes("image") && !(options?.omitImage ?? false),
    uiElements: kinds.includes("ui_elements") && !(options?.omitUiElements ?? false),
    fingerprint,
  };
  const mode = options?.validActions ?? ValidActionsMode.VALID_ACTIONS_MODE_UNSPECIFIED;
  const validActions: ValidActionsView =
    mode === ValidActionsMode.VALID_ACTIONS_WHEN_CHANGED ? "changed" : mode === ValidActionsMode.VALID_ACTIONS_NEVER ? "never" : "always";
  const info = !(options?.omitInfo ?? false);
  const deltas = options?.deltas ?? false;
  return { request, fingerprint, info, validActions, deltas, passThrough: fingerprint && info && validActions === "always" && !deltas };
}

/** A stable text key of options, for template caching ("" = none). */
export function optionsKey(o: ObservationOptions | undefined): string {
  if (o === undefined) return "";
  return `${+o.omitText}${+o.omitImage}${+o.omitUiElements}${+o.omitFingerprint}${+o.omitInfo}${o.validActions}${+o.deltas}`;
}

/**
 * What a client holds during one reply: the valid-action list and the text its request
 * named (known hashes), plus every list and text sent earlier in the reply, in reply
 * order — the client rebuilds those as it reads. Replies are bounded, so the sets are too.
 * A delta is only ever made against a base in here.
 */
export class SentLists {
  private readonly sent = new Set<number>();
  private readonly texts = new Set<number>();
  constructor(known: number | undefined, knownText?: number) {
    this.holds(known, knownText);
  }
  /** Records what the client said it holds (0 or undefined: nothing). */
  holds(known: number | undefined, knownText?: number): void {
    if (known !== undefined && known !== 0) this.sent.add(known);
    if (knownText !== undefined && knownText !== 0) this.texts.add(knownText);
  }
  /** True the first time a hash is offered (the list must go out), false after. */
  first(hash: number): boolean {
    if (this.sent.has(hash)) return false;
    this.sent.add(hash);
    return true;
  }
  hasList(hash: number): boolean {
    return this.sent.has(hash);
  }
  hasText(hash: number): boolean {
    return this.texts.has(hash);
  }
  addText(hash: number): void {
    this.texts.add(hash);
  }
}

/**
 * Applies the view to one result, in reply order; returns the result to send (a shaped
 * copy when anything changes). `bases`: unshaped observations a delta may start from,
 * best first (the state before this one); each is used only if the client holds it.
 */
export function shapeResult(r: StepResult, view: ObservationView, lists: SentLists | undefined, bases?: readonly (Observation | undefined)[]): StepResult {
  if (view.passThrough) return r;
  const o = r.observation;
  const infoJson = view.info ? r.infoJson : "";
  if (o === undefined) return infoJson === r.infoJson ? r : { observation: o, reward: r.reward, terminated: r.terminated, truncated: r.truncated, infoJson, stepIndex: r.stepIndex };
  const held = lists ?? new SentLists(undefined);
  const deltas = view.deltas && o !== EMPTY_OBSERVATION;
  let validActions = o.validActions;
  let validActionsHash: number | undefined;
  let validActionsDelta: LinesDelta | undefined;
  if (view.validActions === "never") validActions = NONE;
  else if (view.validActions === "changed") {
    validActionsHash = validActionsHashOf(o.validActions);
    if (validActionsHash === 0 || !held.first(validActionsHash)) validActions = NONE;
    else if (deltas && bases !== undefined) {
      validActionsDelta = listDelta(o.validActions, bases, held);
      if (validActionsDelta !== undefined) validActions = NONE;
    }
  }
  let text = o.text;
  let textHash: number | undefined;
  let textDelta: LinesDelta | undefined;
  if (deltas && view.request.text) {
    textHash = textHashOf(text);
    textDelta = textDeltaOf(text, textHash, bases, held);
    if (textDelta !== undefined) text = "";
    held.addText(textHash);
  }
  const observation: Observation = {
    text,
    image: o.image,
    uiElements: o.uiElements,
    validActions,
    fingerprint: view.fingerprint ? o.fingerprint : "",
    validActionsHash,
    textHash,
    textDelta,
    validActionsDelta,
  };
  // Built field by field in the order episode.ts builds results: one object shape for shaped and unshaped results keeps the encoder monomorphic.
  return { observation, reward: r.reward, terminated: r.terminated, truncated: r.truncated, infoJson, stepIndex: r.stepIndex };
}

/**
 * The text's delta against the text itself when the client holds it (a move into a wall),
 * else against the first base whose text the client holds; only when shorter than the text.
 */
function textDeltaOf(text: string, hash: number, bases: readonly (Observation | undefined)[] | undefined, held: SentLists): LinesDelta | undefined {
  let edits: LineEdits | undefined;
  let baseHash = hash;
  if (held.hasText(hash)) edits = { ops: [0, 0, lineCount(text)], lines: [] };
  else if (bases !== undefined) {
    for (let i = 0; i < bases.length && edits === undefined; i++) {
      const b = bases[i];
      if (b === undefined || b === EMPTY_OBSERVATION) continue;
      baseHash = textHashOf(b.text);
      if (held.hasText(baseHash)) edits = spliceLines(b.text, text);
    }
  }
  return edits !== undefined && deltaBytes(edits) < textBytes(text) ? { baseHash, ...edits } : undefined;
}

/** The list's delta against the first base whose list the client holds, when shorter than the list. */
function listDelta(list: readonly string[], bases: readonly (Observation | undefined)[], held: SentLists): LinesDelta | undefined {
  for (let i = 0; i < bases.length; i++) {
    const b = bases[i];
    if (b === undefined || b === EMPTY_OBSERVATION) continue;
    const baseHash = validActionsHashOf(b.validActions);
    if (baseHash === 0 || !held.hasList(baseHash)) continue;
    const edits = diffLines(b.validActions, list);
    return deltaBytes(edits) < listBytes(list) ? { baseHash, ...edits } : undefined;
  }
  return undefined;
}

/** A text's hash (Observation.text_hash): the valid-action hash of the one-element list [text]. */
export function textHashOf(text: string): number {
  return validActionsHashOf([text]);
}

const NONE: string[] = Object.freeze([]) as unknown as string[];

/** Hashes of lists the server hands out again and again (frozen ones, like Sokoban's), by identity. */
const FROZEN_HASHES = new WeakMap<readonly string[], number>();

/**
 * A 53-bit hash of a valid-action list (exact in every language), 0 only for the empty
 * list: two FNV-1a 32-bit hashes with different seeds over the strings and their lengths.
 */
export function validActionsHashOf(list: readonly string[]): number {
  if (list.length === 0) return 0;
  const frozen = Object.isFrozen(list);
  if (frozen) {
    const hit = FROZEN_HASHES.get(list);
    if (hit !== undefined) return hit;
  }
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x9e3779b9;
  for (let i = 0; i < list.length; i++) {
    const s = list[i]!;
    for (let j = 0; j < s.length; j++) {
      const c = s.charCodeAt(j);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x05f5e0ff);
    }
    // The length separates ["ab","c"] from ["a","bc"].
    a = Math.imul(a ^ (s.length + 0x10000), 0x01000193);
    b = Math.imul(b ^ (s.length + 0x10000), 0x05f5e0ff);
  }
  const h = (a >>> 0) * 0x200000 + ((b >>> 0) & 0x1fffff) || 1;
  if (frozen) FROZEN_HASHES.set(list, h);
  return h;
}

/** The view a call gets: its own options when it gives them (checked first), else the session's. */
export function viewFor(session: Pick<Session, "template">, options: ObservationOptions | undefined): ObservationView {
  if (options === undefined) return session.template.defaultView;
  checkObservationOptions(options);
  return resolveView(session.template.observationKinds, options);
}

/** The lists a client holds for one reply, when the view sends valid actions only when changed. */
export function listsFor(view: ObservationView, known: number | undefined, knownText?: number): SentLists | undefined {
  return view.validActions === "changed" || view.deltas ? new SentLists(known, knownText) : undefined;
}
