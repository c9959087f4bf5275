/**
 * Cell codes and the mutable room layout shared by dynamics, solver, renderers and codecs.
 *
 * One byte per cell keeps a whole room in a ~100-byte Uint8Array: cloning is a single
 * `slice()`, fingerprints hash the bytes directly, and the step function touches at most
 * three cells. The low two bits are the static layer (never changes during an episode),
 * bit 2 marks a box. The player is kept out of the grid as an index so moving it writes
 * nothing.
 */

/** Static layer values (low two bits). */
export const WALL = 0;
export const FLOOR = 1;
export const TARGET = 2;
/** Dynamic bit: a box occupies the cell. */
export const BOX = 4;
export const STATIC_MASK = 3;

/** Largest side we accept: player indices are stored in 16 bits in encoded states. */
export const MAX_SIDE = 64;

/** A live room. Environments mutate it in place; snapshots are {@link SokobanState}. */
export interface Room {
  readonly width: number;
  readonly height: number;
  /** width*height cells, row-major; each is WALL/FLOOR/TARGET, optionally | BOX. */
  readonly grid: Uint8Array;
  /**
   * The static layer alone (grid without BOX bits). Never mutated: every clone of an
   * episode shares it, so a clone only copies the few box positions. Replaced (never
   * written into) when a state from another episode is restored.
   */
  statics: Uint8Array;
  /** Cell index of every box, kept in sync with the BOX bits by the dynamics. */
  readonly boxes: Uint16Array;
  player: number;
  /** Constant per episode; kept with the room so a state restored into another episode is complete. */
  numBoxes: number;
  /** Cached count of cells equal to TARGET|BOX (rewards compare it before/after a step). */
  boxesOnTarget: number;
}

/**
 * An immutable snapshot of a room: what cloneState returns. Why not a copy of the grid:
 * V8 allocates typed arrays over 64 bytes off-heap, which made a 10x10 clone cost ~1 µs;
 * the box list of a 4-box room is 8 bytes and stays on the fast path.
 */
export interface SokobanState {
  readonly width: number;
  readonly height: number;
  /** Shared, never mutated static layer (see Room.statics). */
  readonly statics: Uint8Array;
  readonly boxes: Uint16Array;
  readonly player: number;
  readonly numBoxes: number;
  readonly boxesOnTarget: number;
}

/** Row-major index offset of each direction, in gym-sokoban order: up, down, left, right. */
export function directionDeltas(width: number): readonly [number, number, number, number] {
  return [-width, width, -1, 1];
}

export function countBoxes(grid: Uint8Array): { boxes: number; targets: number; boxesOnTarget: number } {
  let boxes = 0;
  let targets = 0;
  let boxesOnTarget = 0;
  for (let i = 0; i < grid.length; i++) {
    const c = grid[i]!;
    if (c & BOX) boxes++;
    if ((c & STATIC_MASK) === TARGET) {
      targets++;
      if (c & BOX) boxesOnTarget++;
    }
  }
  return { boxes, targets, boxesOnTarget };
}

/**
 * Checks everything the dynamics rely on, returning a problem description or undefined.
 * The step function does no bounds checks, so a closed wall border is required: it
 * guarantees every neighbour of a non-wall cell is inside the grid.
 */
export function roomProblem(width: number, height: number, grid: Uint8Array, player: number): string | undefined {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 3 || height < 3 || width > MAX_SIDE || height > MAX_SIDE) {
    return `room size ${width}x${height} is outside 3..${MAX_SIDE}`;
  }
  if (grid.length !== width * height) return `grid has ${grid.length} cells, expected ${width * height}`;
  for (let i = 0; i < grid.length; i++) {
    const c = grid[i]!;
    const s = c & STATIC_MASK;
    if (c > (BOX | TARGET) || s === 3 || (s === WALL && c !== WALL)) return `cell ${i} has invalid code ${c}`;
    const x = i % width;
    const y = (i - x) / width;
    if ((x === 0 || y === 0 || x === width - 1 || y === height - 1) && c !== WALL) {
      return `cell (${x},${y}) on the border is not a wall`;
    }
  }
  if (!Number.isInteger(player) || player < 0 || player >= grid.length) return `player index ${player} is outside the grid`;
  const pc = grid[player]!;
  if ((pc & STATIC_MASK) === WALL || pc & BOX) return `player cell ${player} is not free floor`;
  const { boxes, targets } = countBoxes(grid);
  if (boxes < 1) return "room has no boxes";
  if (boxes !== targets) return `room has ${boxes} boxes but ${targets} targets`;
  return undefined;
}

/** Builds a room from a full grid (callers run {@link roomProblem} on untrusted input first). The grid is adopted, not copied. */
export function makeRoom(width: number, height: number, grid: Uint8Array, player: number): Room {
  const statics = new Uint8Array(grid.length);
  const boxList: number[] = [];
  let boxesOnTarget = 0;
  for (let i = 0; i < grid.length; i++) {
    const c = grid[i]!;
    statics[i] = c & STATIC_MASK;
    if (c & BOX) {
      boxList.push(i);
      if ((c & STATIC_MASK) === TARGET) boxesOnTarget++;
    }
  }
  return { width, height, grid, statics, boxes: Uint16Array.from(boxList), player, numBoxes: boxList.length, boxesOnTarget };
}

export function snapshot(room: Room): SokobanState {
  return {
    width: room.width,
    height: room.height,
    statics: room.statics,
    boxes: room.boxes.slice(),
    player: room.player,
    numBoxes: room.numBoxes,
    boxesOnTarget: room.boxesOnTarget,
  };
}

/** The full grid (static layer plus box bits) of a snapshot. */
export function stateGrid(state: SokobanState): Uint8Array {
  const grid = state.statics.slice();
  for (let i = 0; i < state.boxes.length; i++) grid[state.boxes[i]!] |= BOX;
  return grid;
}

/** A new live room holding a snapshot. */
export function roomFromState(state: SokobanState): Room {
  return {
    width: state.width,
    height: state.height,
    grid: stateGrid(state),
    statics: state.statics,
    boxes: state.boxes.slice(),
    player: state.player,
    numBoxes: state.numBoxes,
    boxesOnTarget: state.boxesOnTarget,
  };
}

/**
 * Overwrites a live room of the same size with a snapshot, allocating nothing. Returns
 * false when sizes or box counts differ (the caller then builds a new room).
 */
export function restoreInto(room: Room, state: SokobanState): boolean {
  if (room.grid.length !== state.statics.length || room.width !== state.width || room.boxes.length !== state.boxes.length) return false;
  const grid = room.grid;
  grid.set(state.statics);
  const boxes = state.boxes;
  for (let i = 0; i < boxes.length; i++) grid[boxes[i]!] |= BOX;
  room.boxes.set(boxes);
  room.statics = state.statics;
  room.player = state.player;
  room.numBoxes = state.numBoxes;
  room.boxesOnTarget = state.boxesOnTarget;
  return true;
}

export function copyRoom(room: Room): Room {
  return roomFromState(snapshot(room));
}
