import { describe, expect, it } from "vitest";
import { EnvError } from "../../../adapters/contract.js";
import { parseAndroidAction } from "../../../adapters/android/action.js";
import { parsePageSource } from "../../../adapters/android/appium/page-source.js";
import { planAction, type DriverCommand } from "../../../adapters/android/appium/plan.js";
import { fixture } from "./fakes.js";

const SCREEN = { width: 1080, height: 2400 };

function plan(fixtureName: string, json: object) {
  const { elements } = parsePageSource(fixture(fixtureName));
  return planAction(parseAndroidAction(JSON.stringify(json), elements.length), elements, SCREEN);
}

const tap = (x: number, y: number): DriverCommand => ({
  kind: "actions",
  gesture: "tap",
  sequences: [
    {
      type: "pointer",
      id: "finger1",
      parameters: { pointerType: "touch" },
      actions: [
        { type: "pointerMove", duration: 0, x, y, origin: "viewport" },
        { type: "pointerDown", button: 0 },
        { type: "pause", duration: 50 },
        { type: "pointerUp", button: 0 },
      ],
    },
  ],
});

function dragEnds(c: DriverCommand): { from: [number, number]; to: [number, number] } {
  if (c.kind !== "actions" || c.gesture !== "drag") throw new Error("not a drag");
  const moves = c.sequences[0]!.actions.filter((a) => a.type === "pointerMove") as { x: number; y: number }[];
  return { from: [moves[0]!.x, moves[0]!.y], to: [moves[1]!.x, moves[1]!.y] };
}

