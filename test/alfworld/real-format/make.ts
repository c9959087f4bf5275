/**
 * Writes the committed real-format ALFWorld games under json_2.1.1/ (run from the repo root:
 * `npx tsx test/alfworld/real-format/make.ts`). Each trial has ALFWorld's three files
 * (game.tw-pddl, traj_data.json, initial_state.pddl) in the json_2.1.1 layout, written
 * here from the published format; none is copied from ALFWorld's data. The scenes are
 * small but have what real games have and generated ones did not: objects in two
 * receptacles, receptacles sharing a location, objects whose location fact is their own,
 * and trials that ALFWorld's filter drops (movable receptacle, sliced object, unsolvable).
 *
 * game.tw-pddl's pddl_domain and grammar are short stand-ins written for these tests (the
 * loader reads only the domain's name and the grammar's task sentence and put template);
 * real files carry ALFWorld's whole domain and grammar.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { id, loc } from "../game-fixture.js";

const ROOT = join(import.meta.dirname, "json_2.1.1");

interface Rec {
  id: string;
  type: string;
  loc: string;
  openable?: boolean;
}
interface Obj {
  id: string;
  type: string;
  in: string[];
  /** Its own location fact (real games: from where the object stands). */
  at: string;
  props: string[];
}
interface Trial {
  split: string;
  folder: string;
  trial: string;
  taskType: string;
  scene: number;
  task: string;
  solvable: boolean;
  start: string;
  recs: Rec[];
  objs: Obj[];
  canContain: [string, string][];
  goal: string;
  params: { object_target: string; parent_target: string; mrecep_target: string; toggle_target: string; object_sliced: boolean };
}

const DOMAIN = "(define (domain alfred)\n ; stand-in: a real game.tw-pddl carries ALFWorld's whole ALFRED domain here\n (:requirements :adl)\n)\n";
const grammar = (task: string) =>
  'grammar :: """\n    {\n        "intro": [{"rhs": "-= Welcome to TextWorld, ALFRED! =-\\n\\n#look.feedback#\\n\\n#task#"}],\n' +
  `        "task": [{"rhs": "Your task is to: ${task}"}]\n    }\n"""\n\naction PutObject {\n    template :: "put {o} in/on {r}";\n}\n`;

function problemText(t: Trial): string {
  const locs = [...new Set([t.start, ...t.recs.map((r) => r.loc), ...t.objs.map((o) => o.at)])];
  const otypes = [...new Set(t.objs.map((o) => o.type).concat(t.canContain.map(([, o]) => o)))];
  const rtypes = [...new Set(t.recs.map((r) => r.type).concat(t.canContain.map(([r]) => r)))];
  return [
    `(define (problem plan_${t.trial})`,
    "(:domain alfred)",
    "(:objects",
    "agent1 - agent",
    ...otypes.map((x) => `${x}Type - otype`),
    ...rtypes.map((x) => `${x}Type - rtype`),
    ...t.objs.map((o) => `${o.id} - object`),
    ...t.recs.map((r) => `${r.id} - receptacle`),
    ...locs.map((l) => `${l} - location`),
    ")",
    "",
    "(:init",
    "",
    `(atLocation agent1 ${t.start})`,
    ...t.canContain.map(([r, o]) => `(canContain ${r}Type ${o}Type)`),
    ...t.recs.flatMap((r) => [`(receptacleType ${r.id} ${r.type}Type)`, `(receptacleAtLocation ${r.id} ${r.loc})`, ...(r.openable ? [`(openable ${r.id})`] : [])]),
    ...t.objs.flatMap((o) => [`(objectType ${o.id} ${o.type}Type)`, ...o.in.map((r) => `(inReceptacle ${o.id} ${r})`), `(objectAtLocation ${o.id} ${o.at})`, ...o.props.map((p) => `(${p} ${o.id})`)]),
    ")",
    "",
    `(:goal\n     (and\n${t.goal}\n     )\n)\n)`,
    "",
  ].join("\n");
}

