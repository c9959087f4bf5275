import { describe, expect, it } from "vitest";
import { EnvError, type Action } from "../../../adapters/contract.js";
import { deviceTable, parseAppiumConfig } from "../../../adapters/android/appium/config.js";
import { appiumDefinition, createAppiumDefinition, createAppiumEnv } from "../../../adapters/android/appium/definition.js";
import { OperatorResources } from "../../../adapters/operator-resources.js";
import { AppiumDevice, appiumCapabilities, classifyError } from "../../../adapters/android/appium/device.js";
import { Adb } from "../../../adapters/android/appium/adb.js";
import { parsePageSource } from "../../../adapters/android/appium/page-source.js";
import { planAction, type DriverCommand } from "../../../adapters/android/appium/plan.js";
import { parseAndroidAction } from "../../../adapters/android/action.js";
import { FakeDriver, fixture, scriptedAdb, type Call } from "./fakes.js";

const json = (o: object): Action => ({ $case: "json", json: JSON.stringify(o) });
const OBS = { text: true, image: false, uiElements: true };
const noSleep = async () => {};

function setup(sources: string[] = [fixture("home-launcher")], adbAnswers: (cmd: string) => string | undefined = () => undefined) {
  const driver = new FakeDriver(...sources);
  let connects = 0;
  const adb = scriptedAdb(adbAnswers);
  const env = createAppiumEnv(
    { appium_url: "http://127.0.0.1:4723", serial: "emulator-5554", adb_path: "adb", app_data_snapshots: false },
    {
      adbRunner: adb.run,
      connect: async () => {
        connects++;
        return driver;
      },
      sleep: noSleep,
    },
  );
  return { env, driver, adb, connects: () => connects };
}

/** What the executor sends for planned commands. */
function expectedCalls(commands: DriverCommand[]): Call[] {
  return commands.flatMap((c): Call[] => {
    switch (c.kind) {
      case "actions":
        return [{ method: "performActions", args: [c.sequences] }, { method: "releaseActions", args: [] }];
      case "execute":
        return [{ method: "executeScript", args: [c.script, c.args] }];
      case "clear_focused":
        return [
          { method: "findElement", args: ["xpath", "//*[@focused='true']"] },
          { method: "elementClear", args: ["el-1"] },
        ];
      case "sleep":
        return [];
    }
  });
}

