/**
 * Loader for Boxoban level files: each level is a "; N" header followed by rows of
 * `#` wall, `@` player, `$` box, `.` goal and ` ` floor (we also accept `*` box on goal
 * and `+` player on goal). Levels come from an operator data set (one file or a directory
 * of .txt files), never from a path a client names.
 */
import { EnvError } from "../contract.js";
import { readDataFile, type DataSetListing } from "../kit/data-files.js";
import { shortName } from "../kit/short-text.js";
import { BOX, FLOOR, TARGET, WALL, roomProblem } from "./room.js";

export interface Level {
  /** "<file relative to its data set>#<header number>" for messages and reset info. */
  name: string;
  width: number;
  height: number;
  /** Static layer plus BOX bits, as in Room.grid. */
  grid: Uint8Array;
  player: number;
}

const CELL: Record<string, number> = {
  "#": WALL,
  " ": FLOOR,
  ".": TARGET,
  $: FLOOR | BOX,
  "*": TARGET | BOX,
  "@": FLOOR,
  "+": TARGET,
};

/** Parses one file's text; `file` (a short relative name) is only used in messages. */
export function parseBoxoban(text: string, file: string): Level[] {
  const lines = text.split(/\r?\n/);
  const levels: Level[] = [];
  let header: { line: number; label: string } | undefined;
  let rows: { line: number; text: string }[] = [];

  const fail = (line: number, msg: string): never => {
    throw new EnvError("INVALID_ARGUMENT", `boxoban file ${file}, line ${line}: ${msg}`);
  };
  const finish = () => {
    if (!header) return;
    if (rows.length === 0) fail(header.line, `level "${header.label}" has no rows`);
    const width = rows[0]!.text.length;
    const height = rows.length;
    const grid = new Uint8Array(width * height);
    let player = -1;
    rows.forEach((r, y) => {
      if (r.text.length !== width) fail(r.line, `row has ${r.text.length} characters, expected ${width} like the first row of the level`);
      for (let x = 0; x < width; x++) {
        const ch = r.text[x]!;
        const code = CELL[ch];
        if (code === undefined) fail(r.line, `unexpected character at column ${x + 1} (allowed: # @ + $ * . space)`);
        grid[y * width + x] = code!;
        if (ch === "@" || ch === "+") {
          if (player !== -1) fail(r.line, `second player at column ${x + 1}`);
          player = y * width + x;
        }
      }
    });
    if (player === -1) fail(header.line, `level "${header.label}" has no player (@ or +)`);
    const problem = roomProblem(width, height, grid, player);
    if (problem) fail(header.line, `level "${header.label}": ${problem}`);
    levels.push({ name: `${file}#${header.label}`, width, height, grid, player });
    header = undefined;
    rows = [];
  };

  lines.forEach((raw, i) => {
    const line = i + 1;
    if (raw.startsWith(";")) {
      finish();
      // Cut short: labels reach messages and reset info.
      header = { line, label: raw.slice(1).trim().slice(0, 32) };
      return;
    }
    if (raw.trim() === "") {
      // Blank lines separate levels; one inside a level ends it.
      finish();
      return;
    }
    if (!header) fail(line, 'level rows before a "; N" header');
    rows.push({ line, text: raw });
  });
  finish();
  if (levels.length === 0) throw new EnvError("INVALID_ARGUMENT", `boxoban file ${file}: no levels found (expected "; N" headers followed by rows)`);
  return levels;
}

/** Total bytes of level files one data set may hold (Boxoban's largest split, unfiltered train, is ~100 MB). */
export const MAX_LEVEL_BYTES = 256 * 1024 * 1024;

/**
 * Loads the levels of an operator data set: its `.txt` files in name order (so level
 * numbers are stable); all levels must share one size. Errors name the data set and
 * file, never a path on the server.
 */
export function loadBoxobanDataSet(set: DataSetListing): Level[] {
  const files = set.files.filter((f) => f.rel.endsWith(".txt"));
  const fail = (msg: string): never => {
    throw new EnvError("INVALID_ARGUMENT", `boxoban data set "${set.name}": ${msg}`);
  };
  if (files.length === 0) fail("has no .txt level files");
  const levels: Level[] = [];
  let bytes = 0;
  for (const file of files) {
    const text = readDataFile(file);
    bytes += text.length;
    if (bytes > MAX_LEVEL_BYTES) fail(`holds more than ${MAX_LEVEL_BYTES} bytes of levels; grant a smaller directory`);
    try {
      levels.push(...parseBoxoban(text, shortName(file.rel)));
    } catch (err) {
      fail((err as Error).message);
    }
  }
  const first = levels[0]!;
  const odd = levels.find((l) => l.width !== first.width || l.height !== first.height);
  if (odd) fail(`level ${odd.name} is ${odd.width}x${odd.height} but ${first.name} is ${first.width}x${first.height}; one session needs one room size`);
  return levels;
}
