/**
 * Real ALFWorld data end to end, on the committed real-format games under real-format/
 * (written by real-format/make.ts from the published json_2.1.1 layout, not copied):
 * ALFWorld's game filter and splits, and the real engine's behaviours that the grammar
 * files alone do not say. The full check (every real game) needs ALFWorld's data: grant
 * json_2.1.1 with `dynamind serve --data alfworld=PATH` and replay it.
 */
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { gameLibrary } from "../../adapters/alfworld/config.js";
import { OperatorResources } from "../../adapters/operator-resources.js";
import { makeEnv, text } from "./helpers.js";

const FULL = { text: true, image: false, uiElements: false };
const ROOT = resolve(import.meta.dirname, "real-format/json_2.1.1");
const library = gameLibrary(new OperatorResources({ data: { alfworld: ROOT, unseen: resolve(ROOT, "valid_unseen") } }));

function play(config: Record<string, unknown>, game: number) {
  const env = makeEnv({ games: "alfworld", ...config }, library);
  const info = env.reset(0, { game });
  const step = (cmd: string) => {
    env.step(text(cmd));
    return env.observe(FULL).text;
  };
  const valid = () => env.observe(FULL).validActions;
  return { env, info, step, valid };
}

describe("ALFWorld's data: splits and game filter", () => {
  it("finds the json_2.1.1 splits and keeps only what ALFWorld's filter keeps", () => {
    expect(library.splits("alfworld")).toEqual(["train", "valid_seen", "valid_unseen"]);
    const rels = (split?: "train" | "valid_seen" | "valid_unseen") => library.files("alfworld", split).map((f) => f.rel.split("/")[1]);
    // Dropped: a sliced object and an unsolvable game (train), a movable receptacle (valid_seen).
    expect(rels("train")).toEqual(["pick_cool_then_place_in_recep-Apple-None-DiningTable-20"]);
    expect(rels("valid_seen")).toEqual(["pick_clean_then_place_in_recep-Mug-None-CoffeeMachine-7"]);
    expect(rels("valid_unseen")).toEqual(["look_at_obj_in_light-Book-None-DeskLamp-219", "pick_and_place_simple-Pot-None-CounterTop-10"]);
    // A split folder granted on its own is filtered the same way.
    expect(library.splits("unseen")).toEqual([]);
    expect(library.files("unseen")).toHaveLength(2);
  });

  it("plays a split by either of its names, train by default, and says what a set lacks", () => {
    expect(makeEnv({ games: "alfworld" }, library).config.games!.split).toBe("train");
    expect(makeEnv({ games: "alfworld", split: "valid_unseen" }, library).config.games!.files).toHaveLength(2);
    expect(makeEnv({ games: "alfworld", split: "eval_out_of_distribution" }, library).config.games!.split).toBe("valid_unseen");
    expect(makeEnv({ games: "alfworld", split: "eval_in_distribution" }, library).config.games!.split).toBe("valid_seen");
    expect(() => makeEnv({ games: "unseen", split: "train" }, library)).toThrow(/data set unseen has none/);
    expect(() => makeEnv({ games: "alfworld", split: "valid_seen", task_type: "pick_two_obj_and_place" }, library)).toThrow(/no playable game files for task type/);
  });

  it("makes the data granted as alfworld the default; generated: true still asks for generated scenes", () => {
    const env = makeEnv({ split: "valid_unseen" }, library);
    expect(env.config.games).toMatchObject({ dataSet: "alfworld", split: "valid_unseen" });
    expect(env.reset(0, {}).game_file).toBe("alfworld/valid_unseen/look_at_obj_in_light-Book-None-DeskLamp-219/trial_T20190908_001122_334455/game.tw-pddl");
    const gen = makeEnv({ generated: true, split: "valid_unseen" }, library);
    expect(gen.config.games).toBeUndefined();
    expect([10, 219, 308, 424]).toContain(gen.reset(0, {}).floor_plan);
    expect(() => makeEnv({ generated: true, games: "alfworld" }, library)).toThrow(/exclude each other/);
    // Without a data set named alfworld, generated scenes stay the default.
    expect(makeEnv({}, gameLibrary(new OperatorResources({ data: { unseen: resolve(ROOT, "valid_unseen") } }))).config.games).toBeUndefined();
  });

  it("the expert wins every playable game", () => {
    for (const split of ["train", "valid_seen", "valid_unseen"]) {
      const n = library.files("alfworld", split as "train").length;
      for (let game = 0; game < n; game++) {
        const { env } = play({ split }, game);
        let won = false;
        for (let i = 0; i < 30 && !won; i++) {
          const cmd = env.expertAction();
          expect(cmd, `${split} game ${game}`).toBeDefined();
          expect(env.observe(FULL).validActions).toContain(cmd);
          won = env.step(text(cmd!)).terminated;
        }
        expect(won, `${split} game ${game}`).toBe(true);
      }
    }
  });
});

