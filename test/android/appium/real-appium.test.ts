/**
 * android-appium against a real Appium server: npm `appium` (a devDependency) with
 * `@appium/fake-driver`, which serves a UiAutomator2-format page source from a file, so
 * no device is needed. Covers the session, page-source polling to a stable screen, the
 * screenshot, the W3C touch actions as Appium receives them, and the error paths (a
 * command the driver refuses, a session deleted under us). UiAutomator2-only commands
 * (`mobile: type`, `mobile: pressKey`, `mobile: activateApp`) keep their fixture tests.
 * Skipped with a message when the packages are not installed.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EnvError } from "../../../adapters/contract.js";
import { createAppiumEnv } from "../../../adapters/android/appium/definition.js";
import type { AppiumDevice } from "../../../adapters/android/appium/device.js";
import { tapCommand } from "../../../adapters/android/appium/plan.js";
import { scriptedAdb } from "./fakes.js";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const APPIUM_MAIN = `${root}node_modules/appium/index.js`;
const HAVE_APPIUM = existsSync(APPIUM_MAIN) && existsSync(`${root}node_modules/@appium/fake-driver/package.json`);
if (!HAVE_APPIUM) console.warn("real-Appium tests skipped: npm install (devDependencies appium and @appium/fake-driver) first");

const PAGE = fileURLToPath(new URL("fixtures/home-launcher.xml", import.meta.url));
/** Generous: Appium loads its drivers on start; a busy CI machine may take a while. */
const START_MS = 90_000;

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe.skipIf(!HAVE_APPIUM)("android-appium on a real Appium server (fake driver)", () => {
  let appium: ChildProcess | undefined;
  let url = "";
  let log = "";

  beforeAll(async () => {
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    // APPIUM_HOME = the repository: Appium finds the fake driver among its devDependencies.
    appium = spawn(process.execPath, [APPIUM_MAIN, "server", "--address", "127.0.0.1", "--port", String(port), "--log-level", "warn", "--use-drivers", "fake"], {
      env: { ...process.env, APPIUM_HOME: root },
      stdio: ["ignore", "pipe", "pipe"],
    });
    appium.stdout!.on("data", (d: Buffer) => (log = (log + d.toString()).slice(-4000)));
    appium.stderr!.on("data", (d: Buffer) => (log = (log + d.toString()).slice(-4000)));
    const deadline = Date.now() + START_MS;
    for (;;) {
      const ok = await fetch(`${url}/status`).then((r) => r.ok, () => false);
      if (ok) break;
      if (appium.exitCode !== null || Date.now() > deadline) throw new Error(`Appium did not start: ${log}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }, START_MS + 10_000);

  afterAll(async () => {
    if (appium && appium.exitCode === null) {
      const exited = new Promise((r) => appium!.once("exit", r));
      appium.kill("SIGTERM");
      await exited;
    }
  });

  function env() {
    const adb = scriptedAdb(() => undefined);
    const e = createAppiumEnv(
      {
        appium_url: url,
        serial: "fake-1",
        adb_path: "adb",
        app_data_snapshots: false,
        stable: { polls: 3, interval_ms: 20, cap_ms: 5000 },
        capabilities: { platformName: "Fake", "appium:automationName": "Fake", "appium:deviceName": "Fake", "appium:app": PAGE },
      },
      { adbRunner: adb.run },
    );
    return e;
  }

  /** The W3C action sequences the fake driver received in this session (its "actions" log). */
  async function actionsLog(device: AppiumDevice): Promise<unknown[]> {
    const sessionId = await device.call("session id", async (d) => (d as unknown as { sessionId: string }).sessionId, true);
    const res = await fetch(`${url}/session/${sessionId}/se/log`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ type: "actions" }) });
    return ((await res.json()) as { value: unknown[] }).value;
  }

  it("opens a session, polls the UiAutomator2 page source to a stable screen, takes a screenshot", async () => {
    const e = env();
    await e.reset(0, { task: "OpenAppTaskEval" });
    const obs = await e.observe({ text: true, image: true, uiElements: true });
    expect(obs.uiElements).toHaveLength(10);
    expect(obs.text).toContain('[4] TextView "Settings" (Settings) clickable long-clickable @(415,1661)');
    expect(obs.uiElements[4]!.bbox).toEqual({ xMin: 312 / 1080, xMax: 519 / 1080, yMin: 1534 / 2400, yMax: 1789 / 2400 });
    expect(obs.image!.mimeType).toBe("image/png");
    expect(obs.image!.width).toBeGreaterThan(0);
    const stable = await e.device.stableElements();
    expect(stable).toMatchObject({ stable: true, polls: 3 });
    await e.close();
  });

  it("sends W3C touch actions that Appium accepts, as planned", async () => {
    const e = env();
    await e.reset(0, { task: "OpenAppTaskEval" });
    await e.observe({ text: false, image: false, uiElements: true });
    await e.step({ $case: "json", json: JSON.stringify({ action_type: "click", index: 4 }) });
    await e.step({ $case: "json", json: JSON.stringify({ action_type: "swipe", direction: "up" }) });
    const logged = await actionsLog(e.device);
    expect(logged).toHaveLength(2);
    // The click at element 4's truncated centre arrives as the planner built it.
    const planned = tapCommand({ x: 415, y: 1661 });
    if (planned.kind !== "actions") throw new Error("a tap is a W3C action");
    expect(logged[0]).toMatchObject(planned.sequences);
    const swipe = (logged[1] as { actions: { type: string; x?: number; y?: number }[] }[])[0]!.actions.filter((a) => a.type === "pointerMove");
    expect(swipe.map((a) => [a.x, a.y])).toEqual([
      [540, 2399],
      [540, 0],
    ]);
    await e.close();
  });

  it("reports a command the driver refuses as a clear error, and heals a session deleted under it", async () => {
    const e = env();
    await e.reset(0, { task: "OpenAppTaskEval" });
    await e.observe({ text: false, image: false, uiElements: true });
    // The fake driver knows no `mobile: pressKey`: an error from the driver, not a transport one.
    const err = await e.step({ $case: "json", json: '{"action_type":"navigate_back"}' }).then(
      () => undefined,
      (x: unknown) => x as EnvError,
    );
    expect(err).toMatchObject({ reason: "INTERNAL", retryable: false });
    expect(err!.message).toMatch(/Appium mobile: pressKey failed on fake-1/);
    // Delete the session behind the device's back: the next read re-creates it.
    const sessionId = await e.device.call("session id", async (d) => (d as unknown as { sessionId: string }).sessionId, true);
    await fetch(`${url}/session/${sessionId}`, { method: "DELETE" });
    const again = await e.device.pageSource();
    expect(again.elements).toHaveLength(10);
    const newId = await e.device.call("session id", async (d) => (d as unknown as { sessionId: string }).sessionId, true);
    expect(newId).not.toBe(sessionId);
    await e.close();
  });
});
