import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { EnvError } from "../../adapters/contract.js";
import { SCENE_TABLES } from "../../adapters/alfworld/data/scene-tables.js";
import { generateScene, SPLITS, VALID_UNSEEN_FLOOR_PLANS } from "../../adapters/alfworld/generate.js";
import { TASK_TYPES } from "../../adapters/alfworld/scene.js";
import { alfworldDefinition } from "../../adapters/alfworld/definition.js";
import { expertTranscript, makeEnv, text } from "./helpers.js";

const FULL = { text: true, image: false, uiElements: false };
const GOLDEN_DIR = resolve(import.meta.dirname, "golden");
const GOLDEN_SEED = 7;

describe("alfworld golden expert transcripts", () => {
  for (const task of TASK_TYPES) {
    it(`reads like ALFWorld: ${task}`, () => {
      const env = makeEnv({ task_type: task });
      const { transcript, won } = expertTranscript(env, GOLDEN_SEED);
      expect(won).toBe(true);
      const file = resolve(GOLDEN_DIR, `${task}.txt`);
      if (process.env.UPDATE_GOLDEN || !existsSync(file)) {
        mkdirSync(GOLDEN_DIR, { recursive: true });
        writeFileSync(file, transcript);
      }
      expect(transcript).toBe(readFileSync(file, "utf8"));
      expect(transcript.startsWith("-= Welcome to TextWorld, ALFRED! =-\n\nYou are in the middle of a room. Looking quickly around you, you see a ")).toBe(true);
      expect(transcript).toMatch(/\n\nYour task is to: [^\n]+\.\n\n> /);
    });
  }
});

describe("alfworld expert", () => {
  for (const split of SPLITS) {
    it(`solves 100% of 1000 generated tasks within 50 steps (${split})`, () => {
      const env = makeEnv({ split });
      let solved = 0;
      const failures: number[] = [];
      for (let seed = 0; seed < 1000; seed++) {
        env.reset(seed, {});
        let won = false;
        for (let step = 0; step < 50 && !won; step++) {
          const cmd = env.expertAction();
          if (cmd === undefined) break;
          expect(env.observe(FULL).validActions).toContain(cmd);
          won = env.step(text(cmd)).terminated;
        }
        if (won) solved++;
        else failures.push(seed);
      }
      expect(failures).toEqual([]);
      expect(solved / 1000).toBe(1);
    });
  }

  it("recovers from random detours", () => {
    const env = makeEnv();
    let x = 12345;
    const rand = () => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) / 2 ** 32);
    for (let seed = 0; seed < 200; seed++) {
      env.reset(seed, {});
      let done = false;
      for (let i = 0; i < 15 && !done; i++) {
        const valid = env.observe(FULL).validActions;
        done = env.step(text(valid[Math.floor(rand() * valid.length)]!)).terminated;
      }
      for (let i = 0; i < 40 && !done; i++) {
        const cmd = env.expertAction();
        expect(cmd).toBeDefined();
        done = env.step(text(cmd!)).terminated;
      }
      expect(done).toBe(true);
    }
  });
});

