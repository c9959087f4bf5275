/**
 * The Appium backend of the shared {@link DeviceBackend}: a webdriverio session to an
 * Appium server driving one emulator or phone through UiAutomator2, plus adb for
 * resets, success checks and emulator snapshots.
 *
 * - Input goes through W3C pointer actions and `mobile:` commands, built by the pure
 *   planner (`plan.ts`) and run by {@link AppiumDevice.execute}, a thin executor.
 * - Observation: page source (UiAutomator2 XML) → nodes; a stable observation is one
 *   whose element list is equal across `polls` polls `intervalMs` apart, capped at
 *   `capMs` (AndroidWorld: 3 polls, 0.5 s, 6 s).
 * - Self-healing: a lost session (server restarted, instrumentation crashed, session
 *   id expired) is re-created with bounded, backed-off retries; a command is repeated
 *   only when it certainly did not reach the device; a device that adb no longer sees
 *   is handed to `onDeviceLost` (the pool relaunches the emulator) a bounded number of
 *   times. Everything that still fails surfaces as an EnvError with a clear message.
 * - captureState/restoreState: emulator snapshots (`adb emu avd snapshot save|load`)
 *   named `dynamind-…`; the value is the snapshot name (server-held, not portable).
 */
import { EnvError } from "../../contract.js";
import type { DeviceBackend, DeviceKey, RawNode, Screenshot, ScreenSize } from "../../../emulator/device/contract.js";
import { toUiElements } from "../ui-elements.js";
import type { UiElement } from "../../contract.js";
import type { AdbResult } from "../../../emulator/device/adb.js";
import { Adb } from "./adb.js";
import { ANDROID_APPS, findApp } from "./apps.js";
import { parsePageSource, type PageSource } from "./page-source.js";
import {
  doubleTapCommand,
  dragCommand,
  KEYCODE,
  longPressCommand,
  META_CTRL,
  pressKeyCommand,
  tapCommand,
  GESTURE,
  type DriverCommand,
} from "./plan.js";
import { AppDataSnapshots, EmulatorSnapshots } from "./snapshots.js";

/** The WebDriver calls the backend uses (a webdriverio `Browser` has all of them). */
export interface AppiumDriver {
  performActions(actions: object[]): Promise<void>;
  releaseActions(): Promise<void>;
  executeScript(script: string, args: (string | object | number | boolean | null | undefined)[]): Promise<unknown>;
  getPageSource(): Promise<string>;
  takeScreenshot(): Promise<string>;
  findElement(using: string, value: string): Promise<Record<string, string>>;
  elementClear(elementId: string): Promise<void>;
  getWindowRect(): Promise<{ width: number; height: number }>;
  deleteSession(): Promise<void>;
}

/** Host ports one parallel Appium session needs to itself. */
export interface SessionPorts {
  /** UiAutomator2 server port on the host (appium:systemPort). */
  systemPort?: number;
  mjpegServerPort?: number;
  chromedriverPort?: number;
  /** The adb server this device belongs to (appium:adbPort; one adb server per emulator). */
  adbPort?: number;
}

export interface StableOptions {
  polls: number;
  intervalMs: number;
  capMs: number;
}

export const ANDROIDWORLD_STABLE: StableOptions = { polls: 3, intervalMs: 500, capMs: 6000 };