describe("action → driver plan", () => {
  it("click taps the centre of the element's box, truncated as AndroidWorld's int()", () => {
    // [4] Settings icon: [312,1534][519,1789] → (415.5, 1661.5)
    expect(plan("home-launcher", { action_type: "click", index: 4 }).commands).toEqual([tap(415, 1661)]);
    expect(plan("home-launcher", { action_type: "click", index: "4" }).commands).toEqual([tap(415, 1661)]);
    expect(plan("home-launcher", { action_type: "click", x: 10, y: 20 }).commands).toEqual([tap(10, 20)]);
    expect(plan("home-launcher", { action_type: "click", x: 10.9, y: 20.5 }).commands).toEqual([tap(10, 20)]);
  });

  it("double_tap taps twice 100 ms apart; long_press holds 1 s", () => {
    const dt = plan("home-launcher", { action_type: "double_tap", index: 3 }).commands[0]!;
    expect(dt.kind === "actions" && dt.sequences[0]!.actions.map((a) => a.type)).toEqual([
      "pointerMove",
      "pointerDown",
      "pause",
      "pointerUp",
      "pause",
      "pointerDown",
      "pause",
      "pointerUp",
    ]);
    const lp = plan("home-launcher", { action_type: "long_press", index: 3 }).commands[0]!;
    expect(lp.kind === "actions" && lp.gesture).toBe("long_press");
    expect(lp.kind === "actions" && lp.sequences[0]!.actions[2]).toEqual({ type: "pause", duration: 1000 });
  });

  it("input_text taps the field, clears when asked, types with mobile: type, presses Enter", () => {
    // [5] Last name: [189,808][1038,955]
    expect(plan("contacts-editor", { action_type: "input_text", text: "Smith", index: 5, clear_text: true }).commands).toEqual([
      tap(613, 881),
      { kind: "clear_focused" },
      { kind: "execute", script: "mobile: type", args: { text: "Smith" } },
      { kind: "execute", script: "mobile: pressKey", args: { keycode: 66 } },
    ]);
    // Without a target it types into the focused field (First name is focused here).
    expect(plan("contacts-editor", { action_type: "input_text", text: "Ada" }).commands).toEqual([
      { kind: "execute", script: "mobile: type", args: { text: "Ada" } },
      { kind: "execute", script: "mobile: pressKey", args: { keycode: 66 } },
    ]);
  });

  it("keys map to Android keycodes BACK=4 HOME=3 ENTER=66", () => {
    const key = (t: string) => plan("home-launcher", { action_type: t }).commands;
    expect(key("navigate_back")).toEqual([{ kind: "execute", script: "mobile: pressKey", args: { keycode: 4 } }]);
    expect(key("navigate_home")).toEqual([{ kind: "execute", script: "mobile: pressKey", args: { keycode: 3 } }]);
    expect(key("keyboard_enter")).toEqual([{ kind: "execute", script: "mobile: pressKey", args: { keycode: 66 } }]);
  });

  it("scroll drags from the centre to the edge opposite the direction, as AndroidWorld", () => {
    // [1] RecyclerView [0,638][1080,2337]: centre (540, 2975 // 2 = 1487)
    expect(dragEnds(plan("settings-wifi", { action_type: "scroll", direction: "down", index: 1 }).commands[0]!)).toEqual({ from: [540, 1487], to: [540, 638] });
    expect(dragEnds(plan("settings-wifi", { action_type: "scroll", direction: "up", index: 1 }).commands[0]!)).toEqual({ from: [540, 1487], to: [540, 2337] });
    // Whole screen; its far edges (x = 1080) are one pixel past the screen, so they move in by one.
    expect(dragEnds(plan("settings-wifi", { action_type: "scroll", direction: "right" }).commands[0]!)).toEqual({ from: [540, 1200], to: [0, 1200] });
    expect(dragEnds(plan("settings-wifi", { action_type: "scroll", direction: "left" }).commands[0]!)).toEqual({ from: [540, 1200], to: [1079, 1200] });
    // Index 0 is falsy in AndroidWorld's `if action.index:`: the whole screen, not element 0.
    expect(dragEnds(plan("settings-wifi", { action_type: "scroll", direction: "down", index: 0 }).commands[0]!)).toEqual({ from: [540, 1200], to: [540, 0] });
    // x,y are accepted and ignored, as AndroidWorld ignores them.
    expect(dragEnds(plan("settings-wifi", { action_type: "scroll", direction: "down", x: 5, y: 5 }).commands[0]!)).toEqual({ from: [540, 1200], to: [540, 0] });
  });

  it("swipe goes edge to edge across the screen, ignoring index and x,y, as AndroidWorld", () => {
    const swipe = (json: object) => dragEnds(plan("markor-recycler", { action_type: "swipe", ...json }).commands[0]!);
    expect(swipe({ direction: "up" })).toEqual({ from: [540, 2399], to: [540, 0] });
    expect(swipe({ direction: "down", index: 2 })).toEqual({ from: [540, 0], to: [540, 2399] });
    // AndroidWorld's horizontal swipes are the inverse of its scrolls: "left" moves the finger rightwards.
    expect(swipe({ direction: "left", x: 900, y: 400 })).toEqual({ from: [0, 1200], to: [1079, 1200] });
    expect(swipe({ direction: "right" })).toEqual({ from: [1079, 1200], to: [0, 1200] });
  });

  it("unknown and empty input_text are steps that do nothing", () => {
    expect(plan("home-launcher", { action_type: "unknown" }).commands).toEqual([]);
    expect(plan("home-launcher", { action_type: "unknown", text: "?", index: "2" }).commands).toEqual([]);
    expect(plan("contacts-editor", { action_type: "input_text", text: "", index: 5 }).commands).toEqual([]);
    // A number as text is typed as its string (AndroidWorld's str()).
    expect(plan("contacts-editor", { action_type: "input_text", text: 42, index: 5 }).commands[1]).toEqual({ kind: "execute", script: "mobile: type", args: { text: "42" } });
  });

  it("open_app activates the app's package; unknown apps are rejected with the known list", () => {
    expect(plan("home-launcher", { action_type: "open_app", app_name: "  simple sms MESSENGER " }).commands).toEqual([
      { kind: "execute", script: "mobile: activateApp", args: { appId: "com.simplemobiletools.smsmessenger" } },
    ]);
    expect(() => plan("home-launcher", { action_type: "open_app", app_name: "Nope" })).toThrow(/unknown app "Nope"; known apps: Settings, /);
  });

  it("wait sleeps 1 s; status and answer need no device command", () => {
    expect(plan("home-launcher", { action_type: "wait" }).commands).toEqual([{ kind: "sleep", ms: 1000 }]);
    expect(plan("home-launcher", { action_type: "status", goal_status: "complete" }).commands).toEqual([]);
    expect(plan("home-launcher", { action_type: "answer", text: "42" }).commands).toEqual([]);
  });

  it("rejects bad actions with clear INVALID_ACTION errors", () => {
    const cases: [object, RegExp][] = [
      [{ action_type: "fly" }, /unknown action_type "fly"/],
      [{ action_type: "click", index: 10 }, /index 10 is out of range: the screen has 10 elements/],
      [{ action_type: "input_text", index: 4 }, /invalid input_text action/],
      [{ action_type: "click" }, /click needs an index or x,y/],
      [{ action_type: "click", x: 5000, y: 10 }, /off the 1080x2400 screen/],
      [{ action_type: "click", index: "two" }, /invalid click action/],
      [{ action_type: "click", index: -1 }, /index -1 is out of range/],
      [{ action_type: "click", index: 3, x: 1, y: 1 }, /either index or x,y/],
      [{ action_type: "click", x: -1, y: 10 }, /off the 1080x2400 screen/],
    ];
    for (const [json, message] of cases) {
      let err: unknown;
      try {
        plan("home-launcher", json);
      } catch (e) {
        err = e;
      }
      expect(err, JSON.stringify(json)).toBeInstanceOf(EnvError);
      expect((err as EnvError).reason).toBe("INVALID_ACTION");
      expect((err as EnvError).message).toMatch(message);
    }
  });

  it("taps a zero-area element at its centre (AndroidWorld keeps and taps it); an element without a box is refused", () => {
    const el = parsePageSource(fixture("home-launcher")).elements;
    const flat = el.map((e, i) => (i === 3 ? { ...e, bboxPixels: { xMin: 5, xMax: 5, yMin: 0, yMax: 9 } } : e));
    expect(planAction({ action_type: "click", index: 3 }, flat, SCREEN).commands).toEqual([tap(5, 4)]);
    const boxless = el.map((e, i) => (i === 3 ? { ...e, bboxPixels: undefined } : e));
    expect(() => planAction({ action_type: "click", index: 3 }, boxless, SCREEN)).toThrow(/element 3 has no bounds/);
  });
});
