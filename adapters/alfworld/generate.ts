/**
 * The procedural scene generator: a seeded household built from one floor plan's inventory
 * (which receptacles, how many of each, which object types), objects placed only where their
 * type may go, instances numbered the way ALFWorld numbers them, and one of the six task
 * types posed with one of its two phrasings.
 */
import { Rng } from "../kit/rng.js";
import { SCENE_TABLES } from "./data/scene-tables.js";
import {
  addToRec,
  bufferSize,
  layout,
  P_CLEANABLE,
  P_COOLABLE,
  P_HEATABLE,
  P_PICKUPABLE,
  P_SLICEABLE,
  P_TOGGLEABLE,
  sceneHash,
  TASK_TYPES,
  type GoalSpec,
  type Grammar,
  type Scene,
  type SceneObject,
  type SceneReceptacle,
  type TaskType,
} from "./scene.js";
import type { FloorPlanTable } from "./tables.js";

export const SPLITS = ["train", "eval_in_distribution", "eval_out_of_distribution"] as const;
export type Split = (typeof SPLITS)[number];

const T = SCENE_TABLES;
const accepts = new Map<string, Set<string>>(Object.entries(T.accepts).map(([r, os]) => [r, new Set(os)]));
const cleanable = new Set(T.cleanable);
const heatable = new Set(T.heatable);
const coolable = new Set(T.coolable);
const sliceable = new Set(T.sliceable);
const openable = new Set(T.openable);

/** The station a modifier task needs. */
const STATION: Partial<Record<TaskType, string>> = {
  pick_clean_then_place_in_recep: "SinkBasin",
  pick_heat_then_place_in_recep: "Microwave",
  pick_cool_then_place_in_recep: "Fridge",
};
const MODIFIABLE: Partial<Record<TaskType, Set<string>>> = {
  pick_clean_then_place_in_recep: cleanable,
  pick_heat_then_place_in_recep: heatable,
  pick_cool_then_place_in_recep: coolable,
};

/** Goal phrasings: two per task type, as in ALFWorld's templated goals. */
export const GOAL_TEMPLATES: Record<TaskType, [string, string]> = {
  pick_and_place_simple: ["put a {obj} in {recep}", "put some {obj} on {recep}"],
  look_at_obj_in_light: ["look at {obj} under the {lamp}", "examine the {obj} with the {lamp}"],
  pick_clean_then_place_in_recep: ["put a clean {obj} in {recep}", "clean some {obj} and put it in {recep}"],
  pick_heat_then_place_in_recep: ["put a hot {obj} in {recep}", "heat some {obj} and put it in {recep}"],
  pick_cool_then_place_in_recep: ["put a cool {obj} in {recep}", "cool some {obj} and put it in {recep}"],
  pick_two_obj_and_place: ["put two {obj} in {recep}", "find two {obj} and put them in {recep}"],
};

export function goalText(g: GoalSpec, phrasing: 0 | 1): string {
  return GOAL_TEMPLATES[g.type][phrasing].replace("{obj}", g.obj).replace("{recep}", g.recep).replace("{lamp}", g.lamp);
}

interface Candidate {
  obj: string;
  recep: string;
  lamp: string;
}
interface Feasible {
  plan: number;
  fp: FloorPlanTable;
  candidates: Candidate[];
}

/**
 * ALFWorld's valid_unseen floor plans (ALFRED's unseen validation scenes): the only rooms
 * its out-of-distribution split plays. train and valid_seen share the other rooms.
 */
export const VALID_UNSEEN_FLOOR_PLANS: readonly number[] = [10, 219, 308, 424];
const UNSEEN = new Set(VALID_UNSEEN_FLOOR_PLANS);
const ALL_PLANS = Object.keys(T.floorPlans).map(Number).sort((a, b) => a - b);

/**
 * The floor plans a split generates from. ALFRED's eight test-unseen rooms are not
 * published (nor in ALFWorld's data), so they stay in train here.
 */
export function splitFloorPlans(split: Split): number[] {
  return split === "eval_out_of_distribution" ? [...VALID_UNSEEN_FLOOR_PLANS] : ALL_PLANS.filter((n) => !UNSEEN.has(n));
}

/** Object types of a floor plan that have somewhere to go in it. */
function placeableTypes(fp: FloorPlanTable): string[] {
  const recTypes = Object.keys(fp.receptacles);
  return fp.objects.filter((o) => recTypes.some((r) => accepts.get(r)?.has(o)));
}

