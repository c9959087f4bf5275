/**
 * Session config: presets, explicit room parameters or Boxoban levels from a data set
 * the server's operator granted (named, never a path). Validation happens once at
 * session creation so reset/step never see bad values.
 */
import { z } from "zod";
import { EnvError } from "../contract.js";
import { parseClientInput, schemaPerLibrary } from "../kit/client-input.js";
import { shortName } from "../kit/short-text.js";
import { OperatorResources, unknownName } from "../operator-resources.js";
import { loadBoxobanDataSet, type Level } from "./boxoban.js";
import { defaultGenSteps } from "./generate.js";
import { MAX_SIDE } from "./room.js";
import type { ImageMode } from "./render-image.js";
import { REVERSE_PLAY_RULES, type ReversePlayRule } from "./reverse-play.js";

/**
 * gym presets use gym-sokoban's generator as it is; `ragen-*` ones are RAGEN's
 * (RAGEN-AI/RAGEN config/envs.yaml and ragen/env/sokoban): its reverse-play rule, search
 * depth (SokobanEnvConfig's default 300; LargerSokoban sets 10) and random player walk.
 */
export const PRESETS = {
  /** The usual LLM-RL "simple" setting (RAGEN): 100 steps is ~10x a typical optimal solution. */
  "6x6-1box": { dim_room: [6, 6], num_boxes: 1, max_steps: 100, reverse_play: "gym", search_depth: 300, player_walk: false },
  /** Two boxes roughly double the optimal length (≈15-40 steps); 150 keeps the same slack. */
  "8x8-2box": { dim_room: [8, 8], num_boxes: 2, max_steps: 150, reverse_play: "gym", search_depth: 300, player_walk: false },
  /** Boxoban's size and box count; optimal solutions run 30-90 steps, so 200 allows some exploration. */
  "10x10-4box": { dim_room: [10, 10], num_boxes: 4, max_steps: 200, reverse_play: "gym", search_depth: 300, player_walk: false },
  /** RAGEN's SimpleSokoban. */
  "ragen-6x6-1box": { dim_room: [6, 6], num_boxes: 1, max_steps: 100, reverse_play: "ragen", search_depth: 300, player_walk: true },
  /** RAGEN's LargerSokoban. */
  "ragen-8x8-2box": { dim_room: [8, 8], num_boxes: 2, max_steps: 100, reverse_play: "ragen", search_depth: 10, player_walk: true },
} as const satisfies Record<string, { reverse_play: ReversePlayRule } & Record<string, unknown>>;

export type PresetName = keyof typeof PRESETS;
export const PRESET_NAMES = Object.keys(PRESETS) as PresetName[];
export const DEFAULT_PRESET: PresetName = "6x6-1box";
/** gym-sokoban's BoxobanEnv default; also what gym's SokobanEnv uses for its 10x10 rooms. */
export const BOXOBAN_MAX_STEPS = 120;
/** Solver budget at reset: well under a second on the presets; Boxoban medium needs ≤ ~0.5M on most levels. */
export const DEFAULT_SOLVER_NODE_BUDGET = 1_000_000;
/**
 * The most a client may ask for: 2M stored nodes is ~150 MB with 20 boxes and seconds of
 * search (more with many boxes, where the worker's per-call time limit ends it). Up to
 * 50M was accepted before: gigabytes and minutes for one Reset or ExpertPlan.
 */
export const MAX_SOLVER_NODE_BUDGET = 2_000_000;

const side = z.number().int().min(5).max(MAX_SIDE);

/**
 * The Boxoban levels the operator's data sets hold: names known at server start,
 * each set parsed on first use and kept (errors too, so a broken set is read once).
 */
export interface LevelLibrary {
  /** Data sets with .txt files, sorted. */
  readonly names: readonly string[];
  levels(name: string): readonly Level[];
}

export function levelLibrary(resources: OperatorResources = OperatorResources.EMPTY): LevelLibrary {
  const names = resources.dataSetNames().filter((n) => resources.dataSet(n)!.files.some((f) => f.rel.endsWith(".txt")));
  const loaded = new Map<string, readonly Level[] | EnvError>();
  return {
    names,
    levels(name) {
      let hit = loaded.get(name);
      if (hit === undefined) {
        try {
          hit = loadBoxobanDataSet(resources.dataSet(name)!);
        } catch (err) {
          if (!(err instanceof EnvError)) throw err;
          hit = err;
        }
        loaded.set(name, hit);
      }
      if (hit instanceof EnvError) throw hit;
      return hit;
    },
  };
}

export const EMPTY_LIBRARY = levelLibrary();

const LEVELS_HELP = "Play Boxoban levels from this data set (granted by the server's operator: dynamind serve --data NAME=PATH) instead of generating";

/** The config schema; `levels` lists the data sets this server grants. */
export function rawConfigSchemaFor(levelSets: readonly string[]) {
  const levels = levelSets.length > 0 ? z.enum(levelSets as [string, ...string[]]) : z.string();
  return baseConfigSchema.extend({ levels: levels.optional().describe(levelSets.length > 0 ? LEVELS_HELP : `${LEVELS_HELP} (none granted on this server)`) }).strict();
}

