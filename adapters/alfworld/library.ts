/**
 * The operator's ALFWorld game data: which data sets hold game files, their splits, and
 * ALFWorld's own game filter.
 *
 * A data set is either loose `*.tw-pddl` files (all played, in path order) or ALFWorld's
 * json_2.1.1 tree: trial folders `<task>-<Obj>-<Mrecep>-<Recep>-<scene>/trial_*` with
 * game.tw-pddl, traj_data.json and initial_state.pddl, under `train/`, `valid_seen/` and
 * `valid_unseen/` when the root is json_2.1.1 itself. Trials pass ALFWorld's filter, as its
 * TextWorld environment applies it when collecting games: no movable-receptacle or sliced
 * trial (by folder name), traj_data's task type one of the six, and game.tw-pddl marked
 * solvable. The filter reads files, so it runs once per data set and split, when a session
 * first asks for it; the file list itself was made when the server started.
 */
import { EnvError } from "../contract.js";
import { readDataFile, type DataFile } from "../kit/data-files.js";
import { OperatorResources } from "../operator-resources.js";
import { TASK_TYPES } from "./scene.js";

/** ALFWorld's data splits (json_2.1.1 folder names). */
export const DATA_SPLITS = ["train", "valid_seen", "valid_unseen"] as const;
export type DataSplit = (typeof DATA_SPLITS)[number];

/** The operator's data sets that hold ALFWorld game files. */
export interface GameLibrary {
  /** Sorted. */
  readonly names: readonly string[];
  /** The data splits a set has folders for (empty: not a json_2.1.1 root). */
  splits(name: string): readonly DataSplit[];
  /** The set's playable game files (of one split, for a json_2.1.1 root), filtered, sorted by path. */
  files(name: string, split?: DataSplit): readonly DataFile[];
}

const dirOf = (rel: string) => (rel.includes("/") ? rel.slice(0, rel.lastIndexOf("/")) : "");

/** Why ALFWorld's filter drops a trial, or undefined to keep it (reads traj_data and the game). */
export function filterTrial(game: DataFile, traj: DataFile): string | undefined {
  const dir = dirOf(game.rel);
  if (dir.includes("movable") || dir.includes("Sliced")) return "movable receptacle or sliced object";
  let taskType: unknown;
  try {
    taskType = (JSON.parse(readDataFile(traj)) as { task_type?: unknown }).task_type;
  } catch {
    return "traj_data.json unreadable";
  }
  if (!(TASK_TYPES as readonly unknown[]).includes(taskType)) return "task type not one of the six";
  let solvable: unknown;
  try {
    solvable = (JSON.parse(readDataFile(game)) as { solvable?: unknown }).solvable;
  } catch {
    return "game.tw-pddl unreadable";
  }
  return solvable === true ? undefined : "not solvable";
}

export function gameLibrary(resources: OperatorResources = OperatorResources.EMPTY): GameLibrary {
  const sets = new Map<string, { games: DataFile[]; trajs: Map<string, DataFile>; splits: DataSplit[] }>();
  for (const name of resources.dataSetNames()) {
    const all = resources.dataSet(name)!.files;
    const games = all.filter((f) => f.rel.endsWith(".tw-pddl"));
    if (games.length === 0) continue;
    const trajs = new Map<string, DataFile>();
    for (const f of all) if (f.rel === "traj_data.json" || f.rel.endsWith("/traj_data.json")) trajs.set(dirOf(f.rel), f);
    const splits = DATA_SPLITS.filter((s) => games.some((g) => g.rel.startsWith(s + "/")));
    sets.set(name, { games, trajs, splits });
  }
  const filtered = new Map<string, DataFile[]>();
  return {
    names: [...sets.keys()],
    splits: (name) => sets.get(name)?.splits ?? [],
    files(name, split) {
      const set = sets.get(name);
      if (!set) return [];
      const key = `${name}\u0000${split ?? ""}`;
      let hit = filtered.get(key);
      if (!hit) {
        hit = set.games.filter((g) => {
          if (split !== undefined && !g.rel.startsWith(split + "/")) return false;
          const traj = set.trajs.get(dirOf(g.rel));
          // Loose game files (no traj_data.json beside them) are played as given.
          return traj === undefined || filterTrial(g, traj) === undefined;
        });
        filtered.set(key, hit);
      }
      return hit;
    },
  };
}

export const EMPTY_GAME_LIBRARY = gameLibrary();

/** The data split a config's split name means (ALFWorld's train_eval names are aliases). */
export function dataSplitOf(split: string): DataSplit {
  if (split === "eval_in_distribution" || split === "valid_seen") return "valid_seen";
  if (split === "eval_out_of_distribution" || split === "valid_unseen") return "valid_unseen";
  if (split === "train") return "train";
  throw new EnvError("INVALID_ARGUMENT", `unknown alfworld split ${JSON.stringify(split)}`);
}
