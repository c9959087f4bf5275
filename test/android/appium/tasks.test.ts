import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { Adb, normalizePhone, parseContentRows, parseForegroundPackage, shQuote } from "../../../adapters/android/appium/adb.js";
import { AppDataSnapshots } from "../../../adapters/android/appium/snapshots.js";
import { APPIUM_TASKS, APPIUM_TASKS_BY_NAME, type AdbDevice } from "../../../adapters/android/appium/tasks.js";
import { parsePageSource } from "../../../adapters/android/appium/page-source.js";
import { Rng } from "../../../adapters/kit/rng.js";
import { scriptedAdb } from "./fakes.js";

const METADATA = new URL("../../../../shared/reference/androidworld/task_metadata.json", import.meta.url);

/** A device whose adb answers from `answers` (first matching substring wins). */
function fakeDevice(answers: [string, string][], screen?: string): { device: AdbDevice; calls: string[] } {
  const { run, calls } = scriptedAdb((cmd) => answers.find(([k]) => cmd.includes(k))?.[1]);
  const adb = new Adb(run, "emulator-5554");
  const device = {
    adb,
    appData: new AppDataSnapshots(adb),
    elementTree: async () => (screen ? parsePageSource(screen).nodes : []),
  } as unknown as AdbDevice;
  return { device, calls };
}

const task = (name: string) => APPIUM_TASKS_BY_NAME.get(name)!;
const params = (name: string, seed = 1) => task(name).params(Rng.fromSeed(seed, 1));

// Outputs recorded from an API 33 emulator (sdk_gphone64_x86_64).
const CONTACTS_QUERY = "Row: 0 display_name=Alice Smith, data1=(555) 010-2030\nRow: 1 display_name=Bob, data1=+1 650-555-0000\n";
const SMS_QUERY = "Row: 0 address=+15550102030, body=Dinner at 7, at the usual place.\n";
const DUMPSYS_SETTINGS = "    topResumedActivity=ActivityRecord{5e0b2d1 u0 com.android.settings/.Settings t12}\n  ResumedActivity: ActivityRecord{5e0b2d1 u0 com.android.settings/.Settings t12}\n";

describe("adb output parsing", () => {
  it("parses content query rows, with commas inside values", () => {
    expect(parseContentRows(CONTACTS_QUERY)).toEqual([
      { display_name: "Alice Smith", data1: "(555) 010-2030" },
      { display_name: "Bob", data1: "+1 650-555-0000" },
    ]);
    expect(parseContentRows(SMS_QUERY)).toEqual([{ address: "+15550102030", body: "Dinner at 7, at the usual place." }]);
    expect(parseContentRows("No result found.\n")).toEqual([]);
  });

  it("finds the foreground package in dumpsys output", () => {
    expect(parseForegroundPackage(DUMPSYS_SETTINGS)).toBe("com.android.settings");
    expect(parseForegroundPackage("  mResumedActivity: ActivityRecord{a1 u0 net.gsantner.markor/.activity.MainActivity t5}")).toBe("net.gsantner.markor");
    expect(parseForegroundPackage("")).toBe("");
  });

  it("normalises phone numbers and quotes shell arguments", () => {
    expect(normalizePhone("+1 (555) 010-2030")).toBe("5550102030");
    expect(shQuote("simple")).toBe("simple");
    expect(shQuote("it's a file.md")).toBe(`'it'\\''s a file.md'`);
  });

  it("raises a clear, retryable error when the device is gone", async () => {
    const adb = new Adb(async () => ({ stdout: "", stderr: "adb: device 'emulator-5554' not found", code: 1 }), "emulator-5554");
    await expect(adb.shell("true")).rejects.toMatchObject({ reason: "INTERNAL", retryable: true, message: expect.stringMatching(/device 'emulator-5554' not found/) });
  });
});

