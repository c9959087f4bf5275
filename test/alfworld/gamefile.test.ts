/**
 * The real-data loader, on game files written in ALFWorld's exact format: JSON with the
 * ALFRED domain, the grammar with the task filled in, and a PDDL problem in the style of
 * ALFRED's initial_state.pddl. Domain and grammar come from ../shared/reference.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EnvError } from "../../adapters/contract.js";
import { gameLibrary } from "../../adapters/alfworld/config.js";
import { createAlfworldDefinition } from "../../adapters/alfworld/definition.js";
import { OperatorResources } from "../../adapters/operator-resources.js";
import { demangle, parseSexp } from "../../adapters/alfworld/pddl.js";
import { APPLE, CAB_A, CAB_B, FRIDGE, HEAT_SPEC, loc, SINK, TWO_GOAL, writeGame } from "./game-fixture.js";
import { HAVE_REF, makeEnv, REF_DIR, text } from "./helpers.js";

const FULL = { text: true, image: false, uiElements: false };

describe("ALFWorld's demangling", () => {
  it("numbers sorted ids per name, highest first, and names basins", () => {
    const names = demangle([CAB_B, CAB_A, SINK, "agent1", loc(1, 2, 3, 4), loc(-1, 2, 3, 4)].map((x) => x.toLowerCase()));
    expect(names.get(CAB_A.toLowerCase())).toBe("cabinet 2");
    expect(names.get(CAB_B.toLowerCase())).toBe("cabinet 1");
    expect(names.get(SINK.toLowerCase())).toBe("sinkbasin 1");
    // "_" sorts after digits: loc_bar_1... comes first and gets the higher number.
    expect(names.get(loc(1, 2, 3, 4).toLowerCase())).toBe("loc 2");
    expect(names.get(loc(-1, 2, 3, 4).toLowerCase())).toBe("loc 1");
  });

  it("parses S-expressions and reports unbalanced input", () => {
    expect(parseSexp("(a (b c) ; note\n d)")).toEqual([["a", ["b", "c"], "d"]]);
    expect(() => parseSexp("(a (b)")).toThrow(/unclosed/);
    expect(() => parseSexp("a)")).toThrow(/unbalanced/);
  });
});

describe.skipIf(!HAVE_REF)("ALFWorld game files", () => {
  if (!HAVE_REF) console.warn(`skipping game-file tests: no ALFWorld reference under ${REF_DIR}`);
  const root = mkdtempSync(join(tmpdir(), "alfworld-games-"));
  const heatPath = writeGame(join(root, "valid_seen", "pick_heat_then_place_in_recep-Apple-None-DiningTable-1", "trial_T1"), HEAT_SPEC, "put a hot apple in diningtable");
  writeGame(join(root, "valid_seen", "pick_two_obj_and_place-Apple-None-DiningTable-1", "trial_T2"), { ...HEAT_SPEC, goal: TWO_GOAL }, "put two apple in diningtable");
  const currentPath = writeGame(join(root, "other", "current"), HEAT_SPEC, "heat some apple and put it in diningtable", "alfred.current.twl2");
  // What the operator grants: one game file, a directory of games, a game in the current grammar.
  const resources = new OperatorResources({ data: { heat: heatPath, "valid-seen": join(root, "valid_seen"), current: currentPath } });
  const library = gameLibrary(resources);

  it("plays a heat game with ALFWorld's names and strings, solved by the expert", () => {
    const env = makeEnv({ games: "heat" }, library);
    const info = env.reset(0, {});
    expect(info.task_type).toBe("pick_heat_then_place_in_recep");
    // Reset info names the data set and file, not the server's path.
    expect(info.game_file).toBe("heat/game.tw-pddl");
    const intro = env.observe(FULL).text;
    expect(intro).toBe(
      "-= Welcome to TextWorld, ALFRED! =-\n\n" +
        "You are in the middle of a room. Looking quickly around you, you see a cabinet 2, a cabinet 1, a countertop 1, a diningtable 1, a fridge 1, a microwave 1, and a sinkbasin 1.\n\n" +
        "Your task is to: put a hot apple in diningtable.",
    );
    env.step(text("go to fridge 1"));
    expect(env.observe(FULL).text).toMatch(/^You arrive at loc \d+\. The fridge 1 is closed\.$/);
    env.step(text("open fridge 1"));
    expect(env.observe(FULL).text).toBe("You open the fridge 1. The fridge 1 is open. In it, you see a apple 2.");
    env.step(text("go to cabinet 1"));
    env.step(text("open cabinet 1"));
    env.step(text("take mug 1 from cabinet 1"));
    env.step(text("examine mug 1"));
    expect(env.observe(FULL).text).toBe("This is a normal mug 1. In it, you see nothing.");
    let won = false;
    for (let i = 0; i < 20 && !won; i++) {
      const cmd = env.expertAction()!;
      expect(env.observe(FULL).validActions).toContain(cmd);
      won = env.step(text(cmd)).terminated;
    }
    expect(won).toBe(true);
  });

  it("plays every game under a directory, picking by seed, and infers pick-two goals", () => {
    expect(library.names).toEqual(["current", "heat", "valid-seen"]);
    const env = makeEnv({ games: "valid-seen" }, library);
    env.reset(1, {});
    expect(env.engine.scene.goal?.type).toBe("pick_two_obj_and_place");
    let won = false;
    for (let i = 0; i < 30 && !won; i++) won = env.step(text(env.expertAction()!)).terminated;
    expect(won).toBe(true);
    const only = makeEnv({ games: "valid-seen", task_type: "pick_heat_then_place_in_recep" }, library);
    expect(only.reset(1, {})).toMatchObject({ task_type: "pick_heat_then_place_in_recep", game_file: "valid-seen/pick_heat_then_place_in_recep-Apple-None-DiningTable-1/trial_T1/game.tw-pddl" });
    expect(() => makeEnv({ games: "heat", task_type: "pick_two_obj_and_place" }, library)).toThrow(/data set heat has no playable game files for task type pick_two_obj_and_place/);
    expect(() => env.reset(0, { game: 2 })).toThrow(/game 2 out of range 0..1 \(data set valid-seen\)/);
  });

  it("keeps the game's grammar (current) unless told otherwise", () => {
    const env = makeEnv({ games: "current" }, library);
    env.reset(0, {});
    expect(env.observe(FULL).validActions).toContain("help");
    env.step(text("go to countertop 1"));
    expect(env.observe(FULL).text).toBe("You arrive at countertop 1. On the countertop 1, you see a apple 1.");
  });

  it("round-trips game states through bytes", () => {
    const env = makeEnv({ games: "heat" }, library);
    env.reset(0, {});
    env.step(text("go to countertop 1"));
    const bytes = env.encodeState(env.cloneState());
    const other = makeEnv({ games: "heat" }, library);
    other.restoreState(other.decodeState(bytes));
    expect(other.observe(FULL)).toEqual(env.observe(FULL));
  });

  it("names the data set, the file and the problem when a game file is corrupt, quoting none of it", () => {
    const badDir = mkdtempSync(join(tmpdir(), "alfworld-bad-"));
    const bad = (content: string, pattern: RegExp) => {
      const name = `bad-${Math.random().toString(36).slice(2)}`;
      writeFileSync(join(badDir, `${name}.tw-pddl`), content);
      const definition = createAlfworldDefinition(new OperatorResources({ data: { bad: badDir } }));
      const files = gameLibrary(new OperatorResources({ data: { bad: badDir } })).files("bad");
      const env = definition.create(definition.parseConfig({ games: "bad" }));
      try {
        env.reset(0, { game: files.findIndex((f) => f.rel === `${name}.tw-pddl`) });
        throw new Error("accepted");
      } catch (err) {
        expect(err).toBeInstanceOf(EnvError);
        expect((err as EnvError).reason).toBe("INVALID_ARGUMENT");
        expect((err as EnvError).message).toContain(`game file bad/${name}.tw-pddl: `);
        expect((err as EnvError).message).not.toContain(badDir);
        expect((err as EnvError).message).toMatch(pattern);
        expect((err as EnvError).message.length).toBeLessThan(500);
      }
    };
    const good = JSON.parse(readFileSync(heatPath, "utf8")) as Record<string, string>;
    bad("{not json", /not valid JSON$/);
    bad("root:x:0:0:root:/root:/bin/bash", /not valid JSON$/);
    bad(JSON.stringify({ grammar: good.grammar, pddl_problem: good.pddl_problem }), /missing string field "pddl_domain"/);
    bad(JSON.stringify({ ...good, pddl_problem: good.pddl_problem!.slice(0, -10) }), /unclosed '\('/);
    bad(JSON.stringify({ ...good, pddl_problem: good.pddl_problem!.replace(/\(atLocation agent1 [^)]+\)/, "") }), /no \(atLocation agent/);
    bad(JSON.stringify({ ...good, pddl_domain: "(define (domain blocks))" }), /not the ALFRED domain/);
    bad(JSON.stringify({ ...good, pddl_problem: good.pddl_problem!.replace(`(inReceptacle ${APPLE} ${FRIDGE})`, `(inReceptacle ${APPLE} Nowhere_bar_1)`) }), /unknown receptacle/);
    expect(() => makeEnv({ games: "missing" }, library)).toThrow(/games "missing" is not a name the server's operator granted; valid: current, heat, valid-seen/);
    expect(() => makeEnv({ game_file: heatPath }, library)).toThrow(/unknown field\(s\) game_file/);
  });
});
