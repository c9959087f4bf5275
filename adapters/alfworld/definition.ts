/** Registration data for the ALFWorld environment: spec, config parsing and construction. */
import type { EnvDefinition, EnvSpec } from "../contract.js";
import type { OperatorResources } from "../operator-resources.js";
import { configJsonSchemaFor, gameLibrary, parseAlfworldConfig, resetOptionsJsonSchema, type AlfworldConfig, type GameLibrary } from "./config.js";
import { AlfworldEnv } from "./env.js";
import { GOAL_TEMPLATES } from "./generate.js";
import { TASK_TYPES, type TaskType } from "./scene.js";

/**
 * 1.1.0: ALFWorld's own splits (valid_unseen = floor plans 10, 219, 308, 424) and scenes from the
 * layouts, so the same seed gives another episode than 1.0.0; recordings made on 1.0.0 replay as a version mismatch.
 * 1.1.1: reset info also names the task as `goal`, the key agents read a goal from in every environment;
 * the dynamics and every observation are unchanged.
 */
export const ALFWORLD_VERSION = "1.1.1";
export const ALFWORLD_MAX_STEPS = 50;

const TASK_DESCRIPTIONS: Record<TaskType, string> = {
  pick_and_place_simple: "find an object of a type and put it in/on a receptacle of a type",
  look_at_obj_in_light: "hold an object of a type while a lamp at the same place is switched on",
  pick_clean_then_place_in_recep: "clean an object in a sink basin, then put it in/on a receptacle",
  pick_heat_then_place_in_recep: "heat an object with a microwave, then put it in/on a receptacle",
  pick_cool_then_place_in_recep: "cool an object with a fridge, then put it in/on a receptacle",
  pick_two_obj_and_place: "put two objects of a type in/on the same receptacle",
};

export function alfworldInstructions(config: AlfworldConfig): string {
  const put = config.grammar === "classic" ? "put {obj} in/on {recep}" : "move {obj} to {recep}";
  return [
    "You are a household agent in a text world (ALFWorld). The first observation describes the room and ends with your task.",
    "Each turn, answer with exactly one command, copied from the list of admissible commands (valid_actions); anything else gives \"Nothing happens.\" and still uses a turn.",
    "",
    "Commands:",
    "- go to {recep}: walk to a receptacle (cabinet 1, countertop 2, fridge 1, ...) and see what is on or in it",
    "- open {recep} / close {recep}: closed receptacles (fridges, cabinets, drawers, microwaves, safes) hide their contents",
    "- take {obj} from {recep}: you can carry one object at a time",
    `- ${put}: place the object you carry`,
    "- clean {obj} with {sinkbasin}, heat {obj} with {microwave}, cool {obj} with {fridge}: while carrying the object, at that receptacle",
    "- use {lamp}: switch on a desk lamp or floor lamp where you stand",
    "- examine {obj|recep}, look, inventory" + (config.grammar === "current" ? ", help" : ""),
    "",
    "Tasks are about object and receptacle types: any apple counts for \"an apple\", any countertop for \"countertop\".",
    "Task phrasings: " + TASK_TYPES.map((t) => `"${GOAL_TEMPLATES[t][0]}"`).join(", ") + " and their variants.",
    `You succeed (reward 1, episode ends) when the task is done; after ${ALFWORLD_MAX_STEPS} steps the episode is cut off.`,
  ].join("\n");
}

function describe(config: AlfworldConfig | undefined, library: GameLibrary, configSchema: Record<string, unknown>): EnvSpec {
  const c = config ?? parseAlfworldConfig({}, library);
  const source = c.games
    ? `ALFWorld game files from data set ${c.games.dataSet}${c.games.split ? ` (${c.games.split})` : ""} (${c.games.files.length} games; seed mod count, or reset option game, picks one)`
    : `procedurally generated ${c.split} scenes from AI2-THOR floor plans${c.taskType ? `, task type ${c.taskType}` : ", all six task types"}`;
  return {
    id: "alfworld",
    version: ALFWORLD_VERSION,
    description: `ALFWorld text household tasks (TextWorld ALFRED domain, ${c.grammar} grammar): ${source}.`,
    observationKinds: ["text"],
    defaultObservationKinds: ["text"],
    action: {
      kinds: ["text"],
      discreteNames: [],
      textFormat: "One admissible command, exactly as listed in valid_actions (e.g. \"go to countertop 1\", \"take apple 1 from countertop 1\"). Leading/trailing spaces are ignored.",
      jsonSchema: undefined,
    },
    cloneSupport: "portable",
    maxSteps: ALFWORLD_MAX_STEPS,
    instructions: alfworldInstructions(c),
    tasks: TASK_TYPES.map((t) => ({ name: t, description: TASK_DESCRIPTIONS[t], config: { task_type: t } })),
    configSchema,
    resetOptionsSchema: resetOptionsJsonSchema,
    hasExpert: true,
  };
}

/** The definition, with the game data sets the operator grants (`games` names one). */
export function createAlfworldDefinition(resources?: OperatorResources): EnvDefinition<AlfworldConfig> {
  const library = gameLibrary(resources);
  const configSchema = configJsonSchemaFor(library.names);
  return {
    id: "alfworld",
    describe: (config) => describe(config, library, configSchema),
    parseConfig: (raw) => parseAlfworldConfig(raw, library),
    // States carry their own scene key (a game's index in the filtered list); sessions with the same game list and grammar can swap them.
    configKey: (c) => (c.games ? `games:${c.games.dataSet}|${c.games.split ?? ""}|${c.taskType ?? "*"}|${c.grammarExplicit ? c.grammar : "file"}` : `gen:${c.split}|${c.grammar}`),
    create: (config) => new AlfworldEnv(config),
  };
}

/** Without operator data sets: generated scenes only. */
export const alfworldDefinition = createAlfworldDefinition();