describe("AndroidWorld tasks (success checks over recorded adb outputs)", () => {
  it("has at least 10 tasks with AndroidWorld names", () => {
    expect(APPIUM_TASKS.length).toBeGreaterThanOrEqual(10);
    if (!existsSync(METADATA)) {
      console.warn(`skipping the name check: ${METADATA.pathname} is absent`);
      return;
    }
    const names = new Set((JSON.parse(readFileSync(METADATA, "utf8")) as { task_name: string }[]).map((t) => t.task_name));
    for (const t of APPIUM_TASKS) expect(names.has(t.name), t.name).toBe(true);
  });

  it("draws the same parameters for the same seed", () => {
    for (const t of APPIUM_TASKS) expect(t.params(Rng.fromSeed(9, 1))).toEqual(t.params(Rng.fromSeed(9, 1)));
    expect(task("ContactsAddContact").goal(params("ContactsAddContact"))).toMatch(/^Create a new contact for \w+ \w+\. Their number is \(\d{3}\) \d{3}-\d{4}\.$/);
  });

  it("wifi and bluetooth toggles read settings global", async () => {
    const on = fakeDevice([["wifi_on", "1\n"], ["bluetooth_on", "0\n"]]).device;
    expect(await task("SystemWifiTurnOn").isSuccessful(on, {}, undefined)).toBe(1);
    expect(await task("SystemWifiTurnOff").isSuccessful(on, {}, undefined)).toBe(0);
    expect(await task("SystemBluetoothTurnOff").isSuccessful(on, {}, undefined)).toBe(1);
    expect(await task("SystemBluetoothTurnOn").isSuccessful(on, {}, undefined)).toBe(0);
    const both = fakeDevice([["wifi_on", "0\n"], ["bluetooth_on", "1\n"]]).device;
    expect(await task("TurnOffWifiAndTurnOnBluetooth").isSuccessful(both, {}, undefined)).toBe(1);
  });

  it("initialize puts the device in the opposite state first", async () => {
    const { device, calls } = fakeDevice([]);
    await task("SystemWifiTurnOn").initialize(device, {});
    expect(calls).toEqual(["-s emulator-5554 shell svc wifi disable", "-s emulator-5554 shell input keyevent 3"]);
  });

  it("brightness reads settings system screen_brightness", async () => {
    expect(await task("SystemBrightnessMax").isSuccessful(fakeDevice([["screen_brightness", "255\n"]]).device, {}, undefined)).toBe(1);
    expect(await task("SystemBrightnessMax").isSuccessful(fakeDevice([["screen_brightness", "128\n"]]).device, {}, undefined)).toBe(0);
    expect(await task("SystemBrightnessMin").isSuccessful(fakeDevice([["screen_brightness", "1\n"]]).device, {}, undefined)).toBe(1);
  });

  it("ContactsAddContact queries the contacts provider", async () => {
    const p = { name: "Alice Smith", number: "(555) 010-2030" };
    const { device, calls } = fakeDevice([["content query", CONTACTS_QUERY]]);
    expect(await task("ContactsAddContact").isSuccessful(device, p, undefined)).toBe(1);
    expect(calls[0]).toBe("-s emulator-5554 shell content query --uri content://com.android.contacts/data/phones --projection display_name:data1");
    expect(await task("ContactsAddContact").isSuccessful(device, { ...p, number: "555 010 9999" }, undefined)).toBe(0);
    const init = fakeDevice([["pm clear", "Success\n"]]);
    await task("ContactsAddContact").initialize(init.device, p);
    expect(init.calls[0]).toBe("-s emulator-5554 shell pm clear com.android.providers.contacts");
  });

  it("SimpleSmsSend queries content://sms/sent, fuzzy on the body, with Simple SMS Messenger in front", async () => {
    const smsFront: [string, string] = ["dumpsys activity", "  ResumedActivity: ActivityRecord{1 u0 com.simplemobiletools.smsmessenger/.activities.MainActivity t4}"];
    const { device } = fakeDevice([["content query", SMS_QUERY], smsFront]);
    expect(await task("SimpleSmsSend").isSuccessful(device, { number: "5550102030", message: "Dinner at 7, at the usual place." }, undefined)).toBe(1);
    expect(await task("SimpleSmsSend").isSuccessful(device, { number: "5550102030", message: "dinner at 7 at the usual place" }, undefined)).toBe(1);
    expect(await task("SimpleSmsSend").isSuccessful(device, { number: "5550102030", message: "other" }, undefined)).toBe(0);
    const home = fakeDevice([["content query", SMS_QUERY], ["dumpsys activity", "  ResumedActivity: ActivityRecord{1 u0 com.google.android.apps.nexuslauncher/.NexusLauncherActivity t1}"]]).device;
    expect(await task("SimpleSmsSend").isSuccessful(home, { number: "5550102030", message: "Dinner at 7, at the usual place." }, undefined)).toBe(0);
  });

  it("Markor tasks read files under /sdcard/Markor", async () => {
    const p = { file_name: "ideas_plans_3.md", text: "Buy milk, eggs and bread." };
    const ok = fakeDevice([["cat", "y\nBuy milk, eggs and bread.\n"]]);
    expect(await task("MarkorCreateNote").isSuccessful(ok.device, p, undefined)).toBe(1);
    expect(ok.calls[0]).toContain("cat /sdcard/Markor/ideas_plans_3.md");
    expect(await task("MarkorCreateNote").isSuccessful(fakeDevice([["cat", "n\n"]]).device, p, undefined)).toBe(0);
    expect(await task("MarkorCreateFolder").isSuccessful(fakeDevice([["-d", "yes\n"]]).device, { folder_name: "x" }, undefined)).toBe(1);
    expect(await task("MarkorDeleteAllNotes").isSuccessful(fakeDevice([["wc -l", "0\n"]]).device, {}, undefined)).toBe(1);
    expect(await task("MarkorDeleteAllNotes").isSuccessful(fakeDevice([["wc -l", "2\n"]]).device, {}, undefined)).toBe(0);
  });

  it("FilesDeleteFile needs the file gone and the folder kept", async () => {
    const p = { file_name: "a.txt", subfolder: "Download" };
    const gone = fakeDevice([["Download/a.txt", "no\n"], ["/sdcard/Download ]", "yes\n"]]);
    expect(await task("FilesDeleteFile").isSuccessful(gone.device, p, undefined)).toBe(1);
    const still = fakeDevice([["Download/a.txt", "yes\n"], ["/sdcard/Download ]", "yes\n"]]);
    expect(await task("FilesDeleteFile").isSuccessful(still.device, p, undefined)).toBe(0);
  });

  it("OpenAppTaskEval compares the resumed activity's package", async () => {
    const { device } = fakeDevice([["dumpsys activity", DUMPSYS_SETTINGS]]);
    expect(await task("OpenAppTaskEval").isSuccessful(device, { app_name: "Settings" }, undefined)).toBe(1);
    expect(await task("OpenAppTaskEval").isSuccessful(device, { app_name: "Clock" }, undefined)).toBe(0);
  });

  it("ClockStopWatchRunning reads the Clock's screen for Pause and Lap controls", async () => {
    const clock = `<hierarchy rotation="0"><android.widget.FrameLayout package="com.google.android.deskclock" class="android.widget.FrameLayout" bounds="[0,0][1080,2400]" displayed="true"><android.widget.ImageButton package="com.google.android.deskclock" class="android.widget.ImageButton" content-desc="Lap" bounds="[100,1900][340,2140]" displayed="true" /><android.widget.ImageButton package="com.google.android.deskclock" class="android.widget.ImageButton" content-desc="Pause" bounds="[420,1900][660,2140]" displayed="true" /></android.widget.FrameLayout></hierarchy>`;
    const front = [["dumpsys activity", "  ResumedActivity: ActivityRecord{1 u0 com.google.android.deskclock/com.android.deskclock.DeskClock t3}"]] as [string, string][];
    expect(await task("ClockStopWatchRunning").isSuccessful(fakeDevice(front, clock).device, {}, undefined)).toBe(1);
    expect(await task("ClockStopWatchRunning").isSuccessful(fakeDevice(front, clock.replace("Pause", "Start")).device, {}, undefined)).toBe(0);
    expect(await task("ClockStopWatchRunning").isSuccessful(fakeDevice(front, clock.replace('content-desc="Lap"', 'content-desc="Reset"')).device, {}, undefined)).toBe(0);
  });

  it("per-app data snapshots copy /data/data and fall back to pm clear", async () => {
    const { device, calls } = fakeDevice([["DM_NO_SNAPSHOT", "DM_NO_SNAPSHOT\n"], ["pm clear", "Success\n"]]);
    expect(await device.appData.restore("net.gsantner.markor")).toBe("cleared");
    expect(calls[1]).toBe("-s emulator-5554 shell pm clear net.gsantner.markor");
    expect(device.appData.saveCommand("net.gsantner.markor")).toContain("cp -a /data/data/net.gsantner.markor /data/local/tmp/dynamind_app_snapshots/net.gsantner.markor");
    expect(() => device.appData.saveCommand("../etc")).toThrow(/not a package name/);
  });
});
