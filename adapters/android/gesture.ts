/**
 * Where AndroidWorld's scroll and swipe put the finger (`actuation.py`,
 * `execute_adb_action`), as pure functions both backends share, so that the
 * browser-hosted device and Appium drag along the same pixels AndroidWorld's adb
 * `input swipe` does.
 *
 * - scroll: from the centre of the element's box (clipped to the screen) — or of the
 *   whole screen when `index` is absent or 0, since AndroidWorld tests `if action.index:`
 *   — to the box's edge: `down` ends on the top edge (the finger moves up, the content
 *   down), `up` on the bottom edge, `right` on the left edge, `left` on the right edge.
 *   Centres use integer division, as AndroidWorld's `//`.
 * - swipe: edge to edge across the whole screen through its middle, whatever index or
 *   x,y say (AndroidWorld ignores them): `down` top→bottom, `up` bottom→top, and — as
 *   AndroidWorld's "inverse of scroll" has it — `left` from the left edge to the right,
 *   `right` from the right edge to the left.
 *
 * One deviation: AndroidWorld's far edge is the screen's width or height itself (1080,
 * 2400), one pixel past the last one. W3C pointer actions (Appium) and the browser refuse
 * or drop points outside the viewport, so a point on that edge is moved one pixel in.
 */
import type { PixelBox, ScreenSize } from "../../emulator/device/contract.js";

export type Direction = "up" | "down" | "left" | "right";

export interface Point {
  x: number;
  y: number;
}

export interface Drag {
  from: Point;
  to: Point;
}

function onScreen(p: Point, screen: ScreenSize): Point {
  return { x: Math.min(Math.max(0, p.x), screen.width - 1), y: Math.min(Math.max(0, p.y), screen.height - 1) };
}

/** AndroidWorld's `scroll`; `box` is the element's pixel box, undefined for the whole screen. */
export function scrollDrag(direction: Direction, box: PixelBox | undefined, screen: ScreenSize): Drag {
  const xMin = box ? Math.max(box.xMin, 0) : 0;
  const yMin = box ? Math.max(box.yMin, 0) : 0;
  const xMax = box ? Math.min(box.xMax, screen.width) : screen.width;
  const yMax = box ? Math.min(box.yMax, screen.height) : screen.height;
  const cx = Math.floor((xMin + xMax) / 2);
  const cy = Math.floor((yMin + yMax) / 2);
  const end: Record<Direction, Point> = { down: { x: cx, y: yMin }, up: { x: cx, y: yMax }, right: { x: xMin, y: cy }, left: { x: xMax, y: cy } };
  return { from: onScreen({ x: cx, y: cy }, screen), to: onScreen(end[direction], screen) };
}

/** AndroidWorld's `swipe`: across the whole screen (index and x,y play no part). */
export function swipeDrag(direction: Direction, screen: ScreenSize): Drag {
  const { width: w, height: h } = screen;
  const mx = Math.trunc(0.5 * w);
  const my = Math.trunc(0.5 * h);
  const ends: Record<Direction, [Point, Point]> = {
    down: [{ x: mx, y: 0 }, { x: mx, y: h }],
    up: [{ x: mx, y: h }, { x: mx, y: 0 }],
    left: [{ x: 0, y: my }, { x: w, y: my }],
    right: [{ x: w, y: my }, { x: 0, y: my }],
  };
  const [from, to] = ends[direction];
  return { from: onScreen(from, screen), to: onScreen(to, screen) };
}