describe("alfworld rules and text", () => {
  it("gives sorted, de-duplicated admissible commands, with go to every other location but not the current one", () => {
    const env = makeEnv();
    for (let seed = 0; seed < 50; seed++) {
      env.reset(seed, {});
      for (let i = 0; i < 6; i++) {
        const valid = [...env.observe(FULL).validActions];
        expect(valid).toEqual([...new Set(valid)].sort());
        expect(valid).toContain("look");
        expect(valid).toContain("inventory");
        const go = valid.filter((v) => v.startsWith("go to "));
        const w = env.engine;
        const locs = new Set(w.scene.recs.map((r) => r.loc));
        locs.delete(w.agentLoc());
        expect(go.length).toBe(locs.size);
        const cmd = env.expertAction() ?? go[0]!;
        if (env.step(text(cmd)).terminated) break;
      }
    }
  });

  it("answers an inadmissible command with Nothing happens., changing nothing but the text", () => {
    const env = makeEnv();
    env.reset(3, {});
    const before = env.observe(FULL);
    for (const bad of ["dance", "go to the moon", "take apple 99 from countertop 1", "GO TO COUNTERTOP 1", ""]) {
      const t = env.step(text(bad));
      expect(t.reward).toBe(0);
      expect(t.terminated).toBe(false);
      const after = env.observe(FULL);
      expect(after.text).toBe("Nothing happens.");
      expect(after.fingerprint).toBe(before.fingerprint);
      expect(after.validActions).toEqual(before.validActions);
    }
    // Surrounding whitespace is trimmed.
    env.step(text("  look  "));
    expect(env.observe(FULL).text).toBe("You are in the middle of a room. Looking quickly around you, you see nothing.");
  });

  it("rejects other action kinds with INVALID_ACTION", () => {
    const env = makeEnv();
    env.reset(1, {});
    const fp = env.observe(FULL).fingerprint;
    for (const a of [{ $case: "index", index: 0 } as const, { $case: "json", json: "{}" } as const]) {
      try {
        env.step(a);
        throw new Error("accepted");
      } catch (err) {
        expect(err).toBeInstanceOf(EnvError);
        expect((err as EnvError).reason).toBe("INVALID_ACTION");
        expect((err as EnvError).message).toMatch(/text commands only/);
      }
    }
    expect(env.observe(FULL).fingerprint).toBe(fp);
  });

  it("reports unknown task types clearly", () => {
    const check = (f: () => unknown) => {
      try {
        f();
        throw new Error("accepted");
      } catch (err) {
        expect((err as EnvError).reason).toBe("INVALID_ARGUMENT");
        expect((err as EnvError).message).toMatch(/unknown task_type "pick_and_eat".*pick_and_place_simple.*pick_two_obj_and_place/);
      }
    };
    check(() => alfworldDefinition.parseConfig({ task_type: "pick_and_eat" }));
    check(() => makeEnv().reset(1, { task_type: "pick_and_eat" }));
    expect(() => alfworldDefinition.parseConfig({ split: "valid" })).toThrow(/split/);
    // ALFWorld's data folder names are aliases of its train_eval names.
    expect(alfworldDefinition.parseConfig({ split: "valid_unseen" }).split).toBe("eval_out_of_distribution");
    expect(alfworldDefinition.parseConfig({ split: "valid_seen" }).split).toBe("eval_in_distribution");
    expect(() => alfworldDefinition.parseConfig({ colour: 1 })).toThrow(/unknown field/);
  });

  it("renders receptacles, opening, taking, heating, examining and inventory as ALFWorld does", () => {
    const env = makeEnv({ task_type: "pick_heat_then_place_in_recep" });
    env.reset(3, {});
    const w = env.engine;
    const fridge = w.scene.recs.findIndex((r) => r.type === "fridge");
    const fname = w.scene.recs[fridge]!.name;
    env.step(text(`go to ${fname}`));
    expect(env.observe(FULL).text).toMatch(new RegExp(`^You arrive at loc \\d+\\. The ${fname} is closed\\.$`));
    env.step(text(`open ${fname}`));
    expect(env.observe(FULL).text).toMatch(new RegExp(`^You open the ${fname}\\. The ${fname} is open\\. In it, you see (nothing|a [a-z]+ \\d+(, a [a-z]+ \\d+)*(, and a [a-z]+ \\d+)?)\\.$`));
    env.step(text("look"));
    expect(env.observe(FULL).text).toBe(`You are facing the ${fname}. Next to it, you see nothing.`);
    env.step(text(`close ${fname}`));
    expect(env.observe(FULL).text).toBe(`You close the ${fname}.`);
    env.step(text("inventory"));
    expect(env.observe(FULL).text).toBe("You are not carrying anything.");
    // Follow the expert to the heat step and check its strings.
    for (let i = 0; i < 20; i++) {
      const cmd = env.expertAction()!;
      env.step(text(cmd));
      const obs = env.observe(FULL).text;
      if (cmd.startsWith("take ")) {
        const [, o, r] = /^take (.+) from (.+)$/.exec(cmd)!;
        expect(obs).toBe(`You pick up the ${o} from the ${r}.`);
        env.step(text("inventory"));
        expect(env.observe(FULL).text).toBe(`You are carrying: a ${o}.`);
        env.step(text(`examine ${o}`));
        expect(env.observe(FULL).text).toBe(`There's nothing special about ${o}.`);
      }
      if (cmd.startsWith("heat ")) {
        const [, o, r] = /^heat (.+) with (.+)$/.exec(cmd)!;
        expect(obs).toBe(`You heat the ${o} using the ${r}.`);
        env.step(text(`examine ${o}`));
        expect(env.observe(FULL).text).toBe(`This is a hot ${o}.`);
      }
      if (cmd.startsWith("put ")) {
        expect(obs).toMatch(/^You put the .+ in\/on the .+\.$/);
        break;
      }
    }
  });

  it("lists several items with commas and a final ', and'", () => {
    const env = makeEnv();
    let seen2 = false;
    let seen3 = false;
    for (let seed = 0; seed < 100 && !(seen2 && seen3); seed++) {
      env.reset(seed, {});
      for (const r of env.engine.scene.recs.filter((x) => !x.openable)) {
        env.step(text(`examine ${r.name}`));
        env.step(text(`go to ${r.name}`));
        const t = env.observe(FULL).text.replace(/^You arrive at loc \d+\. /, "");
        const items = /you see (.*)\.$/.exec(t)![1]!;
        if (/^a [a-z]+ \d+, and a [a-z]+ \d+$/.test(items)) seen2 = true;
        if (/^a [a-z]+ \d+, a [a-z]+ \d+(, a [a-z]+ \d+)*, and a [a-z]+ \d+$/.test(items)) seen3 = true;
        expect(items).toMatch(/^(nothing|a [a-z]+ \d+|a [a-z]+ \d+(, a [a-z]+ \d+)*, and a [a-z]+ \d+)$/);
      }
    }
    expect(seen2 && seen3).toBe(true);
  });

  it("supports the current grammar (move, You arrive at {r}, help)", () => {
    const env = makeEnv({ grammar: "current", task_type: "pick_and_place_simple" });
    env.reset(5, {});
    expect(env.observe(FULL).validActions).toContain("help");
    expect(env.observe(FULL).validActions.some((v) => v.startsWith("put "))).toBe(false);
    let sawMove = false;
    for (let i = 0; i < 20; i++) {
      const cmd = env.expertAction();
      if (!cmd) break;
      const done = env.step(text(cmd)).terminated;
      const obs = env.observe(FULL).text;
      if (cmd.startsWith("go to ")) expect(obs.startsWith(`You arrive at ${cmd.slice(6)}. `)).toBe(true);
      if (cmd.startsWith("move ")) {
        sawMove = true;
        const [, o, r] = /^move (.+) to (.+)$/.exec(cmd)!;
        expect(obs).toBe(`You move the ${o} to the ${r}.`);
      }
      if (done) break;
    }
    expect(sawMove).toBe(true);
    env.step(text("help"));
  });

  it("heats clear cool and cooling clears hot; use always turns the lamp on", () => {
    const env = makeEnv({ task_type: "pick_cool_then_place_in_recep" });
    env.reset(11, {});
    const w = env.engine;
    while (w.held() < 0) env.step(text(env.expertAction()!));
    const o = w.scene.objs[w.held()]!.name;
    const mw = w.scene.recs.find((r) => r.type === "microwave")!.name;
    const fr = w.scene.recs.find((r) => r.type === "fridge")!.name;
    if (w.scene.objs[w.held()]!.props & 4) {
      env.step(text(`go to ${mw}`));
      env.step(text(`heat ${o} with ${mw}`));
      env.step(text(`examine ${o}`));
      expect(env.observe(FULL).text).toBe(`This is a hot ${o}.`);
    }
    env.step(text(`go to ${fr}`));
    env.step(text(`cool ${o} with ${fr}`));
    env.step(text(`examine ${o}`));
    expect(env.observe(FULL).text).toBe(`This is a cold ${o}.`);

    const lampEnv = makeEnv({ task_type: "look_at_obj_in_light" });
    lampEnv.reset(2, {});
    const lw = lampEnv.engine;
    const lamp = lw.scene.objs.findIndex((x) => x.type.endsWith("lamp"));
    const host = lw.scene.recs[lw.objRec(lamp)]!.name;
    const lname = lw.scene.objs[lamp]!.name;
    lampEnv.step(text(`go to ${host}`));
    expect(lampEnv.observe(FULL).validActions).toContain(`use ${lname}`);
    expect(lampEnv.observe(FULL).validActions).not.toContain(`take ${lname} from ${host}`);
    lampEnv.step(text(`use ${lname}`));
    expect(lampEnv.observe(FULL).text).toBe(`You turn on the ${lname}.`);
    lampEnv.step(text(`use ${lname}`));
    expect(lampEnv.observe(FULL).text).toBe(`You turn on the ${lname}.`);
    // Objects can be examined only while held (a lamp never can).
    expect(lampEnv.observe(FULL).validActions).not.toContain(`examine ${lname}`);
    lampEnv.step(text(`examine ${lname}`));
    expect(lampEnv.observe(FULL).text).toBe("Nothing happens.");
  });
});

