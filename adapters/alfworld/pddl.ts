/**
 * Loader for ALFWorld's own game files (`game.tw-pddl`: JSON with the PDDL domain, the
 * TextWorld grammar with the task sentence filled in, and the PDDL problem). The problem is
 * compiled into a {@link Scene} so the same engine plays it; the goal formula is compiled
 * into a test over the engine state. Names follow ALFWorld's demangling: ids sorted, the
 * part before `_bar_` (plus "basin" for basins) numbered per name, highest number first.
 */
import { EnvError } from "../contract.js";
import { readDataFile, type DataFile } from "../kit/data-files.js";
import { shortName } from "../kit/short-text.js";
import {
  addToRec,
  bufferSize,
  F_CLEAN,
  F_COOL,
  F_HOT,
  F_ON,
  F_SLICED,
  F_TOGGLED,
  HEADER,
  layout,
  P_CLEANABLE,
  P_COOLABLE,
  P_HEATABLE,
  P_PICKUPABLE,
  P_RECEPTACLE_OBJECT,
  P_SLICEABLE,
  P_TOGGLEABLE,
  sceneHash,
  type GoalSpec,
  type Grammar,
  type Scene,
  type TaskType,
  type WorldView,
} from "./scene.js";

export type SExp = string | SExp[];

/** Parses S-expressions (`;` comments); throws Error with a position on malformed input. */
export function parseSexp(text: string): SExp[] {
  const out: SExp[] = [];
  const stack: SExp[][] = [out];
  const opened: number[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    const ch = text[i]!;
    if (ch === ";") {
      while (i < n && text[i] !== "\n") i++;
    } else if (ch === "(") {
      const list: SExp[] = [];
      stack[stack.length - 1]!.push(list);
      stack.push(list);
      opened.push(i);
      i++;
    } else if (ch === ")") {
      if (stack.length === 1) throw new Error(`unbalanced ')' at offset ${i}`);
      stack.pop();
      opened.pop();
      i++;
    } else if (ch === " " || ch === "\n" || ch === "\t" || ch === "\r") {
      i++;
    } else {
      let j = i;
      while (j < n && !" \n\t\r();".includes(text[j]!)) j++;
      stack[stack.length - 1]!.push(text.slice(i, j));
      i = j;
    }
  }
  if (stack.length !== 1) throw new Error(`unclosed '(' opened at offset ${opened[opened.length - 1]}`);
  return out;
}

/** ALFWorld's display name for an id: `cabinet_bar__minus_01...` → name "cabinet" (number assigned separately). */
function baseName(id: string): string | undefined {
  const k = id.indexOf("_bar_");
  if (k < 0) return undefined;
  let name = id.slice(0, k);
  if (id.includes("basin")) name += "basin";
  return name;
}

/** Demangled names for every id: per base name, sorted ids get numbers count..1. */
export function demangle(ids: readonly string[]): Map<string, string> {
  const sorted = [...ids].sort();
  const counts = new Map<string, number>();
  for (const id of sorted) {
    const b = baseName(id);
    if (b !== undefined) counts.set(b, (counts.get(b) ?? 0) + 1);
  }
  const names = new Map<string, string>();
  for (const id of sorted) {
    const b = baseName(id);
    if (b === undefined) {
      names.set(id, id);
      continue;
    }
    const left = counts.get(b)!;
    counts.set(b, left - 1);
    names.set(id, `${b} ${left}`);
  }
  return names;
}

const typeName = (t: string) => (t.endsWith("type") ? t.slice(0, -4) : t);

export interface LoadedGame {
  scene: Scene;
  path: string;
}

/**
 * Loads and compiles one game file of an operator data set; errors are short
 * INVALID_ARGUMENT messages naming the data set and file (a JSON parser's message is
 * left out: it quotes the file's first bytes).
 */
