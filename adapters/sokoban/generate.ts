/**
 * Room generation following gym-sokoban's algorithm (topology random walk, placement,
 * reverse play), re-implemented on the seeded Rng so a seed gives the same room in any
 * process. gym-sokoban retried failed rooms with a per-process random seed hash; here the
 * same Rng simply keeps drawing, so retries are part of the deterministic stream.
 */
import { EnvError } from "../contract.js";
import { Rng } from "../kit/rng.js";
import { checkTime } from "../kit/timebox.js";
import { REVERSE_TTL, reverseSearch, type ReversePlayRule } from "./reverse-play.js";
import { BOX, FLOOR, TARGET, makeRoom, type Room } from "./room.js";
import { DEFAULT_NODE_BUDGET, solveRoom } from "./solver.js";

export interface GenerateParams {
  width: number;
  height: number;
  numBoxes: number;
  /** Random-walk length; gym-sokoban's default is int(1.7 * (width + height)). */
  numGenSteps?: number;
  /** Keep drawing rooms until the optimal solution needs at least this many steps (0 = off). */
  minSolutionLength?: number;
  /** Solver budget used by the min-solution-length filter. */
  solverNodeBudget?: number;
  /** Reverse-play rule (reverse-play.ts); default gym-sokoban's. */
  reversePlay?: ReversePlayRule;
  /** Reverse-play TTL; default 300, the value gym-sokoban always uses. */
  searchDepth?: number;
  /** RAGEN's random player walk after reverse play (randomPlayerWalk); default off, as gym-sokoban. */
  playerWalk?: boolean;
  /** Throw TimeUp (kit/timebox) once the clock passes this (epoch ms); default never. */
  stopAt?: number;
}

export interface GeneratedRoom {
  room: Room;
  /** Optimal solution length when the generator already solved the room (min-length filter). */
  optimalLength?: number;
}

/** gym-sokoban's walk: direction changes with this probability at each step. */
export const P_CHANGE_DIRECTION = 0.35;
/** Topology+placement+reverse-play attempts before we declare a configuration impossible. */
export const MAX_ROOM_ATTEMPTS = 1000;
/** Rooms drawn by the min-solution-length filter before giving up. */
export const MAX_MIN_LENGTH_ATTEMPTS = 500;
export { REVERSE_MAX_STATES, REVERSE_TTL } from "./reverse-play.js";
/** RAGEN's random walk after reverse play takes at most this many steps. */
export const RAGEN_WALK_MAX_STEPS = 3;
/**
 * Effort one generateRoom call may spend, in work units: a reverse-play state is 1, a
 * carve step 1/8, a solver node (min-length filter) 4; a unit is ~1-2 µs here, so the
 * most a reset can generate for is a few seconds (on a worker thread under the server).
 * Counted, not timed, so a seed either always yields its room or always fails. With the
 * 1.0.0 (legacy) rule the presets never needed a fifth of it (300 seeds each); gym's rule
 * explores up to 300 000 states per 10x10/4 attempt. Without it a 20-box room or a
 * high min_solution_length kept regenerating for minutes (1000 × 300k reverse-play states).
 */
export const GENERATION_WORK_BUDGET = 2_000_000;
/** Units per solver node and carve steps per unit, in GENERATION_WORK_BUDGET's scale. */
const SOLVER_NODE_UNITS = 4;
const CARVE_STEPS_PER_UNIT = 8;

/** Work spent so far by one generateRoom call; over budget it throws (see GENERATION_WORK_BUDGET). */
class Effort {
  used = 0;
  constructor(
    readonly budget: number,
    readonly stopAt: number,
  ) {}

  get left(): number {
    return Math.max(0, this.budget - this.used);
  }

  spend(units: number): void {
    this.used += units;
    if (this.used > this.budget) throw new EffortExhausted();
    checkTime(this.stopAt);
  }
}

class EffortExhausted extends Error {}

export function defaultGenSteps(width: number, height: number): number {
  return Math.floor(1.7 * (width + height));
}