describe("alfworld scenes", () => {
  it("uses ALFWorld's valid_unseen floor plans (10, 219, 308, 424) for eval_out_of_distribution and the others for train/eval_in_distribution", () => {
    const test = new Set(VALID_UNSEEN_FLOOR_PLANS);
    const train = new Set(Object.keys(SCENE_TABLES.floorPlans).map(Number).filter((n) => !test.has(n)));
    expect([...test].sort((a, b) => a - b)).toEqual([10, 219, 308, 424]);
    const ood = new Set<number>();
    for (let seed = 0; seed < 300; seed++) ood.add(generateScene(seed, { split: "eval_out_of_distribution", taskType: undefined, grammar: "classic" }).info.floor_plan as number);
    expect([...ood].sort((a, b) => a - b)).toEqual([10, 219, 308, 424]);
    for (let seed = 0; seed < 300; seed++) {
      expect(train.has(generateScene(seed, { split: "train", taskType: undefined, grammar: "classic" }).info.floor_plan as number)).toBe(true);
      expect(train.has(generateScene(seed, { split: "eval_in_distribution", taskType: undefined, grammar: "classic" }).info.floor_plan as number)).toBe(true);
      expect(test.has(generateScene(seed, { split: "eval_out_of_distribution", taskType: undefined, grammar: "classic" }).info.floor_plan as number)).toBe(true);
    }
    // Same seed, different split: a different episode.
    const a = generateScene(1, { split: "train", taskType: undefined, grammar: "classic" });
    const b = generateScene(1, { split: "eval_in_distribution", taskType: undefined, grammar: "classic" });
    expect(a.hash).not.toBe(b.hash);
  });

  it("poses all six task types with both phrasings, in valid room types", () => {
    const phrasings = new Set<string>();
    const types = new Set<string>();
    for (let seed = 0; seed < 600; seed++) {
      const s = generateScene(seed, { split: "train", taskType: undefined, grammar: "classic" });
      const g = s.goal!;
      types.add(g.type);
      expect(SCENE_TABLES.goalRooms[g.type]).toContain(s.info.room_type);
      phrasings.add(`${g.type}:${s.taskText.replace(g.obj, "{obj}").replace(g.recep || "\u0000", "{recep}").replace(g.lamp || "\u0000", "{lamp}")}`);
    }
    expect(types.size).toBe(6);
    expect(phrasings.size).toBe(12);
  });

  it("numbers instances per type from 1 and lists them type by type, highest number first", () => {
    const s = generateScene(4, { split: "train", taskType: undefined, grammar: "classic" });
    const byType = new Map<string, number[]>();
    for (const r of s.recs) {
      const [t, n] = [r.name.replace(/ \d+$/, ""), Number(r.name.split(" ").at(-1))];
      expect(r.type).toBe(t);
      byType.set(t, [...(byType.get(t) ?? []), n]);
    }
    for (const nums of byType.values()) expect(nums).toEqual(nums.map((_, i) => nums.length - i));
    const types = [...byType.keys()];
    expect(types).toEqual([...types].sort());
  });
});

describe("alfworld clone and restore", () => {
  it("round-trips through portable bytes and rejects garbage", () => {
    const env = makeEnv();
    env.reset(42, {});
    env.step(text(env.expertAction()!));
    const s = env.cloneState();
    const bytes = env.encodeState(s);
    const obs = env.observe(FULL);
    const other = makeEnv();
    other.reset(1, {});
    other.restoreState(other.decodeState(bytes));
    expect(other.observe(FULL)).toEqual(obs);
    expect(other.expertAction()).toBe(env.expertAction());
    expect(() => env.decodeState(new Uint8Array([9, 9, 9]))).toThrow(/alfworld state/);
    const bad = bytes.slice();
    bad[24] = 250;
    bad[25] = 250;
    expect(() => env.decodeState(bad)).toThrow(EnvError);
  });

  it("restores the same state many times", () => {
    const env = makeEnv();
    env.reset(9, {});
    const s = env.cloneState();
    const first = env.observe(FULL);
    for (let i = 0; i < 3; i++) {
      env.step(text(env.expertAction()!));
      env.restoreState(s);
      expect(env.observe(FULL)).toEqual(first);
    }
  });
});
