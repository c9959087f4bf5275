/**
 * Session config and reset options for ALFWorld. Validation happens once at session
 * creation so reset/step never see bad values. Real games come from a data set the
 * server's operator granted (`games` names it; never a path); its files were listed
 * at server start, and each game is read and compiled at the reset that plays it.
 */
import { z } from "zod";
import { EnvError } from "../contract.js";
import type { DataFile } from "../kit/data-files.js";
import { parseClientInput, schemaPerLibrary } from "../kit/client-input.js";
import { shortName } from "../kit/short-text.js";
import { unknownName } from "../operator-resources.js";
import { SPLITS, type Split } from "./generate.js";
import { dataSplitOf, EMPTY_GAME_LIBRARY, type DataSplit, type GameLibrary } from "./library.js";
import { TASK_TYPES, type Grammar, type Scene, type TaskType } from "./scene.js";

export { EMPTY_GAME_LIBRARY, gameLibrary, type GameLibrary } from "./library.js";

export const GRAMMARS = ["classic", "current"] as const;

/**
 * The data set name that makes real data the default: when the operator grants ALFWorld's
 * json_2.1.1 under this name, a config without `games` plays it (`generated: true` asks for
 * generated scenes instead).
 */
export const DEFAULT_DATA_SET = "alfworld";

/**
 * Split names a config may give: ALFWorld's train_eval names (what its environment calls
 * them) and its data folders' names, which mean the same: valid_seen is
 * eval_in_distribution, valid_unseen is eval_out_of_distribution.
 */
export const SPLIT_NAMES = [...SPLITS, "valid_seen", "valid_unseen"] as const;
const SPLIT_OF: Record<(typeof SPLIT_NAMES)[number], Split> = {
  train: "train",
  eval_in_distribution: "eval_in_distribution",
  eval_out_of_distribution: "eval_out_of_distribution",
  valid_seen: "eval_in_distribution",
  valid_unseen: "eval_out_of_distribution",
};

const GAMES_HELP =
  "Play the ALFWorld game files (*.tw-pddl) of this data set, granted by the server's operator (dynamind serve --data NAME=PATH), instead of generated scenes; ALFWorld's trials pass its own filter, a json_2.1.1 root is played by split; seed mod count, or reset option game, picks one";

/** The config schema; `games` lists the data sets this server grants. */
export function rawConfigSchemaFor(gameSets: readonly string[]) {
  const games = gameSets.length > 0 ? z.enum(gameSets as [string, ...string[]]) : z.string();
  return baseConfigSchema.extend({ games: games.optional().describe(gameSets.length > 0 ? GAMES_HELP : `${GAMES_HELP} (none granted on this server)`) }).strict();
}

const baseConfigSchema = z
  .object({
    split: z
      .enum(SPLIT_NAMES)
      .optional()
      .describe(
        "train (default), eval_in_distribution = valid_seen (train floor plans; generated: unseen seeds) or eval_out_of_distribution = valid_unseen (ALFWorld's unseen floor plans 10, 219, 308, 424); with games, the json_2.1.1 folder to play",
      ),
    task_type: z.enum(TASK_TYPES).optional().describe("Pose only this task type (default: any of the six); with games, keep the files whose path names it"),
    generated: z.boolean().optional().describe(`Play generated scenes even when the server grants ALFWorld's data as "${DEFAULT_DATA_SET}" (which is otherwise the default)`),
    grammar: z.enum(GRAMMARS).optional().describe('Text grammar: "classic" (default; put {o} in/on {r}, You arrive at loc N.) or "current" (move {o} to {r}, help)'),
  })
  .strict();

export const rawConfigSchema = rawConfigSchemaFor([]);

export const rawResetOptionsSchema = z
  .object({
    task_type: z.enum(TASK_TYPES).optional().describe("Pose this task type in this episode"),
    game: z.number().int().min(0).optional().describe("games mode: index of the game file (default: seed mod count)"),
  })
  .strict();

export function configJsonSchemaFor(gameSets: readonly string[]): Record<string, unknown> {
  return z.toJSONSchema(rawConfigSchemaFor(gameSets)) as Record<string, unknown>;
}

