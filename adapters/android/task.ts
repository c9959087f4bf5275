/**
 * The task model (AndroidWorld's lifecycle): parameters generated from a seed, a
 * goal text, initialize (put the apps' data in place), a success check returning
 * 0..1 that reads the apps' state, tear down, a step budget of int(10 × complexity),
 * and an expected answer for information-retrieval tasks (compared with the agent's
 * `answer` action). Success counts only after the agent's `status` action; the
 * episode logic (`episode.ts`) enforces that, not the tasks.
 */
import type { Rng } from "../kit/rng.js";
import type { DeviceBackend } from "../../emulator/device/contract.js";

/** Task parameters: a JSON object (they travel in reset info and portable states). */
export type TaskParams = Record<string, string | number | boolean | string[] | number[]>;

export interface AndroidTask<D extends DeviceBackend = DeviceBackend, P extends TaskParams = TaskParams> {
  /** AndroidWorld's task name where the intent is the same (e.g. "ContactsAddContact"). */
  readonly name: string;
  /** The app the task is about (display name). */
  readonly app: string;
  /** AndroidWorld's complexity scale; the step budget is int(10 × complexity). */
  readonly complexity: number;
  /** A one-line description for ListEnvs. */
  readonly description: string;
  /** Parameters from the episode's generator (deterministic in the seed). */
  params(rng: Rng): P;
  goal(params: P): string;
  /** Sets the device up for the episode (app data, start screen). */
  initialize(device: D, params: P): Promise<void>;
  /**
   * 0..1 from the device's state (and, for information tasks, the agent's answer).
   * Called when the agent says `status`.
   */
  isSuccessful(device: D, params: P, answer: string | undefined): Promise<number>;
  /** Information-retrieval tasks: the expected answer (for docs and tests). */
  expectedAnswer?(params: P): string;
  /** Undoes initialize when the device outlives the episode (optional). */
  tearDown?(device: D, params: P): Promise<void>;
}

/** AndroidWorld's step budget. */
export function stepBudget(task: Pick<AndroidTask, "complexity">): number {
  return Math.max(1, Math.floor(10 * task.complexity + 1e-9));
}

/**
 * Compares an `answer` with the expected one the way AndroidWorld's information
 * tasks do for lists of titles: case-insensitive, whitespace-trimmed, comma
 * separated items in any order.
 */
export function answersMatch(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const norm = (s: string) =>
    s
      .split(",")
      .map((x) => x.trim().toLowerCase().replace(/\.$/, ""))
      .filter((x) => x.length > 0)
      .sort()
      .join(",");
  return norm(given) === norm(expected);
}

/** AndroidWorld's NUMBER_MATCH: the answer read as a number is within `tolerance` of the expected one. */
export function numberMatch(given: string | undefined, expected: string, tolerance = 0): boolean {
  if (given === undefined) return false;
  const s = given.trim().replace(/,/g, "").replace(/\.$/, "");
  return s !== "" && Number.isFinite(Number(s)) && Math.abs(Number(s) - Number(expected)) <= tolerance;
}