/** The five 3x3 carving masks (row-major): horizontal bar, vertical bar, and three corner shapes. */
const MASKS: readonly (readonly number[])[] = [
  [0, 0, 0, 1, 1, 1, 0, 0, 0],
  [0, 1, 0, 0, 1, 0, 0, 1, 0],
  [0, 0, 0, 1, 1, 0, 0, 1, 0],
  [0, 0, 0, 1, 1, 0, 1, 1, 0],
  [0, 0, 0, 0, 1, 1, 0, 1, 0],
];
/** Walk directions as (row, col) steps. */
const WALK_DIRS: readonly (readonly [number, number])[] = [
  [1, 0],
  [0, 1],
  [-1, 0],
  [0, -1],
];

/**
 * Generates a room for `seed`; throws EnvError(INVALID_ARGUMENT) when the parameters cannot
 * produce one within MAX_ROOM_ATTEMPTS rooms or GENERATION_WORK_BUDGET, and TimeUp past `stopAt`.
 */
export function generateRoom(seed: number, params: GenerateParams, budget = GENERATION_WORK_BUDGET): GeneratedRoom {
  const rng = Rng.fromSeed(seed);
  const effort = new Effort(budget, params.stopAt ?? Infinity);
  const minLength = params.minSolutionLength ?? 0;
  const what = `a ${params.width}x${params.height} room with ${params.numBoxes} box(es)`;
  try {
    if (minLength <= 0) return { room: drawRoom(rng, params, effort) };
    let unknown = 0;
    const solverBudget = params.solverNodeBudget ?? DEFAULT_NODE_BUDGET;
    for (let attempt = 0; attempt < MAX_MIN_LENGTH_ATTEMPTS; attempt++) {
      const room = drawRoom(rng, params, effort);
      // The solver gets what is left of the effort budget; running out there is running out, not an unknown room.
      const nodeBudget = Math.min(solverBudget, Math.floor(effort.left / SOLVER_NODE_UNITS));
      const solved = solveRoom(room, { nodeBudget, stopAt: effort.stopAt });
      effort.spend(solved.nodes * SOLVER_NODE_UNITS);
      if (solved.status === "budget" && nodeBudget < solverBudget) throw new EffortExhausted();
      // Rooms the solver cannot settle within budget are skipped: their length is unverified.
      if (solved.status !== "solved") {
        unknown++;
        continue;
      }
      if (solved.length >= minLength) return { room, optimalLength: solved.length };
    }
    throw new EnvError(
      "INVALID_ARGUMENT",
      `min_solution_length ${minLength}: no ${what.slice(2)} reached it in ` +
        `${MAX_MIN_LENGTH_ATTEMPTS} generated rooms (${unknown} exceeded the solver budget); lower min_solution_length or enlarge the room`,
    );
  } catch (err) {
    if (!(err instanceof EffortExhausted)) throw err;
    throw new EnvError(
      "INVALID_ARGUMENT",
      `generating ${what}${minLength > 0 ? ` and min_solution_length ${minLength}` : ""} used the server's whole generation budget ` +
        `(${budget} work units) for seed ${seed}; use fewer boxes, a smaller room, fewer num_gen_steps or a lower min_solution_length`,
    );
  }
}

/** One room: repeats topology → placement → reverse play until reverse play scores above 0. */
export function drawRoom(rng: Rng, params: GenerateParams, effort = new Effort(Infinity, params.stopAt ?? Infinity)): Room {
  const { width, height, numBoxes } = params;
  const steps = params.numGenSteps ?? defaultGenSteps(width, height);
  for (let attempt = 0; attempt < MAX_ROOM_ATTEMPTS; attempt++) {
    const grid = carveTopology(rng, width, height, steps);
    effort.spend(steps / CARVE_STEPS_PER_UNIT);
    const placed = placePlayerAndTargets(rng, grid, numBoxes);
    if (!placed) continue;
    let explored = 0;
    const rules = { rule: params.reversePlay, ttl: params.searchDepth ?? REVERSE_TTL };
    const played = reversePlay(grid, width, height, placed.player, placed.targets, effort.stopAt, (n) => (explored = n), rules);
    effort.spend(explored);
    if (!played) continue;
    if (params.playerWalk) randomPlayerWalk(rng, played.room, played.displacement);
    return played.room;
  }
  throw new EnvError(
    "INVALID_ARGUMENT",
    `could not generate a ${width}x${height} room with ${numBoxes} box(es) in ${MAX_ROOM_ATTEMPTS} attempts; ` +
      "use fewer boxes, a larger room or more num_gen_steps",
  );
}

