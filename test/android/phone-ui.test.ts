/**
 * android-web's system UI, driven as an agent drives it (taps and swipes at screen
 * pixels, AndroidWorld's swipe geometry) and read back from the element tree and the
 * device state: the navigation bar, quick settings, the app drawer, Overview, the
 * on-screen keyboard, date and time pickers, SVG icons, and the long-clickable and
 * scrollable flags; then clone/restore of those states and system tasks solved through
 * the shade over gRPC.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "puppeteer-core";
import type { RawNode } from "../../emulator/device/contract.js";
import { scrollDrag, swipeDrag } from "../../adapters/android/gesture.js";
import { closePage, openPage } from "../../emulator/web-device/browser.js";
import { APP_NAMES, appUrl, SCREEN, WebDevice } from "../../emulator/web-device/web-device.js";
import { useTestServer } from "../support/server.js";
import { androidRegistry, HAVE_CHROMIUM } from "./helpers.js";

const IME = "com.google.android.inputmethod.latin";
const SYSUI = "com.android.systemui";

/** One device for a test: each input is followed by the settle the environment does. */
function driver(d: WebDevice) {
  const tree = () => d.elementTree();
  const visible = async () => (await tree()).filter((n) => n.bbox);
  const find = async (pred: (n: RawNode) => boolean, what: string): Promise<RawNode> => {
    const n = (await visible()).find(pred);
    if (!n) throw new Error(`no visible element ${what}`);
    return n;
  };
  const by = (label: string) => (n: RawNode) => n.text === label || n.contentDescription === label;
  const tapNode = async (n: RawNode) => {
    const b = n.bbox!;
    await d.tap(Math.trunc((b.xMin + b.xMax) / 2), Math.trunc((b.yMin + b.yMax) / 2));
    await d.settle();
  };
  return {
    tree,
    visible,
    find,
    tap: async (label: string) => tapNode(await find(by(label), JSON.stringify(label))),
    tapWhere: async (pred: (n: RawNode) => boolean, what: string) => tapNode(await find(pred, what)),
    tapAt: async (x: number, y: number) => { await d.tap(x, y); await d.settle(); },
    scroll: async (dir: "up" | "down") => { const g = scrollDrag(dir, undefined, SCREEN); await d.swipe(g.from.x, g.from.y, g.to.x, g.to.y); await d.settle(); },
    swipe: async (dir: "up" | "down") => { const g = swipeDrag(dir, SCREEN); await d.swipe(g.from.x, g.from.y, g.to.x, g.to.y); await d.settle(); },
    has: async (label: string) => (await visible()).some(by(label)),
    state: () => d.readState(),
  };
}

