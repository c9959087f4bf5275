/** Registration data for the Sokoban environment: spec, config parsing and construction. */
import type { EnvDefinition, EnvSpec } from "../contract.js";
import type { OperatorResources } from "../operator-resources.js";
import { configJsonSchemaFor, levelLibrary, parseSokobanConfig, PRESETS, PRESET_NAMES, resetOptionsJsonSchema, type LevelLibrary, type SokobanConfig } from "./config.js";
import { ACTION_NAMES } from "./dynamics.js";
import { SokobanEnv } from "./env.js";
import { TEXT_SYMBOLS } from "./render-text.js";

/** 1.1.0: generated rooms follow gym-sokoban's reverse play exactly, so seeds give other rooms than 1.0.0. */
export const SOKOBAN_VERSION = "1.1.0";

const S = TEXT_SYMBOLS;

export function sokobanInstructions(config: SokobanConfig): string {
  const size = `${config.width}x${config.height}`;
  return [
    `You are playing Sokoban on a ${size} grid. Push every box onto a target.`,
    "",
    "Map symbols:",
    `${S.wall} wall   ${S.floor} floor   ${S.target} target   ${S.box} box   ${S.boxOnTarget} box on target   ${S.player} you   ${S.playerOnTarget} you standing on a target`,
    "Row 1 is the top of the map; Up decreases the row, Left decreases the column.",
    "",
    "Rules:",
    "- Each turn you move one cell Up, Down, Left or Right.",
    "- Walking into a box pushes it one cell the same way, if the cell beyond it is free floor or a target.",
    "- You cannot pull boxes, push two boxes at once, or walk through walls or boxes.",
    "- A box pushed into a corner (or against a wall with no target along it) can never be recovered: plan ahead.",
    "",
    "Rewards: -0.1 per step, +1 for each box pushed onto a target, -1 for pushing one off, +10 when all boxes are on targets (the episode then ends).",
    config.maxSteps > 0 ? `The episode is cut off after ${config.maxSteps} steps.` : "",
    "",
    "Answer with exactly one of: Up, Down, Left, Right.",
  ]
    .filter((line, i, all) => line !== "" || all[i - 1] !== "")
    .join("\n");
}

function describe(config: SokobanConfig | undefined, library: LevelLibrary, configSchema: Record<string, unknown>): EnvSpec {
  const c = config ?? parseSokobanConfig({}, library);
  const source = c.boxoban
    ? `Boxoban levels from data set ${c.boxoban.dataSet} (${c.boxoban.levels.length} levels; seed mod count, or reset option level, picks one)`
    : `generated ${c.width}x${c.height} rooms with ${c.numBoxes} box(es) (gym-sokoban algorithm, ${c.reversePlay} reverse play${c.playerWalk ? ", RAGEN's player walk" : ""})`;
  return {
    id: "sokoban",
    version: SOKOBAN_VERSION,
    description: `Sokoban with gym-sokoban dynamics and rewards, RAGEN-style text observations: ${source}.`,
    observationKinds: ["text", "image"],
    defaultObservationKinds: ["text"],
    action: {
      kinds: ["text", "index"],
      discreteNames: [...ACTION_NAMES],
      textFormat:
        "One of Up, Down, Left, Right (case-insensitive; they are push actions 1-4, which move when there is no box to push). " +
        "The discrete action names are also accepted.",
      jsonSchema: undefined,
    },
    cloneSupport: "portable",
    maxSteps: c.maxSteps,
    instructions: sokobanInstructions(c),
    tasks: PRESET_NAMES.map((name) => ({
      name,
      description: `${PRESETS[name].dim_room.join("x")} room, ${PRESETS[name].num_boxes} box(es), ${PRESETS[name].max_steps} steps${name.startsWith("ragen-") ? ", RAGEN's generator" : ""}`,
      config: { preset: name },
    })),
    configSchema,
    resetOptionsSchema: resetOptionsJsonSchema,
    hasExpert: true,
  };
}

/** The definition, with the level data sets the operator grants (`levels` names one). */
export function createSokobanDefinition(resources?: OperatorResources): EnvDefinition<SokobanConfig> {
  const library = levelLibrary(resources);
  const configSchema = configJsonSchemaFor(library.names);
  return {
    id: "sokoban",
    describe: (config) => describe(config, library, configSchema),
    parseConfig: (raw) => parseSokobanConfig(raw, library),
    // States only depend on the room size: any two sessions with equal sizes can swap them.
    configKey: (config) => `${config.width}x${config.height}`,
    create: (config) => new SokobanEnv(config),
  };
}

/** Without operator data sets: generated rooms only. */
export const sokobanDefinition = createSokobanDefinition();
