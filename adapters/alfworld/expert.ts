/**
 * The expert: an oracle planner that knows where everything is and returns the next
 * command towards the goal from any state (after detours, random actions or a restore).
 * Every command it returns is admissible. Used for data collection and to prove that
 * generated tasks are solvable within the step limit.
 */
import { F_CLEAN, F_COOL, F_HOT, P_TOGGLEABLE, type GoalSpec } from "./scene.js";
import { code, K, type World } from "./world.js";

const NEED: Partial<Record<GoalSpec["type"], [number, string]>> = {
  pick_clean_then_place_in_recep: [F_CLEAN, "sinkbasin"],
  pick_heat_then_place_in_recep: [F_HOT, "microwave"],
  pick_cool_then_place_in_recep: [F_COOL, "fridge"],
};

/** The next expert command, or undefined when the goal holds or the expert is stuck. */
export function expertAction(w: World): string | undefined {
  const c = expertCode(w);
  return c === undefined ? undefined : w.text(c);
}

export function expertCode(w: World): number | undefined {
  const g = w.scene.goal;
  if (!g || w.won()) return undefined;
  const h = w.held();
  const objs = w.scene.objs;
  const holdsGoalType = h >= 0 && objs[h]!.type === g.obj;

  if (g.type === "look_at_obj_in_light") {
    if (!holdsGoalType) return h >= 0 ? drop(w, h) : fetch(w, g.obj, -1);
    let best = -1;
    for (let o = 0; o < objs.length; o++) {
      if (objs[o]!.type !== g.lamp || !(objs[o]!.props & P_TOGGLEABLE) || w.objRec(o) < 0) continue;
      if (best < 0 || w.objLoc(o) === w.agentLoc()) best = o;
    }
    if (best < 0) return undefined;
    if (w.objLoc(best) === w.agentLoc()) return code(K.Use, best);
    const host = w.objRecs(best).find((r) => w.scene.recs[r]!.loc === w.objLoc(best)) ?? w.objRec(best);
    return code(K.Goto, host);
  }

  if (g.type === "pick_two_obj_and_place") {
    const target = twoTarget(w, g);
    if (target < 0) return undefined;
    if (holdsGoalType) return deliver(w, h, [target]);
    if (h >= 0) return drop(w, h);
    return fetch(w, g.obj, target);
  }

  const need = NEED[g.type];
  if (holdsGoalType) {
    if (need && (w.objFlags(h) & need[0]) !== need[0]) return treat(w, h, g.type, need[1]);
    const targets = receptaclesOfType(w, g.recep).filter((r) => w.scene.canPut[r * objs.length + h]);
    return deliver(w, h, targets);
  }
  if (h >= 0) return drop(w, h);
  return fetch(w, g.obj, -1);
}

function receptaclesOfType(w: World, type: string): number[] {
  const out: number[] = [];
  w.scene.recs.forEach((r, i) => r.type === type && out.push(i));
  return out;
}

/** Pick-two: the receptacle of the target type already holding the most goal objects. */
function twoTarget(w: World, g: GoalSpec): number {
  let best = -1;
  let bestCount = -1;
  const objs = w.scene.objs;
  for (const r of receptaclesOfType(w, g.recep)) {
    let n = 0;
    for (let o = 0; o < objs.length; o++) if (objs[o]!.type === g.obj && w.inRec(o, r)) n++;
    if (n > bestCount) {
      best = r;
      bestCount = n;
    }
  }
  return best;
}

/** Go to, open, then take an object of `type` (not one already in `exclude`). */
function fetch(w: World, type: string, exclude: number): number | undefined {
  const objs = w.scene.objs;
  const recs = w.scene.recs;
  const loc = w.agentLoc();
  let best = -1;
  let bestCost = Infinity;
  let bestRec = -1;
  for (let o = 0; o < objs.length; o++) {
    if (objs[o]!.type !== type || o === w.held()) continue;
    // An object already in the target counts there, whatever else it is in.
    if (exclude >= 0 && w.inRec(o, exclude)) continue;
    for (const r of w.objRecs(o)) {
      const cost = (recs[r]!.loc === loc ? 0 : 1) + (w.accessible(r) ? 0 : 1);
      if (cost < bestCost) {
        best = o;
        bestRec = r;
        bestCost = cost;
      }
    }
  }
  if (best < 0) return undefined;
  const r = bestRec;
  if (recs[r]!.loc !== loc) return code(K.Goto, r);
  if (!w.accessible(r)) return code(K.Open, r);
  return code(K.Take, best, r);
}

/** Put the held object into one of `targets`, going there and opening it first. */
function deliver(w: World, h: number, targets: number[]): number | undefined {
  if (targets.length === 0) return undefined;
  const recs = w.scene.recs;
  const loc = w.agentLoc();
  let best = -1;
  let bestCost = Infinity;
  for (const r of targets) {
    const cost = (recs[r]!.loc === loc ? 0 : 1) + (w.accessible(r) ? 0 : 1);
    if (cost < bestCost) {
      best = r;
      bestCost = cost;
    }
  }
  if (recs[best]!.loc !== loc) return code(K.Goto, best);
  if (!w.accessible(best)) return code(K.Open, best);
  return code(K.Put, h, best);
}

/** Put a held object that the task does not need anywhere it fits. */
function drop(w: World, h: number): number | undefined {
  const nO = w.scene.objs.length;
  const targets: number[] = [];
  for (let r = 0; r < w.scene.recs.length; r++) if (w.scene.canPut[r * nO + h]) targets.push(r);
  return deliver(w, h, targets);
}

function treat(w: World, h: number, type: GoalSpec["type"], station: string): number | undefined {
  const stations = receptaclesOfType(w, station);
  if (stations.length === 0) return undefined;
  const loc = w.agentLoc();
  const here = stations.find((r) => w.scene.recs[r]!.loc === loc);
  if (here === undefined) return code(K.Goto, stations[0]!);
  const kind = type === "pick_clean_then_place_in_recep" ? K.Clean : type === "pick_heat_then_place_in_recep" ? K.Heat : K.Cool;
  return code(kind, h, here);
}
