/**
 * The browser-hosted Android device: the phone web app (`app/`) in a page of the
 * shared headless Chromium, driven like a phone. Taps, double taps and swipes are
 * real mouse events at screen coordinates (÷3: the page is 360×800 CSS px, the
 * screen 1080×2400 px); text goes to the focused field; back/home are system keys.
 *
 * Stable observation: the app has no animations or timers (device time is virtual
 * and moves 1 s per action), so after an input one evaluate that advances the clock
 * and redraws is enough; AndroidWorld instead polls the element list 3× 0.5 s apart.
 */
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Page } from "puppeteer-core";
import { packageRoot } from "../../env-server/package-root.js";
import type { DeviceBackend, DeviceKey, RawNode, Screenshot } from "../device/contract.js";
import { closePage, openPage } from "./browser.js";
import type { DeviceState } from "./state.js";

/** CSS px → screen px. */
export const SCALE = 3;
export const SCREEN = { width: 1080, height: 2400 } as const;
/** Device time each input takes (ms). */
const INPUT_MS = 1000;
/**
 * The longest the device waits for its native input to reach the page's handlers. Every
 * input the device sends reaches a document-level handler, so the wait ends as soon as the
 * page has it; the bound only guards against a page that never answers. It was 2 s, and a
 * full test suite (load ~10 on 2 cores, beside Chromium) still read a screen without the
 * input's effect, so it allows for a loaded machine.
 */
const INPUT_ARRIVAL_MS = 10_000;

export const APP_NAMES = ["Contacts", "Clock", "Markor", "Simple SMS Messenger", "Settings", "Pro Expense", "Simple Calendar Pro", "Tasks", "Files", "Camera", "Audio Recorder", "Joplin", "OpenTracks", "Simple Draw Pro", "Retro Music", "VLC", "Simple Gallery Pro", "Broccoli"] as const;

export interface WebDeviceOptions {
  /**
   * Screenshot size: "full" = 1080×2400 (default: the element boxes' pixel space, as
   * AndroidWorld's screenshots), "third" = 360×800 (opt-in, cheaper; 1/3 scale).
   */
  screenshot?: "third" | "full";
}

/** What app.js exposes to the host (globalThis.__dev in the page). */
export interface DevApi {
      apps(): string[];
      after(ms: number): boolean;
      inputSeen(): number;
      getState(): string;
      setState(json: string): boolean;
      blank(): boolean;
      patch(json: string): boolean;
      tree(): RawNode[];
      back(): boolean;
      home(): boolean;
      openApp(name: string): boolean;
      longPress(x: number, y: number): boolean;
      clearFocused(): boolean;
      focusedField(): string | null;
}
/** The page's global object, as seen from callbacks that run in the page. */
type G = { __dev: DevApi; document: { fonts: { ready: Promise<unknown> } }; requestAnimationFrame(callback: () => void): number };

export function appUrl(): string {
  return pathToFileURL(join(packageRoot(), "emulator", "web-device", "app", "index.html")).href;
}

export class WebDevice implements DeviceBackend {
  readonly screen = SCREEN;
  private page: Page | undefined;
  private starting: Promise<Page> | undefined;
  private closed = false;

  constructor(readonly options: WebDeviceOptions = {}) {}

  appNames(): readonly string[] {
    return APP_NAMES;
  }

  async start(): Promise<void> {
    await this.p();
  }

  private async p(): Promise<Page> {
    if (this.page) return this.page;
    if (this.closed) throw new Error("the web device is closed");
    this.starting ??= (async () => {
      const page = await openPage();
      try {
        const full = this.options.screenshot !== "third";
        await page.setViewport({ width: SCREEN.width / SCALE, height: SCREEN.height / SCALE, deviceScaleFactor: full ? SCALE : 1 });
        await page.goto(appUrl(), { waitUntil: "load" });
        await page.evaluate(() => (globalThis as unknown as G).document.fonts.ready.then(() => true));
      } catch (err) {
        await closePage(page);
        throw err;
      }
      this.page = page;
      return page;
    })();
    return this.starting;
  }

  async settle(): Promise<void> {
    const page = await this.p();
    await page.evaluate((ms) => (globalThis as unknown as G).__dev.after(ms), INPUT_MS);
  }

  /**
   * Resolves once the page's latest render has reached the screen (two animation frames).
   * A capture right after a render could show the frame drawn before it: MarkorCreateNote's
   * "Create a new note" tap, repeated from one restored state, gave a second image (8
   * antialiased pixels of the keyboard's backspace icon differ) in 66 of 1,500 captures, and a
   * recording replayed "differently". After one animation frame: 0 of 300, after two: 0 of 300;
   * two, because the second frame starts only once the first (with the render) was produced.
   */
  async presented(): Promise<void> {
    const page = await this.p();
    await page.evaluate(() => {
      const g = globalThis as unknown as G;
      return new Promise<boolean>((done) => g.requestAnimationFrame(() => g.requestAnimationFrame(() => done(true))));
    });
  }

  async screenshot(): Promise<Screenshot> {
    const page = await this.p();
    await this.presented();
    const png = await page.screenshot({ type: "png", optimizeForSpeed: true, captureBeyondViewport: false });
    const full = this.options.screenshot !== "third";
    return { png, width: full ? SCREEN.width : SCREEN.width / SCALE, height: full ? SCREEN.height : SCREEN.height / SCALE };
  }

