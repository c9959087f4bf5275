import { describe, expect, it } from "vitest";
import { parseSokobanConfig } from "../../adapters/sokoban/config.js";
import { SokobanEnv } from "../../adapters/sokoban/env.js";
import { roomFromText } from "../../adapters/sokoban/parse-text.js";
import { renderText } from "../../adapters/sokoban/render-text.js";
import { solveRoom } from "../../adapters/sokoban/solver.js";
import { idx, ALL } from "./helpers.js";

describe("sokoban text → room", () => {
  it("inverts the text observation on generated rooms along random play, and the solver agrees with the env", () => {
    for (const preset of ["6x6-1box", "8x8-2box"] as const) {
      const env = new SokobanEnv(parseSokobanConfig({ preset }));
      for (let seed = 0; seed < 10; seed++) {
        env.reset(seed, {});
        for (let t = 0; t < 12; t++) {
          const text = env.observe(ALL).text!;
          const parsed = roomFromText(text);
          if (!("room" in parsed)) throw new Error(parsed.problem);
          expect(renderText(parsed.room)).toBe(text);
          if (t === 0) expect(solveRoom(parsed.room).status).toBe("solved"); // every generated room is solvable
          if (env.step(idx(((seed * 7 + t * 3) % 4) + 1)).terminated) break;
        }
      }
    }
  });

  it("reports text that is not a room instead of throwing", () => {
    const cases: Array<[string, RegExp]> = [
      ["", /room size|no player/],
      ["#####\n#P_#\n#####", /row 2 has 4 cells/],
      ["####\n#Pz#\n####", /not a cell symbol/],
      ["#####\n#PP_#\n#####", /more than one player/],
      ["#####\n#_O_#\n#####", /no player/],
      ["#####\n#PXO#\n#X__#\n#####", /2 boxes but 1 targets/],
      ["_####\n#PXO#\n#####", /border is not a wall/],
      // Sized before anything is allocated: a million-column row and a million rows.
      ["#".repeat(1_000_000), /at most 64×64/],
      ["#\n".repeat(1_000_000), /at most 64×64/],
    ];
    for (const [text, problem] of cases) {
      const parsed = roomFromText(text);
      expect("problem" in parsed && parsed.problem).toMatch(problem);
    }
  });
});
