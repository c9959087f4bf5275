/**
 * Reverse play: start solved (a box on every target) and search backwards with pull moves,
 * keeping the best-scoring state. Three rules, because the originals differ and rooms must
 * match the one a client compares against:
 *
 * - `gym` (default): gym-sokoban's `reverse_playing` exactly. Each state tries the four
 *   pull actions (a pull is a move that drags the box behind the player along; with no box
 *   behind it is a plain move) and then the four plain moves; the swap counter is compared
 *   with the root's `last_pull` (gym passes the parent's value down, never the new one), so
 *   it counts pulls; explored states are keyed on the raw room, where a box that was ever
 *   pulled reads 3 and one never moved reads 4, so the same layout is explored once per
 *   combination of pulled flags.
 * - `ragen`: RAGEN's copy of it: the four pull actions only (no plain moves), the counter
 *   counts *box swaps* (the pulled box differs from the previously pulled one), explored
 *   states keyed on the raw room as in gym.
 * - `legacy`: this project's rule before issue 14 (pulls only, box swaps, explored states
 *   keyed on player and box cells alone), kept so rooms generated before can be reproduced.
 *
 * Common to all: the TTL drops by one per level and a state at TTL 0 is not explored; the
 * search stops once `maxStates` states are explored; score = counter × Σ Manhattan distance
 * of each box from its own target, 0 unless no target holds a box or the player; a new best
 * needs a strictly greater score (the start state, score 0, is the first best).
 */
import { BOX, FLOOR, TARGET } from "./room.js";
import { checkTime } from "../kit/timebox.js";

export type ReversePlayRule = "gym" | "ragen" | "legacy";
export const REVERSE_PLAY_RULES: readonly ReversePlayRule[] = ["gym", "ragen", "legacy"];

/** gym-sokoban's fixed TTL (its `search_depth` argument is never used) and state cap. */
export const REVERSE_TTL = 300;
export const REVERSE_MAX_STATES = 300_000;

export interface ReverseInput {
  /** Static layer (WALL/FLOOR/TARGET), row-major, no boxes. */
  statics: Uint8Array;
  width: number;
  /** Player cell at the start (not a target). */
  player: number;
  /** Target cells in row-major order: box k starts on targets[k] (gym's box_mapping order). */
  targets: readonly number[];
  rule?: ReversePlayRule;
  /** Initial TTL; default REVERSE_TTL. */
  ttl?: number;
  maxStates?: number;
  /** Throw TimeUp (kit/timebox) past this epoch ms. */
  stopAt?: number;
}

export interface ReverseResult {
  /** Best score; 0 means no usable room (gym rejects it). */
  score: number;
  player: number;
  /** Cell of box k (the box of targets[k]) in the best state: gym's box_mapping values. */
  boxes: number[];
  /** Whether box k was ever pulled (gym's 3 rather than 4 in the raw room). */
  pulled: boolean[];
  /** States explored (gym's len(explored_states)). */
  explored: number;
}

