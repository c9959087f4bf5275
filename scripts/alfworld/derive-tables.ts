/**
 * Derives the compact scene tables the ALFWorld generator ships with, from the reference
 * inventories (alfworld's per-floor-plan layouts and its type tables).
 *
 *   npx tsx scripts/alfworld/derive-tables.ts ../shared/reference/alfworld
 *
 * writes adapters/alfworld/data/scene-tables.ts. The reference files are only read here
 * (and by a test that checks the shipped file against a fresh derivation).
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { FloorPlanTable, SceneTables } from "../../adapters/alfworld/tables.js";

/** Receptacle types that open and close (ALFRED's openable class list, minus the movable Box). */
const OPENABLE = ["Cabinet", "Drawer", "Fridge", "Microwave", "Safe"];
/** A kitchen's stove has four burners; the layouts do not list their instances. */
const DEFAULT_COUNTS: Record<string, number> = { StoveBurner: 4 };
/** Where lamps stand: they are not placeable objects in the type tables. */
const LAMP_HOSTS: Record<string, string[]> = {
  DeskLamp: ["Desk", "SideTable", "Dresser", "Shelf", "DiningTable", "CoffeeTable", "TVStand"],
  FloorLamp: ["SideTable", "Dresser", "Desk", "Shelf", "CoffeeTable", "ArmChair", "Sofa", "TVStand", "Ottoman"],
};

/**
 * Scenery: objects the layouts list that are neither placeable nor receptacles but sit in
 * receptacles in real games (never pickupable there). The layouts do not say on what, so
 * these hosts are our choice.
 */
const SCENERY_HOSTS: Record<string, string[]> = {
  HousePlant: ["CounterTop", "DiningTable", "CoffeeTable", "SideTable", "Dresser", "Shelf", "Desk", "TVStand"],
  Television: ["TVStand", "Dresser", "Desk", "SideTable", "CoffeeTable"],
  TeddyBear: ["Bed", "ArmChair", "Sofa", "Shelf", "Dresser"],
};

/** ALFWorld's PDDL id for an ALFRED object id (`Drawer|+00.64|...` → `Drawer_bar__plus_00_dot_64...`). */
export function pddlId(alfredId: string): string {
  return alfredId.replace(/\|/g, "_bar_").replace(/\+/g, "_plus_").replace(/-/g, "_minus_").replace(/\./g, "_dot_");
}

/**
 * Receptacles whose interaction pose is the same stand at one location in the real games.
 * Returns the groups of two or more, as display names (ALFWorld's numbering: ids sorted,
 * numbered per type from the count down).
 */
export function sharedLocations(instances: Record<string, unknown>, keep: (type: string) => boolean): string[][] {
  const typeOf = (id: string) => {
    const parts = id.split("|");
    return parts.length > 4 ? parts[4]! : parts[0]!;
  };
  const ids = Object.keys(instances).filter((id) => keep(typeOf(id)));
  const sortedIds = [...ids].sort((a, b) => (pddlId(a).toLowerCase() < pddlId(b).toLowerCase() ? -1 : 1));
  const left = new Map<string, number>();
  for (const id of sortedIds) left.set(typeOf(id), (left.get(typeOf(id)) ?? 0) + 1);
  const name = new Map<string, string>();
  for (const id of sortedIds) {
    const t = typeOf(id);
    name.set(id, `${t.toLowerCase()} ${left.get(t)}`);
    left.set(t, left.get(t)! - 1);
  }
  const byPose = new Map<string, string[]>();
  for (const id of sortedIds) {
    const key = JSON.stringify(instances[id]);
    byPose.set(key, [...(byPose.get(key) ?? []), name.get(id)!]);
  }
  return [...byPose.values()].filter((g) => g.length > 1).sort((a, b) => (a[0]! < b[0]! ? -1 : 1));
}

interface TypesFile {
  RECEPTACLES: string[];
  MOVABLE_RECEPTACLES: string[];
  VAL_RECEPTACLE_OBJECTS: Record<string, string[]>;
  VAL_ACTION_OBJECTS: Record<string, string[]>;
  GOALS_VALID: Record<string, string[]>;
  SCENE_TYPE: Record<string, number[]>;
  TRAIN_SCENE_NUMBERS: number[];
  TEST_SCENE_NUMBERS: number[];
}

const sorted = (xs: Iterable<string>): string[] => [...new Set(xs)].sort();