export interface AppiumDeviceOptions {
  /** e.g. http://127.0.0.1:4723 (Appium 2+/3 serve at "/"; give a path if yours uses /wd/hub). */
  appiumUrl: string;
  serial: string;
  ports?: SessionPorts;
  adb: Adb;
  stable?: StableOptions;
  /** Extra capabilities, merged over the defaults. */
  capabilities?: Record<string, unknown>;
  /** How many times a lost session is re-created per call (default 3). */
  reconnects?: number;
  /** How many times a lost device is handed to onDeviceLost over the device's life (default 3). */
  relaunches?: number;
  /** Relaunches the device (e.g. the emulator pool); absent = a lost device is an error. */
  onDeviceLost?: () => Promise<void>;
  /** Opens a session (tests inject a fake; default: webdriverio `remote`). */
  connect?: (url: URL, capabilities: Record<string, unknown>) => Promise<AppiumDriver>;
  sleep?: (ms: number) => Promise<void>;
}

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The capabilities for a session on `serial` with its own ports. */
export function appiumCapabilities(serial: string, ports: SessionPorts = {}, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const caps: Record<string, unknown> = {
    platformName: "Android",
    "appium:automationName": "UiAutomator2",
    "appium:udid": serial,
    "appium:noReset": true,
    "appium:newCommandTimeout": 3600,
    "appium:disableWindowAnimation": true,
    "appium:skipLogcatCapture": true,
  };
  if (ports.systemPort !== undefined) caps["appium:systemPort"] = ports.systemPort;
  if (ports.mjpegServerPort !== undefined) caps["appium:mjpegServerPort"] = ports.mjpegServerPort;
  if (ports.chromedriverPort !== undefined) caps["appium:chromedriverPort"] = ports.chromedriverPort;
  if (ports.adbPort !== undefined) caps["appium:adbPort"] = ports.adbPort;
  return { ...caps, ...extra };
}

/** Opens a webdriverio session (imported lazily so listing environments stays light). */
export async function webdriverioConnect(url: URL, capabilities: Record<string, unknown>): Promise<AppiumDriver> {
  const { remote } = await import("webdriverio");
  const browser = await remote({
    protocol: url.protocol.replace(":", "") as "http" | "https",
    hostname: url.hostname,
    port: url.port ? Number(url.port) : url.protocol === "https:" ? 443 : 80,
    path: url.pathname || "/",
    capabilities: capabilities as WebdriverIO.Capabilities,
    logLevel: "warn",
    // Never resend: a command whose connection broke may have reached the device (a second tap, a
    // second typed text). call() decides what may be repeated, and only reads are.
    connectionRetryCount: 0,
    connectionRetryTimeout: 120_000,
  });
  return browser as unknown as AppiumDriver;
}

/** How long {@link probeDevice} waits for each answer. */
export const PROBE_TIMEOUT_MS = 3000;

export interface ProbeOptions {
  appiumUrl: string;
  adb: Adb;
  timeoutMs?: number;
  /** The HTTP client (tests inject one; default: global fetch). */
  fetch?: typeof fetch;
}

/**
 * Checks, within seconds, that a device can be driven: the Appium server answers
 * `GET /status` and adb reports the device online (`get-state` = "device"). Throws a
 * retryable DEVICE_UNAVAILABLE EnvError saying which of the two is missing; CreateSession
 * runs it, so a client learns at once instead of on a Reset that hangs on a dead device.
 */
export async function probeDevice(options: ProbeOptions): Promise<void> {
  const timeoutMs = options.timeoutMs ?? PROBE_TIMEOUT_MS;
  const serial = options.adb.serial;
  const get = options.fetch ?? fetch;
  const status = new URL("status", options.appiumUrl.endsWith("/") ? options.appiumUrl : `${options.appiumUrl}/`);
  let answer: string;
  try {
    const res = await get(status, { signal: AbortSignal.timeout(timeoutMs) });
    answer = res.ok ? "" : `HTTP ${res.status}`;
  } catch (err) {
    const e = err as { name?: string; cause?: { code?: string } };
    answer = e.name === "TimeoutError" ? `no answer in ${timeoutMs} ms` : (e.cause?.code ?? (err as Error).message ?? String(err));
  }
  if (answer !== "") {
    throw new EnvError("DEVICE_UNAVAILABLE", `the Appium server for ${serial} does not answer (${answer}); the operator starts it (scripts/appium/start.sh)`, true);
  }
  let r: AdbResult;
  try {
    r = await options.adb.run(["-s", serial, "get-state"], { timeoutMs });
  } catch (err) {
    // adb missing or unable to start: the device cannot be reached from this server either.
    throw new EnvError("DEVICE_UNAVAILABLE", `device ${serial} cannot be reached: ${(err as Error).message}`, true);
  }
  if (r.code !== 0 || r.stdout.trim() !== "device") {
    const why = (r.stderr || r.stdout).trim().split("\n").slice(-1)[0] || (r.code === -1 ? `no answer in ${timeoutMs} ms` : `exit ${r.code}`);
    throw new EnvError("DEVICE_UNAVAILABLE", `device ${serial} is not online (adb get-state: ${why}); the operator starts it (dynamind emulator start)`, true);
  }
}

