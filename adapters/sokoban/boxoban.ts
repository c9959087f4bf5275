/**
 * Loader for Boxoban level files: each level is a "; N" header followed by rows of
 * `#` wall, `@` player, `$` box, `.` goal and ` ` floor (we also accept `*` box on goal
 * and `+` player on goal). A path may be one file or a directory of .txt files, read in
 * name order so level numbers are stable.
 */
import { readFileSync, readdirSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { EnvError } from "../contract.js";
import { BOX, FLOOR, TARGET, WALL, roomProblem } from "./room.js";

export interface Level {
  /** "<file>#<header number>" for messages and reset info. */
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

/** Parses one file's text; `file` is only used in error messages. */
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
        if (code === undefined) fail(r.line, `unexpected character ${JSON.stringify(ch)} at column ${x + 1} (allowed: # @ + $ * . space)`);
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
    levels.push({ name: `${basename(file)}#${header.label}`, width, height, grid, player });
    header = undefined;
    rows = [];
  };

  lines.forEach((raw, i) => {
    const line = i + 1;
    if (raw.startsWith(";")) {
      finish();
      header = { line, label: raw.slice(1).trim() };
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

/** Loads levels from a file or a directory of .txt files; all levels must share one size. */
export function loadBoxoban(path: string): Level[] {
  let files: string[];
  try {
    files = statSync(path).isDirectory()
      ? readdirSync(path)
          .filter((f) => f.endsWith(".txt"))
          .sort()
          .map((f) => join(path, f))
      : [path];
  } catch (e) {
    throw new EnvError("INVALID_ARGUMENT", `boxoban_path ${path}: ${(e as Error).message}`);
  }
  if (files.length === 0) throw new EnvError("INVALID_ARGUMENT", `boxoban_path ${path}: directory has no .txt level files`);
  const levels: Level[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (e) {
      throw new EnvError("INVALID_ARGUMENT", `boxoban file ${file}: ${(e as Error).message}`);
    }
    levels.push(...parseBoxoban(text, file));
  }
  const first = levels[0]!;
  const odd = levels.find((l) => l.width !== first.width || l.height !== first.height);
  if (odd) {
    throw new EnvError(
      "INVALID_ARGUMENT",
      `boxoban_path ${path}: level ${odd.name} is ${odd.width}x${odd.height} but ${first.name} is ${first.width}x${first.height}; one session needs one room size`,
    );
  }
  return levels;
}
