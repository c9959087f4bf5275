/**
 * Room generation following gym-sokoban's algorithm (topology random walk, placement,
 * reverse play), re-implemented on the seeded Rng so a seed gives the same room in any
 * process. gym-sokoban retried failed rooms with a per-process random seed hash; here the
 * same Rng simply keeps drawing, so retries are part of the deterministic stream.
 */
import { EnvError } from "../contract.js";
import { Rng } from "../kit/rng.js";
import { checkTime } from "../kit/timebox.js";
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
/** Reverse-play limits from gym-sokoban. */
export const REVERSE_TTL = 300;
export const REVERSE_MAX_STATES = 300_000;
/**
 * Effort one generateRoom call may spend, in work units: a reverse-play state is 1, a
 * carve step 1/8, a solver node (min-length filter) 4; a unit is ~1-2 µs here, so the
 * most a reset can generate for is a few seconds (on a worker thread under the server).
 * Counted, not timed, so a seed either always yields its room or always fails. The
 * presets never needed a fifth of it (300 seeds each); without it a 20-box room or a
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
    const room = reversePlay(grid, width, height, placed.player, placed.targets, effort.stopAt, (n) => (explored = n));
    effort.spend(explored);
    if (room) return room;
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
 * Step 3: start solved (a box on every target) and explore backwards with pull moves,
 * depth-first, keeping the state with the best score: box swaps (how often the pulled box
 * changed) × total Manhattan distance of boxes from their own targets; 0 unless every
 * target is uncovered (neither box nor player on it). Undefined when the best score is 0.
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
): Room | undefined {
  const n = staticGrid.length;
  const cells = staticGrid.slice();
  const nb = targets.length;
  const boxAt = new Int16Array(n).fill(-1); // which box (by its target's index) stands on a cell
  const boxPos = Int32Array.from(targets);
  for (let k = 0; k < nb; k++) {
    cells[targets[k]!] |= BOX;
    boxAt[targets[k]!] = k;
  }
  const tRow = targets.map((t) => Math.floor(t / width));
  const tCol = targets.map((t) => t % width);
  const deltas = [-width, width, -1, 1];
  const z = zobristTable(n);
  let key1 = 0;
  let key2 = 0;
  for (const t of targets) {
    key1 ^= z[t * 4]!;
    key2 ^= z[t * 4 + 1]!;
  }
  const explored = new Set<number>();
  let bestScore = -1;
  let bestPlayer = player0;
  const bestBoxes = boxPos.slice();

  const displacement = (): number => {
    let sum = 0;
    for (let k = 0; k < nb; k++) {
      const p = boxPos[k]!;
      sum += Math.abs(Math.floor(p / width) - tRow[k]!) + Math.abs((p % width) - tCol[k]!);
    }
    return sum;
  };
  const allTargetsUncovered = (player: number): boolean => {
    for (let k = 0; k < nb; k++) if (cells[targets[k]!]! & BOX || targets[k] === player) return false;
    return true;
  };

  const search = (player: number, lastPull: number, swaps: number, ttl: number): void => {
    ttl -= 1;
    if (ttl <= 0 || explored.size >= REVERSE_MAX_STATES) return;
    // 53-bit state key: boxes and player. A collision only prunes a branch, deterministically.
    const key = ((key2 ^ z[player * 4 + 3]!) & 0x1fffff) * 0x1_0000_0000 + ((key1 ^ z[player * 4 + 2]!) >>> 0);
    if (explored.has(key)) return;
    explored.add(key);
    if ((explored.size & 4095) === 0) checkTime(stopAt);
    const score = allTargetsUncovered(player) ? swaps * displacement() : 0;
    if (score > bestScore) {
      bestScore = score;
      bestPlayer = player;
      bestBoxes.set(boxPos);
    }
    for (let d = 0; d < 4; d++) {
      const next = player + deltas[d]!;
      const nc = cells[next]!;
      if (nc !== FLOOR && nc !== TARGET) continue; // walls and boxes block the player
      const behind = player - deltas[d]!;
      const k = cells[behind]! & BOX ? boxAt[behind]! : -1;
      if (k < 0) {
        search(next, lastPull, swaps, ttl);
        continue;
      }
      // Pull: the box behind the player follows into the cell the player leaves.
      cells[behind] = cells[behind]! & ~BOX;
      cells[player] = cells[player]! | BOX;
      boxAt[behind] = -1;
      boxAt[player] = k;
      boxPos[k] = player;
      key1 ^= z[behind * 4]! ^ z[player * 4]!;
      key2 ^= z[behind * 4 + 1]! ^ z[player * 4 + 1]!;
      search(next, k, k !== lastPull ? swaps + 1 : swaps, ttl);
      key1 ^= z[behind * 4]! ^ z[player * 4]!;
      key2 ^= z[behind * 4 + 1]! ^ z[player * 4 + 1]!;
      boxPos[k] = behind;
      boxAt[player] = -1;
      boxAt[behind] = k;
      cells[player] = cells[player]! & ~BOX;
      cells[behind] = cells[behind]! | BOX;
    }
  };
  search(player0, -1, 0, REVERSE_TTL);
  onExplored?.(explored.size);
  if (bestScore <= 0) return undefined;
  const grid = staticGrid.slice();
  for (let k = 0; k < nb; k++) grid[bestBoxes[k]!] = grid[bestBoxes[k]!]! | BOX;
  return makeRoom(width, height, grid, bestPlayer);
}

const zobristTables = new Map<number, Uint32Array>();
function zobristTable(n: number): Uint32Array {
  let z = zobristTables.get(n);
  if (!z) {
    const rng = Rng.fromSeed(0x50b0ba11, n);
    z = new Uint32Array(n * 4);
    for (let i = 0; i < z.length; i++) z[i] = rng.nextUint32();
    zobristTables.set(n, z);
  }
  return z;
}