describe.skipIf(!HAVE_CHROMIUM)("android-web's system UI", () => {
  let d: WebDevice;
  let u: ReturnType<typeof driver>;
  beforeAll(async () => {
    d = new WebDevice();
    await d.start();
    u = driver(d);
  });
  afterAll(async () => d?.close());
  const fresh = async (patch = {}) => { await d.load(patch); await d.settle(); };

  it("waits for each input to reach the page: the events a tap, double tap, Enter and swipe bring are the ones it counts on", async () => {
    await fresh();
    const seen = () => d.inputsHandled();
    let n = await seen();
    await d.tap(540, 1200);
    expect(await seen()).toBe((n += 2)); // mouseup, click
    await d.doubleTap(540, 1200);
    expect(await seen()).toBe((n += 4)); // two taps (as Appium's double tap), not a tap and a double click
    await d.pressKey("enter");
    expect(await seen()).toBe((n += 1)); // keydown
    const g = scrollDrag("down", undefined, SCREEN);
    await d.swipe(g.from.x, g.from.y, g.to.x, g.to.y);
    expect(await seen()).toBeGreaterThanOrEqual(n + 1); // mouseup (and a click on the common ancestor)
  });

  it("has a navigation bar with Back, Home and Overview, as SystemUI's, that works by taps", async () => {
    await fresh();
    const nav = (await u.visible()).filter((n) => n.packageName === SYSUI && ["Back", "Home", "Overview"].includes(n.contentDescription));
    expect(nav.map((n) => [n.contentDescription, n.resourceId, n.isClickable])).toEqual([
      ["Back", `${SYSUI}:id/back`, true],
      ["Home", `${SYSUI}:id/home`, true],
      ["Overview", `${SYSUI}:id/recent_apps`, true],
    ]);
    // Along the bottom edge, below the app.
    const bar = (await u.visible()).find((n) => n.resourceName === "navigation_bar_frame")!;
    expect(bar.bbox!.yMax).toBe(SCREEN.height);
    const app = (await u.visible()).find((n) => n.resourceName === "content")!;
    for (const n of nav) expect(n.bbox!.yMin).toBeGreaterThanOrEqual(app.bbox!.yMax);
    await d.openApp("Contacts");
    await d.settle();
    await u.tap("Create contact");
    expect((await u.state()).stack.at(-1)!.s).toBe("contacts.edit");
    await u.tapWhere((n) => n.hintText === "First name", "first name field");
    expect((await u.state()).focus).toBe("c_first");
    await u.tap("Back"); // hides the keyboard first, as the back key does
    expect((await u.state()).focus).toBeNull();
    await u.tap("Back");
    expect((await u.state()).stack.at(-1)!.s).toBe("contacts.main");
    await u.tap("Home");
    expect((await u.state()).stack.map((x) => x.s)).toEqual(["home"]);
  });

  it("Overview lists the apps left, most recent first, and resumes one where it was", async () => {
    await fresh({ contacts: [{ id: 1, first: "Ada", last: "Lovelace", phone: "555", label: "Mobile" }] });
    await d.openApp("Contacts");
    await d.settle();
    await u.tap("Ada Lovelace");
    await u.tap("Home");
    await d.openApp("Clock");
    await d.settle();
    await u.tap("Overview");
    const rows = (await u.visible()).filter((n) => n.resourceName === "snapshot_title").map((n) => n.text);
    expect(rows).toEqual(["Clock", "Contacts"]);
    await u.tap("Contacts");
    const s = await u.state();
    expect(s.stack.map((x) => x.s)).toEqual(["home", "contacts.main", "contacts.view"]);
    expect(await u.has("Ada Lovelace")).toBe(true);
    await u.tap("Overview");
    expect((await u.visible()).filter((n) => n.resourceName === "snapshot_title").map((n) => n.text)).toEqual(["Contacts", "Clock"]);
    await u.tap("Clear all");
    expect((await u.state()).recents).toEqual([]);
    expect((await u.state()).stack.map((x) => x.s)).toEqual(["home"]);
  });

  it("a swipe down from the top opens quick settings, whose tiles switch what the Settings app shows", async () => {
    await fresh({ settings: { wifi: true, bluetooth: false, brightness: 50 } });
    await d.openApp("Settings");
    await d.settle();
    await u.swipe("down");
    const tiles = (await u.visible()).filter((n) => n.packageName === SYSUI && n.className === "android.widget.Switch");
    expect(tiles.map((n) => [n.contentDescription, n.isCheckable, n.isChecked])).toEqual([
      ["Wi-Fi", true, true],
      ["Bluetooth", true, false],
      ["Airplane mode", true, false],
    ]);
    await u.tap("Bluetooth");
    await u.tap("Wi-Fi");
    // The brightness slider, tapped at its right end.
    const slider = await u.find((n) => n.className === "android.widget.SeekBar" && n.packageName === SYSUI, "the brightness slider");
    await u.tapAt(slider.bbox!.xMax - 2, Math.trunc((slider.bbox!.yMin + slider.bbox!.yMax) / 2));
    let s = await u.state();
    expect(s.settings).toMatchObject({ wifi: false, bluetooth: true, brightness: 100 });
    expect(s.shade).toBe(true);
    // The foreground app is still the one under the shade (AndroidWorld's checks read it).
    expect((await u.visible()).find((n) => n.packageName !== SYSUI)!.packageName).toBe("com.android.settings");
    await u.swipe("up");
    expect((await u.state()).shade).toBe(false);
    expect(await u.has("Wi‑Fi: Off")).toBe(true);
    expect(await u.has("Bluetooth: On")).toBe(true);
    expect(await u.has("Brightness 100%")).toBe(true);
    // Back closes it too, before anything else.
    await u.swipe("down");
    await u.tap("Back");
    s = await u.state();
    expect([s.shade, s.stack.at(-1)!.s]).toEqual([false, "settings.main"]);
  });

  it("airplane mode turns Wi-Fi and Bluetooth off and back, from the shade or from Settings", async () => {
    await fresh({ settings: { wifi: true, bluetooth: true, brightness: 50 } });
    await u.swipe("down");
    await u.tap("Airplane mode");
    expect((await u.state()).settings).toMatchObject({ airplane: true, wifi: false, bluetooth: false });
    expect(await u.has("Airplane mode on.")).toBe(true);
    await u.tap("Back");
    await d.openApp("Settings");
    await d.settle();
    await u.tap("Network & internet");
    await u.tapWhere((n) => n.resourceName === "airplane_switch", "the airplane switch");
    expect((await u.state()).settings).toMatchObject({ airplane: false, wifi: true, bluetooth: true });
  });

  it("a swipe up on the home screen opens the app drawer, which lists and launches every app", async () => {
    await fresh();
    await u.swipe("up");
    const s = await u.state();
    expect(s.stack.at(-1)!.s).toBe("home.drawer");
    const icons = (await u.tree()).filter((n) => n.resourceName === "icon").map((n) => n.text);
    expect(icons).toEqual([...APP_NAMES].sort((a, b) => a.localeCompare(b)));
    await u.scroll("up"); // a finger moving down inside the drawer closes it (its list is at the top) ...
    expect((await u.state()).stack.map((x) => x.s)).toEqual(["home"]);
    await u.swipe("up");
    await u.swipe("down"); // ... while one from the top edge pulls down the shade over it, as on Android
    expect([(await u.state()).shade, (await u.state()).stack.at(-1)!.s]).toEqual([true, "home.drawer"]);
    await u.tap("Back");
    await u.tap("Back");
    await u.swipe("up");
    await u.tapWhere((n) => n.resourceName === "icon" && n.text === "Tasks", "the Tasks icon");
    expect((await u.state()).stack.map((x) => x.s)).toEqual(["home", "tasks.main"]);
  });

  it("the on-screen keyboard appears on a focused field and types when its keys are tapped", async () => {
    await fresh();
    await d.openApp("Contacts");
    await d.settle();
    await u.tap("Create contact");
    expect((await u.visible()).some((n) => n.packageName === IME)).toBe(false);
    await u.tapWhere((n) => n.hintText === "First name", "first name field");
    const keys = (await u.visible()).filter((n) => n.packageName === IME && n.isClickable);
    expect(keys.map((n) => n.text || n.contentDescription)).toEqual([..."qwertyuiopasdfghjkl", "Shift", ..."zxcvbnm", "Delete", "?123", ",", "Space", ".", "Enter"]);
    const key = (k: string) => u.tapWhere((n) => n.packageName === IME && (n.text === k || n.contentDescription === k), `key ${k}`);
    await key("Shift");
    expect((await u.find((n) => n.contentDescription === "Shift", "shift")).isSelected).toBe(true);
    for (const k of ["A", "d", "a", "Space", "?123", "4", "2", "ABC", "x", "Delete"]) await key(k); // shift is one-shot: "A" then lower case
    const field = () => u.find((n) => n.isEditable && n.hintText === "First name", "first name");
    expect((await field()).text).toBe("Ada 42");
    // `type` still works beside the keys, and key taps continue after typed text.
    await d.typeText("!");
    await key("?123");
    await key("?");
    expect((await field()).text).toBe("Ada 42!?");
    expect((await u.state()).forms.c_first).toBe("Ada 42!?");
    await key("Enter"); // a single-line field without an action: the keyboard's "done"
    expect((await u.state()).focus).toBeNull();
    expect((await u.visible()).some((n) => n.packageName === IME)).toBe(false);
  });

  it("Enter on the keyboard runs a field's action, and adds a line in a multi-line field", async () => {
    await fresh({ notes: [{ name: "a.md", content: "one", mtime: 0 }] });
    await d.openApp("Markor");
    await d.settle();
    await u.tap("a.md");
    await u.tapWhere((n) => n.isEditable, "the editor");
    const key = (k: string) => u.tapWhere((n) => n.packageName === IME && (n.text === k || n.contentDescription === k), `key ${k}`);
    for (const k of ["Enter", "t", "w", "o"]) await key(k);
    expect((await u.state()).forms.mk_content).toBe("one\ntwo");
    await u.tap("Navigate up");
    expect((await u.state()).notes[0]!.content).toBe("one\ntwo");
    // The new-note dialog's name field: Enter is its OK.
    await u.tap("Create a new note");
    for (const k of ["b", "Enter"]) await key(k);
    const s = await u.state();
    expect(s.notes.map((n) => n.name)).toContain("b.md");
    expect(s.stack.at(-1)).toMatchObject({ s: "markor.edit", name: "b.md" });
  });

  it("Simple Calendar's event date and time come from pickers used by taps", async () => {
    await fresh();
    await d.openApp("Simple Calendar Pro");
    await d.settle();
    await u.tap("New event");
    await u.tapWhere((n) => n.hintText === "Title", "title");
    await d.typeText("Dentist");
    await u.tap("Pick date");
    // Opens on the field's date (today, 2023-10-15), that day selected.
    expect(await u.has("October 2023")).toBe(true);
    expect((await u.find((n) => n.contentDescription === "15 October 2023", "the 15th")).isSelected).toBe(true);
    await u.tap("Next month");
    expect(await u.has("November 2023")).toBe(true);
    await u.tap("18 November 2023");
    expect(await u.has("Sat, Nov 18 2023")).toBe(true);
    await u.tap("OK");
    expect((await u.find((n) => n.resourceName === "event_start_date", "date field")).text).toBe("2023-11-18");
    await u.tap("Pick time");
    await u.tap("9 o'clock");
    await u.tap("30 minutes");
    await u.tap("Next minute");
    expect(await u.has("09:31")).toBe(true);
    await u.tap("OK");
    expect((await u.find((n) => n.resourceName === "event_start_time", "time field")).text).toBe("09:31");
    await u.tap("Save");
    expect((await u.state()).calendar).toMatchObject([{ title: "Dentist", date: "2023-11-18", hour: 9, minute: 31 }]);
  });

  it("Clock's new alarm takes its time from the time picker; Cancel changes nothing", async () => {
    await fresh();
    await d.openApp("Clock");
    await d.settle();
    await u.tap("Add alarm");
    await u.tap("Pick time");
    await u.tap("7 o'clock");
    await u.tap("Cancel");
    expect((await u.state()).forms.al_hour).toBeUndefined();
    await u.tap("Pick time");
    await u.tap("7 o'clock");
    await u.tap("45 minutes");
    await u.tap("OK");
    await u.tap("Save");
    expect((await u.state()).clock.alarms).toMatchObject([{ hour: 7, minute: 45, enabled: true }]);
  });

  it("says which elements are long-clickable and which scroll, as a UiAutomator dump does", async () => {
    const notes = Array.from({ length: 30 }, (_, i) => ({ name: `n${String(i).padStart(2, "0")}.md`, content: "", mtime: 0 }));
    await fresh({ notes });
    await d.openApp("Markor");
    await d.settle();
    const els = await u.visible();
    const list = els.find((n) => n.resourceName === "list")!;
    expect(list.isScrollable).toBe(true);
    const rows = els.filter((n) => n.isLongClickable);
    expect(rows.length).toBeGreaterThan(5);
    for (const r of rows) expect(r.className).toBe("android.widget.LinearLayout");
    expect(els.find((n) => n.contentDescription === "Create a new note")!.isLongClickable).toBe(false);
    // Text fields are long-clickable (their Copy/Paste menu); a list that fits does not scroll.
    await fresh({ notes: notes.slice(0, 2) });
    await d.openApp("Markor");
    await d.settle();
    expect((await u.visible()).find((n) => n.resourceName === "list")!.isScrollable).toBe(false);
    await u.tap("n00.md");
    expect((await u.find((n) => n.isEditable, "editor")).isLongClickable).toBe(true);
  });

  it("clone and restore reproduce the shade, the keyboard's page and an open picker, pixel for pixel", async () => {
    await fresh();
    await d.openApp("Simple Calendar Pro");
    await d.settle();
    await u.tap("New event");
    await u.tapWhere((n) => n.hintText === "Title", "title");
    await u.tapWhere((n) => n.text === "?123", "symbols key");
    await u.swipe("down");
    const saved = await d.captureState();
    const shot = (await d.screenshot()).png;
    const tree = await u.tree();
    await u.swipe("up");
    await u.tap("Pick date");
    await u.tap("Next month");
    const saved2 = await d.captureState();
    const shot2 = (await d.screenshot()).png;
    await d.restoreState(saved);
    expect(await u.tree()).toEqual(tree);
    expect(Buffer.from((await d.screenshot()).png).equals(Buffer.from(shot))).toBe(true);
    await d.restoreState(saved2);
    expect(Buffer.from((await d.screenshot()).png).equals(Buffer.from(shot2))).toBe(true);
    expect(await u.has("November 2023")).toBe(true);
  });
});