describe("android-appium definition", () => {
  const none = new Map();
  const pixel = { appium_url: "http://127.0.0.1:4723", serial: "emulator-5554", system_port: 8201, capabilities: { "appium:language": "en" }, reset_snapshot: "clean" };

  it("refuses to create a session without a device, saying how the operator configures one", () => {
    let err: unknown;
    try {
      parseAppiumConfig({}, none);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(EnvError);
    expect((err as EnvError).reason).toBe("INVALID_ARGUMENT");
    expect((err as EnvError).message).toMatch(/no Android device is configured: .*--server-config.*APPIUM_URL.*dynamind emulator start/s);
    const devices = new Map([["pixel-1", pixel]]);
    expect(() => parseAppiumConfig({ task: "Nope" }, devices)).toThrow(/unknown task "Nope"/);
    expect(() => parseAppiumConfig({ bogus: 1 }, devices)).toThrow(EnvError);
    expect(() => parseAppiumConfig({ device: "pixel-2" }, devices)).toThrow(/device "pixel-2" is not a name the server's operator granted; valid: pixel-1/);
    expect(() => parseAppiumConfig({ device: "pixel-1", pool_index: 0 }, devices)).toThrow(/device or pool_index, not both/);
    // Device resources are the operator's: a session config cannot carry them.
    for (const field of ["appium_url", "serial", "adb_path", "pool_state", "capabilities", "reset_snapshot", "system_port", "adb_server_port"]) {
      expect(() => parseAppiumConfig({ [field]: "x" }, devices)).toThrow(/Unrecognized key/);
    }
  });

  it("uses the operator's device: the one named, else the only one", () => {
    const two = new Map([["pixel-1", pixel], ["pixel-2", { ...pixel, serial: "emulator-5556" }]]);
    expect(parseAppiumConfig({ device: "pixel-2" }, two).device).toEqual({ name: "pixel-2", entry: { ...pixel, serial: "emulator-5556" } });
    expect(() => parseAppiumConfig({}, two)).toThrow(/name a device; this server has pixel-1, pixel-2/);
    expect(parseAppiumConfig({}, new Map([["pixel-1", pixel]])).device?.name).toBe("pixel-1");
    const definition = createAppiumDefinition(new OperatorResources({ android: { adb: "/opt/sdk/adb", devices: { "pixel-1": pixel } } }), {});
    expect((definition.describe(undefined).configSchema as { properties: { device: { enum: string[] } } }).properties.device.enum).toEqual(["pixel-1"]);
    const env = definition.create(definition.parseConfig({ task: "SystemWifiTurnOn" })) as unknown as { device: { serial: string; options: { ports: object; capabilities: object } } };
    expect(env.device.serial).toBe("emulator-5554");
    expect(env.device.options.ports).toMatchObject({ systemPort: 8201 });
    expect(env.device.options.capabilities).toEqual({ "appium:language": "en" });
  });

  it("takes a device from the server's APPIUM_URL and ANDROID_SERIAL", () => {
    const table = deviceTable(OperatorResources.EMPTY.android, { APPIUM_URL: "http://127.0.0.1:4723", ANDROID_SERIAL: "emulator-5556", ANDROID_ADB_SERVER_PORT: "15037" });
    const c = parseAppiumConfig({}, table);
    expect(c.device).toEqual({ name: "env", entry: { appium_url: "http://127.0.0.1:4723", serial: "emulator-5556", adb_server_port: 15037 } });
  });

  it("describes at least 10 AndroidWorld tasks, JSON actions and server-held clones", () => {
    const spec = appiumDefinition.describe(undefined);
    expect(spec.id).toBe("android-appium");
    expect(spec.cloneSupport).toBe("handle");
    expect(spec.observationKinds).toEqual(["text", "image", "ui_elements"]);
    expect(spec.action.kinds[0]).toBe("json");
    expect(spec.tasks.length).toBeGreaterThanOrEqual(10);
    expect(spec.tasks.map((t) => t.name)).toEqual(expect.arrayContaining(["SystemWifiTurnOn", "ContactsAddContact", "MarkorCreateNote", "SimpleSmsSend", "OpenAppTaskEval"]));
    expect(spec.instructions.length).toBeGreaterThan(200);
    expect(appiumDefinition.describe({ device: undefined, pool_index: 0, app_data_snapshots: false, stable: undefined, task: "SystemWifiTurnOn" }).maxSteps).toBe(10);
  });

  it("asks for one session per device with its own ports", () => {
    expect(appiumCapabilities("emulator-5556", { systemPort: 8201, mjpegServerPort: 7811, chromedriverPort: 9517, adbPort: 15038 })).toMatchObject({
      platformName: "Android",
      "appium:automationName": "UiAutomator2",
      "appium:udid": "emulator-5556",
      "appium:noReset": true,
      "appium:systemPort": 8201,
      "appium:mjpegServerPort": 7811,
      "appium:chromedriverPort": 9517,
      "appium:adbPort": 15038,
    });
  });
});

describe("android-appium environment over a fake device", () => {
  it("resets a task through adb and observes the stable screen", async () => {
    const { env, adb } = setup();
    const info = await env.reset(3, { task: "SystemWifiTurnOn" });
    expect(info).toMatchObject({ task: "SystemWifiTurnOn", goal: "Turn wifi on.", task_max_steps: 10 });
    expect(adb.calls).toEqual(["-s emulator-5554 shell svc wifi disable", "-s emulator-5554 shell input keyevent 3"]);
    const obs = await env.observe(OBS);
    expect(obs.uiElements).toHaveLength(10);
    expect(obs.text).toContain("Goal: Turn wifi on.");
    expect(obs.text).toContain('[4] TextView "Settings" (Settings) clickable long-clickable @(415,1661)');
    expect(obs.fingerprint).toMatch(/^[0-9a-f]{16}$/);
  });

  it("sends exactly the planned driver commands for each action", async () => {
    const screens: [string, object][] = [
      ["home-launcher", { action_type: "click", index: 4 }],
      ["home-launcher", { action_type: "long_press", index: 9 }],
      ["home-launcher", { action_type: "double_tap", x: 100, y: 200 }],
      ["contacts-editor", { action_type: "input_text", text: "Ada Lovelace", index: 4, clear_text: true }],
      ["settings-wifi", { action_type: "scroll", direction: "down", index: 1 }],
      ["settings-wifi", { action_type: "scroll", direction: "up", index: "0" }],
      ["markor-recycler", { action_type: "swipe", direction: "left" }],
      ["markor-recycler", { action_type: "swipe", direction: "down", index: 2 }],
      ["home-launcher", { action_type: "click", x: 415.7, y: 1661.2 }],
      ["contacts-editor", { action_type: "input_text", text: "", index: 4 }],
      ["home-launcher", { action_type: "unknown" }],
      ["home-launcher", { action_type: "navigate_back" }],
      ["home-launcher", { action_type: "navigate_home" }],
      ["home-launcher", { action_type: "keyboard_enter" }],
      ["home-launcher", { action_type: "open_app", app_name: "Markor" }],
      ["home-launcher", { action_type: "wait" }],
    ];
    for (const [screen, action] of screens) {
      const { env, driver } = setup([fixture(screen)]);
      await env.reset(0, { task: "OpenAppTaskEval" });
      await env.observe(OBS);
      driver.calls = [];
      await env.step(json(action));
      const { elements } = parsePageSource(fixture(screen));
      const plan = planAction(parseAndroidAction(JSON.stringify(action), elements.length), elements, { width: 1080, height: 2400 });
      expect(driver.inputs(), JSON.stringify(action)).toEqual(expectedCalls(plan.commands));
    }
  });

  it("rejects bad actions with clear errors and sends nothing to the device", async () => {
    const { env, driver } = setup();
    await env.reset(0, { task: "SystemWifiTurnOn" });
    await env.observe(OBS);
    driver.calls = [];
    const bad: [Action, RegExp][] = [
      [json({ action_type: "teleport" }), /unknown action_type "teleport"/],
      [json({ action_type: "click", index: 99 }), /index 99 is out of range: the screen has 10 elements/],
      [json({ action_type: "input_text", index: 2 }), /invalid input_text action/],
      [json({ action_type: "open_app", app_name: "Nope" }), /unknown app "Nope"/],
      [{ $case: "json", json: "{not json" }, /not valid JSON/],
      [{ $case: "index", index: 0 }, /index actions are not accepted/],
    ];
    for (const [action, message] of bad) {
      const err = await env.step(action).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(EnvError);
      expect((err as EnvError).reason).toBe("INVALID_ACTION");
      expect((err as EnvError).message).toMatch(message);
    }
    expect(driver.inputs()).toEqual([]);
  });

  it("scores the task from the device when the agent says status", async () => {
    let wifi = "0";
    const { env } = setup([fixture("home-launcher")], (cmd) => (cmd.endsWith("settings get global wifi_on") ? wifi + "\n" : undefined));
    await env.reset(0, { task: "SystemWifiTurnOn" });
    await env.observe(OBS);
    wifi = "1";
    const t = await env.step(json({ action_type: "status", goal_status: "complete" }));
    expect(t).toMatchObject({ reward: 1, terminated: true, info: { success: true } });
    await env.reset(0, { task: "SystemWifiTurnOn" });
    wifi = "0";
    expect(await env.step(json({ action_type: "status", goal_status: "complete" }))).toMatchObject({ reward: 0, terminated: true });
    expect(await env.step(json({ action_type: "status", goal_status: "infeasible" }))).toMatchObject({ reward: 0 });
    // AndroidWorld scores "infeasible" as it scores "complete": by the task's check on the device.
    await env.reset(0, { task: "SystemWifiTurnOn" });
    wifi = "1";
    expect(await env.step(json({ action_type: "status", goal_status: "infeasible" }))).toMatchObject({
      reward: 1,
      terminated: true,
      info: { success: true, goal_status: "infeasible" },
    });
  });

  it("an unknown action is a step that sends nothing", async () => {
    const { env, driver } = setup([fixture("home-launcher")]);
    await env.reset(0, { task: "SystemWifiTurnOn" });
    await env.observe(OBS);
    driver.calls = [];
    expect(await env.step(json({ action_type: "unknown" }))).toMatchObject({ reward: 0, terminated: false });
    expect(driver.inputs()).toEqual([]);
  });

  it("clones and restores through emulator snapshots, and deletes them on close", async () => {
    const { env, adb } = setup([fixture("home-launcher")], (cmd) => (cmd.includes(" emu ") ? "OK\n" : undefined));
    await env.reset(0, { task: "SystemWifiTurnOn" });
    const saved = await env.cloneState();
    const name = (saved.device as { snapshot: string }).snapshot;
    expect(name).toMatch(/^dynamind-/);
    expect(adb.calls).toContain(`-s emulator-5554 emu avd snapshot save ${name}`);
    await env.restoreState(saved);
    expect(adb.calls).toContain(`-s emulator-5554 emu avd snapshot load ${name}`);
    await env.close();
    expect(adb.calls).toContain(`-s emulator-5554 emu avd snapshot delete ${name}`);
  });

  it("reports a refused snapshot clearly", async () => {
    const { env } = setup([fixture("home-launcher")], (cmd) => (cmd.includes("snapshot load") ? "KO: snapshot 'x' not found\n" : undefined));
    await env.reset(0, { task: "SystemWifiTurnOn" });
    await expect(env.restoreState({ device: { snapshot: "x" }, task: "SystemWifiTurnOn", seed: 0, params: {}, answer: null })).rejects.toThrow(
      /emulator console refused "avd snapshot load x" on emulator-5554: snapshot 'x' not found/,
    );
  });
});

describe("AppiumDevice self-healing and stable observation", () => {
  function device(driver: FakeDriver, extra: Partial<ConstructorParameters<typeof AppiumDevice>[0]> = {}) {
    let connects = 0;
    const d = new AppiumDevice({
      appiumUrl: "http://127.0.0.1:4723",
      serial: "emulator-5554",
      adb: new Adb(scriptedAdb(() => undefined).run, "emulator-5554"),
      connect: async () => {
        connects++;
        return driver;
      },
      sleep: noSleep,
      ...extra,
    });
    return { d, connects: () => connects };
  }

  it("re-creates a lost session and repeats reads", async () => {
    const driver = new FakeDriver(fixture("home-launcher"));
    driver.failures.set("getPageSource", [new Error("invalid session id: A session is either terminated or not started")]);
    const { d, connects } = device(driver);
    const src = await d.pageSource();
    expect(src.elements).toHaveLength(10);
    expect(connects()).toBe(2);
  });

  it("an Appium transport failure in open_app is a retryable INTERNAL error, not the agent's INVALID_ACTION", async () => {
    const { env, driver } = setup([fixture("home-launcher")]);
    await env.reset(0, { task: "OpenAppTaskEval" });
    await env.observe(OBS);
    driver.failures.set("executeScript", [Object.assign(new Error("socket hang up"), { code: "ECONNRESET" })]);
    const err = await env.step(json({ action_type: "open_app", app_name: "Markor" })).then(
      () => undefined,
      (e: unknown) => e as EnvError,
    );
    expect(err).toMatchObject({ reason: "INTERNAL", retryable: true });
    expect(err!.message).toMatch(/connection to Appium broke during mobile: activateApp/);
    // The name itself is still the agent's mistake.
    await expect(env.step(json({ action_type: "open_app", app_name: "Nope" }))).rejects.toMatchObject({ reason: "INVALID_ACTION" });
  });

  it("does not repeat input whose fate is unknown, and says to retry", async () => {
    const driver = new FakeDriver(fixture("home-launcher"));
    driver.failures.set("performActions", [Object.assign(new Error("socket hang up"), { code: "ECONNRESET" })]);
    const { d } = device(driver);
    const err = await d.tap(1, 2).then(
      () => undefined,
      (e: unknown) => e as EnvError,
    );
    expect(err?.retryable).toBe(true);
    expect(err?.message).toMatch(/connection to Appium broke during tap/);
    expect(driver.calls.filter((c) => c.method === "performActions")).toHaveLength(0);
  });

  it("gives up after bounded reconnects with a clear retryable error", async () => {
    const driver = new FakeDriver(fixture("home-launcher"));
    driver.failures.set("getPageSource", Array.from({ length: 10 }, () => new Error("invalid session id")));
    const { d, connects } = device(driver, { reconnects: 2 });
    await expect(d.pageSource()).rejects.toThrow(/kept failing after 2 reconnects/);
    expect(connects()).toBe(3);
  });

  it("hands a lost device to the relaunch hook, a bounded number of times", async () => {
    const driver = new FakeDriver(fixture("home-launcher"));
    driver.failures.set("getPageSource", [new Error("Could not find a connected Android device in 20000ms"), new Error("device 'emulator-5554' not found")]);
    let relaunches = 0;
    const { d } = device(driver, { relaunches: 1, onDeviceLost: async () => void relaunches++ });
    await expect(d.pageSource()).rejects.toThrow(/device emulator-5554 is gone .*relaunch attempts are used up/);
    expect(relaunches).toBe(1);
    const lone = new FakeDriver(fixture("home-launcher"));
    lone.failures.set("getPageSource", [new Error("device offline")]);
    await expect(device(lone).d.pageSource()).rejects.toThrow(/device emulator-5554 is gone .*no pool manages it/);
  });

  it("classifies errors", () => {
    expect(classifyError(new Error("invalid session id"))).toBe("session-lost");
    expect(classifyError(new Error("connect ECONNREFUSED 127.0.0.1:4723"))).toBe("session-lost");
    expect(classifyError(new Error("socket hang up"))).toBe("connection-lost");
    expect(classifyError(new Error("device 'emulator-5554' not found"))).toBe("device-lost");
    expect(classifyError(new Error("An element could not be located"))).toBe("other");
  });

  it("waits until the element list is equal over 3 polls", async () => {
    const home = fixture("home-launcher");
    const contacts = fixture("contacts-editor");
    const driver = new FakeDriver(home, contacts, home, home, home);
    const { d } = device(driver);
    const r = await d.stableElements();
    expect(r).toMatchObject({ stable: true, polls: 5 });
    expect(r.elements).toHaveLength(10);
  });

  it("stops at the cap with the last list when the screen keeps changing", async () => {
    const a = fixture("home-launcher");
    const b = fixture("contacts-editor");
    const driver = new FakeDriver(...Array.from({ length: 50 }, (_, i) => (i % 2 ? a : b)));
    let now = 0;
    const { d } = device(driver, { stable: { polls: 3, intervalMs: 500, capMs: 6000 }, sleep: async (ms) => void (now += ms) });
    const realNow = Date.now;
    Date.now = () => now;
    try {
      const r = await d.stableElements();
      expect(r.stable).toBe(false);
      expect(r.polls).toBe(13); // t = 0, 0.5, …, 6 s
    } finally {
      Date.now = realNow;
    }
  });
});
