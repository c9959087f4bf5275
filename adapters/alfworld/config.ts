/**
 * Session config and reset options for ALFWorld. Validation happens once at session
 * creation (game files are checked then too) so reset/step never see bad values.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { z } from "zod";
import { EnvError } from "../contract.js";
import { SPLITS, type Split } from "./generate.js";
import { loadGameFile } from "./pddl.js";
import { TASK_TYPES, type Grammar, type Scene, type TaskType } from "./scene.js";

export const GRAMMARS = ["classic", "current"] as const;

export const rawConfigSchema = z
  .object({
    split: z.enum(SPLITS).optional().describe("Generated scenes: train (default), eval_in_distribution (train floor plans, unseen seeds) or eval_out_of_distribution (held-out floor plans)"),
    task_type: z.enum(TASK_TYPES).optional().describe("Pose only this task type (default: any of the six)"),
    grammar: z.enum(GRAMMARS).optional().describe('Text grammar: "classic" (default; put {o} in/on {r}, You arrive at loc N.) or "current" (move {o} to {r}, help)'),
    game_file: z.string().min(1).optional().describe("Play this ALFWorld game.tw-pddl file instead of generated scenes"),
    game_dir: z.string().min(1).optional().describe("Play ALFWorld game.tw-pddl files found under this directory (seed mod count picks one)"),
  })
  .strict();

export const rawResetOptionsSchema = z
  .object({
    task_type: z.enum(TASK_TYPES).optional().describe("Pose this task type in this episode"),
    game: z.number().int().min(0).optional().describe("game_dir mode: index of the game file (default: seed mod count)"),
  })
  .strict();

export const configJsonSchema = z.toJSONSchema(rawConfigSchema) as Record<string, unknown>;
export const resetOptionsJsonSchema = z.toJSONSchema(rawResetOptionsSchema) as Record<string, unknown>;

export interface AlfworldConfig {
  split: Split;
  taskType: TaskType | undefined;
  grammar: Grammar;
  /** Whether grammar was given explicitly (game files otherwise keep their own). */
  grammarExplicit: boolean;
  /** Game files to play (real-data mode), sorted; undefined for generated scenes. */
  games: { source: string; files: string[] } | undefined;
}

export interface AlfworldResetOptions {
  taskType: TaskType | undefined;
  game: number | undefined;
}

function describeIssues(error: z.ZodError, what: string): string {
  return error.issues
    .map((issue) => {
      const field = issue.path.map(String).join(".") || "(root)";
      if (issue.code === "unrecognized_keys") return `invalid alfworld ${what}: unknown field(s) ${issue.keys.join(", ")}`;
      return `invalid alfworld ${what}: ${field}: ${issue.message}`;
    })
    .join("; ");
}

/** A clear error for an unknown task type, listing the valid ones. */
function checkTaskType(raw: unknown, what: string): void {
  if (typeof raw === "object" && raw !== null && "task_type" in raw) {
    const t = (raw as Record<string, unknown>).task_type;
    if (t !== undefined && !(TASK_TYPES as readonly unknown[]).includes(t)) {
      throw new EnvError("INVALID_ARGUMENT", `invalid alfworld ${what}: unknown task_type ${JSON.stringify(t)}; valid task types: ${TASK_TYPES.join(", ")}`);
    }
  }
}

/** Every game.tw-pddl under `dir`, sorted. */
export function findGameFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.name === "game.tw-pddl" || entry.name.endsWith(".tw-pddl")) out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}

export function parseAlfworldConfig(raw: unknown): AlfworldConfig {
  checkTaskType(raw, "config");
  const parsed = rawConfigSchema.safeParse(raw ?? {});
  if (!parsed.success) throw new EnvError("INVALID_ARGUMENT", describeIssues(parsed.error, "config"));
  const c = parsed.data;
  const bad = (msg: string): never => {
    throw new EnvError("INVALID_ARGUMENT", `invalid alfworld config: ${msg}`);
  };
  let games: AlfworldConfig["games"];
  if (c.game_file !== undefined && c.game_dir !== undefined) bad("give game_file or game_dir, not both");
  if (c.game_file !== undefined || c.game_dir !== undefined) {
    if (c.split !== undefined) bad("split only applies to generated scenes, not game files");
    if (c.game_file !== undefined) {
      const file = resolve(c.game_file);
      if (!existsSync(file)) bad(`game_file ${file} does not exist`);
      // Parse it now: a corrupt file is reported when the session is created.
      loadGameFile(file, c.grammar);
      games = { source: file, files: [file] };
    } else {
      const dir = resolve(c.game_dir!);
      if (!existsSync(dir) || !statSync(dir).isDirectory()) bad(`game_dir ${dir} is not a directory`);
      let files = findGameFiles(dir);
      if (c.task_type !== undefined) files = files.filter((f) => f.includes(c.task_type!));
      if (files.length === 0) bad(`no game.tw-pddl files under ${dir}${c.task_type ? ` for task type ${c.task_type}` : ""}`);
      games = { source: dir, files };
    }
  }
  return {
    split: c.split ?? "train",
    taskType: c.task_type,
    grammar: c.grammar ?? "classic",
    grammarExplicit: c.grammar !== undefined,
    games,
  };
}

export function parseResetOptions(raw: unknown): AlfworldResetOptions {
  checkTaskType(raw, "reset options");
  const parsed = rawResetOptionsSchema.safeParse(raw ?? {});
  if (!parsed.success) throw new EnvError("INVALID_ARGUMENT", describeIssues(parsed.error, "reset options"));
  return { taskType: parsed.data.task_type, game: parsed.data.game };
}

export type { Scene };
