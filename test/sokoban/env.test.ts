import fc from "fast-check";
import { PNG } from "pngjs";
import { describe, expect, it } from "vitest";
import { EnvError } from "../../adapters/contract.js";
import { parseSokobanConfig } from "../../adapters/sokoban/config.js";
import { SokobanEnv } from "../../adapters/sokoban/env.js";
import { renderText } from "../../adapters/sokoban/render-text.js";
import { ALL, envWithRoom, idx, roomFromText, txt } from "./helpers.js";

const make = (raw: Record<string, unknown> = {}) => new SokobanEnv(parseSokobanConfig(raw));

function reason(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(EnvError);
    return (e as EnvError).reason;
  }
  return undefined;
}

describe("sokoban env", () => {
  it("reset is deterministic and reports seed and optimal length", () => {
    const a = make({ preset: "8x8-2box" });
    const b = make({ preset: "8x8-2box" });
    const ia = a.reset(42, {});
    expect(ia).toEqual(b.reset(42, {}));
    expect(ia.seed).toBe(42);
    expect(typeof ia.optimal_solution_length).toBe("number");
    expect(a.observe(ALL)).toEqual(b.observe(ALL));
    const quiet = make({ report_optimal: false });
    expect(quiet.reset(1, {})).toEqual({ seed: 1 });
  });

  it("observe renders text, fingerprints, valid actions, and images on request", () => {
    const env = make({ image: "tiny" });
    env.reset(0, {});
    const o = env.observe({ text: true, image: false, uiElements: false });
    expect(o.text).toBe("######\n#____#\n#PX__#\n##__##\n###O##\n######");
    expect(o.image).toBeUndefined();
    expect(o.validActions).toEqual(["Up", "Down", "Left", "Right"]);
    expect(o.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    // A reply that omits the fingerprint lets the env skip hashing; nothing else changes.
    expect(env.observe({ text: true, image: false, uiElements: false, fingerprint: false })).toEqual({ ...o, fingerprint: "" });
    const img = env.observe({ text: false, image: true, uiElements: false }).image!;
    expect(img).toMatchObject({ mimeType: "image/png", width: 6, height: 6 });
    const png = PNG.sync.read(Buffer.from(img.data));
    expect([png.width, png.height]).toEqual([6, 6]);
    expect([...png.data.subarray(0, 3)]).toEqual([0, 0, 0]); // wall pixel in gym-sokoban's tiny palette
    const sprite = make({ image: "sprite" });
    sprite.reset(0, {});
    const big = sprite.observe({ text: false, image: true, uiElements: false }).image!;
    expect([big.width, big.height]).toEqual([96, 96]);
    expect(PNG.sync.read(Buffer.from(big.data)).width).toBe(96);
  });

  it("text rendering uses the RAGEN symbols", () => {
    // One map cannot show P and S at once: render it with the player on floor, then on a target.
    const room = roomFromText("#######\n#P_O√X#\n#O__X_#\n#######");
    expect(renderText(room)).toBe("#######\n#P_O√X#\n#O__X_#\n#######");
    room.player = 2 * 7 + 1; // the target in row 2
    expect(renderText(room)).toBe("#######\n#__O√X#\n#S__X_#\n#######");
  });

  it("rejects invalid actions without changing state", () => {
    const env = make();
    env.reset(3, {});
    const fp = env.observe(ALL).fingerprint;
    expect(() => env.step(idx(12))).toThrow("index 12 out of range 0..8");
    expect(() => env.step(idx(-1))).toThrow(/out of range/);
    expect(() => env.step(idx(1.5))).toThrow(/out of range/);
    expect(() => env.step(txt("jump"))).toThrow(/Up, Down, Left, Right/);
    expect(reason(() => env.step(txt("")))).toBe("INVALID_ACTION");
    expect(reason(() => env.step({ $case: "json", json: "{}" }))).toBe("INVALID_ACTION");
    expect(env.observe(ALL).fingerprint).toBe(fp);
  });

  it("accepts all nine discrete names and Up/Down/Left/Right in any case", () => {
    const env = make();
    env.reset(0, {});
    for (const name of ["no operation", "PUSH UP", "push down", "Push Left", "push right", "move up", "move down", "move left", "move right", "up", "DOWN", " Left ", "right"]) {
      expect(() => env.step(txt(name))).not.toThrow();
    }
  });

  it("needs reset before step/observe", () => {
    const env = make();
    expect(reason(() => env.step(idx(1)))).toBe("EPISODE_NOT_STARTED");
    expect(reason(() => env.observe(ALL))).toBe("EPISODE_NOT_STARTED");
  });

  it("restored clones replay the same future (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1000 }),
        fc.constantFrom("6x6-1box", "8x8-2box"),
        fc.array(fc.integer({ min: 0, max: 8 }), { maxLength: 30 }),
        fc.array(fc.integer({ min: 0, max: 8 }), { maxLength: 30 }),
        (seed, preset, prefix, future) => {
          const env = make({ preset, report_optimal: false });
          env.reset(seed, {});
          for (const a of prefix) env.step(idx(a));
          const saved = env.cloneState();
          const run = () => future.map((a) => ({ t: env.step(idx(a)), fp: env.observe(ALL).fingerprint, text: env.observe(ALL).text }));
          const first = run();
          env.restoreState(saved);
          const second = run();
          env.restoreState(saved); // a clone can be restored many times
          const third = run();
          expect(second).toEqual(first);
          expect(third).toEqual(first);
          // A fresh env of the same size accepts the clone too (portable between sessions).
          const other = make({ preset, report_optimal: false });
          other.restoreState(saved);
          other.reset(seed + 1, {});
          other.restoreState(saved);
          expect(future.map((a) => other.step(idx(a)))).toEqual(first.map((f) => f.t));
        },
      ),
      { numRuns: 150 },
    );
  });

  it("encodes and decodes states", () => {
    const env = make({ preset: "10x10-4box", report_optimal: false });
    env.reset(9, {});
    env.step(idx(1));
    const s = env.cloneState();
    const bytes = env.encodeState(s);
    expect(bytes.length).toBe(6 + 100);
    expect(env.stateSize(s)).toBeGreaterThan(8);
    const back = env.decodeState(bytes);
    expect(env.encodeState(back)).toEqual(bytes);
    expect([...back.boxes].sort()).toEqual([...s.boxes].sort());
    expect(back).toMatchObject({ width: 10, height: 10, player: s.player, numBoxes: 4, boxesOnTarget: s.boxesOnTarget });
    const fp = env.observe(ALL).fingerprint;
    env.step(idx(2));
    env.restoreState(back);
    expect(env.observe(ALL).fingerprint).toBe(fp);
  });

  it("rejects corrupt state bytes with STATE_INVALID", () => {
    const env = make({ report_optimal: false });
    env.reset(0, {});
    const good = env.encodeState(env.cloneState());
    const mutate = (f: (b: Uint8Array) => Uint8Array | void) => {
      const b = good.slice();
      return f(b) ?? b;
    };
    const cases: Uint8Array[] = [
      new Uint8Array(0),
      good.subarray(0, 10),
      mutate((b) => void (b[0] = 9)), // version
      mutate((b) => void (b[1] = 7)), // width no longer matches length
      mutate((b) => void (b[6 + 14] = 9)), // invalid cell code
      mutate((b) => void (b[6 + 0] = 1)), // border not wall
      mutate((b) => void (b[4] = 0)), // player on a wall
      mutate((b) => void (b[4] = 200)), // player outside
      mutate((b) => void (b[3] = 2)), // box count mismatch
      mutate((b) => {
        // an extra box without a target
        const i = b.indexOf(1, 6 + 7);
        b[i] = 5;
        b[3] = 2;
      }),
    ];
    for (const bytes of cases) expect(reason(() => env.decodeState(bytes))).toBe("STATE_INVALID");
    const big = make({ dim_room: [8, 8], report_optimal: false });
    expect(reason(() => big.restoreState(env.cloneState()))).toBe("STATE_INCOMPATIBLE");
  });

  it("solve() follows the current state", () => {
    const env = envWithRoom("######\n#PX_O#\n######");
    expect(env.solve()).toEqual([4, 4]);
    env.step(idx(4));
    expect(env.solve()).toEqual([4]);
  });

  it("rejects bad reset options", () => {
    const env = make();
    expect(() => env.reset(1, { level: 0 })).toThrow(/only valid with the levels config/);
    expect(() => env.reset(1, { bogus: 1 })).toThrow(/bogus/);
    expect(reason(() => env.reset(1.5, {}))).toBe("INVALID_ARGUMENT");
  });
});