export function reverseSearch(input: ReverseInput): ReverseResult {
  const { statics, width, targets } = input;
  const rule = input.rule ?? "gym";
  const maxStates = input.maxStates ?? REVERSE_MAX_STATES;
  const stopAt = input.stopAt ?? Infinity;
  const n = statics.length;
  const nb = targets.length;
  const cells = statics.slice();
  const boxAt = new Int16Array(n).fill(-1); // which box stands on a cell
  const boxPos = Int32Array.from(targets);
  const pulled = new Uint8Array(nb);
  for (let k = 0; k < nb; k++) {
    cells[targets[k]!] |= BOX;
    boxAt[targets[k]!] = k;
  }
  const tRow = targets.map((t) => Math.floor(t / width));
  const tCol = targets.map((t) => t % width);
  const deltas = [-width, width, -1, 1]; // gym's order: up, down, left, right
  const withMoves = rule === "gym";
  const countPulls = rule === "gym";
  const keyFlags = rule !== "legacy";
  const stateKey = stateKeyer(n, nb, keyFlags);

  const explored = new Set<number | string>();
  let bestScore = -1;
  let bestPlayer = input.player;
  const bestBoxes = boxPos.slice();
  const bestPulled = pulled.slice();

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
  const free = (c: number): boolean => {
    const v = cells[c]!;
    return v === FLOOR || v === TARGET; // walls and boxes block the player
  };

  const pull = (player: number, behind: number, k: number, lastPull: number, swaps: number, ttl: number): void => {
    const was = pulled[k]!;
    cells[behind] = cells[behind]! & ~BOX;
    cells[player] = cells[player]! | BOX;
    boxAt[behind] = -1;
    boxAt[player] = k;
    boxPos[k] = player;
    pulled[k] = 1;
    const next = player + (player - behind);
    // gym compares with the root's last_pull (-1), so every pull counts; RAGEN and legacy count changes of box.
    if (countPulls) search(next, lastPull, swaps + 1, ttl);
    else search(next, k, k !== lastPull ? swaps + 1 : swaps, ttl);
    pulled[k] = was;
    boxPos[k] = behind;
    boxAt[player] = -1;
    boxAt[behind] = k;
    cells[player] = cells[player]! & ~BOX;
    cells[behind] = cells[behind]! | BOX;
  };

  const search = (player: number, lastPull: number, swaps: number, ttl: number): void => {
    ttl -= 1;
    if (ttl <= 0 || explored.size >= maxStates) return;
    const key = stateKey(player, boxPos, pulled);
    if (explored.has(key)) return;
    explored.add(key);
    if ((explored.size & 4095) === 0) checkTime(stopAt);
    const score = allTargetsUncovered(player) ? swaps * displacement() : 0;
    if (score > bestScore) {
      bestScore = score;
      bestPlayer = player;
      bestBoxes.set(boxPos);
      bestPulled.set(pulled);
    }
    // Actions 0-3: a pull when a box is behind the player, else a plain move.
    for (let d = 0; d < 4; d++) {
      const next = player + deltas[d]!;
      if (!free(next)) continue;
      const behind = player - deltas[d]!;
      const k = cells[behind]! & BOX ? boxAt[behind]! : -1;
      if (k < 0) search(next, lastPull, swaps, ttl);
      else pull(player, behind, k, lastPull, swaps, ttl);
    }
    if (!withMoves) return;
    // Actions 4-7 (gym): plain moves. Only those stepping away from a box reach a new state;
    // the others repeat a move tried above, which gym finds explored (or out of TTL) at once.
    for (let d = 0; d < 4; d++) {
      const next = player + deltas[d]!;
      if (!free(next) || !(cells[player - deltas[d]!]! & BOX)) continue;
      search(next, lastPull, swaps, ttl);
    }
  };
  search(input.player, -1, 0, input.ttl ?? REVERSE_TTL);
  return {
    score: Math.max(0, bestScore),
    player: bestPlayer,
    boxes: Array.from(bestBoxes),
    pulled: Array.from(bestPulled, (f) => f === 1),
    explored: explored.size,
  };
}

/**
 * An exact key for (player, set of boxes, optionally each box's pulled flag). Boxes are
 * unlabelled in gym's raw room, so the codes are sorted; a number when it fits in 53 bits
 * (every preset), else a string of char codes. Exact, so no collision can prune a branch.
 */
function stateKeyer(n: number, nb: number, withFlags: boolean): (player: number, boxPos: Int32Array, pulled: Uint8Array) => number | string {
  const radix = withFlags ? 2 * n : n;
  const codes = new Int32Array(nb);
  const sortCodes = (boxPos: Int32Array, pulled: Uint8Array): void => {
    for (let k = 0; k < nb; k++) {
      const c = withFlags ? boxPos[k]! * 2 + pulled[k]! : boxPos[k]!;
      let i = k;
      while (i > 0 && codes[i - 1]! > c) {
        codes[i] = codes[i - 1]!;
        i--;
      }
      codes[i] = c;
    }
  };
  if (Math.log2(n) + nb * Math.log2(radix) < 53) {
    return (player, boxPos, pulled) => {
      sortCodes(boxPos, pulled);
      let key = player;
      for (let i = 0; i < nb; i++) key = key * radix + codes[i]!;
      return key;
    };
  }
  return (player, boxPos, pulled) => {
    sortCodes(boxPos, pulled);
    return String.fromCharCode(player, ...codes);
  };
}