describe.skipIf(!HAVE_CHROMIUM)("android-web draws its icons without symbol fonts", () => {
  let page: Page;
  beforeAll(async () => {
    page = await openPage();
    await page.setViewport({ width: 360, height: 800 });
    await page.goto(appUrl(), { waitUntil: "load" });
  });
  afterAll(async () => page && closePage(page));

  it("every screen's text is plain Latin text, and every icon is an inline SVG", async () => {
    // The page's DOM, typed as far as this test reads it (the project compiles without the DOM library).
    type El = { outerHTML: string; querySelector(sel: string): El | null };
    type Dev = { __dev: { blank(): boolean; patch(j: string): boolean }; document: { body: { innerText: string }; querySelectorAll(sel: string): Iterable<El> } };
    const screens: Record<string, unknown>[] = [
      { stack: [{ s: "home" }], shade: true, settings: { wifi: false, bluetooth: true, brightness: 10, airplane: true } },
      { stack: [{ s: "home" }, { s: "home.drawer" }] },
      { stack: [{ s: "home" }, { s: "contacts.edit" }], focus: "c_first" },
      { stack: [{ s: "home" }, { s: "contacts.edit" }], focus: "c_first", kb: { shift: false, page: "sym" } },
      { stack: [{ s: "home" }, { s: "calendar.edit" }], dialog: { kind: "datePicker", key: "ev_date", y: 2023, m: 9, d: 15, vy: 2023, vm: 9 } },
      { stack: [{ s: "home" }, { s: "clock.alarmEdit" }], dialog: { kind: "timePicker", target: "al", h: 7, m: 45 } },
      { stack: [{ s: "home" }, { s: "markor.main", sel: ["a.md"] }], notes: [{ name: "a.md", content: "", mtime: 0 }] },
      { stack: [{ s: "home" }, { s: "files.main" }] },
      { stack: [{ s: "home" }, { s: "clock.main" }], clock: { tab: "timer", alarms: [], timer: { digits: "5", running: false, endsAt: 0 }, stopwatch: { running: false, base: 0, startedAt: 0 } } },
      { stack: [{ s: "home" }, { s: "tasks.main" }], tasks: [{ id: 1, title: "t", due: "2023-10-15", priority: "high", completed: true }] },
      { stack: [{ s: "home" }, { s: "sms.new" }] },
    ];
    for (const sc of screens) {
      const out = await page.evaluate((json) => {
        const g = globalThis as unknown as Dev;
        g.__dev.blank();
        g.__dev.patch(json);
        const doc = g.document;
        const icons = [...doc.querySelectorAll(".iconbtn, .fab, .navbtn, .sb-icon, .glyph, .key[aria-label]:not([data-id=key_space]), .checkbox.on")];
        return {
          text: doc.body.innerText,
          icons: icons.length,
          withoutSvg: icons.filter((el) => !el.querySelector("svg > *")).map((el) => el.outerHTML.slice(0, 120)),
        };
      }, JSON.stringify(sc));
      // Latin-1 plus the typographic marks the apps use (non-breaking hyphen, ellipsis): in any text font.
      const odd = [...out.text].filter((c) => c.codePointAt(0)! > 0xff && !"\u2011\u2026".includes(c));
      expect(odd, JSON.stringify(sc.stack)).toEqual([]);
      expect(out.icons).toBeGreaterThan(2);
      expect(out.withoutSvg, JSON.stringify(sc.stack)).toEqual([]);
    }
  });
});