  async elementTree(): Promise<RawNode[]> {
    const page = await this.p();
    return page.evaluate(() => (globalThis as unknown as G).__dev.tree());
  }

  /** The element tree and the state in one round trip (the environment's observation path). */
  async treeAndState(): Promise<{ tree: RawNode[]; state: string }> {
    const page = await this.p();
    return page.evaluate(() => ({ tree: (globalThis as unknown as G).__dev.tree(), state: (globalThis as unknown as G).__dev.getState() }));
  }

  /**
   * Sends native input and waits until the page has handled `events` more of the events
   * it counts (mouseup, click, keydown). Chromium may answer the input call before the
   * page's handlers ran, and a screen read in between missed the input's effect: a
   * recording then replayed differently. The wait is bounded (INPUT_ARRIVAL_MS), for input
   * that reaches no handler.
   */
  private async input(page: Page, events: number, send: () => Promise<void>): Promise<void> {
    const before = await page.evaluate(() => (globalThis as unknown as G).__dev.inputSeen());
    await send();
    await page
      .waitForFunction((n: number) => (globalThis as unknown as G).__dev.inputSeen() >= n, { polling: 2, timeout: INPUT_ARRIVAL_MS }, before + events)
      .catch(() => undefined);
  }

  /** How many native mouseup, click and keydown events the page has handled (what {@link input} waits on). */
  async inputsHandled(): Promise<number> {
    const page = await this.p();
    return page.evaluate(() => (globalThis as unknown as G).__dev.inputSeen());
  }

  async tap(x: number, y: number): Promise<void> {
    const page = await this.p();
    await this.input(page, 2, () => page.mouse.click(x / SCALE, y / SCALE));
  }

  async longPress(x: number, y: number): Promise<void> {
    const page = await this.p();
    await page.evaluate((cx, cy) => (globalThis as unknown as G).__dev.longPress(cx, cy), x / SCALE, y / SCALE);
  }

  async doubleTap(x: number, y: number): Promise<void> {
    const page = await this.p();
    // Two taps, as the Appium backend's gesture: puppeteer's count 2 sends both (clickCount 1, then 2).
    await this.input(page, 4, () => page.mouse.click(x / SCALE, y / SCALE, { count: 2 }));
  }

  async typeText(text: string): Promise<void> {
    const page = await this.p();
    // One insertText per line; a newline is an Enter key (a new line in multi-line fields).
    const lines = text.split("\n");
    for (let i = 0; i < lines.length; i++) {
      if (i > 0) await page.keyboard.press("Enter");
      if (lines[i]!.length > 0) await page.keyboard.sendCharacter(lines[i]!);
    }
  }

  async clearText(): Promise<void> {
    const page = await this.p();
    await page.evaluate(() => (globalThis as unknown as G).__dev.clearFocused());
  }

  /** The id of the focused text field, if any. */
  async focusedField(): Promise<string | null> {
    const page = await this.p();
    return page.evaluate(() => (globalThis as unknown as G).__dev.focusedField());
  }

  async pressKey(key: DeviceKey): Promise<void> {
    const page = await this.p();
    if (key === "enter") await this.input(page, 1, () => page.keyboard.press("Enter"));
    else if (key === "back") await page.evaluate(() => (globalThis as unknown as G).__dev.back());
    else await page.evaluate(() => (globalThis as unknown as G).__dev.home());
  }

  async swipe(fromX: number, fromY: number, toX: number, toY: number): Promise<void> {
    const page = await this.p();
    await this.input(page, 1, async () => {
      await page.mouse.move(fromX / SCALE, fromY / SCALE);
      await page.mouse.down();
      await page.mouse.move(toX / SCALE, toY / SCALE, { steps: 4 });
      await page.mouse.up();
    });
  }

  async openApp(name: string): Promise<void> {
    const page = await this.p();
    const ok = await page.evaluate((n) => (globalThis as unknown as G).__dev.openApp(n), name);
    if (!ok) throw new Error(`no app named ${JSON.stringify(name)}; apps: ${APP_NAMES.join(", ")}`);
  }

  async wait(seconds: number): Promise<void> {
    const page = await this.p();
    await page.evaluate((ms) => (globalThis as unknown as G).__dev.after(ms), seconds * 1000);
  }

  async captureState(): Promise<string> {
    const page = await this.p();
    return page.evaluate(() => (globalThis as unknown as G).__dev.getState());
  }

  async restoreState(state: unknown): Promise<void> {
    if (typeof state !== "string") throw new Error("a web device state is a JSON string");
    const page = await this.p();
    await page.evaluate((json) => (globalThis as unknown as G).__dev.setState(json), state);
  }

  /** The apps' data, parsed (what success checks read). */
  async readState(): Promise<DeviceState> {
    return JSON.parse(await this.captureState()) as DeviceState;
  }

  /** A fresh device (empty apps, home screen) with `patch`'s top-level keys replaced. */
  async load(patch: Partial<DeviceState>): Promise<void> {
    const page = await this.p();
    await page.evaluate((json) => {
      (globalThis as unknown as G).__dev.blank();
      return (globalThis as unknown as G).__dev.patch(json);
    }, JSON.stringify(patch));
  }

  async close(): Promise<void> {
    this.closed = true;
    const starting = this.starting;
    this.page = undefined;
    this.starting = undefined;
    if (starting) {
      try {
        await closePage(await starting);
      } catch {
        // failed to start: nothing to close
      }
    }
  }
}
