import { describe, expect, it } from "vitest";
import { renderText } from "../../adapters/sokoban/render-text.js";
import { applyAction, BOX_MOVED, PLAYER_MOVED } from "../../adapters/sokoban/dynamics.js";
import { ALL, envWithRoom, idx, roomFromText } from "./helpers.js";

const text = (env: ReturnType<typeof envWithRoom>) => env.observe(ALL).text;

describe("sokoban dynamics", () => {
  it("pushes a box and moves the player", () => {
    const env = envWithRoom(`
      #######
      #PX__O#
      #######`);
    const t = env.step(idx(4));
    expect(text(env).split("\n")[1]).toBe("#_PX_O#");
    expect(t.reward).toBeCloseTo(-0.1, 12);
    expect(t.terminated).toBe(false);
    expect(t.info).toEqual({ player_moved: true, box_moved: true, boxes_on_target: 0 });
  });

  it("push action without a box falls back to a move", () => {
    const env = envWithRoom(`
      ######
      #P_XO#
      ######`);
    const t = env.step(idx(4));
    expect(text(env).split("\n")[1]).toBe("#_PXO#");
    expect(t.info).toEqual({ player_moved: true, box_moved: false, boxes_on_target: 0 });
  });

  it("blocked push (box against wall) moves nothing", () => {
    const env = envWithRoom(`
      #####
      #_PX#
      #O__#
      #####`);
    const before = text(env);
    const t = env.step(idx(4));
    expect(text(env)).toBe(before);
    expect(t.info).toEqual({ player_moved: false, box_moved: false, boxes_on_target: 0 });
    expect(t.reward).toBeCloseTo(-0.1, 12);
  });

  it("does not chain-push two boxes", () => {
    const room = roomFromText(`
      #######
      #PXX_O#
      #___O_#
      #######`);
    expect(applyAction(room, 4)).toBe(0);
    expect(renderText(room).split("\n")[1]).toBe("#PXX_O#");
  });

  it("move actions (5-8) never push", () => {
    const room = roomFromText(`
      ######
      #PX_O#
      ######`);
    expect(applyAction(room, 8)).toBe(0);
    expect(applyAction(room, 4)).toBe(PLAYER_MOVED | BOX_MOVED);
    expect(applyAction(room, 7)).toBe(PLAYER_MOVED);
    expect(applyAction(room, 5)).toBe(0); // wall
  });

  it("moves in all four directions with the gym-sokoban action order", () => {
    const room = roomFromText(`
      #####
      #___#
      #_P_#
      #_XO#
      #####`);
    const start = room.player;
    applyAction(room, 5); // up
    expect(room.player).toBe(start - 5);
    applyAction(room, 6); // down
    expect(room.player).toBe(start);
    applyAction(room, 7); // left
    expect(room.player).toBe(start - 1);
    applyAction(room, 8); // right
    expect(room.player).toBe(start);
  });

  it("pays +1 for a box onto a target, -1 for pushing it off, 10.9 for the win", () => {
    const env = envWithRoom(`
      ########
      #PX_O__#
      #__XO__#
      ########`);
    env.step(idx(4)); // box 1 to the cell before the target
    const on = env.step(idx(4)); // box 1 onto target
    expect(on.reward).toBeCloseTo(0.9, 12);
    expect(on.info).toMatchObject({ boxes_on_target: 1 });
    expect(on.terminated).toBe(false);
    const off = env.step(idx(4)); // push it off again
    expect(off.reward).toBeCloseTo(-1.1, 12);
    expect(off.info).toMatchObject({ boxes_on_target: 0 });
  });

  it("winning push pays exactly 10.9 and terminates", () => {
    const env = envWithRoom(`
      ######
      #PX_O#
      ######`);
    const first = env.step(idx(4));
    expect(first.terminated).toBe(false);
    const win = env.step(idx(4));
    expect(win.reward).toBe(-0.1 + 1 + 10);
    expect(win.reward).toBeCloseTo(10.9, 12);
    expect(win.terminated).toBe(true);
    expect(env.observe(ALL).text.split("\n")[1]).toBe("#__P√#");
  });

  it("no-op counts as a step with the step penalty", () => {
    const env = envWithRoom(`
      ######
      #PX_O#
      ######`);
    const before = env.observe(ALL).fingerprint;
    const t = env.step(idx(0));
    expect(t.reward).toBeCloseTo(-0.1, 12);
    expect(t.info).toEqual({ player_moved: false, box_moved: false, boxes_on_target: 0 });
    expect(env.observe(ALL).fingerprint).toBe(before);
  });

  it("text commands map to pushes", () => {
    const env = envWithRoom(`
      ######
      #PX_O#
      ######`);
    expect(env.step({ $case: "text", text: "  rIGHT \n" }).info).toMatchObject({ box_moved: true });
    expect(env.step({ $case: "text", text: "push right" }).terminated).toBe(true);
  });
});