function write(t: Trial): void {
  const dir = join(ROOT, t.split, t.folder, t.trial);
  mkdirSync(dir, { recursive: true });
  const pddl = problemText(t);
  writeFileSync(join(dir, "initial_state.pddl"), pddl);
  writeFileSync(join(dir, "game.tw-pddl"), JSON.stringify({ pddl_domain: DOMAIN, grammar: grammar(t.task), pddl_problem: pddl, solvable: t.solvable }, null, 2) + "\n");
  const traj = {
    task_id: t.trial,
    task_type: t.taskType,
    pddl_params: t.params,
    scene: { floor_plan: `FloorPlan${t.scene}`, scene_num: t.scene, random_seed: 0 },
    split: t.split,
    turk_annotations: { anns: [{ task_desc: t.task, high_descs: [] }] },
  };
  writeFileSync(join(dir, "traj_data.json"), JSON.stringify(traj, null, 2) + "\n");
}

const LAMPABLE = ["pickupable"];
const FOOD = ["pickupable", "heatable", "coolable", "cleanable", "sliceable"];
const none = { mrecep_target: "", toggle_target: "", object_sliced: false };
const putGoal = (obj: string, rec: string, pred = "") => `        (exists (?r - receptacle)
            (exists (?o - object)
                (and
                    (objectType ?o ${obj}Type)
                    (receptacleType ?r ${rec}Type)${pred ? `\n                    (${pred} ?o)` : ""}
                    (inReceptacle ?o ?r)
                )
            )
        )`;

// A living room (floor plan 219, valid_unseen): shelf 1 and shelf 2 share a location; the
// desk lamp stands on the desk and on shelf 3 at once.
const SHELF_A = id("Shelf", -4.2, 0.31, 3.9);
const SHELF_B = id("Shelf", -4.2, 0.67, 3.9);
const SHELF_C = id("Shelf", -1.1, 0.78, 0.4);
const DESK = id("Desk", -1.2, 0.0, 0.4);
const SIDE = id("SideTable", 2.1, 0.0, -0.7);
const SOFA = id("Sofa", 0.4, 0.0, -2.6);
const LAMP = id("DeskLamp", -1.3, 0.8, 0.35);
const BOOK = id("Book", 2.05, 0.6, -0.75);
const PEN = id("Pen", -4.1, 0.35, 3.85);
const PLANT = id("HousePlant", 2.2, 0.6, -0.6);
const SHARED = loc(-17, 14, 0, 30);
write({
  split: "valid_unseen",
  folder: "look_at_obj_in_light-Book-None-DeskLamp-219",
  trial: "trial_T20190908_001122_334455",
  taskType: "look_at_obj_in_light",
  scene: 219,
  task: "look at book under the desklamp.",
  solvable: true,
  start: loc(2, -4, 1, 30),
  recs: [
    { id: SHELF_A, type: "Shelf", loc: SHARED },
    { id: SHELF_B, type: "Shelf", loc: SHARED },
    { id: SHELF_C, type: "Shelf", loc: loc(-4, 3, 3, 45) },
    { id: DESK, type: "Desk", loc: loc(-4, 2, 3, 45) },
    { id: SIDE, type: "SideTable", loc: loc(7, -3, 1, 45) },
    { id: SOFA, type: "Sofa", loc: loc(2, -8, 2, 30) },
  ],
  objs: [
    { id: LAMP, type: "DeskLamp", in: [DESK, SHELF_C], at: loc(-4, 2, 3, 45), props: ["toggleable"] },
    { id: BOOK, type: "Book", in: [SIDE], at: loc(8, -3, 1, 60), props: LAMPABLE },
    { id: PEN, type: "Pen", in: [SHELF_A], at: loc(-16, 15, 0, 60), props: LAMPABLE },
    { id: PLANT, type: "HousePlant", in: [SIDE], at: loc(8, -2, 1, 60), props: [] },
  ],
  canContain: [
    ["Shelf", "Book"],
    ["Shelf", "Pen"],
    ["Desk", "Book"],
    ["Desk", "Pen"],
    ["SideTable", "Book"],
    ["SideTable", "Pen"],
    ["Sofa", "Book"],
  ],
  goal: `        (exists (?ot - object ?a - agent ?l - location)
            (and
                (objectType ?ot DeskLampType)
                (toggleable ?ot)
                (isToggled ?ot)
                (objectAtLocation ?ot ?l)
                (atLocation ?a ?l)
            )
        )
        (exists (?o - object ?a - agent)
            (and
                (objectType ?o BookType)
                (holds ?a ?o)
            )
        )`,
  params: { object_target: "Book", parent_target: "", ...none, toggle_target: "DeskLamp" },
});

