/**
 * JSON action → a plan of concrete driver commands. Pure: no device, no I/O, so
 * every mapping is testable against page-source fixtures, and a rejected action is
 * rejected before a single command reaches the device.
 *
 * Mapping (AndroidWorld semantics, W3C actions through Appium UiAutomator2):
 * - click / double_tap / long_press: a touch pointer at the centre of the element's
 *   box (or at x,y): down-up; two taps 100 ms apart; down, hold 1 s, up.
 * - input_text: tap the target if one is given; clear the focused field when
 *   `clear_text`; `mobile: type` (Unicode-safe typing into the focused field); Enter.
 * - keyboard_enter / navigate_back / navigate_home: `mobile: pressKey` with keycodes
 *   66 / 4 / 3.
 * - scroll / swipe: a drag along AndroidWorld's pixels (`../gesture.ts`): scroll from the
 *   centre of the element (or the screen, when index is absent or 0) to the edge opposite
 *   `direction`; swipe edge to edge across the whole screen.
 * - unknown: nothing (AndroidWorld's no-op step).
 *
 * These are exactly the device calls the shared environment (`../env.ts`) makes
 * through {@link AppiumDevice}'s DeviceBackend methods; the tests check both agree.
 * - open_app: `mobile: activateApp` with the app's package (see apps.ts).
 * - wait: sleep 1 s. status / answer: no device command (the environment handles them).
 */
import { EnvError, type UiElement } from "../../contract.js";
import type { AndroidAction } from "../action.js";
import { scrollDrag, swipeDrag } from "../gesture.js";
import { elementCenter } from "../ui-elements.js";
import { ANDROID_APPS, findApp } from "./apps.js";

/** Android key codes used by the action space. */
export const KEYCODE = { HOME: 3, BACK: 4, ENTER: 66, DEL: 67, A: 29 } as const;
/** KeyEvent.META_CTRL_ON | META_CTRL_LEFT_ON. */
export const META_CTRL = 0x3000;

/** One W3C action item of a pointer input source. */
export type PointerItem =
  | { type: "pointerMove"; duration: number; x: number; y: number; origin: "viewport" }
  | { type: "pointerDown"; button: 0 }
  | { type: "pointerUp"; button: 0 }
  | { type: "pause"; duration: number };

/** A W3C pointer input source (what `performActions` takes, one per finger). */
export interface PointerSequence {
  type: "pointer";
  id: string;
  parameters: { pointerType: "touch" };
  actions: PointerItem[];
}

/** A command for the executor. */
export type DriverCommand =
  | { kind: "actions"; gesture: "tap" | "double_tap" | "long_press" | "drag"; sequences: PointerSequence[] }
  | { kind: "execute"; script: string; args: Record<string, unknown> }
  | { kind: "clear_focused" }
  | { kind: "sleep"; ms: number };

export interface Point {
  x: number;
  y: number;
}

export interface ScreenSize {
  width: number;
  height: number;
}

/** Timings of the gestures, in ms. */
export const GESTURE = { tapHold: 50, doubleTapGap: 100, longPressHold: 1000, dragDuration: 500, wait: 1000 } as const;

export interface Plan {
  action: AndroidAction;
  commands: DriverCommand[];
  /** Where the gesture landed (for info and tests). */
  point?: Point;
}

type Box = NonNullable<UiElement["bboxPixels"]>;

function elementPoint(elements: readonly UiElement[], index: number, what: string): Point {
  const el = elements[index];
  if (!el) throw new EnvError("INVALID_ACTION", `${what}: index ${index} is out of range: the screen has ${elements.length} elements`);
  if (!el.bboxPixels) throw new EnvError("INVALID_ACTION", `${what}: element ${index} has no bounds; use x,y instead`);
  return elementCenter(el);
}

function finger(actions: PointerItem[]): PointerSequence {
  return { type: "pointer", id: "finger1", parameters: { pointerType: "touch" }, actions };
}

const move = (p: Point, duration = 0): PointerItem => ({ type: "pointerMove", duration, x: p.x, y: p.y, origin: "viewport" });
const down: PointerItem = { type: "pointerDown", button: 0 };
const up: PointerItem = { type: "pointerUp", button: 0 };
const pause = (duration: number): PointerItem => ({ type: "pause", duration });

