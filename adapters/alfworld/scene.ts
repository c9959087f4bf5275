/**
 * A scene: everything about an ALFWorld episode that never changes while it is played
 * (receptacles, objects, locations, their static properties, the task), plus the initial
 * dynamic state. Generated scenes and scenes loaded from game files share this shape, so
 * one engine plays both.
 */

/** Static object properties (bits of {@link SceneObject.props}). */
export const P_PICKUPABLE = 1;
export const P_CLEANABLE = 2;
export const P_HEATABLE = 4;
export const P_COOLABLE = 8;
export const P_TOGGLEABLE = 16;
export const P_SLICEABLE = 32;
export const P_RECEPTACLE_OBJECT = 64;

/** Dynamic object flags (stored in the state buffer). */
export const F_CLEAN = 1;
export const F_HOT = 2;
export const F_COOL = 4;
export const F_TOGGLED = 8;
export const F_ON = 16;
export const F_SLICED = 32;
/**
 * The object's location fact was set by an effect (a put), not by the initial state.
 * `look` lists only such objects under "Next to it": in real games the initial
 * objectAtLocation facts come from where the object stands, so in an unchanged room the
 * list is empty; after a put the object stands where the agent is.
 */
export const F_MOVED = 64;

export type Grammar = "classic" | "current";

export const TASK_TYPES = [
  "pick_and_place_simple",
  "look_at_obj_in_light",
  "pick_clean_then_place_in_recep",
  "pick_heat_then_place_in_recep",
  "pick_cool_then_place_in_recep",
  "pick_two_obj_and_place",
] as const;
export type TaskType = (typeof TASK_TYPES)[number];

/** A goal by type, as ALFWorld poses them; `obj`, `recep`, `lamp` are lower-case type names. */
export interface GoalSpec {
  type: TaskType;
  obj: string;
  /** Target receptacle type (place tasks). */
  recep: string;
  /** Lamp type (look_at_obj_in_light). */
  lamp: string;
}

export interface SceneReceptacle {
  /** Display name, e.g. "cabinet 3". */
  name: string;
  /** Lower-case type, e.g. "cabinet", "sinkbasin". */
  type: string;
  loc: number;
  openable: boolean;
}

export interface SceneObject {
  name: string;
  type: string;
  props: number;
}

export interface Scene {
  /** Location display names ("loc 12"). */
  locNames: string[];
  recs: SceneReceptacle[];
  objs: SceneObject[];
  /** Receptacle indices at each location, in listing order. */
  recsAtLoc: number[][];
  /** Receptacle indices in listing order (alphabetical type, then the order ALFWorld prints). */
  recOrder: number[];
  /** Object indices in listing order. */
  objOrder: number[];
  /** canPut[r * objs.length + o]: the receptacle's type can contain the object's type. */
  canPut: Uint8Array;
  /** Initial dynamic state (layout in world.ts). */
  init: Uint16Array;
  /** Task sentence without the trailing period, e.g. "put a clean lettuce in diningtable". */
  taskText: string;
  /** The goal by type, when known (always for generated scenes; inferred for game files). */
  goal: GoalSpec | undefined;
  /** Success test; defaults to the typed goal check. */
  goalTest: ((w: WorldView) => boolean) | undefined;
  grammar: Grammar;
  /** 32-bit identity of the static scene, mixed into fingerprints. */
  hash: number;
  /** Descriptive info for reset (floor plan, game file...). */
  info: Record<string, unknown>;
}

/** Read access to a world's dynamic state, for goal tests. */
export interface WorldView {
  readonly scene: Scene;
  agentLoc(): number;
  held(): number;
  /** The first (lowest-index) receptacle the object is in, or -1. */
  objRec(o: number): number;
  /** Whether the object is in receptacle `r` (an object can be in several at once). */
  inRec(o: number, r: number): boolean;
  objLoc(o: number): number;
  objFlags(o: number): number;
  isOpen(r: number): boolean;
}

/**
 * Buffer layout: [agentLoc, held+1, inReceptacle bit sets (recWords(R) words) × O,
 * objLoc+1 × O, objFlags × O, open × R]. inReceptacle is a set because the domain's
 * pickup deletes only the one (object, receptacle) fact it names: an object that starts
 * in several receptacles (a pot on two overlapping stove burners) stays in the others.
 */
export const HEADER = 2;
export const recWords = (numRecs: number): number => (numRecs + 15) >>> 4;
export function bufferSize(numObjs: number, numRecs: number): number {
  return HEADER + numObjs * recWords(numRecs) + 2 * numObjs + numRecs;
}

/** Offsets of the buffer's sections for a scene of this size. */
export interface Layout {
  /** Words per object's receptacle set. */
  w: number;
  loc: number;
  flags: number;
  open: number;
}
export function layout(numObjs: number, numRecs: number): Layout {
  const w = recWords(numRecs);
  const loc = HEADER + numObjs * w;
  return { w, loc, flags: loc + numObjs, open: loc + 2 * numObjs };
}

/** Puts object `o` into receptacle `r` (adds to its set). */
export function addToRec(buf: Uint16Array, lay: Layout, o: number, r: number): void {
  const i = HEADER + o * lay.w + (r >>> 4);
  buf[i] = buf[i]! | (1 << (r & 15));
}

/** "a x 1", "a x 1, and a y 2", "a x 1, a y 2, and a z 1"; "nothing" when empty. */
export function listText(items: readonly string[]): string {
  const n = items.length;
  if (n === 0) return "nothing";
  if (n === 1) return items[0]!;
  let s = items[0]!;
  for (let i = 1; i < n - 1; i++) s += ", " + items[i]!;
  return s + ", and " + items[n - 1]!;
}

/** 32-bit FNV-1a over a string. */
export function hash32(text: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** The scene's identity hash: names, placements of statics and the task. */
export function sceneHash(scene: Omit<Scene, "hash">): number {
  let h = hash32(scene.taskText + "|" + scene.grammar);
  for (const r of scene.recs) h = hash32(`${r.name}@${r.loc}${r.openable ? "o" : ""};`, h);
  for (const o of scene.objs) h = hash32(`${o.name}#${o.props};`, h);
  for (const n of scene.locNames) h = hash32(n, h);
  for (let i = 0; i < scene.init.length; i++) h = Math.imul(h ^ scene.init[i]!, 0x01000193);
  return h >>> 0;
}
