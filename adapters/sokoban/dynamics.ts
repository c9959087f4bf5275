/**
 * gym-sokoban's step rules on a {@link Room}, allocation-free so the hot loop can run
 * millions of steps per second. Rewards and termination are separate pure functions so
 * the solver and tests can reuse the transition without the reward bookkeeping.
 */
import { BOX, FLOOR, TARGET, type Room } from "./room.js";

/** gym-sokoban's action names, indexed by action number. */
export const ACTION_NAMES = [
  "no operation",
  "push up",
  "push down",
  "push left",
  "push right",
  "move up",
  "move down",
  "move left",
  "move right",
] as const;

export const NUM_ACTIONS = 9;

/** Bits of {@link applyAction}'s result. */
export const PLAYER_MOVED = 1;
export const BOX_MOVED = 2;

export const STEP_PENALTY = -0.1;
export const BOX_ON_TARGET_REWARD = 1;
export const BOX_OFF_TARGET_PENALTY = -1;
export const FINISH_REWARD = 10;

/**
 * Applies action 0..8 in place and returns PLAYER_MOVED|BOX_MOVED bits.
 * No bounds checks: rooms always have a closed wall border (see roomProblem), so a
 * non-wall cell's neighbours exist, and a box is never on the border.
 */
export function applyAction(room: Room, action: number): number {
  if (action === 0) return 0;
  const dir = (action - 1) & 3;
  const delta = dir === 0 ? -room.width : dir === 1 ? room.width : dir === 2 ? -1 : 1;
  const grid = room.grid;
  const next = room.player + delta;
  const nextCell = grid[next]!;
  if (nextCell & BOX) {
    // Only pushes (1-4) move boxes; a box ahead also blocks the fallback move.
    if (action > 4) return 0;
    const beyond = next + delta;
    const beyondCell = grid[beyond]!;
    if (beyondCell !== FLOOR && beyondCell !== TARGET) return 0; // wall or second box: no chain pushes
    grid[beyond] = beyondCell | BOX;
    grid[next] = nextCell & ~BOX;
    const boxes = room.boxes;
    let k = 0;
    while (boxes[k] !== next) k++; // the list always holds every BOX cell
    boxes[k] = beyond;
    if (beyondCell === TARGET) room.boxesOnTarget++;
    if (nextCell === (TARGET | BOX)) room.boxesOnTarget--;
    room.player = next;
    return PLAYER_MOVED | BOX_MOVED;
  }
  if (nextCell === FLOOR || nextCell === TARGET) {
    room.player = next;
    return PLAYER_MOVED;
  }
  return 0;
}

/**
 * gym-sokoban's reward for one step, added in the same order so floating point sums
 * match exactly (the winning push is -0.1 + 1 + 10 = 10.9).
 */
export function stepReward(boxesOnTargetBefore: number, boxesOnTargetAfter: number, numBoxes: number): number {
  let reward = STEP_PENALTY;
  if (boxesOnTargetAfter > boxesOnTargetBefore) reward += BOX_ON_TARGET_REWARD;
  else if (boxesOnTargetAfter < boxesOnTargetBefore) reward += BOX_OFF_TARGET_PENALTY;
  if (boxesOnTargetAfter === numBoxes) reward += FINISH_REWARD;
  return reward;
}

export function isSolved(room: Room): boolean {
  return room.boxesOnTarget === room.numBoxes;
}
