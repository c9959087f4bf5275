import { describe, expect, it } from "vitest";
import { applyAction } from "../../adapters/sokoban/dynamics.js";
import { parseSokobanConfig } from "../../adapters/sokoban/config.js";
import { SokobanEnv } from "../../adapters/sokoban/env.js";
import { generateRoom } from "../../adapters/sokoban/generate.js";
import { copyRoom, type Room } from "../../adapters/sokoban/room.js";
import { solveRoom } from "../../adapters/sokoban/solver.js";
import { idx, roomFromText } from "./helpers.js";

/** Reference: plain BFS over (player, boxes) with all nine actions; exponential but fine for tiny rooms. */
function bfsLength(start: Room, limit = 200_000): number | undefined {
  const key = (r: Room) => `${r.player}:${Array.from(r.grid).join("")}`;
  let frontier = [copyRoom(start)];
  const seen = new Set([key(start)]);
  for (let depth = 0; frontier.length > 0 && seen.size < limit; depth++) {
    const next: Room[] = [];
    for (const r of frontier) {
      if (r.boxesOnTarget === r.numBoxes) return depth;
      for (let a = 1; a <= 8; a++) {
        const c = copyRoom(r);
        applyAction(c, a);
        const k = key(c);
        if (seen.has(k)) continue;
        seen.add(k);
        next.push(c);
      }
    }
    frontier = next;
  }
  return undefined;
}

describe("sokoban solver", () => {
  it("solves generated 6x6/1 and 8x8/2 rooms; replaying the solution wins on its last step", () => {
    for (const preset of ["6x6-1box", "8x8-2box"] as const) {
      const env = new SokobanEnv(parseSokobanConfig({ preset, report_optimal: true }));
      for (let seed = 0; seed < 25; seed++) {
        const info = env.reset(seed, {});
        const actions = env.solve();
        expect(actions).toBeDefined();
        expect(info.optimal_solution_length).toBe(actions!.length);
        actions!.forEach((a, i) => {
          expect(a).toBeGreaterThanOrEqual(1);
          expect(a).toBeLessThanOrEqual(4);
          const t = env.step(idx(a));
          expect(t.terminated).toBe(i === actions!.length - 1);
          if (t.terminated) expect(t.reward).toBeCloseTo(10.9, 12);
        });
      }
    }
  });

  it("is step-optimal (matches brute-force BFS on small rooms)", () => {
    for (let seed = 0; seed < 30; seed++) {
      const { room } = generateRoom(seed, { width: 6, height: 6, numBoxes: 1 });
      const r = solveRoom(room);
      expect(r.status).toBe("solved");
      if (r.status === "solved") expect(r.length).toBe(bfsLength(room));
    }
    for (let seed = 0; seed < 8; seed++) {
      const { room } = generateRoom(seed, { width: 7, height: 7, numBoxes: 2 });
      const r = solveRoom(room);
      if (r.status === "solved") expect(r.length).toBe(bfsLength(room, 2_000_000));
    }
  });

  it("counts walking steps, not only pushes", () => {
    const room = roomFromText(`
      #######
      #P____#
      #____X#
      #####O#
      #######`);
    const r = solveRoom(room);
    // Four steps right to stand above the box, then one push down onto the target.
    expect(r.status === "solved" && r.actions).toEqual([4, 4, 4, 4, 2]);
  });

  it("reports unsolvable rooms and budget exhaustion", () => {
    const stuck = roomFromText(`
      ######
      #X___#
      #P__O#
      ######`);
    expect(solveRoom(stuck).status).toBe("unsolvable");
    const { room } = generateRoom(5, { width: 10, height: 10, numBoxes: 4 });
    expect(solveRoom(room, { nodeBudget: 3 }).status).toBe("budget");
  });

  it("returns an empty plan for a solved room", () => {
    const r = solveRoom(roomFromText(`
      #####
      #P√_#
      #####`));
    expect(r).toMatchObject({ status: "solved", length: 0, actions: [] });
  });
});
