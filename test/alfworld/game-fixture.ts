/**
 * ALFWorld game files in ALFWorld's exact format, for tests: JSON with the ALFRED
 * domain, the grammar with the task filled in, and a PDDL problem in the style of
 * ALFRED's initial_state.pddl. Domain and grammar are read from ../shared/reference
 * (callers skip when HAVE_REF is false); nothing from it is copied into the repo.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { REF_DIR } from "./helpers.js";

const n = (x: number) => (x < 0 ? "_minus_" : "_plus_") + Math.abs(x).toFixed(2).padStart(5, "0").replace(".", "_dot_");
export const id = (type: string, x: number, y: number, z: number, suffix = "") => `${type}_bar_${n(x)}_bar_${n(y)}_bar_${n(z)}${suffix}`;
export const loc = (a: number, b: number, c: number, d: number) => `loc_bar_${a < 0 ? "_minus_" + -a : a}_bar_${b < 0 ? "_minus_" + -b : b}_bar_${c}_bar_${d}`;

export interface Spec {
  recs: { id: string; type: string; loc: string; openable?: boolean }[];
  objs: { id: string; type: string; in: string; props: string[] }[];
  start: string;
  canContain: [string, string][];
  goal: string;
}

export function problem(s: Spec): string {
  const locs = [...new Set([s.start, ...s.recs.map((r) => r.loc)])];
  const otypes = [...new Set(s.objs.map((o) => o.type))];
  const rtypes = [...new Set(s.recs.map((r) => r.type))];
  const recLoc = new Map(s.recs.map((r) => [r.id, r.loc]));
  return [
    "(define (problem plan_trial_T20190907_212755_456877)",
    "(:domain alfred)",
    "(:objects",
    "agent1 - agent",
    ...otypes.map((t) => `${t}Type - otype`),
    ...rtypes.map((t) => `${t}Type - rtype`),
    ...s.objs.map((o) => `${o.id} - object`),
    ...s.recs.map((r) => `${r.id} - receptacle`),
    ...locs.map((l) => `${l} - location`),
    ")",
    "",
    "(:init",
    "",
    `(atLocation agent1 ${s.start})`,
    ...s.canContain.map(([r, o]) => `(canContain ${r}Type ${o}Type)`),
    ...s.recs.flatMap((r) => [`(receptacleType ${r.id} ${r.type}Type)`, `(receptacleAtLocation ${r.id} ${r.loc})`, ...(r.openable ? [`(openable ${r.id})`] : [])]),
    ...s.objs.flatMap((o) => [
      `(objectType ${o.id} ${o.type}Type)`,
      `(inReceptacle ${o.id} ${o.in})`,
      `(objectAtLocation ${o.id} ${recLoc.get(o.in)})`,
      ...o.props.map((p) => `(${p} ${o.id})`),
    ]),
    ")",
    "",
    "",
    `(:goal\n     (and\n${s.goal}\n     )\n)\n)`,
  ].join("\n");
}

export const CAB_A = id("Cabinet", -0.73, 2.02, -2.46);
export const CAB_B = id("Cabinet", 0.68, 0.5, -2.2);
export const COUNTER = id("CounterTop", 0.69, 0.95, -2.48);
export const TABLE = id("DiningTable", -0.5, 0.0, 1.0);
export const FRIDGE = id("Fridge", -2.1, 0.0, 1.09);
export const MICRO = id("Microwave", -0.24, 1.69, -2.53);
export const SINK = id("Sink", -1.9, 0.97, -1.5, "_bar_SinkBasin");
export const APPLE = id("Apple", -1.65, 0.8, 0.35);
export const APPLE2 = id("Apple", 0.1, 0.95, -2.3);
export const MUG = id("Mug", -0.3, 0.95, -2.1);
export const START = loc(-1, -7, 2, 45);

export const HEAT_SPEC: Spec = {
  start: START,
  recs: [
    { id: CAB_A, type: "Cabinet", loc: loc(-3, -7, 2, -30), openable: true },
    { id: CAB_B, type: "Cabinet", loc: loc(2, -5, 2, 30), openable: true },
    { id: COUNTER, type: "CounterTop", loc: loc(3, -7, 2, 30) },
    { id: TABLE, type: "DiningTable", loc: loc(-2, 4, 0, 30) },
    { id: FRIDGE, type: "Fridge", loc: loc(-4, 4, 3, 0), openable: true },
    { id: MICRO, type: "Microwave", loc: loc(-1, -7, 2, -30), openable: true },
    { id: SINK, type: "SinkBasin", loc: loc(-5, -6, 3, 30) },
  ],
  objs: [
    { id: APPLE, type: "Apple", in: FRIDGE, props: ["pickupable", "heatable", "coolable", "cleanable", "sliceable"] },
    { id: APPLE2, type: "Apple", in: COUNTER, props: ["pickupable", "heatable", "coolable", "cleanable", "sliceable"] },
    { id: MUG, type: "Mug", in: CAB_B, props: ["pickupable", "heatable", "coolable", "cleanable", "isReceptacleObject"] },
  ],
  canContain: [
    ["DiningTable", "Apple"],
    ["CounterTop", "Apple"],
    ["Fridge", "Apple"],
    ["Microwave", "Apple"],
    ["SinkBasin", "Apple"],
    ["Cabinet", "Mug"],
    ["CounterTop", "Mug"],
    ["DiningTable", "Mug"],
  ],
  goal: `        (exists (?r - receptacle)
            (exists (?o - object)
                (and
                    (heatable ?o)
                    (objectType ?o AppleType)
                    (receptacleType ?r DiningTableType)
                    (isHot ?o)
                    (inReceptacle ?o ?r)
                )
            )
        )`,
};

export const TWO_GOAL = `        (exists (?r - receptacle)
            (exists (?o1 - object)
                (and
                    (objectType ?o1 AppleType)
                    (receptacleType ?r DiningTableType)
                    (inReceptacle ?o1 ?r)
                    (exists (?o2 - object)
                        (and
                            (not (= ?o1 ?o2))
                            (objectType ?o2 AppleType)
                            (receptacleType ?r DiningTableType)
                            (inReceptacle ?o2 ?r)
                        )
                    )
                )
            )
        )`;

export function writeGame(dir: string, spec: Spec, task: string, grammarFile = "alfred.classic.twl2"): string {
  const grammar = readFileSync(join(REF_DIR, grammarFile), "utf8").replace("UNKNOWN GOAL", task);
  const game = { pddl_domain: readFileSync(join(REF_DIR, "alfred.pddl"), "utf8"), grammar, pddl_problem: problem(spec), solvable: true };
  mkdirSync(dir, { recursive: true });
  const path = join(dir, "game.tw-pddl");
  writeFileSync(path, JSON.stringify(game));
  return path;
}
