/**
 * Sokoban's heavy work as pure jobs (plain data in and out), so that the environment
 * can run them inline or on a worker thread (worker.ts) with identical results:
 * generating a room (with its optimal length) and solving one.
 */
import { generateRoom, type GenerateParams } from "./generate.js";
import type { Room } from "./room.js";
import { solveRoom } from "./solver.js";

export type SokobanJob =
  | { kind: "generate"; seed: number; params: GenerateParams; /** Also solve it (report_optimal) with this budget; 0 = no. */ solveBudget: number }
  | { kind: "solve"; room: Room; nodeBudget: number };

export interface SokobanJobResult {
  /** The generated room (generate jobs). */
  room?: Room;
  /** Optimal solution length; null when unsolvable or over budget; undefined when not asked. */
  optimalLength?: number | null;
  /** The optimal actions 1-4 (solve jobs); undefined when unsolvable or over budget. */
  actions?: number[];
}

/** Runs a job; throws TimeUp (kit/timebox) past `stopAt`, EnvError for parameters that cannot work. */
export function runSokobanJob(job: SokobanJob, stopAt: number): SokobanJobResult {
  if (job.kind === "solve") {
    const r = solveRoom(job.room, { nodeBudget: job.nodeBudget, stopAt });
    return r.status === "solved" ? { actions: r.actions, optimalLength: r.length } : { optimalLength: null };
  }
  const generated = generateRoom(job.seed, { ...job.params, stopAt });
  if (job.solveBudget <= 0 || generated.optimalLength !== undefined) return generated;
  const r = solveRoom(generated.room, { nodeBudget: job.solveBudget, stopAt });
  return { room: generated.room, optimalLength: r.status === "solved" ? r.length : null };
}