/** Step 1: random walk from an interior cell carving 3x3 masks; the border stays wall. */
export function carveTopology(rng: Rng, width: number, height: number, steps: number): Uint8Array {
  const carved = new Uint8Array(width * height);
  let dir = rng.pick(WALK_DIRS);
  // gym-sokoban draws the start from 1..dim-1 inclusive; the first clamp pulls it inside.
  let row = 1 + rng.int(height - 1);
  let col = 1 + rng.int(width - 1);
  for (let s = 0; s < steps; s++) {
    if (rng.float() < P_CHANGE_DIRECTION) dir = rng.pick(WALK_DIRS);
    row = Math.max(Math.min(row + dir[0], height - 2), 1);
    col = Math.max(Math.min(col + dir[1], width - 2), 1);
    const mask = rng.pick(MASKS);
    for (let i = 0; i < 9; i++) {
      if (mask[i]) carved[(row - 1 + Math.floor(i / 3)) * width + (col - 1 + (i % 3))] = 1;
    }
  }
  const grid = new Uint8Array(width * height); // WALL everywhere
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) if (carved[y * width + x]) grid[y * width + x] = FLOOR;
  }
  return grid;
}

/**
 * Step 2: the player on a random floor cell, then each target on a random remaining floor
 * cell (row-major candidate order, as gym-sokoban lists them). Undefined when the room
 * has too few floor cells (floor ≤ boxes + 1).
 */
export function placePlayerAndTargets(rng: Rng, grid: Uint8Array, numBoxes: number): { player: number; targets: number[] } | undefined {
  const free: number[] = [];
  for (let c = 0; c < grid.length; c++) if (grid[c] === FLOOR) free.push(c);
  if (free.length <= numBoxes + 1) return undefined;
  const player = free.splice(rng.int(free.length), 1)[0]!;
  const targets: number[] = [];
  for (let b = 0; b < numBoxes; b++) {
    const t = free.splice(rng.int(free.length), 1)[0]!;
    grid[t] = TARGET;
    targets.push(t);
  }
  targets.sort((a, b) => a - b);
  return { player, targets };
}

/**
 * Step 3: reverse play (reverse-play.ts) from the placed targets; the room at the best
 * state, or undefined when the best score is 0 (gym-sokoban rejects such a room).
 */
export function reversePlay(
  staticGrid: Uint8Array,
  width: number,
  height: number,
  player0: number,
  targets: number[],
  stopAt = Infinity,
  /** Told how many states the search explored (the caller's effort accounting). */
  onExplored?: (states: number) => void,
  options: { rule?: ReversePlayRule; ttl?: number } = {},
): { room: Room; displacement: number } | undefined {
  const r = reverseSearch({ statics: staticGrid, width, player: player0, targets, rule: options.rule, ttl: options.ttl, stopAt });
  onExplored?.(r.explored);
  if (r.score <= 0) return undefined;
  const grid = staticGrid.slice();
  let displacement = 0;
  r.boxes.forEach((b, k) => {
    grid[b] = grid[b]! | BOX;
    displacement += Math.abs(Math.floor(b / width) - Math.floor(targets[k]! / width)) + Math.abs((b % width) - (targets[k]! % width));
  });
  return { room: makeRoom(width, height, grid, r.player), displacement };
}

/**
 * RAGEN's step after reverse play: with probability 0.8 when the boxes sit 1 cell in all
 * from their targets, else 0.5, the player walks 1-3 random steps (up/down/left/right
 * order, never back onto a cell it stood on, into floor or target only), continuing after
 * each step with probability 0.5. gym's player always ends next to the last pulled box.
 */
export function randomPlayerWalk(rng: Rng, room: Room, displacement: number): void {
  if (rng.float() > (displacement === 1 ? 0.8 : 0.5)) return;
  const deltas = [-room.width, room.width, -1, 1];
  const visited = [room.player];
  for (let steps = 0; steps < RAGEN_WALK_MAX_STEPS; ) {
    const options: number[] = [];
    for (const d of deltas) {
      const next = room.player + d;
      const cell = room.grid[next]!;
      if ((cell === FLOOR || cell === TARGET) && !visited.includes(next)) options.push(next);
    }
    if (options.length === 0) return;
    room.player = rng.pick(options);
    visited.push(room.player);
    steps++;
    if (steps >= RAGEN_WALK_MAX_STEPS || rng.float() > 0.5) return;
  }
}