/** How an error from a WebDriver call should be handled. */
export type ErrorKind = "session-lost" | "connection-lost" | "device-lost" | "other";

/**
 * Classifies a WebDriver/Appium error. "session-lost": the server refused the session
 * before running the command (safe to repeat after reconnecting); "connection-lost":
 * the server went away (the command may or may not have run); "device-lost": adb no
 * longer sees the device.
 */
export function classifyError(err: unknown): ErrorKind {
  const e = err as { name?: string; message?: string; code?: string } | undefined;
  const text = `${e?.name ?? ""} ${e?.code ?? ""} ${e?.message ?? String(err)}`;
  if (/device .*(not found|offline)|no devices\/emulators|could not find a connected android device|device still authorizing/i.test(text)) return "device-lost";
  if (/invalid session id|session .*(terminated|not started|does not exist|not found)|no such session|instrumentation process is not running|uiautomator2 server .*(crash|not running)|cannot be proxied/i.test(text)) {
    return "session-lost";
  }
  if (/ECONNREFUSED/.test(text)) return "session-lost";
  if (/ECONNRESET|socket hang up|EPIPE|ETIMEDOUT|UND_ERR|fetch failed|timeout/i.test(text)) return "connection-lost";
  return "other";
}

/** PNG width and height from the IHDR chunk. */
export function pngSize(png: Uint8Array): { width: number; height: number } {
  const sig = [0x89, 0x50, 0x4e, 0x47];
  if (png.length < 24 || sig.some((b, i) => png[i] !== b)) throw new EnvError("INTERNAL", "the screenshot is not a PNG", true);
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

export class AppiumDevice implements DeviceBackend {
  readonly adb: Adb;
  readonly appData: AppDataSnapshots;
  readonly snapshots: EmulatorSnapshots;
  private driver: AppiumDriver | undefined;
  private size: ScreenSize = { width: 1080, height: 2400 };
  private relaunchesLeft: number;
  private readonly stable: StableOptions;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly url: URL;
  /** The last page source read. */
  private last: PageSource | undefined;
  /** The last stable read, until the next input or snapshot load. */
  private settled: PageSource | undefined;

  constructor(private readonly options: AppiumDeviceOptions) {
    try {
      this.url = new URL(options.appiumUrl);
    } catch {
      throw new EnvError("INVALID_ARGUMENT", `appium_url "${options.appiumUrl}" is not a URL (e.g. http://127.0.0.1:4723)`);
    }
    this.adb = options.adb;
    this.appData = new AppDataSnapshots(this.adb);
    this.snapshots = new EmulatorSnapshots(this.adb);
    this.stable = options.stable ?? ANDROIDWORLD_STABLE;
    this.sleep = options.sleep ?? realSleep;
    this.relaunchesLeft = options.relaunches ?? 3;
  }

  get screen(): ScreenSize {
    return this.size;
  }

  get serial(): string {
    return this.options.serial;
  }

  appNames(): readonly string[] {
    return ANDROID_APPS.map((a) => a.name);
  }

  async start(): Promise<void> {
    await this.session();
  }

  /** The live session, opening one if needed. */
  private async session(): Promise<AppiumDriver> {
    if (this.driver) return this.driver;
    const connect = this.options.connect ?? webdriverioConnect;
    const caps = appiumCapabilities(this.options.serial, this.options.ports, this.options.capabilities);
    let driver: AppiumDriver;
    try {
      driver = await connect(this.url, caps);
    } catch (err) {
      throw new EnvError(
        "DEVICE_UNAVAILABLE",
        `could not open an Appium session on ${this.options.serial}: ${(err as Error).message ?? err} ` +
          `(the operator checks that the Appium server runs, scripts/appium/start.sh, and that adb lists the device)`,
        true,
      );
    }
    this.driver = driver;
    try {
      const rect = await driver.getWindowRect();
      if (rect.width > 0 && rect.height > 0) this.size = { width: Math.round(rect.width), height: Math.round(rect.height) };
    } catch {
      // Keep the previous size; the page source's <hierarchy width height> also updates it.
    }
    return driver;
  }

  private async dropSession(): Promise<void> {
    const d = this.driver;
    this.driver = undefined;
    if (d) await d.deleteSession().catch(() => undefined);
  }

  /**
   * Runs one WebDriver call with self-healing. `idempotent` calls (reads) are repeated
   * after any reconnect; input is repeated only when the session was refused before the
   * command ran, otherwise the error is reported as retryable so nothing is done twice.
   */
  async call<T>(what: string, fn: (d: AppiumDriver) => Promise<T>, idempotent = false): Promise<T> {
    const attempts = (this.options.reconnects ?? 3) + 1;
    let lastError: unknown;
    for (let attempt = 0; attempt < attempts; attempt++) {
      const driver = await this.session();
      try {
        return await fn(driver);
      } catch (err) {
        if (err instanceof EnvError) throw err;
        lastError = err;
        const kind = classifyError(err);
        if (kind === "other") throw new EnvError("INTERNAL", `Appium ${what} failed on ${this.options.serial}: ${(err as Error).message ?? err}`);
        await this.dropSession();
        if (kind === "device-lost") await this.relaunch(err);
        if (kind === "connection-lost" && !idempotent) {
          throw new EnvError("INTERNAL", `the connection to Appium broke during ${what} on ${this.options.serial}; the session was reset, retry the call`, true);
        }
        await this.sleep(Math.min(4000, 250 * 2 ** attempt));
      }
    }
    throw new EnvError(
      "INTERNAL",
      `Appium ${what} on ${this.options.serial} kept failing after ${attempts - 1} reconnects: ${(lastError as Error)?.message ?? lastError}`,
      true,
    );
  }

  private async relaunch(cause: unknown): Promise<void> {
    const hook = this.options.onDeviceLost;
    if (!hook || this.relaunchesLeft <= 0) {
      throw new EnvError(
        "DEVICE_UNAVAILABLE",
        `device ${this.options.serial} is gone (${(cause as Error)?.message ?? cause})` + (hook ? "; relaunch attempts are used up" : "; no pool manages it, restart it and retry"),
        true,
      );
    }
    this.relaunchesLeft--;
    await hook();
  }

  /** Runs planned commands in order (the thin executor). */
  async execute(commands: readonly DriverCommand[]): Promise<void> {
    this.settled = undefined;
    for (const c of commands) {
      switch (c.kind) {
        case "actions":
          await this.call(c.gesture, async (d) => {
            await d.performActions(c.sequences);
            await d.releaseActions();
          });
          break;
        case "execute":
          await this.call(c.script, (d) => d.executeScript(c.script, [c.args]));
          break;
        case "clear_focused":
          await this.call("clear the focused field", async (d) => {
            let id: string | undefined;
            try {
              const ref = await d.findElement("xpath", "//*[@focused='true']");
              id = Object.values(ref)[0];
            } catch {
              id = undefined;
            }
            if (id) await d.elementClear(id);
            else {
              // No focused element in the tree: select all and delete, as a keyboard would.
              await d.executeScript("mobile: pressKey", [{ keycode: KEYCODE.A, metastate: META_CTRL }]);
              await d.executeScript("mobile: pressKey", [{ keycode: KEYCODE.DEL }]);
            }
          });
          break;
        case "sleep":
          await this.sleep(c.ms);
          break;
      }
    }
  }

  /** One page-source read, parsed. */
  async pageSource(): Promise<PageSource> {
    const xml = await this.call("page source", (d) => d.getPageSource(), true);
    const parsed = parsePageSource(xml);
    if (parsed.screen.width && parsed.screen.height && parsed.screen.rotation % 2 === 0) {
      this.size = { width: parsed.screen.width, height: parsed.screen.height };
    }
    this.last = parsed;
    return parsed;
  }

  /**
   * Polls until the element list is the same `polls` times in a row, `intervalMs`
   * apart, or `capMs` has passed (then the last list is used, as AndroidWorld does).
   */
  async stableElements(): Promise<{ elements: UiElement[]; stable: boolean; polls: number }> {
    const { polls, intervalMs, capMs } = this.stable;
    const started = Date.now();
    let key = "";
    let same = 0;
    let n = 0;
    let current: PageSource;
    for (;;) {
      current = await this.pageSource();
      n++;
      const k = JSON.stringify(current.elements);
      same = k === key ? same + 1 : 1;
      key = k;
      if (same >= polls) return { elements: current.elements, stable: true, polls: n };
      if (Date.now() - started + intervalMs > capMs) return { elements: current.elements, stable: false, polls: n };
      await this.sleep(intervalMs);
    }
  }

  /** Waits for a stable screen; the result is kept for the next {@link treeAndState}. */
  async settle(): Promise<void> {
    await this.stableElements();
    this.settled = this.last;
  }

  /**
   * The stable tree and a fingerprint source (the element list) in one go, without an
   * emulator snapshot per observation. Reuses the read of the last {@link settle} when
   * no input happened since.
   */
  async treeAndState(): Promise<{ tree: RawNode[]; state: string }> {
    if (!this.settled) await this.settle();
    const read = this.settled!;
    return { tree: read.nodes, state: JSON.stringify(read.elements) };
  }

  async screenshot(): Promise<Screenshot> {
    const b64 = await this.call("screenshot", (d) => d.takeScreenshot(), true);
    const png = new Uint8Array(Buffer.from(b64, "base64"));
    return { png, ...pngSize(png) };
  }

  async elementTree(): Promise<RawNode[]> {
    return (await this.pageSource()).nodes;
  }

  /** The element list of the last read, or a fresh read. */
  async elements(): Promise<UiElement[]> {
    return (this.last ?? (await this.pageSource())).elements;
  }

  tap(x: number, y: number): Promise<void> {
    return this.execute([tapCommand({ x, y })]);
  }

  longPress(x: number, y: number): Promise<void> {
    return this.execute([longPressCommand({ x, y })]);
  }

  doubleTap(x: number, y: number): Promise<void> {
    return this.execute([doubleTapCommand({ x, y })]);
  }

  typeText(text: string): Promise<void> {
    return this.execute([{ kind: "execute", script: "mobile: type", args: { text } }]);
  }

  clearText(): Promise<void> {
    return this.execute([{ kind: "clear_focused" }]);
  }

  pressKey(key: DeviceKey): Promise<void> {
    const code = key === "back" ? KEYCODE.BACK : key === "home" ? KEYCODE.HOME : KEYCODE.ENTER;
    return this.execute([pressKeyCommand(code)]);
  }

  swipe(fromX: number, fromY: number, toX: number, toY: number): Promise<void> {
    return this.execute([dragCommand({ x: fromX, y: fromY }, { x: toX, y: toY })]);
  }

  async openApp(name: string): Promise<void> {
    const app = findApp(name);
    if (!app) throw new EnvError("INVALID_ACTION", `unknown app "${name}"; known apps: ${this.appNames().join(", ")}`);
    await this.execute([{ kind: "execute", script: "mobile: activateApp", args: { appId: app.package } }]);
  }

  async wait(seconds: number): Promise<void> {
    await this.sleep(seconds * 1000 || GESTURE.wait);
  }

  private snapshotCounter = 0;
  /** Snapshots this device took, deleted on close. */
  private readonly taken = new Set<string>();

  /** Saves an emulator snapshot; the state is its name. */
  async captureState(): Promise<{ snapshot: string }> {
    const name = `dynamind-${process.pid}-${Date.now().toString(36)}-${(this.snapshotCounter++).toString(36)}`;
    await this.snapshots.save(name);
    this.taken.add(name);
    return { snapshot: name };
  }

  async restoreState(state: unknown): Promise<void> {
    const name = (state as { snapshot?: unknown } | null)?.snapshot;
    if (typeof name !== "string") throw new EnvError("STATE_INVALID", "not an Appium device state (expected { snapshot: name })");
    await this.loadSnapshot(name);
  }

  /**
   * Loads a snapshot (ours or a prepared one). The session is kept: the on-device
   * UiAutomator2 server comes back as it was in the snapshot, and if that server no
   * longer knows our session the next call re-creates it (see {@link call}).
   */
  async loadSnapshot(name: string): Promise<void> {
    this.last = undefined;
    this.settled = undefined;
    await this.snapshots.load(name);
  }

  async close(): Promise<void> {
    await this.dropSession();
    for (const name of this.taken) await this.snapshots.delete(name).catch(() => undefined);
    this.taken.clear();
  }
}