export function tapCommand(p: Point): DriverCommand {
  return { kind: "actions", gesture: "tap", sequences: [finger([move(p), down, pause(GESTURE.tapHold), up])] };
}

export function doubleTapCommand(p: Point): DriverCommand {
  return {
    kind: "actions",
    gesture: "double_tap",
    sequences: [finger([move(p), down, pause(GESTURE.tapHold), up, pause(GESTURE.doubleTapGap), down, pause(GESTURE.tapHold), up])],
  };
}

export function longPressCommand(p: Point): DriverCommand {
  return { kind: "actions", gesture: "long_press", sequences: [finger([move(p), down, pause(GESTURE.longPressHold), up])] };
}

export function dragCommand(from: Point, to: Point): DriverCommand {
  return { kind: "actions", gesture: "drag", sequences: [finger([move(from), down, pause(GESTURE.tapHold), move(to, GESTURE.dragDuration), up])] };
}

export function pressKeyCommand(keycode: number, metastate?: number): DriverCommand {
  return { kind: "execute", script: "mobile: pressKey", args: metastate === undefined ? { keycode } : { keycode, metastate } };
}

/**
 * Maps a validated action (see `parseAndroidAction`) to driver commands, given the
 * element list the agent saw and the screen size. Throws EnvError(INVALID_ACTION)
 * for targets that cannot be acted on (index out of range, element without bounds,
 * point off screen, unknown app) — before anything is executed.
 */
export function planAction(action: AndroidAction, elements: readonly UiElement[], screen: ScreenSize): Plan {
  const type = action.action_type;
  const target = (a: { index?: number; x?: number; y?: number }): Point | undefined => {
    if (a.index !== undefined) return elementPoint(elements, a.index, type);
    if (a.x !== undefined && a.y !== undefined) {
      if (a.x < 0 || a.y < 0 || a.x >= screen.width || a.y >= screen.height) {
        throw new EnvError("INVALID_ACTION", `${type}: point (${a.x}, ${a.y}) is off the ${screen.width}x${screen.height} screen`);
      }
      return { x: a.x, y: a.y };
    }
    return undefined;
  };

  switch (action.action_type) {
    case "click": {
      const p = target(action)!;
      return { action, commands: [tapCommand(p)], point: p };
    }
    case "double_tap": {
      const p = target(action)!;
      return { action, commands: [doubleTapCommand(p)], point: p };
    }
    case "long_press": {
      const p = target(action)!;
      return { action, commands: [longPressCommand(p)], point: p };
    }
    case "input_text": {
      // AndroidWorld does nothing at all for an empty text.
      if (action.text === "") return { action, commands: [] };
      const p = target(action);
      const commands: DriverCommand[] = [];
      if (p) commands.push(tapCommand(p));
      if (action.clear_text) commands.push({ kind: "clear_focused" });
      commands.push({ kind: "execute", script: "mobile: type", args: { text: action.text } });
      commands.push(pressKeyCommand(KEYCODE.ENTER));
      return p ? { action, commands, point: p } : { action, commands };
    }
    case "keyboard_enter":
      return { action, commands: [pressKeyCommand(KEYCODE.ENTER)] };
    case "navigate_back":
      return { action, commands: [pressKeyCommand(KEYCODE.BACK)] };
    case "navigate_home":
      return { action, commands: [pressKeyCommand(KEYCODE.HOME)] };
    case "scroll": {
      if (action.index) elementPoint(elements, action.index, type);
      const { from, to } = scrollDrag(action.direction, action.index ? elements[action.index]!.bboxPixels : undefined, screen);
      return { action, commands: [dragCommand(from, to)], point: from };
    }
    case "swipe": {
      const { from, to } = swipeDrag(action.direction, screen);
      return { action, commands: [dragCommand(from, to)], point: from };
    }
    case "open_app": {
      const app = findApp(action.app_name);
      if (!app) {
        throw new EnvError("INVALID_ACTION", `open_app: unknown app "${action.app_name}"; known apps: ${ANDROID_APPS.map((a) => a.name).join(", ")}`);
      }
      return { action, commands: [{ kind: "execute", script: "mobile: activateApp", args: { appId: app.package } }] };
    }
    case "wait":
      return { action, commands: [{ kind: "sleep", ms: GESTURE.wait }] };
    case "status":
    case "answer":
    case "unknown":
      return { action, commands: [] };
  }
}