function candidatesFor(task: TaskType, fp: FloorPlanTable): Candidate[] {
  if (!(T.goalRooms[task] ?? []).includes(fp.room)) return [];
  const recTypes = Object.keys(fp.receptacles).sort();
  const objs = placeableTypes(fp);
  const out: Candidate[] = [];
  if (task === "look_at_obj_in_light") {
    const lamps = fp.lamps.filter((l) => (T.lampHosts[l] ?? []).some((h) => recTypes.includes(h)));
    for (const lamp of lamps) for (const obj of objs) out.push({ obj, recep: "", lamp });
    return out;
  }
  const station = STATION[task];
  if (station && !recTypes.includes(station)) return [];
  const mod = MODIFIABLE[task];
  for (const obj of objs) {
    if (mod && !mod.has(obj)) continue;
    for (const recep of recTypes) {
      if (recep === station || !accepts.get(recep)?.has(obj)) continue;
      // The object must be able to start somewhere else, so the goal does not hold at reset.
      if (!recTypes.some((r) => r !== recep && accepts.get(r)?.has(obj))) continue;
      out.push({ obj, recep, lamp: "" });
    }
  }
  return out;
}

const feasibleCache = new Map<string, Feasible[]>();

export function feasiblePlans(split: Split, task: TaskType): Feasible[] {
  const key = `${split}/${task}`;
  let hit = feasibleCache.get(key);
  if (!hit) {
    hit = [];
    for (const plan of splitFloorPlans(split)) {
      const fp = T.floorPlans[String(plan)];
      if (!fp) continue;
      const candidates = candidatesFor(task, fp);
      if (candidates.length > 0) hit.push({ plan, fp, candidates });
    }
    feasibleCache.set(key, hit);
  }
  return hit;
}

const lower = (t: string) => t.toLowerCase();

export interface GenerateOptions {
  split: Split;
  taskType: TaskType | undefined;
  grammar: Grammar;
  /** Only this floor plan (tools and tests; it must be in the split). */
  floorPlan?: number;
}

/** Splits use separate random streams: the same seed gives unrelated episodes in each. */
const STREAM: Record<Split, number> = { train: 11, eval_in_distribution: 23, eval_out_of_distribution: 37 };