// A kitchen (floor plan 10, valid_unseen): the pot sits on two overlapping stove burners.
const BURNER_A = id("StoveBurner", -0.42, 0.92, -1.0);
const BURNER_B = id("StoveBurner", -0.42, 0.92, -1.1);
const COUNTER = id("CounterTop", 0.93, 0.95, -0.21);
const CAB = id("Cabinet", 0.65, 0.48, 0.24);
const POT = id("Pot", -0.42, 0.93, -1.05);
const KNIFE = id("Knife", 0.9, 0.96, -0.3);
write({
  split: "valid_unseen",
  folder: "pick_and_place_simple-Pot-None-CounterTop-10",
  trial: "trial_T20190909_101010_202020",
  taskType: "pick_and_place_simple",
  scene: 10,
  task: "put a pot in countertop.",
  solvable: true,
  start: loc(0, 4, 2, 30),
  recs: [
    { id: BURNER_A, type: "StoveBurner", loc: loc(-1, -4, 2, 30) },
    { id: BURNER_B, type: "StoveBurner", loc: loc(-1, -5, 2, 30) },
    { id: COUNTER, type: "CounterTop", loc: loc(1, -1, 1, 30) },
    { id: CAB, type: "Cabinet", loc: loc(-1, 3, 1, 30), openable: true },
  ],
  objs: [
    { id: POT, type: "Pot", in: [BURNER_A, BURNER_B], at: loc(-2, -4, 2, 60), props: ["pickupable", "isReceptacleObject"] },
    { id: KNIFE, type: "Knife", in: [COUNTER], at: loc(4, -1, 1, 60), props: ["pickupable"] },
  ],
  canContain: [
    ["StoveBurner", "Pot"],
    ["CounterTop", "Pot"],
    ["CounterTop", "Knife"],
    ["Cabinet", "Pot"],
  ],
  goal: putGoal("Pot", "CounterTop"),
  params: { object_target: "Pot", parent_target: "CounterTop", ...none },
});

