import { describe, expect, it } from "vitest";
import { Rng } from "../../adapters/kit/rng.js";
import { carveTopology, defaultGenSteps, generateRoom, placePlayerAndTargets } from "../../adapters/sokoban/generate.js";
import { renderText } from "../../adapters/sokoban/render-text.js";
import { PRESETS } from "../../adapters/sokoban/config.js";
import { BOX, FLOOR, STATIC_MASK, TARGET, WALL, countBoxes, roomProblem } from "../../adapters/sokoban/room.js";

const p6 = { width: 6, height: 6, numBoxes: 1 };
const p8 = { width: 8, height: 8, numBoxes: 2 };

describe("sokoban generation", () => {
  it("is deterministic for a seed, including across processes (golden rooms)", () => {
    expect(renderText(generateRoom(0, p6).room)).toBe("######\n#____#\n#PX__#\n##__##\n###O##\n######");
    expect(renderText(generateRoom(12345, p8).room)).toBe(
      "########\n#______#\n#O_XPX_#\n#___####\n#__#####\n#_O_####\n#__#####\n########",
    );
    for (let seed = 0; seed < 20; seed++) {
      expect(renderText(generateRoom(seed, p8).room)).toBe(renderText(generateRoom(seed, p8).room));
    }
  });

  it("uses gym-sokoban's reverse play by default; legacy reproduces the rooms of sokoban 1.0.0", () => {
    // Seeds where the rules disagree (0 and 12345 above agree). The legacy rooms are what 1.0.0 generated.
    expect(renderText(generateRoom(6, p6).room)).toBe("######\n###__#\n##O__#\n#__X_#\n#__P_#\n######");
    expect(renderText(generateRoom(6, { ...p6, reversePlay: "legacy" }).room)).toBe("######\n###__#\n##O__#\n#__XP#\n#____#\n######");
    expect(renderText(generateRoom(3, p8).room)).toBe("########\n#####O_#\n#__##__#\n#____X_#\n#_X__P_#\n######_#\n######O#\n########");
    expect(renderText(generateRoom(3, { ...p8, reversePlay: "legacy" }).room)).toBe(
      "########\n#####OP#\n#__##X_#\n#__X___#\n#______#\n######_#\n######O#\n########",
    );
    expect(renderText(generateRoom(5, { ...p6, reversePlay: "ragen", playerWalk: true }).room)).toBe("######\n#P__##\n#OX_##\n#_####\n######\n######");
  });

  it("RAGEN's preset walks the player away from the box as RAGEN does (player-box distances 58/40/1/0 %)", () => {
    const ragen = PRESETS["ragen-6x6-1box"];
    const params = { ...p6, reversePlay: ragen.reverse_play, searchDepth: ragen.search_depth, playerWalk: ragen.player_walk };
    const distances = (p: typeof p6 & Record<string, unknown>, seeds: number): number[] => {
      const counts = [0, 0, 0, 0, 0, 0];
      for (let seed = 0; seed < seeds; seed++) {
        const { room } = generateRoom(seed, p);
        const box = room.boxes[0]!;
        const d = Math.abs(Math.floor(box / 6) - Math.floor(room.player / 6)) + Math.abs((box % 6) - (room.player % 6));
        counts[Math.min(d, 5)]!++;
      }
      return counts.map((c) => c / seeds);
    };
    // 1000 seeds: a binomial share's standard error is under 1.6 points, so these bands are > 3 sigma wide.
    const share = distances(params, 1000);
    expect(share[1]).toBeGreaterThan(0.53);
    expect(share[1]).toBeLessThan(0.64);
    expect(share[2]).toBeGreaterThan(0.34);
    expect(share[2]).toBeLessThan(0.46);
    expect(share[3]).toBeLessThan(0.05);
    expect(share[4]! + share[5]!).toBeLessThan(0.01);
    // gym-sokoban's player always ends next to the box it pulled last.
    expect(distances(p6, 200)[1]).toBe(1);
  });

  it("RAGEN's larger preset generates with its search depth of 10", () => {
    const ragen = PRESETS["ragen-8x8-2box"];
    expect(ragen.search_depth).toBe(10);
    for (let seed = 0; seed < 20; seed++) {
      const { room } = generateRoom(seed, { ...p8, reversePlay: "ragen", searchDepth: 10, playerWalk: true });
      expect(countBoxes(room.grid)).toMatchObject({ boxes: 2, boxesOnTarget: 0 });
      expect(room.grid[room.player]! & BOX).toBe(0);
    }
  });

  it("different seeds give different rooms", () => {
    const rooms = new Set<string>();
    for (let seed = 0; seed < 50; seed++) rooms.add(renderText(generateRoom(seed, p6).room));
    expect(rooms.size).toBeGreaterThan(40);
  });

  // 10x10/4 rooms take ~0.3-1 s each with gym's rule (its search reaches the 300 000-state cap): 4 seeds of those.
  it("produces valid rooms: closed border, boxes = targets, every target uncovered", { timeout: 120_000 }, () => {
    for (const params of [p6, p8, { width: 10, height: 10, numBoxes: 4 }, { width: 9, height: 7, numBoxes: 2 }]) {
      for (let seed = 0; seed < (params.width === 10 ? 4 : 10); seed++) {
        const { room } = generateRoom(seed, params);
        expect(room.width).toBe(params.width);
        expect(room.height).toBe(params.height);
        expect(roomProblem(room.width, room.height, room.grid, room.player)).toBeUndefined();
        const counts = countBoxes(room.grid);
        expect(counts.boxes).toBe(params.numBoxes);
        expect(counts.boxesOnTarget).toBe(0);
        expect(room.boxesOnTarget).toBe(0);
        expect(room.grid[room.player]! & STATIC_MASK).toBe(FLOOR);
      }
    }
  });

  it("topology walk keeps the border walled and carves at least one mask", () => {
    const rng = Rng.fromSeed(7);
    for (let i = 0; i < 50; i++) {
      const grid = carveTopology(rng, 7, 9, defaultGenSteps(7, 9));
      let floor = 0;
      for (let y = 0; y < 9; y++) {
        for (let x = 0; x < 7; x++) {
          const c = grid[y * 7 + x]!;
          if (x === 0 || y === 0 || x === 6 || y === 8) expect(c).toBe(WALL);
          if (c === FLOOR) floor++;
        }
      }
      expect(floor).toBeGreaterThanOrEqual(2);
    }
  });

  it("placement fails when floor cells <= boxes + 1", () => {
    const grid = new Uint8Array(25);
    grid[6] = FLOOR;
    grid[7] = FLOOR;
    expect(placePlayerAndTargets(Rng.fromSeed(1), grid.slice(), 1)).toBeUndefined();
    grid[8] = FLOOR;
    const placed = placePlayerAndTargets(Rng.fromSeed(1), grid, 1)!;
    expect(placed.targets).toHaveLength(1);
    expect(grid[placed.targets[0]!]).toBe(TARGET);
    expect(placed.player).not.toBe(placed.targets[0]);
    expect(grid.some((c) => c & BOX)).toBe(false);
  });

  it("min_solution_length filters rooms deterministically", () => {
    const a = generateRoom(3, { ...p6, minSolutionLength: 8 });
    expect(a.optimalLength).toBeGreaterThanOrEqual(8);
    expect(renderText(generateRoom(3, { ...p6, minSolutionLength: 8 }).room)).toBe(renderText(a.room));
  });

  it("impossible configurations give a clear INVALID_ARGUMENT", () => {
    expect(() => generateRoom(1, { ...p6, minSolutionLength: 400 })).toThrow(/min_solution_length 400/);
    try {
      generateRoom(1, { width: 5, height: 5, numBoxes: 7, numGenSteps: 1 });
      expect.unreachable();
    } catch (e) {
      expect((e as { reason: string }).reason).toBe("INVALID_ARGUMENT");
    }
  });
});