const baseConfigSchema = z
  .object({
    preset: z.enum(PRESET_NAMES as [PresetName, ...PresetName[]]).optional().describe("Room preset; default 6x6-1box"),
    dim_room: z.tuple([side, side]).optional().describe("[width, height] of generated rooms, walls included"),
    num_boxes: z.number().int().min(1).max(20).optional(),
    num_gen_steps: z.number().int().min(1).max(100_000).optional().describe("Topology random-walk length; default int(1.7*(w+h))"),
    max_steps: z.number().int().min(0).max(1_000_000).optional().describe("Step budget enforced by the server; 0 = none"),
    reverse_play: z
      .enum(REVERSE_PLAY_RULES as [ReversePlayRule, ...ReversePlayRule[]])
      .optional()
      .describe("Reverse-play rule: gym (gym-sokoban's exactly; default), ragen (RAGEN's: pulls only, counts box swaps) or legacy (this server's before 1.1.0)"),
    search_depth: z.number().int().min(2).max(1000).optional().describe("Reverse-play TTL; default 300 (gym-sokoban always uses 300)"),
    player_walk: z.boolean().optional().describe("RAGEN's random player walk of 0-3 steps after reverse play; default false"),
    min_solution_length: z.number().int().min(0).max(1000).optional().describe("Regenerate until the optimal solution has at least this many steps"),
    image: z.enum(["tiny", "sprite"]).optional().describe("Image observation style: 1 px per cell, or 16 px sprites (default)"),
    report_optimal: z.boolean().optional().describe("Solve at reset and report optimal_solution_length (default true)"),
    solver_node_budget: z.number().int().min(1).max(MAX_SOLVER_NODE_BUDGET).optional().describe("Solver nodes for report_optimal, min_solution_length and ExpertPlan; default 1M"),
  })
  .strict();

export const rawConfigSchema = rawConfigSchemaFor([]);

export type RawSokobanConfig = z.infer<typeof rawConfigSchema>;

export const rawResetOptionsSchema = z
  .object({
    level: z.number().int().min(0).optional().describe("levels mode only: level index (default: seed mod level count)"),
  })
  .strict();

export const configJsonSchema = configJsonSchemaFor([]);

export function configJsonSchemaFor(levelSets: readonly string[]): Record<string, unknown> {
  return z.toJSONSchema(rawConfigSchemaFor(levelSets)) as Record<string, unknown>;
}
export const resetOptionsJsonSchema = z.toJSONSchema(rawResetOptionsSchema) as Record<string, unknown>;

/** A validated config with every default filled in. */
export interface SokobanConfig {
  preset: PresetName | undefined;
  width: number;
  height: number;
  numBoxes: number;
  numGenSteps: number;
  reversePlay: ReversePlayRule;
  searchDepth: number;
  playerWalk: boolean;
  maxSteps: number;
  minSolutionLength: number;
  image: ImageMode;
  reportOptimal: boolean;
  solverNodeBudget: number;
  /** Set in levels mode: levels of the named data set replace generation. */
  boxoban: { dataSet: string; levels: readonly Level[] } | undefined;
}

const schemaFor = schemaPerLibrary((library: LevelLibrary) => rawConfigSchemaFor(library.names));

export function parseSokobanConfig(raw: unknown, library: LevelLibrary = EMPTY_LIBRARY): SokobanConfig {
  // The name is checked first, for a message that lists the granted names and cuts a long one short.
  const levelsName = typeof raw === "object" && raw !== null ? (raw as Record<string, unknown>).levels : undefined;
  if (levelsName !== undefined && (typeof levelsName !== "string" || !library.names.includes(levelsName))) {
    throw unknownName("sokoban", "levels", levelsName, library.names, "dynamind serve --data NAME=PATH");
  }
  const c = parseClientInput(schemaFor(library), raw, "sokoban config");
  const bad = (msg: string): never => {
    throw new EnvError("INVALID_ARGUMENT", `invalid sokoban config: ${msg}`);
  };
  const preset = PRESETS[c.preset ?? DEFAULT_PRESET];
  const common = {
    preset: c.preset,
    image: c.image ?? "sprite",
    reportOptimal: c.report_optimal ?? true,
    solverNodeBudget: c.solver_node_budget ?? DEFAULT_SOLVER_NODE_BUDGET,
  } as const;

  if (c.levels !== undefined) {
    for (const field of ["dim_room", "num_boxes", "num_gen_steps", "min_solution_length", "reverse_play", "search_depth", "player_walk"] as const) {
      if (c[field] !== undefined) bad(`${field} cannot be combined with levels (levels come from the data set)`);
    }
    const levels = library.levels(c.levels);
    const first = levels[0]!;
    let boxes = 0;
    for (const cell of first.grid) if (cell & 4) boxes++;
    return {
      ...common,
      width: first.width,
      height: first.height,
      numBoxes: boxes,
      numGenSteps: 0,
      reversePlay: "gym",
      searchDepth: 0,
      playerWalk: false,
      maxSteps: c.max_steps ?? BOXOBAN_MAX_STEPS,
      minSolutionLength: 0,
      boxoban: { dataSet: c.levels, levels },
    };
  }

  const [width, height] = c.dim_room ?? preset.dim_room;
  const numBoxes = c.num_boxes ?? preset.num_boxes;
  const interior = (width - 2) * (height - 2);
  if (interior <= numBoxes + 1) bad(`num_boxes ${numBoxes} does not fit a ${width}x${height} room (${interior} interior cells, need more than num_boxes + 1)`);
  return {
    ...common,
    width,
    height,
    numBoxes,
    numGenSteps: c.num_gen_steps ?? defaultGenSteps(width, height),
    reversePlay: c.reverse_play ?? preset.reverse_play,
    searchDepth: c.search_depth ?? preset.search_depth,
    playerWalk: c.player_walk ?? preset.player_walk,
    maxSteps: c.max_steps ?? preset.max_steps,
    minSolutionLength: c.min_solution_length ?? 0,
    boxoban: undefined,
  };
}

export interface SokobanResetOptions {
  level: number | undefined;
}

export function parseResetOptions(raw: unknown): SokobanResetOptions {
  return { level: parseClientInput(rawResetOptionsSchema, raw, "sokoban reset options").level };
}