// A kitchen (floor plan 7, valid_seen): a plain clean task; and a movable-receptacle trial
// that ALFWorld's filter drops.
const SINK = id("Sink", -1.9, 0.97, -1.5, "_bar_SinkBasin");
const MACHINE = id("CoffeeMachine", -0.5, 0.9, -2.4);
const MUG = id("Mug", -1.3, 0.96, 0.5);
const TABLE = id("DiningTable", -1.3, 0.0, 0.6);
const FRIDGE = id("Fridge", -2.1, 0.0, 1.09);
const APPLE = id("Apple", -1.2, 0.98, 0.7);
const BOWL = id("Bowl", -1.4, 0.96, 0.4);
const KITCHEN: Rec[] = [
  { id: SINK, type: "SinkBasin", loc: loc(-7, -6, 3, 30) },
  { id: MACHINE, type: "CoffeeMachine", loc: loc(-2, -7, 2, 30) },
  { id: TABLE, type: "DiningTable", loc: loc(-5, 2, 3, 30) },
  { id: FRIDGE, type: "Fridge", loc: loc(-8, 4, 3, 0), openable: true },
];
const KITCHEN_OBJS: Obj[] = [
  { id: MUG, type: "Mug", in: [TABLE], at: loc(-5, 2, 3, 60), props: ["pickupable", "cleanable", "heatable", "coolable", "isReceptacleObject"] },
  { id: APPLE, type: "Apple", in: [TABLE], at: loc(-5, 3, 3, 60), props: FOOD },
  { id: BOWL, type: "Bowl", in: [TABLE], at: loc(-6, 2, 3, 60), props: ["pickupable", "cleanable", "isReceptacleObject"] },
];
const KITCHEN_CAN: [string, string][] = [
  ["SinkBasin", "Mug"],
  ["SinkBasin", "Apple"],
  ["CoffeeMachine", "Mug"],
  ["DiningTable", "Mug"],
  ["DiningTable", "Apple"],
  ["DiningTable", "Bowl"],
  ["Fridge", "Apple"],
  ["Fridge", "Mug"],
  ["Fridge", "Bowl"],
];
write({
  split: "valid_seen",
  folder: "pick_clean_then_place_in_recep-Mug-None-CoffeeMachine-7",
  trial: "trial_T20190907_070707_121212",
  taskType: "pick_clean_then_place_in_recep",
  scene: 7,
  task: "put a clean mug in coffeemachine.",
  solvable: true,
  start: loc(0, 0, 0, 30),
  recs: KITCHEN,
  objs: KITCHEN_OBJS,
  canContain: KITCHEN_CAN,
  goal: putGoal("Mug", "CoffeeMachine", "isClean"),
  params: { object_target: "Mug", parent_target: "CoffeeMachine", ...none },
});
write({
  split: "valid_seen",
  folder: "pick_and_place_with_movable_recep-Apple-Bowl-Fridge-7",
  trial: "trial_T20190907_080808_131313",
  taskType: "pick_and_place_with_movable_recep",
  scene: 7,
  task: "put a bowl with an apple in it in fridge.",
  solvable: true,
  start: loc(0, 0, 0, 30),
  recs: KITCHEN,
  objs: KITCHEN_OBJS,
  canContain: KITCHEN_CAN,
  goal: putGoal("Bowl", "Fridge"),
  params: { object_target: "Apple", parent_target: "Fridge", mrecep_target: "Bowl", toggle_target: "", object_sliced: false },
});

// Train (floor plan 20): one kept cool task, a sliced-object trial and an unsolvable one.
write({
  split: "train",
  folder: "pick_cool_then_place_in_recep-Apple-None-DiningTable-20",
  trial: "trial_T20190906_010101_000001",
  taskType: "pick_cool_then_place_in_recep",
  scene: 20,
  task: "cool some apple and put it in diningtable.",
  solvable: true,
  start: loc(0, 0, 0, 30),
  recs: KITCHEN,
  objs: KITCHEN_OBJS.map((o) => (o.id === APPLE ? { ...o, in: [FRIDGE], at: loc(-8, 5, 3, 60) } : o)),
  canContain: KITCHEN_CAN,
  goal: putGoal("Apple", "DiningTable", "isCool"),
  params: { object_target: "Apple", parent_target: "DiningTable", ...none },
});
write({
  split: "train",
  folder: "pick_heat_then_place_in_recep-AppleSliced-None-DiningTable-20",
  trial: "trial_T20190906_020202_000002",
  taskType: "pick_heat_then_place_in_recep",
  scene: 20,
  task: "put a hot slice of apple in diningtable.",
  solvable: true,
  start: loc(0, 0, 0, 30),
  recs: KITCHEN,
  objs: KITCHEN_OBJS,
  canContain: KITCHEN_CAN,
  goal: putGoal("Apple", "DiningTable", "isHot"),
  params: { object_target: "Apple", parent_target: "DiningTable", mrecep_target: "", toggle_target: "", object_sliced: true },
});
write({
  split: "train",
  folder: "pick_two_obj_and_place-Mug-None-Fridge-20",
  trial: "trial_T20190906_030303_000003",
  taskType: "pick_two_obj_and_place",
  scene: 20,
  task: "put two mug in fridge.",
  solvable: false,
  start: loc(0, 0, 0, 30),
  recs: KITCHEN,
  objs: KITCHEN_OBJS,
  canContain: KITCHEN_CAN,
  goal: putGoal("Mug", "Fridge"),
  params: { object_target: "Mug", parent_target: "Fridge", ...none },
});
console.log(`wrote ${ROOT}`);