export function generateScene(seed: number, opts: GenerateOptions): Scene {
  const rng = Rng.fromSeed(seed, STREAM[opts.split]);
  const fpOnly = opts.floorPlan;
  const tasks = fpOnly === undefined ? TASK_TYPES : TASK_TYPES.filter((t) => feasiblePlans(opts.split, t).some((p) => p.plan === fpOnly));
  if (tasks.length === 0) throw new Error(`floor plan ${fpOnly} is not in split ${opts.split} or supports no task`);
  const task = opts.taskType ?? tasks[rng.int(tasks.length)]!;
  const plans = feasiblePlans(opts.split, task).filter((p) => fpOnly === undefined || p.plan === fpOnly);
  if (plans.length === 0) throw new Error(`no floor plan in split ${opts.split} supports ${task}`);
  const { plan, fp, candidates } = rng.pick(plans);
  const cand = rng.pick(candidates);
  const goal: GoalSpec = { type: task, obj: lower(cand.obj), recep: lower(cand.recep), lamp: lower(cand.lamp) };

  // Receptacles, in listing order: type name ascending, instance number descending.
  const recTypes = Object.keys(fp.receptacles).sort((a, b) => (lower(a) < lower(b) ? -1 : lower(a) > lower(b) ? 1 : 0));
  const recs: SceneReceptacle[] = [];
  const recTypeKey: string[] = [];
  for (const t of recTypes) {
    const n = fp.receptacles[t]!;
    for (let i = n; i >= 1; i--) {
      recs.push({ name: `${lower(t)} ${i}`, type: lower(t), loc: recs.length + 1, openable: openable.has(t) });
      recTypeKey.push(t);
    }
  }

  // Object types and counts.
  const counts = new Map<string, number>();
  for (const t of placeableTypes(fp)) {
    const isGoal = t === cand.obj;
    if (!isGoal && rng.float() >= 0.6) continue;
    let n = 1 + rng.int(3);
    if (isGoal && task === "pick_two_obj_and_place") n = Math.max(2, n);
    counts.set(t, n);
  }
  for (const lamp of fp.lamps) {
    if ((T.lampHosts[lamp] ?? []).some((h) => recTypes.includes(h))) counts.set(lamp, 1);
  }
  // Scenery (house plant, television, teddy bear) stands in a receptacle, as in real games.
  for (const t of fp.scenery) {
    if ((T.sceneryHosts[t] ?? []).some((h) => recTypes.includes(h))) counts.set(t, 1);
  }

  // Place every instance where its type may go (never in the goal's receptacle type).
  const objTypes = [...counts.keys()].sort((a, b) => (lower(a) < lower(b) ? -1 : lower(a) > lower(b) ? 1 : 0));
  const objs: SceneObject[] = [];
  const placedIn: number[] = [];
  for (const t of objTypes) {
    const isLamp = T.toggleable.includes(t);
    const scenery = T.sceneryHosts[t];
    const allowed: number[] = [];
    for (let r = 0; r < recs.length; r++) {
      const rt = recTypeKey[r]!;
      if (scenery ? scenery.includes(rt) : isLamp ? (T.lampHosts[t] ?? []).includes(rt) : accepts.get(rt)?.has(t)) {
        if (t === cand.obj && rt === cand.recep) continue;
        allowed.push(r);
      }
    }
    if (allowed.length === 0) continue;
    const n = counts.get(t)!;
    for (let i = n; i >= 1; i--) {
      let props = scenery ? 0 : isLamp ? P_TOGGLEABLE : P_PICKUPABLE;
      if (cleanable.has(t)) props |= P_CLEANABLE;
      if (heatable.has(t)) props |= P_HEATABLE;
      if (coolable.has(t)) props |= P_COOLABLE;
      if (sliceable.has(t)) props |= P_SLICEABLE;
      objs.push({ name: `${lower(t)} ${i}`, type: lower(t), props });
      placedIn.push(rng.pick(allowed));
    }
  }

  const nO = objs.length;
  const nR = recs.length;
  const canPut = new Uint8Array(nR * nO);
  for (let r = 0; r < nR; r++) {
    const acc = accepts.get(recTypeKey[r]!);
    if (!acc) continue;
    for (let o = 0; o < nO; o++) if (objs[o]!.props & P_PICKUPABLE && acc.has(objTypeKey(objs[o]!.type))) canPut[r * nO + o] = 1;
  }

  // Locations: the middle of the room (index 0) and one per receptacle, except that
  // receptacles the layout gives one interaction pose share a location; shuffled numbers.
  const groupOf = new Map<string, number>();
  fp.shared.forEach((g, i) => g.forEach((name) => groupOf.set(name, i)));
  const recsAtLoc: number[][] = [[]];
  const groupLoc = new Map<number, number>();
  for (let r = 0; r < nR; r++) {
    const g = groupOf.get(recs[r]!.name);
    const at = g === undefined ? undefined : groupLoc.get(g);
    if (at !== undefined) {
      recs[r]!.loc = at;
      recsAtLoc[at]!.push(r);
      continue;
    }
    recs[r]!.loc = recsAtLoc.length;
    if (g !== undefined) groupLoc.set(g, recs[r]!.loc);
    recsAtLoc.push([r]);
  }
  const numbers = rng.shuffle(Array.from({ length: recsAtLoc.length }, (_, i) => i + 1));
  const locNames = numbers.map((n) => `loc ${n}`);

  const init = new Uint16Array(bufferSize(nO, nR));
  init[0] = 0;
  init[1] = 0;
  const lay = layout(nO, nR);
  for (let o = 0; o < nO; o++) {
    addToRec(init, lay, o, placedIn[o]!);
    init[lay.loc + o] = recs[placedIn[o]!]!.loc + 1;
  }
  const phrasing = rng.int(2) as 0 | 1;
  const base: Omit<Scene, "hash"> = {
    locNames,
    recs,
    objs,
    recsAtLoc,
    recOrder: recs.map((_, i) => i),
    objOrder: objs.map((_, i) => i),
    canPut,
    init,
    taskText: goalText(goal, phrasing),
    goal,
    goalTest: undefined,
    grammar: opts.grammar,
    info: { task_type: task, floor_plan: plan, room_type: fp.room, split: opts.split },
  };
  return { ...base, hash: sceneHash(base) };
}

/** Lower-case type → CamelCase table key. */
const typeKeys = new Map<string, string>();
for (const t of [...Object.keys(T.accepts), ...Object.values(T.accepts).flat(), ...T.toggleable]) typeKeys.set(lower(t), t);
function objTypeKey(lowerType: string): string {
  return typeKeys.get(lowerType) ?? lowerType;
}
