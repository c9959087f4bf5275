/** AndroidWorld's scroll and swipe pixels (actuation.py), as both backends drag them. */
import { describe, expect, it } from "vitest";
import { scrollDrag, swipeDrag } from "../../adapters/android/gesture.js";

const SCREEN = { width: 1080, height: 2400 };
const ends = (d: { from: { x: number; y: number }; to: { x: number; y: number } }) => [d.from.x, d.from.y, d.to.x, d.to.y];

describe("gestures", () => {
  it("scroll goes from the box's centre (integer division) to the edge opposite the direction", () => {
    const box = { xMin: 0, xMax: 1080, yMin: 638, yMax: 2337 };
    expect(ends(scrollDrag("down", box, SCREEN))).toEqual([540, 1487, 540, 638]);
    expect(ends(scrollDrag("up", box, SCREEN))).toEqual([540, 1487, 540, 2337]);
    expect(ends(scrollDrag("right", { xMin: 101, xMax: 900, yMin: 10, yMax: 21 }, SCREEN))).toEqual([500, 15, 101, 15]);
    expect(ends(scrollDrag("left", { xMin: 101, xMax: 900, yMin: 10, yMax: 21 }, SCREEN))).toEqual([500, 15, 900, 15]);
  });

  it("scroll clips the box to the screen first, and covers the screen without a box", () => {
    // A list that runs past the bottom: AndroidWorld takes min(y_max, height) before the centre.
    expect(ends(scrollDrag("up", { xMin: -50, xMax: 1200, yMin: 2000, yMax: 3000 }, SCREEN))).toEqual([540, 2200, 540, 2399]);
    expect(ends(scrollDrag("down", undefined, SCREEN))).toEqual([540, 1200, 540, 0]);
    expect(ends(scrollDrag("left", undefined, SCREEN))).toEqual([540, 1200, 1079, 1200]);
  });

  it("swipe crosses the whole screen; left starts on the left edge, as AndroidWorld's", () => {
    expect(ends(swipeDrag("down", SCREEN))).toEqual([540, 0, 540, 2399]);
    expect(ends(swipeDrag("up", SCREEN))).toEqual([540, 2399, 540, 0]);
    expect(ends(swipeDrag("left", SCREEN))).toEqual([0, 1200, 1079, 1200]);
    expect(ends(swipeDrag("right", SCREEN))).toEqual([1079, 1200, 0, 1200]);
    expect(ends(swipeDrag("up", { width: 1081, height: 2401 }))).toEqual([540, 2400, 540, 0]);
  });
});
