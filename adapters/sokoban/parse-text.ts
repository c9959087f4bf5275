/**
 * The inverse of {@link renderText}: a text observation back to a room, so that tools
 * can ask the solver about a state they only have as text (a recorded episode's last
 * observation, a model's predicted state). Returns a problem description for text that
 * is not a valid room, never throws: the text may come from a model.
 */
import { BOX, FLOOR, MAX_SIDE, TARGET, WALL, makeRoom, roomProblem, type Room } from "./room.js";
import { TEXT_SYMBOLS } from "./render-text.js";

const S = TEXT_SYMBOLS;
const CELLS = new Map<string, { cell: number; player: boolean }>([
  [S.wall, { cell: WALL, player: false }],
  [S.floor, { cell: FLOOR, player: false }],
  [S.target, { cell: TARGET, player: false }],
  [S.boxOnTarget, { cell: TARGET | BOX, player: false }],
  [S.box, { cell: FLOOR | BOX, player: false }],
  [S.player, { cell: FLOOR, player: true }],
  [S.playerOnTarget, { cell: TARGET, player: true }],
]);

export function roomFromText(text: string): { room: Room } | { problem: string } {
  const rows = text.split("\n");
  const height = rows.length;
  const width = [...rows[0]!].length;
  // Checked before the grid is allocated: the text may be a model's, of any shape.
  if (width > MAX_SIDE || height > MAX_SIDE) return { problem: `a room is at most ${MAX_SIDE}×${MAX_SIDE} cells` };
  const grid = new Uint8Array(width * height);
  let player = -1;
  for (let y = 0; y < height; y++) {
    const symbols = [...rows[y]!];
    if (symbols.length !== width) return { problem: `row ${y + 1} has ${symbols.length} cells, the first row ${width}` };
    for (let x = 0; x < width; x++) {
      const parsed = CELLS.get(symbols[x]!);
      if (!parsed) return { problem: `row ${y + 1}, column ${x + 1}: not a cell symbol` };
      grid[y * width + x] = parsed.cell;
      if (parsed.player) {
        if (player >= 0) return { problem: "more than one player" };
        player = y * width + x;
      }
    }
  }
  if (player < 0) return { problem: "no player" };
  const problem = roomProblem(width, height, grid, player);
  return problem ? { problem } : { room: makeRoom(width, height, grid, player) };
}