export const configJsonSchema = configJsonSchemaFor([]);
export const resetOptionsJsonSchema = z.toJSONSchema(rawResetOptionsSchema) as Record<string, unknown>;

export interface AlfworldConfig {
  split: Split;
  taskType: TaskType | undefined;
  grammar: Grammar;
  /** Whether grammar was given explicitly (game files otherwise keep their own). */
  grammarExplicit: boolean;
  /** Game files to play (real-data mode), sorted; undefined for generated scenes. */
  games: { dataSet: string; split: DataSplit | undefined; files: readonly DataFile[] } | undefined;
}

export interface AlfworldResetOptions {
  taskType: TaskType | undefined;
  game: number | undefined;
}

/** A clear error for an unknown task type, listing the valid ones. */
function checkTaskType(raw: unknown, what: string): void {
  if (typeof raw === "object" && raw !== null && "task_type" in raw) {
    const t = (raw as Record<string, unknown>).task_type;
    if (t !== undefined && !(TASK_TYPES as readonly unknown[]).includes(t)) {
      throw new EnvError("INVALID_ARGUMENT", `invalid alfworld ${what}: unknown task_type ${shortName(JSON.stringify(t) ?? String(t), 64)}; valid task types: ${TASK_TYPES.join(", ")}`);
    }
  }
}

const schemaFor = schemaPerLibrary((library: GameLibrary) => rawConfigSchemaFor(library.names));

export function parseAlfworldConfig(raw: unknown, library: GameLibrary = EMPTY_GAME_LIBRARY): AlfworldConfig {
  checkTaskType(raw, "config");
  // The name is checked first, for a message that lists the granted names and cuts a long one short.
  const gamesName = typeof raw === "object" && raw !== null ? (raw as Record<string, unknown>).games : undefined;
  if (gamesName !== undefined && (typeof gamesName !== "string" || !library.names.includes(gamesName))) {
    throw unknownName("alfworld", "games", gamesName, library.names, "dynamind serve --data NAME=PATH");
  }
  const c = parseClientInput(schemaFor(library), raw, "alfworld config");
  const bad = (msg: string): never => {
    throw new EnvError("INVALID_ARGUMENT", `invalid alfworld config: ${msg}`);
  };
  let games: AlfworldConfig["games"];
  if (c.generated === true && c.games !== undefined) bad("generated and games exclude each other");
  // Real data is the default when the operator granted ALFWorld's json_2.1.1 as DEFAULT_DATA_SET.
  const gamesSet = c.games ?? (c.generated !== true && library.splits(DEFAULT_DATA_SET).length > 0 ? DEFAULT_DATA_SET : undefined);
  if (gamesSet !== undefined) {
    const splits = library.splits(gamesSet);
    let split: DataSplit | undefined;
    if (splits.length > 0) {
      split = dataSplitOf(c.split ?? "train");
      if (!splits.includes(split)) bad(`data set ${gamesSet} has no ${split} folder (it has ${splits.join(", ")})`);
    } else if (c.split !== undefined) {
      bad(`split applies to generated scenes and to a json_2.1.1 data set (with train/valid_seen/valid_unseen folders); data set ${gamesSet} has none`);
    }
    let files = library.files(gamesSet, split);
    if (c.task_type !== undefined) files = files.filter((f) => f.rel.includes(c.task_type!));
    if (files.length === 0) bad(`data set ${gamesSet}${split ? ` (${split})` : ""} has no playable game files${c.task_type ? ` for task type ${c.task_type}` : ""}`);
    games = { dataSet: gamesSet, split, files };
  }
  return {
    split: SPLIT_OF[c.split ?? "train"],
    taskType: c.task_type,
    grammar: c.grammar ?? "classic",
    grammarExplicit: c.grammar !== undefined,
    games,
  };
}

export function parseResetOptions(raw: unknown): AlfworldResetOptions {
  checkTaskType(raw, "reset options");
  const o = parseClientInput(rawResetOptionsSchema, raw, "alfworld reset options");
  return { taskType: o.task_type, game: o.game };
}

export type { Scene };