export function deriveTables(refDir: string): SceneTables {
  const types = JSON.parse(readFileSync(join(refDir, "alfred-types.json"), "utf8")) as TypesFile;
  const movable = new Set(types.MOVABLE_RECEPTACLES);
  const fixed = types.RECEPTACLES.filter((r) => !movable.has(r));
  const fixedSet = new Set(fixed);
  const notSliced = (t: string) => !t.endsWith("Sliced");
  const accepts: Record<string, string[]> = {};
  for (const r of sorted(fixed)) accepts[r] = sorted((types.VAL_RECEPTACLE_OBJECTS[r] ?? []).filter(notSliced));
  const placeable = new Set(Object.values(accepts).flat());
  const toggleable = sorted(types.VAL_ACTION_OBJECTS.Toggleable ?? []);
  const action = (k: string) => sorted((types.VAL_ACTION_OBJECTS[k] ?? []).filter(notSliced));

  const roomOf = new Map<number, string>();
  for (const [room, nums] of Object.entries(types.SCENE_TYPE)) for (const n of nums) roomOf.set(n, room);
  const floorPlans: Record<string, FloorPlanTable> = {};
  const all = [...roomOf.keys()].sort((a, b) => a - b);
  for (const n of all) {
    const objectsPath = join(refDir, "layouts", `FloorPlan${n}-objects.json`);
    if (!existsSync(objectsPath)) continue;
    const present = new Set(JSON.parse(readFileSync(objectsPath, "utf8")) as string[]);
    const instances = JSON.parse(readFileSync(join(refDir, "layouts", `FloorPlan${n}-openable.json`), "utf8")) as Record<string, unknown>;
    const counts: Record<string, number> = {};
    for (const id of Object.keys(instances)) {
      const parts = id.split("|");
      const type = parts.length > 4 ? parts[4]! : parts[0]!;
      if (fixedSet.has(type)) counts[type] = (counts[type] ?? 0) + 1;
    }
    const receptacles: Record<string, number> = {};
    for (const t of sorted([...present].filter((t) => fixedSet.has(t)).concat(Object.keys(counts)))) {
      receptacles[t] = counts[t] ?? DEFAULT_COUNTS[t] ?? 1;
    }
    floorPlans[String(n)] = {
      room: roomOf.get(n)!,
      receptacles,
      objects: sorted([...present].filter((t) => placeable.has(t))),
      lamps: toggleable.filter((t) => present.has(t)),
      scenery: Object.keys(SCENERY_HOSTS).filter((t) => present.has(t)),
      shared: sharedLocations(instances, (t) => fixedSet.has(t)),
    };
  }
  return {
    version: 2,
    openable: OPENABLE,
    accepts,
    lampHosts: LAMP_HOSTS,
    sceneryHosts: SCENERY_HOSTS,
    cleanable: action("Cleanable"),
    heatable: action("Heatable"),
    coolable: action("Coolable"),
    sliceable: action("Sliceable"),
    toggleable,
    goalRooms: Object.fromEntries(Object.entries(types.GOALS_VALID).map(([k, v]) => [k, sorted(v)])),
    trainFloorPlans: [...types.TRAIN_SCENE_NUMBERS].sort((a, b) => a - b),
    testFloorPlans: [...types.TEST_SCENE_NUMBERS].sort((a, b) => a - b),
    floorPlans,
  };
}

export function renderTablesModule(tables: SceneTables): string {
  return [
    "// Generated by scripts/alfworld/derive-tables.ts from alfworld's layouts and type tables. Do not edit.",
    "// Facts only (per floor plan: receptacle instance counts, receptacles sharing an interaction pose, types present;",
    "// type tables), not the reference files; regenerate: npx tsx scripts/alfworld/derive-tables.ts ../shared/reference/alfworld",
    'import type { SceneTables } from "../tables.js";',
    "",
    `export const SCENE_TABLES: SceneTables = ${JSON.stringify(tables)};`,
    "",
  ].join("\n");
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const refDir = resolve(process.argv[2] ?? "../shared/reference/alfworld");
  if (!existsSync(join(refDir, "alfred-types.json"))) {
    console.error(`no alfred-types.json under ${refDir}; pass the reference alfworld directory`);
    process.exit(1);
  }
  const out = join(dirname(fileURLToPath(import.meta.url)), "../../adapters/alfworld/data/scene-tables.ts");
  const tables = deriveTables(refDir);
  writeFileSync(out, renderTablesModule(tables));
  console.log(`wrote ${out}: ${Object.keys(tables.floorPlans).length} floor plans`);
}