describe("the real engine's behaviours, on real-format games", () => {
  it("lists receptacles sharing a location together, with one go to for them", () => {
    const { env, step, valid } = play({ split: "valid_unseen" }, 0);
    expect(env.observe(FULL).text).toBe(
      "-= Welcome to TextWorld, ALFRED! =-\n\n" +
        "You are in the middle of a room. Looking quickly around you, you see a desk 1, a shelf 3, a shelf 2, a shelf 1, a sidetable 1, and a sofa 1.\n\n" +
        "Your task is to: look at book under the desklamp.",
    );
    expect(valid()).toEqual(["go to desk 1", "go to shelf 2, and shelf 1", "go to shelf 3", "go to sidetable 1", "go to sofa 1", "inventory", "look"]);
    expect(step("go to shelf 2, and shelf 1")).toMatch(/^You arrive at loc \d+\. On the shelf 2, you see a pen 1\.$/);
    // Next to it: nothing in an unchanged room, though the pen is not in shelf 1.
    expect(step("look")).toBe("You are facing the shelf 2, and shelf 1. Next to it, you see nothing.");
    expect(step("examine shelf 1")).toBe("On the shelf 1, you see nothing.");
    expect(step("go to shelf 1")).toBe("Nothing happens.");
  });

  it("does not offer go to the current location; typing it changes nothing", () => {
    const { env, step, valid } = play({ split: "valid_unseen" }, 0);
    step("go to desk 1");
    expect(valid()).not.toContain("go to desk 1");
    const fp = env.observe(FULL).fingerprint;
    expect(step("go to desk 1")).toBe("Nothing happens.");
    expect(env.observe(FULL).fingerprint).toBe(fp);
  });

  it("offers examine for the held object only", () => {
    const { step, valid } = play({ split: "valid_unseen" }, 0);
    step("go to sidetable 1");
    expect(valid().filter((v) => v.startsWith("examine "))).toEqual(["examine sidetable 1"]);
    expect(step("examine book 1")).toBe("Nothing happens.");
    step("take book 1 from sidetable 1");
    expect(valid()).toContain("examine book 1");
    expect(step("examine book 1")).toBe("There's nothing special about book 1.");
  });

  it("lists, and lets one use, an object in several receptacles at each of them", () => {
    const { step, valid } = play({ split: "valid_unseen" }, 0);
    expect(step("go to desk 1")).toMatch(/On the desk 1, you see a desklamp 1\.$/);
    expect(valid()).toContain("use desklamp 1");
    expect(step("go to shelf 3")).toMatch(/On the shelf 3, you see a desklamp 1\.$/);
    expect(valid()).toContain("use desklamp 1");
    expect(step("use desklamp 1")).toBe("You turn on the desklamp 1.");
  });

  it("lets one take an object from each receptacle it is in; taking removes it from that one only, as the domain says", () => {
    const { step, valid } = play({ split: "valid_unseen" }, 1);
    expect(step("go to stoveburner 1")).toMatch(/On the stoveburner 1, you see a pot 1\.$/);
    expect(valid()).toContain("take pot 1 from stoveburner 1");
    expect(step("go to stoveburner 2")).toMatch(/On the stoveburner 2, you see a pot 1\.$/);
    expect(valid()).toContain("take pot 1 from stoveburner 2");
    expect(step("take pot 1 from stoveburner 2")).toBe("You pick up the pot 1 from the stoveburner 2.");
    expect(step("examine stoveburner 2")).toBe("On the stoveburner 2, you see nothing.");
    expect(step("go to stoveburner 1")).toMatch(/On the stoveburner 1, you see a pot 1\.$/);
  });

  it("lists under Next to it an object an effect moved to a shared location", () => {
    const { step } = play({ split: "valid_unseen" }, 0);
    step("go to shelf 2, and shelf 1");
    step("take pen 1 from shelf 2");
    step("put pen 1 in/on shelf 1");
    expect(step("look")).toBe("You are facing the shelf 2, and shelf 1. Next to it, you see a pen 1.");
  });

  it("prints help without a leading newline (current grammar)", () => {
    const { step, valid } = play({ split: "valid_seen", grammar: "current" }, 0);
    expect(valid()).toContain("help");
    const help = step("help");
    expect(help.startsWith("Available commands:\n  look:")).toBe(true);
  });
});
