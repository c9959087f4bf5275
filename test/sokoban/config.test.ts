import { describe, expect, it } from "vitest";
import { builtinRegistry } from "../../adapters/index.js";
import { parseBoxoban } from "../../adapters/sokoban/boxoban.js";
import { parseSokobanConfig, type LevelLibrary } from "../../adapters/sokoban/config.js";
import { sokobanDefinition } from "../../adapters/sokoban/definition.js";

/** A library with one granted level set, without files. */
const LIBRARY: LevelLibrary = { names: ["lv"], levels: () => parseBoxoban(["; 0", "######", "#@$.#", "######"].join("\n"), "lv.txt") };

function message(raw: unknown, library?: LevelLibrary): string {
  try {
    parseSokobanConfig(raw, library);
  } catch (e) {
    expect((e as { reason: string }).reason).toBe("INVALID_ARGUMENT");
    return (e as Error).message;
  }
  throw new Error("expected the config to be rejected");
}

describe("sokoban config", () => {
  it("defaults to the 6x6-1box preset", () => {
    for (const raw of [undefined, null, {}]) {
      expect(parseSokobanConfig(raw)).toMatchObject({ width: 6, height: 6, numBoxes: 1, maxSteps: 100, numGenSteps: 20, reportOptimal: true });
    }
    expect(parseSokobanConfig({ preset: "10x10-4box" })).toMatchObject({ width: 10, numBoxes: 4, maxSteps: 200, numGenSteps: 34 });
    expect(parseSokobanConfig({ preset: "8x8-2box", max_steps: 50, dim_room: [9, 7] })).toMatchObject({ width: 9, height: 7, numBoxes: 2, maxSteps: 50 });
  });

  it("generates as gym-sokoban by default; RAGEN's presets carry its rule, search depth, player walk and steps", () => {
    expect(parseSokobanConfig({})).toMatchObject({ reversePlay: "gym", searchDepth: 300, playerWalk: false });
    expect(parseSokobanConfig({ preset: "ragen-6x6-1box" })).toMatchObject({ width: 6, numBoxes: 1, maxSteps: 100, reversePlay: "ragen", searchDepth: 300, playerWalk: true });
    expect(parseSokobanConfig({ preset: "ragen-8x8-2box" })).toMatchObject({ width: 8, numBoxes: 2, maxSteps: 100, reversePlay: "ragen", searchDepth: 10, playerWalk: true });
    expect(parseSokobanConfig({ preset: "ragen-6x6-1box", reverse_play: "legacy", player_walk: false, search_depth: 50 })).toMatchObject({
      reversePlay: "legacy",
      searchDepth: 50,
      playerWalk: false,
    });
    expect(message({ reverse_play: "fast" })).toMatch(/reverse_play/);
    expect(message({ search_depth: 1 })).toMatch(/search_depth/);
  });

  it("Boxoban levels default to gym's BoxobanEnv max_steps of 120", () => {
    const one: LevelLibrary = { names: ["lv"], levels: () => parseBoxoban(["; 0", "#####", "#@$.#", "#####"].join("\n"), "lv.txt") };
    expect(parseSokobanConfig({ levels: "lv" }, one).maxSteps).toBe(120);
    expect(parseSokobanConfig({ levels: "lv", max_steps: 7 }, one).maxSteps).toBe(7);
    expect(message({ levels: "lv", reverse_play: "gym" }, LIBRARY)).toMatch(/reverse_play cannot be combined with levels/);
  });

  it("names the offending field", () => {
    expect(message({ preset: "huge" })).toMatch(/preset/);
    expect(message({ dim_room: [6] })).toMatch(/dim_room/);
    expect(message({ dim_room: [6, 200] })).toMatch(/dim_room\[1\]/);
    expect(message({ num_boxes: 0 })).toMatch(/num_boxes/);
    expect(message({ num_boxes: 20, dim_room: [6, 6] })).toMatch(/num_boxes 20 does not fit/);
    expect(message({ max_steps: "10" })).toMatch(/max_steps/);
    expect(message({ image: "jpeg" })).toMatch(/image/);
    expect(message({ colour: 1 })).toMatch(/unknown field\(s\) colour/);
    expect(message({ levels: "lv", num_boxes: 2 }, LIBRARY)).toMatch(/num_boxes cannot be combined with levels/);
    expect(message({ levels: "other" }, LIBRARY)).toMatch(/levels "other" is not a name the server's operator granted; valid: lv/);
    expect(message({ levels: "lv" })).toMatch(/this server grants none/);
    expect(message({ boxoban_path: "/x" })).toMatch(/unknown field\(s\) boxoban_path/);
    expect(message(5)).toMatch(/invalid sokoban config/);
  });
});

describe("sokoban definition", () => {
  it("describes the environment", () => {
    const spec = sokobanDefinition.describe(undefined);
    expect(spec).toMatchObject({
      id: "sokoban",
      version: "1.1.0",
      observationKinds: ["text", "image"],
      defaultObservationKinds: ["text"],
      cloneSupport: "portable",
      maxSteps: 100,
    });
    expect(spec.action.kinds).toEqual(["text", "index"]);
    expect(spec.action.discreteNames).toHaveLength(9);
    expect(spec.action.discreteNames[1]).toBe("push up");
    expect(spec.tasks.map((t) => t.name)).toEqual(["6x6-1box", "8x8-2box", "10x10-4box", "ragen-6x6-1box", "ragen-8x8-2box"]);
    expect(spec.instructions).toMatch(/Up, Down, Left, Right/);
    expect(spec.configSchema).toMatchObject({ type: "object" });
    expect(spec.resetOptionsSchema).toMatchObject({ type: "object" });
    for (const task of spec.tasks) {
      const config = sokobanDefinition.parseConfig(task.config);
      expect(sokobanDefinition.describe(config).maxSteps).toBe(config.maxSteps);
    }
  });

  it("keys configs by room size and is registered", async () => {
    const key = (raw: unknown) => sokobanDefinition.configKey(sokobanDefinition.parseConfig(raw));
    expect(key({})).toBe("6x6");
    expect(key({ preset: "6x6-1box", max_steps: 10 })).toBe(key({}));
    expect(key({ preset: "8x8-2box" })).not.toBe(key({}));
    const def = await builtinRegistry().get("sokoban");
    const env = def.create(def.parseConfig({ report_optimal: false }));
    expect(env.reset(0, {})).toEqual({ seed: 0 });
  });
});
