/** Test helpers: build rooms from RAGEN-style maps and run small reference searches. */
import { parseSokobanConfig } from "../../adapters/sokoban/config.js";
import { SokobanEnv } from "../../adapters/sokoban/env.js";
import { BOX, FLOOR, TARGET, WALL, makeRoom, snapshot, type Room } from "../../adapters/sokoban/room.js";

const CODES: Record<string, [number, boolean]> = {
  "#": [WALL, false],
  _: [FLOOR, false],
  O: [TARGET, false],
  X: [FLOOR | BOX, false],
  "√": [TARGET | BOX, false],
  P: [FLOOR, true],
  S: [TARGET, true],
};

/** Parses a map drawn with the text-observation symbols. */
export function roomFromText(text: string): Room {
  const rows = text.trim().split("\n").map((r) => r.trim());
  const width = rows[0]!.length;
  const grid = new Uint8Array(width * rows.length);
  let player = -1;
  rows.forEach((row, y) => {
    [...row].forEach((ch, x) => {
      const code = CODES[ch];
      if (!code) throw new Error(`bad map char ${ch}`);
      grid[y * width + x] = code[0];
      if (code[1]) player = y * width + x;
    });
  });
  return makeRoom(width, rows.length, grid, player);
}

/** An env of the right size with `text` loaded as its current state. */
export function envWithRoom(text: string): SokobanEnv {
  const room = roomFromText(text);
  const env = new SokobanEnv({ ...parseSokobanConfig({ report_optimal: false }), width: room.width, height: room.height });
  env.restoreState(snapshot(room));
  return env;
}

export const idx = (index: number) => ({ $case: "index" as const, index });
export const txt = (text: string) => ({ $case: "text" as const, text });
export const ALL = { text: true, image: false, uiElements: false };
