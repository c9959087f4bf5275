/** Test helpers: build rooms from RAGEN-style maps and run small reference searches. */
import { parseSokobanConfig } from "../../adapters/sokoban/config.js";
import { SokobanEnv } from "../../adapters/sokoban/env.js";
import { roomFromText as parseRoomText } from "../../adapters/sokoban/parse-text.js";
import { snapshot, type Room } from "../../adapters/sokoban/room.js";

/** Parses a map drawn with the text-observation symbols (indentation and surrounding blank lines ignored). */
export function roomFromText(text: string): Room {
  const parsed = parseRoomText(
    text
      .trim()
      .split("\n")
      .map((r) => r.trim())
      .join("\n"),
  );
  if ("problem" in parsed) throw new Error(`bad map: ${parsed.problem}`);
  return parsed.room;
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