describe.skipIf(!HAVE_CHROMIUM)("AndroidWorld's system tasks solved through quick settings", () => {
  const ctx = useTestServer({ registry: androidRegistry() });

  for (const [task, tile] of [["SystemWifiTurnOff", "Wi-Fi"], ["SystemBluetoothTurnOn", "Bluetooth"]] as const) {
    it(`${task}: swipe down, tap the ${tile} tile, done`, async () => {
      const s = await ctx.client.createSession("android-web", { observationKinds: ["ui_elements"] });
      await s.reset(0, { task });
      const shade = await s.step({ action_type: "swipe", direction: "down" });
      const i = shade.observation.uiElements.findIndex((e) => e.contentDescription === tile && e.packageName === SYSUI);
      expect(i).toBeGreaterThanOrEqual(0);
      await s.step({ action_type: "click", index: i });
      const end = await s.step({ action_type: "status", goal_status: "complete" });
      expect([end.terminated, end.reward]).toEqual([true, 1]);
      await s.close();
    });
  }

  it("SystemBrightnessMax: the shade's slider, tapped at its right end", async () => {
    const s = await ctx.client.createSession("android-web", { observationKinds: ["ui_elements"] });
    await s.reset(0, { task: "SystemBrightnessMax" });
    const shade = await s.step({ action_type: "swipe", direction: "down" });
    const slider = shade.observation.uiElements.find((e) => e.className === "android.widget.SeekBar" && e.packageName === SYSUI)!;
    const b = slider.bboxPixels!;
    await s.step({ action_type: "click", x: b.xMax - 3, y: Math.trunc((b.yMin + b.yMax) / 2) });
    const end = await s.step({ action_type: "status", goal_status: "complete" });
    expect(end.reward).toBe(1);
    await s.close();
  });
});