export function loadGameFile(file: DataFile, grammarOverride?: Grammar): Scene {
  const source = `${file.set}/${shortName(file.rel)}`;
  const fail = (problem: string): never => {
    throw new EnvError("INVALID_ARGUMENT", `game file ${source}: ${shortName(problem, 300)}`);
  };
  const raw = readDataFile(file);
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return fail("not valid JSON");
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) return fail("expected a JSON object with pddl_domain, grammar and pddl_problem");
  const d = data as Record<string, unknown>;
  for (const k of ["pddl_domain", "grammar", "pddl_problem"]) if (typeof d[k] !== "string") fail(`missing string field "${k}"`);
  try {
    return compileGame(d.pddl_domain as string, d.grammar as string, d.pddl_problem as string, grammarOverride, source);
  } catch (err) {
    return fail((err as Error).message);
  }
}

/** Compiles domain + grammar + problem text into a scene; throws Error describing the problem. */
export function compileGame(domainText: string, grammarText: string, problemText: string, grammarOverride: Grammar | undefined, source: string): Scene {
  let domain: SExp[];
  try {
    domain = parseSexp(domainText.toLowerCase());
  } catch (err) {
    throw new Error(`pddl_domain: ${(err as Error).message}`);
  }
  const dDef = domain.find((x) => Array.isArray(x) && x[0] === "define") as SExp[] | undefined;
  const dName = dDef?.find((x) => Array.isArray(x) && x[0] === "domain") as SExp[] | undefined;
  if (!dName || dName[1] !== "alfred") throw new Error(`pddl_domain is not the ALFRED domain (expected "(define (domain alfred) ...")`);

  let problem: SExp[];
  try {
    problem = parseSexp(problemText.toLowerCase());
  } catch (err) {
    throw new Error(`pddl_problem: ${(err as Error).message}`);
  }
  const def = problem.find((x) => Array.isArray(x) && x[0] === "define") as SExp[] | undefined;
  if (!def) throw new Error("pddl_problem: no (define (problem ...) ...) form");
  const section = (name: string): SExp[] | undefined => def.find((x) => Array.isArray(x) && x[0] === name) as SExp[] | undefined;
  const objectsSec = section(":objects");
  const initSec = section(":init");
  const goalSec = section(":goal");
  if (!objectsSec) throw new Error("pddl_problem: missing (:objects ...)");
  if (!initSec) throw new Error("pddl_problem: missing (:init ...)");
  if (!goalSec || goalSec.length < 2) throw new Error("pddl_problem: missing (:goal ...)");

  // Typed objects: "a b - type c - type2".
  const kindOf = new Map<string, string>();
  let pending: string[] = [];
  for (let i = 1; i < objectsSec.length; i++) {
    const tok = objectsSec[i]!;
    if (typeof tok !== "string") throw new Error("pddl_problem: unexpected list in (:objects ...)");
    if (tok === "-") {
      const t = objectsSec[++i];
      if (typeof t !== "string") throw new Error("pddl_problem: '-' without a type in (:objects ...)");
      for (const p of pending) kindOf.set(p, t);
      pending = [];
    } else pending.push(tok);
  }
  for (const p of pending) kindOf.set(p, "object");
  const ofKind = (k: string) => [...kindOf.entries()].filter(([, v]) => v === k).map(([id]) => id).sort();
  const locIds = ofKind("location");
  const recIds = ofKind("receptacle");
  const objIds = ofKind("object");
  const agents = ofKind("agent");
  const rtypes = ofKind("rtype");
  const otypes = ofKind("otype");
  if (agents.length === 0) throw new Error("pddl_problem: no agent in (:objects ...)");
  if (recIds.length === 0) throw new Error("pddl_problem: no receptacles in (:objects ...)");
  if (locIds.length === 0) throw new Error("pddl_problem: no locations in (:objects ...)");
  if (objIds.length > 4000 || recIds.length > 4000 || locIds.length > 60000) throw new Error("pddl_problem: too many objects");
  const names = demangle([...kindOf.keys()]);
  const locIx = new Map(locIds.map((id, i) => [id, i]));
  const recIx = new Map(recIds.map((id, i) => [id, i]));
  const objIx = new Map(objIds.map((id, i) => [id, i]));

  const facts: string[][] = [];
  for (const f of initSec.slice(1)) {
    if (!Array.isArray(f) || f.length === 0 || typeof f[0] !== "string") throw new Error(`pddl_problem: malformed fact in (:init ...)`);
    if (f[0] === "=" ) continue; // numeric fluents (distances, costs)
    if (f.some((x) => typeof x !== "string")) throw new Error(`pddl_problem: malformed fact (${f[0]} ...) in (:init ...)`);
    facts.push(f as string[]);
  }
  const need = (map: Map<string, number>, id: string | undefined, what: string, pred: string): number => {
    const v = id === undefined ? undefined : map.get(id);
    if (v === undefined) throw new Error(`pddl_problem: (${pred} ...) names unknown ${what} "${id}"`);
    return v;
  };

  const recLoc = new Int32Array(recIds.length).fill(-1);
  const recType = recIds.map((id) => baseName(id) ?? id);
  const objType = objIds.map((id) => baseName(id) ?? id);
  const recOpenable = new Uint8Array(recIds.length);
  const props = new Uint16Array(objIds.length);
  const canContain = new Set<string>();
  const nO = objIds.length;
  const nR = recIds.length;
  const init = new Uint16Array(bufferSize(nO, nR));
  const lay = layout(nO, nR);
  let agentLoc = -1;
  const propBit: Record<string, number> = {
    pickupable: P_PICKUPABLE,
    cleanable: P_CLEANABLE,
    heatable: P_HEATABLE,
    coolable: P_COOLABLE,
    toggleable: P_TOGGLEABLE,
    sliceable: P_SLICEABLE,
    isreceptacleobject: P_RECEPTACLE_OBJECT,
  };
  const flagBit: Record<string, number> = { isclean: F_CLEAN, ishot: F_HOT, iscool: F_COOL, istoggled: F_TOGGLED, ison: F_ON, issliced: F_SLICED };
  for (const [p, a, b] of facts) {
    switch (p) {
      case "atlocation":
        agentLoc = need(locIx, b, "location", p);
        break;
      case "receptacleatlocation":
        recLoc[need(recIx, a, "receptacle", p)] = need(locIx, b, "location", p);
        break;
      case "objectatlocation":
        init[lay.loc + need(objIx, a, "object", p)] = need(locIx, b, "location", p) + 1;
        break;
      case "inreceptacle":
        // Every receptacle an object is in counts (a desk lamp on a desk and a shelf).
        addToRec(init, lay, need(objIx, a, "object", p), need(recIx, b, "receptacle", p));
        break;
      case "openable":
        recOpenable[need(recIx, a, "receptacle", p)] = 1;
        break;
      case "opened":
        init[lay.open + need(recIx, a, "receptacle", p)] = 1;
        break;
      case "receptacletype":
        recType[need(recIx, a, "receptacle", p)] = typeName(b ?? "");
        break;
      case "objecttype":
        objType[need(objIx, a, "object", p)] = typeName(b ?? "");
        break;
      case "cancontain":
        canContain.add(`${typeName(a ?? "")}|${typeName(b ?? "")}`);
        break;
      case "holds":
        init[1] = need(objIx, b, "object", p) + 1;
        break;
      default:
        if (propBit[p!] !== undefined) props[need(objIx, a, "object", p!)]! |= propBit[p!]!;
        else if (flagBit[p!] !== undefined) init[lay.flags + need(objIx, a, "object", p!)]! |= flagBit[p!]!;
    }
  }
  if (agentLoc < 0) throw new Error("pddl_problem: no (atLocation agent ...) fact");
  recIds.forEach((id, r) => {
    if (recLoc[r]! < 0) throw new Error(`pddl_problem: receptacle "${id}" has no (receptacleAtLocation ...) fact`);
  });
  init[0] = agentLoc;
  // An object in a receptacle with no location fact of its own is at the receptacle's location.
  for (let o = 0; o < nO; o++) {
    if (init[lay.loc + o] !== 0) continue;
    for (let r = 0; r < nR; r++) {
      if ((init[HEADER + o * lay.w + (r >>> 4)]! >>> (r & 15)) & 1) {
        init[lay.loc + o] = recLoc[r]! + 1;
        break;
      }
    }
  }
  const canPut = new Uint8Array(nR * nO);
  for (let r = 0; r < nR; r++) for (let o = 0; o < nO; o++) if (canContain.has(`${recType[r]}|${objType[o]}`)) canPut[r * nO + o] = 1;
  const recsAtLoc: number[][] = locIds.map(() => []);
  for (let r = 0; r < nR; r++) recsAtLoc[recLoc[r]!]!.push(r);

  const recs = recIds.map((id, r) => ({ name: names.get(id)!, type: recType[r]!, loc: recLoc[r]!, openable: recOpenable[r] === 1 }));
  const objs = objIds.map((id, o) => ({ name: names.get(id)!, type: objType[o]!, props: props[o]! }));
  const ctx: GoalContext = {
    kinds: kindOf,
    locIx,
    recIx,
    objIx,
    types: new Map([...rtypes, ...otypes].map((t, i) => [t, i])),
    typeNames: [...rtypes, ...otypes].map(typeName),
    rtypeCount: rtypes.length,
    otypeCount: otypes.length,
    canContain,
    numLocs: locIds.length,
  };
  const goalForm = goalSec[1]!;
  const goalTest = compileGoal(goalForm, ctx, recs, objs);
  const goal = inferGoal(goalForm);

  const taskMatch = /Your task is to: ((?:[^"\\]|\\.)*)"/.exec(grammarText);
  let taskText = "UNKNOWN GOAL";
  if (taskMatch) {
    try {
      taskText = JSON.parse(`"${taskMatch[1]}"`) as string;
    } catch {
      taskText = taskMatch[1]!;
    }
    if (taskText.endsWith(".")) taskText = taskText.slice(0, -1);
  }
  const grammar: Grammar = grammarOverride ?? (grammarText.includes("move {o} to {r}") ? "current" : "classic");
  const base: Omit<Scene, "hash"> = {
    locNames: locIds.map((id) => names.get(id)!),
    recs,
    objs,
    recsAtLoc,
    recOrder: recs.map((_, i) => i),
    objOrder: objs.map((_, i) => i),
    canPut,
    init,
    taskText,
    goal,
    goalTest,
    grammar,
    info: { game_file: source, ...(goal ? { task_type: goal.type } : {}) },
  };
  return { ...base, hash: sceneHash(base) };
}

interface GoalContext {
  kinds: Map<string, string>;
  locIx: Map<string, number>;
  recIx: Map<string, number>;
  objIx: Map<string, number>;
  types: Map<string, number>;
  typeNames: string[];
  rtypeCount: number;
  otypeCount: number;
  canContain: Set<string>;
  numLocs: number;
}

type Env = Map<string, number>;
type Test = (w: WorldView, env: Env) => boolean;

/** Compiles a goal formula (and/or/not/imply/exists/forall/=/predicates) into a test. */
function compileGoal(form: SExp, ctx: GoalContext, recs: Scene["recs"], objs: Scene["objs"]): (w: WorldView) => boolean {
  const varKinds = new Map<string, string>();
  const arg = (tok: SExp): ((env: Env) => number) => {
    if (typeof tok !== "string") throw new Error("pddl_problem: goal argument is a list");
    if (tok.startsWith("?")) return (env) => env.get(tok) ?? -1;
    const v = ctx.locIx.get(tok) ?? ctx.recIx.get(tok) ?? ctx.objIx.get(tok) ?? ctx.types.get(tok) ?? (ctx.kinds.get(tok) === "agent" ? 0 : undefined);
    if (v === undefined) throw new Error(`pddl_problem: goal names unknown constant "${tok}"`);
    return () => v;
  };
  const typeOf = (i: number) => ctx.typeNames[i] ?? "";
  const compile = (f: SExp): Test => {
    if (!Array.isArray(f) || f.length === 0) throw new Error("pddl_problem: malformed goal formula");
    const head = f[0];
    if (Array.isArray(head)) throw new Error("pddl_problem: malformed goal formula");
    switch (head) {
      case "and": {
        const parts = f.slice(1).map(compile);
        return (w, env) => parts.every((p) => p(w, env));
      }
      case "or": {
        const parts = f.slice(1).map(compile);
        return (w, env) => parts.some((p) => p(w, env));
      }
      case "not": {
        const p = compile(f[1]!);
        return (w, env) => !p(w, env);
      }
      case "imply": {
        const a = compile(f[1]!);
        const b = compile(f[2]!);
        return (w, env) => !a(w, env) || b(w, env);
      }
      case "exists":
      case "forall": {
        const params = f[1];
        if (!Array.isArray(params)) throw new Error(`pddl_problem: ${head} without a parameter list`);
        const vars: [string, string][] = [];
        let pend: string[] = [];
        for (let i = 0; i < params.length; i++) {
          const t = params[i]!;
          if (typeof t !== "string") throw new Error(`pddl_problem: malformed ${head} parameters`);
          if (t === "-") {
            const k = params[++i];
            if (typeof k !== "string") throw new Error(`pddl_problem: malformed ${head} parameters`);
            for (const v of pend) vars.push([v, k.replace(/,$/, "")]);
            pend = [];
          } else if (t.replace(/,$/, "")) pend.push(t.replace(/,$/, ""));
        }
        for (const v of pend) vars.push([v, "object"]);
        for (const [v, k] of vars) varKinds.set(v, k);
        const body = compile(f[2]!);
        const domainSize = (k: string): number =>
          k === "agent" ? 1 : k === "location" ? ctx.numLocs : k === "receptacle" ? recs.length : k === "object" ? objs.length : k === "rtype" || k === "otype" ? ctx.typeNames.length : 0;
        const sizes = vars.map(([, k]) => domainSize(k));
        const offset = vars.map(([, k]) => (k === "otype" ? ctx.rtypeCount : 0));
        const limit = vars.map(([, k], i) => (k === "rtype" ? ctx.rtypeCount : k === "otype" ? ctx.otypeCount : sizes[i]!));
        const isExists = head === "exists";
        const loop = (w: WorldView, env: Env, i: number): boolean => {
          if (i === vars.length) return body(w, env);
          const name = vars[i]![0];
          for (let v = 0; v < limit[i]!; v++) {
            env.set(name, v + offset[i]!);
            const r = loop(w, env, i + 1);
            if (r === isExists) {
              env.delete(name);
              return r;
            }
          }
          env.delete(name);
          return !isExists;
        };
        return (w, env) => loop(w, env, 0);
      }
      case "=": {
        const a = arg(f[1]!);
        const b = arg(f[2]!);
        return (_w, env) => a(env) === b(env);
      }
      default: {
        const args = f.slice(1).map(arg);
        const a0 = args[0] ?? (() => -1);
        const a1 = args[1] ?? (() => -1);
        const fl = (bit: number): Test => (w, env) => {
          const o = a0(env);
          return o >= 0 && (w.objFlags(o) & bit) !== 0;
        };
        const pr = (bit: number): Test => (_w, env) => {
          const o = a0(env);
          return o >= 0 && (objs[o]!.props & bit) !== 0;
        };
        switch (head) {
          case "atlocation":
            return (w, env) => w.agentLoc() === a1(env);
          case "receptacleatlocation":
            return (_w, env) => recs[a0(env)]?.loc === a1(env);
          case "objectatlocation":
            return (w, env) => a0(env) >= 0 && w.objLoc(a0(env)) === a1(env);
          case "inreceptacle":
            return (w, env) => a0(env) >= 0 && a1(env) >= 0 && w.inRec(a0(env), a1(env));
          case "openable":
            return (_w, env) => recs[a0(env)]?.openable === true;
          case "opened":
            return (w, env) => a0(env) >= 0 && w.isOpen(a0(env));
          case "receptacletype":
            return (_w, env) => recs[a0(env)]?.type === typeOf(a1(env));
          case "objecttype":
            return (_w, env) => objs[a0(env)]?.type === typeOf(a1(env));
          case "cancontain":
            return (_w, env) => ctx.canContain.has(`${typeOf(a0(env))}|${typeOf(a1(env))}`);
          case "holds":
            return (w, env) => w.held() === a1(env) && a1(env) >= 0;
          case "holdsany":
            return (w) => w.held() >= 0;
          case "isclean":
            return fl(F_CLEAN);
          case "ishot":
            return fl(F_HOT);
          case "iscool":
            return fl(F_COOL);
          case "istoggled":
            return fl(F_TOGGLED);
          case "ison":
            return fl(F_ON);
          case "issliced":
            return fl(F_SLICED);
          case "pickupable":
            return pr(P_PICKUPABLE);
          case "cleanable":
            return pr(P_CLEANABLE);
          case "heatable":
            return pr(P_HEATABLE);
          case "coolable":
            return pr(P_COOLABLE);
          case "toggleable":
            return pr(P_TOGGLEABLE);
          case "sliceable":
            return pr(P_SLICEABLE);
          case "isreceptacleobject":
            return pr(P_RECEPTACLE_OBJECT);
          default:
            // Bookkeeping predicates (checked, examined, full, wasInReceptacle...) never hold here.
            return () => false;
        }
      }
    }
  };
  const test = compile(form);
  return (w) => test(w, new Map());
}

/** Infers ALFWorld's task type and typed goal from a goal formula, for the expert. */
export function inferGoal(form: SExp): GoalSpec | undefined {
  const objTypeOfVar = new Map<string, string>();
  const recTypes: string[] = [];
  const preds = new Map<string, Set<string>>();
  const walk = (f: SExp): void => {
    if (!Array.isArray(f) || f.length === 0) return;
    const h = f[0];
    if (typeof h === "string") {
      const a = typeof f[1] === "string" ? f[1] : "";
      const b = typeof f[2] === "string" ? f[2] : "";
      if (h === "objecttype") objTypeOfVar.set(a, typeName(b));
      else if (h === "receptacletype") recTypes.push(typeName(b));
      else {
        if (!preds.has(h)) preds.set(h, new Set());
        preds.get(h)!.add(a);
      }
    }
    for (const x of f) if (Array.isArray(x)) walk(x);
  };
  walk(form);
  const lampVars = new Set([...(preds.get("istoggled") ?? []), ...(preds.get("toggleable") ?? [])]);
  const lampVar = [...lampVars].find((v) => objTypeOfVar.has(v));
  const objVars = [...objTypeOfVar.keys()].filter((v) => v !== lampVar);
  const obj = objVars.length > 0 ? objTypeOfVar.get(objVars[0]!)! : "";
  if (!obj) return undefined;
  const recep = recTypes[0] ?? "";
  let type: TaskType;
  if (lampVar) type = "look_at_obj_in_light";
  else if (objVars.filter((v) => objTypeOfVar.get(v) === obj).length >= 2) type = "pick_two_obj_and_place";
  else if (preds.has("isclean")) type = "pick_clean_then_place_in_recep";
  else if (preds.has("ishot")) type = "pick_heat_then_place_in_recep";
  else if (preds.has("iscool")) type = "pick_cool_then_place_in_recep";
  else type = "pick_and_place_simple";
  if (type !== "look_at_obj_in_light" && !recep) return undefined;
  return { type, obj, recep, lamp: lampVar ? objTypeOfVar.get(lampVar)! : "" };
}
