/**
 * The default reverse play equals gym-sokoban's: every input/output pair of the real
 * gym-sokoban `reverse_playing` in the shared reference file (GYM-REVERSE-PLAY.md beside it
 * explains the fields) is reproduced: raw room (3 = pulled box, 4 = never moved), score,
 * box mapping and the number of explored states.
 */
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { reversePlay } from "../../adapters/sokoban/generate.js";
import { renderText } from "../../adapters/sokoban/render-text.js";
import { reverseSearch } from "../../adapters/sokoban/reverse-play.js";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const REFERENCE = resolve(repoRoot, "../shared/reference/sokoban/gym-reverse-play.jsonl");
const hasReference = existsSync(REFERENCE);
if (!hasReference) console.warn(`skipping gym-sokoban reverse-play reproduction: ${REFERENCE} is absent`);

type Grid = number[][];
interface Case {
  id: string;
  dim: [number, number];
  num_boxes: number;
  input: { room_structure: Grid; room_state: Grid };
  output: { room_state: Grid; score: number; box_mapping: [[number, number], [number, number]][]; explored_states: number };
}

const cases: Case[] = hasReference
  ? readFileSync(REFERENCE, "utf8")
      .split("\n")
      .filter((l) => l.trim() !== "")
      .map((l) => JSON.parse(l) as Case)
  : [];

/** The project's inputs from gym's: static layer (0/1/2 are WALL/FLOOR/TARGET here too), player, row-major targets. */
function toInput(c: Case) {
  const rows = c.input.room_structure;
  const width = rows[0]!.length;
  const statics = new Uint8Array(rows.flat());
  const player = c.input.room_state.flat().indexOf(5);
  const targets: number[] = [];
  statics.forEach((v, i) => v === 2 && targets.push(i));
  return { statics, width, height: rows.length, player, targets };
}

/** Runs one case and returns what differs from gym's output (empty when identical). */
function differences(c: Case): string[] {
  const { statics, width, player, targets } = toInput(c);
  const r = reverseSearch({ statics, width, player, targets });
  const raw = c.input.room_structure.map((row) => row.slice());
  r.boxes.forEach((b, k) => (raw[Math.floor(b / width)]![b % width] = r.pulled[k] ? 3 : 4));
  raw[Math.floor(r.player / width)]![r.player % width] = 5;
  const at = (cell: number): [number, number] => [Math.floor(cell / width), cell % width];
  const mapping = targets.map((t, k) => [at(t), at(r.boxes[k]!)]);
  const diffs: string[] = [];
  if (JSON.stringify(raw) !== JSON.stringify(c.output.room_state)) diffs.push("room_state");
  if (r.score !== c.output.score) diffs.push(`score ${r.score} (gym ${c.output.score})`);
  if (JSON.stringify(mapping) !== JSON.stringify(c.output.box_mapping)) diffs.push("box_mapping");
  if (r.explored !== c.output.explored_states) diffs.push(`explored ${r.explored} (gym ${c.output.explored_states})`);
  return diffs.map((d) => `${c.id}: ${d}`);
}

describe.skipIf(!hasReference)("gym-sokoban reverse play reproduced (shared reference)", () => {
  it("holds all 320 cases", () => {
    expect(cases).toHaveLength(320);
  });

  for (const size of ["6x6-b1", "7x7-b2", "8x8-b2", "10x10-b4"]) {
    it(`reproduces every ${size} pair`, { timeout: 120_000 }, () => {
      const group = cases.filter((c) => c.id.includes(`-${size}-`));
      expect(group.length).toBeGreaterThan(0);
      expect(group.flatMap(differences)).toEqual([]);
    });
  }

  it("generate's reversePlay gives gym's room with 3 read as 4, and rejects score-0 rooms", () => {
    const symbols = ["#", "_", "O", "√", "X"];
    for (const c of cases.filter((c) => c.id.includes("-7x7-"))) {
      const { statics, width, height, player, targets } = toInput(c);
      const played = reversePlay(statics, width, height, player, targets);
      if (c.output.score === 0) {
        expect(played, c.id).toBeUndefined();
        continue;
      }
      const want = c.output.room_state
        .map((row, y) =>
          row
            .map((v, x) => (v === 5 ? (c.input.room_structure[y]![x] === 2 ? "S" : "P") : v === 3 || v === 4 ? (c.input.room_structure[y]![x] === 2 ? "√" : "X") : symbols[v]))
            .join(""),
        )
        .join("\n");
      expect(renderText(played!.room), c.id).toBe(want);
    }
  });
});
