/**
 * AndroidWorld tasks for the Appium backend, with real success checks read from
 * the device through adb (settings, content providers, files, the resumed
 * activity). They implement the shared task model (`../task.ts`) over an
 * {@link AdbDevice}; names, goals and parameters follow AndroidWorld's task list,
 * and parameters come from the episode seed only. `initialize` puts the device in
 * the task's start condition; `isSuccessful` returns 0..1 and is asked when the
 * agent ends the episode with `status` (AndroidWorld counts a run only then).
 */
import type { DeviceBackend } from "../../../emulator/device/contract.js";
import { androidWorldComplexity } from "../androidworld.js";
import { fuzzyMatch } from "../fuzzy.js";
import type { AndroidTask } from "../task.js";
import { toUiElements } from "../ui-elements.js";
import type { Rng } from "../../kit/rng.js";
import { normalizePhone, shQuote, type Adb } from "./adb.js";
import { findApp } from "./apps.js";
import type { AppDataSnapshots } from "./snapshots.js";

/** A device whose state the checks can read through adb. */
export interface AdbDevice extends DeviceBackend {
  readonly adb: Adb;
  readonly appData: AppDataSnapshots;
}

export type StringParams = Record<string, string>;

/** An Appium-backend task: the shared model plus what its check reads (for ListEnvs and the README). */
export interface AppiumTask extends AndroidTask<AdbDevice, StringParams> {
  /** AndroidWorld's goal template, with {placeholders}. */
  readonly template: string;
  readonly check: string;
}

interface TaskSpec {
  name: string;
  app: string;
  template: string;
  check: string;
  params?: (rng: Rng) => StringParams;
  initialize(device: AdbDevice, p: StringParams): Promise<void>;
  score(device: AdbDevice, p: StringParams): Promise<boolean>;
}

function task(spec: TaskSpec): AppiumTask {
  return {
    name: spec.name,
    app: spec.app,
    complexity: androidWorldComplexity(spec.name),
    template: spec.template,
    check: spec.check,
    description: `${spec.template} (check: ${spec.check})`,
    params: (rng) => (spec.params ? spec.params(rng) : {}),
    goal: (p) => spec.template.replace(/\{(\w+)\}/g, (whole, k: string) => p[k] ?? whole),
    initialize: (device, p) => spec.initialize(device, p),
    isSuccessful: async (device, p) => ((await spec.score(device, p)) ? 1 : 0),
  };
}

// ---- parameter pools (our own; AndroidWorld draws from similar lists) ----
const FIRST = ["Alice", "Bruno", "Chen", "Dana", "Emeka", "Fatima", "Goran", "Hana", "Ivan", "Julia", "Kenji", "Lena", "Mateo", "Nadia", "Omar", "Priya"];
const LAST = ["Smith", "Garcia", "Kowalski", "Okafor", "Tanaka", "Novak", "Haddad", "Silva", "Meyer", "Rossi", "Khan", "Larsen"];
const WORDS = ["grocery", "meeting", "ideas", "travel", "budget", "recipes", "workout", "reading", "project", "garden", "birthday", "plans"];
const SENTENCES = [
  "Buy milk, eggs and bread.",
  "Call the plumber on Monday.",
  "The meeting moved to 3pm.",
  "Remember to water the plants.",
  "Pack the charger and passport.",
  "Dinner at 7 at the usual place.",
];
const OPENABLE = ["Settings", "Clock", "Contacts", "Camera", "Chrome", "Files", "Markor", "Simple SMS Messenger", "Simple Calendar Pro", "Audio Recorder"];
const FOLDERS = ["Download", "Documents", "Pictures", "Music", "Movies"];

const phone = (rng: Rng) => `${200 + rng.int(700)}${String(rng.int(10_000_000)).padStart(7, "0")}`;
const fmtPhone = (d: string) => `(${d.slice(0, 3)}) ${d.slice(3, 6)}-${d.slice(6)}`;
const noteName = (rng: Rng, ext: string) => `${rng.pick(WORDS)}_${rng.pick(WORDS)}_${rng.int(100)}${ext}`;

// ---- device helpers ----
const MARKOR_DIR = "/sdcard/Markor";
const CLOCK = "com.google.android.deskclock";

async function wifi(d: AdbDevice, on: boolean): Promise<void> {
  await d.adb.shell(`svc wifi ${on ? "enable" : "disable"}`);
}
async function wifiOn(d: AdbDevice): Promise<boolean> {
  const v = await d.adb.setting("global", "wifi_on");
  return v !== "0" && v !== "null" && v !== "";
}
async function bluetooth(d: AdbDevice, on: boolean): Promise<void> {
  const verb = on ? "enable" : "disable";
  await d.adb.shell(`cmd bluetooth_manager ${verb} 2>/dev/null || svc bluetooth ${verb}`);
}
async function bluetoothOn(d: AdbDevice): Promise<boolean> {
  return (await d.adb.setting("global", "bluetooth_on")) === "1";
}
async function brightness(d: AdbDevice): Promise<number> {
  return Number(await d.adb.setting("system", "screen_brightness"));
}
async function goHome(d: AdbDevice): Promise<void> {
  await d.adb.shell("input keyevent 3");
}
async function resetMarkor(d: AdbDevice): Promise<void> {
  await d.adb.shell(`rm -rf ${MARKOR_DIR} && mkdir -p ${MARKOR_DIR}`);
}

function toggleTask(name: string, thing: "wifi" | "bluetooth", on: boolean): AppiumTask {
  return task({
    name,
    app: "Settings",
    template: `Turn ${thing} ${on ? "on" : "off"}.`,
    check: `settings get global ${thing === "wifi" ? "wifi_on" : "bluetooth_on"} is ${on ? "on" : "0"}`,
    async initialize(d) {
      await (thing === "wifi" ? wifi(d, !on) : bluetooth(d, !on));
      await goHome(d);
    },
    async score(d) {
      return (thing === "wifi" ? await wifiOn(d) : await bluetoothOn(d)) === on;
    },
  });
}

function brightnessTask(name: string, max: boolean): AppiumTask {
  return task({
    name,
    app: "Settings",
    template: `Turn brightness to the ${max ? "max" : "min"} value.`,
    check: `settings get system screen_brightness is ${max ? "255" : "at most 1"}`,
    async initialize(d) {
      await d.adb.putSetting("system", "screen_brightness_mode", "0");
      await d.adb.putSetting("system", "screen_brightness", "128");
      await goHome(d);
    },
    async score(d) {
      const b = await brightness(d);
      return max ? b >= 255 : b <= 1;
    },
  });
}

/** The tasks, in ListEnvs order. */
export const APPIUM_TASKS: readonly AppiumTask[] = [
  toggleTask("SystemWifiTurnOn", "wifi", true),
  toggleTask("SystemWifiTurnOff", "wifi", false),
  toggleTask("SystemBluetoothTurnOn", "bluetooth", true),
  toggleTask("SystemBluetoothTurnOff", "bluetooth", false),
  brightnessTask("SystemBrightnessMax", true),
  brightnessTask("SystemBrightnessMin", false),
  task({
    name: "TurnOffWifiAndTurnOnBluetooth",
    app: "Settings",
    template: "Turn off WiFi, then enable bluetooth",
    check: "wifi_on is 0 and bluetooth_on is 1",
    async initialize(d) {
      await wifi(d, true);
      await bluetooth(d, false);
      await goHome(d);
    },
    async score(d) {
      return !(await wifiOn(d)) && (await bluetoothOn(d));
    },
  }),
  task({
    name: "OpenAppTaskEval",
    app: "any",
    template: "Open the {app_name} app. Clear any pop-ups that may appear by granting all permissions that are required.",
    check: "the resumed activity (dumpsys activity) belongs to the app's package",
    params: (rng) => ({ app_name: rng.pick(OPENABLE) }),
    async initialize(d) {
      await goHome(d);
    },
    async score(d, p) {
      return (await d.adb.foregroundPackage()) === findApp(p.app_name!)?.package;
    },
  }),
  task({
    name: "TurnOnWifiAndOpenApp",
    app: "Settings",
    template: "Turn on Wifi, then open the {app_name} app",
    check: "wifi_on is on and the resumed activity belongs to the app",
    params: (rng) => ({ app_name: rng.pick(OPENABLE) }),
    async initialize(d) {
      await wifi(d, false);
      await goHome(d);
    },
    async score(d, p) {
      return (await wifiOn(d)) && (await d.adb.foregroundPackage()) === findApp(p.app_name!)?.package;
    },
  }),
  task({
    name: "ContactsAddContact",
    app: "Contacts",
    template: "Create a new contact for {name}. Their number is {number}.",
    check: "content://com.android.contacts/data/phones has a row with that display_name and number",
    params: (rng) => ({ name: `${rng.pick(FIRST)} ${rng.pick(LAST)}`, number: fmtPhone(phone(rng)) }),
    async initialize(d) {
      await d.appData.clear("com.android.providers.contacts");
      await goHome(d);
    },
    async score(d, p) {
      const rows = await d.adb.contentQuery("content://com.android.contacts/data/phones", ["display_name", "data1"]);
      return rows.some((r) => (r.display_name ?? "").trim() === p.name && normalizePhone(r.data1 ?? "") === normalizePhone(p.number!));
    },
  }),
  task({
    name: "SimpleSmsSend",
    app: "Simple SMS Messenger",
    template: "Send a text message using Simple SMS Messenger to {number} with message: {message}",
    check: "content://sms/sent has a message to that address whose body fuzzy-matches, and Simple SMS Messenger is in front (AndroidWorld's rule)",
    params: (rng) => ({ number: phone(rng), message: rng.pick(SENTENCES) }),
    async initialize(d) {
      await d.adb.shell("content delete --uri content://sms");
      await goHome(d);
    },
    async score(d, p) {
      const rows = await d.adb.contentQuery("content://sms/sent", ["address", "body"]);
      const sent = rows.some((r) => normalizePhone(r.address ?? "") === normalizePhone(p.number!) && fuzzyMatch(r.body ?? "", p.message!));
      return sent && (await d.adb.foregroundPackage()) === "com.simplemobiletools.smsmessenger";
    },
  }),
  task({
    name: "MarkorCreateNote",
    app: "Markor",
    template: "Create a new note in Markor named {file_name} with the following text: {text}",
    check: "/sdcard/Markor/{file_name} exists and its text fuzzy-matches",
    params: (rng) => ({ file_name: noteName(rng, ".md"), text: rng.pick(SENTENCES) }),
    async initialize(d) {
      await resetMarkor(d);
      await goHome(d);
    },
    async score(d, p) {
      const body = await d.adb.readFile(`${MARKOR_DIR}/${p.file_name}`);
      return body !== undefined && fuzzyMatch(body.trim(), p.text!);
    },
  }),
  task({
    name: "MarkorCreateFolder",
    app: "Markor",
    template: "Create a new folder in Markor named {folder_name}.",
    check: "/sdcard/Markor/{folder_name} is a directory",
    params: (rng) => ({ folder_name: `${rng.pick(WORDS)}_${rng.int(1000)}` }),
    async initialize(d) {
      await resetMarkor(d);
      await goHome(d);
    },
    async score(d, p) {
      const out = await d.adb.shell(`[ -d ${shQuote(`${MARKOR_DIR}/${p.folder_name}`)} ] && echo yes || echo no`);
      return out.trim() === "yes";
    },
  }),
  task({
    name: "MarkorDeleteAllNotes",
    app: "Markor",
    template: "Delete all my notes in Markor.",
    check: "no files are left under /sdcard/Markor",
    params: (rng) => ({ notes: [0, 1, 2].map(() => noteName(rng, ".md")).join(",") }),
    async initialize(d, p) {
      await resetMarkor(d);
      for (const n of p.notes!.split(",")) await d.adb.shell(`echo note > ${shQuote(`${MARKOR_DIR}/${n}`)}`);
      await goHome(d);
    },
    async score(d) {
      return (await d.adb.shell(`find ${MARKOR_DIR} -type f | wc -l`)).trim() === "0";
    },
  }),
  task({
    name: "FilesDeleteFile",
    app: "Files",
    template: "Delete the file {file_name} from the Android filesystem located in the {subfolder} folder within the sdk_gphone_x86_64 storage area.",
    check: "the file is gone and its folder is still there",
    params: (rng) => ({ file_name: noteName(rng, ".txt"), subfolder: rng.pick(FOLDERS) }),
    async initialize(d, p) {
      const dir = `/sdcard/${p.subfolder}`;
      await d.adb.shell(`mkdir -p ${shQuote(dir)} && echo dynamind > ${shQuote(`${dir}/${p.file_name}`)}`);
      await goHome(d);
    },
    async score(d, p) {
      const dir = `/sdcard/${p.subfolder}`;
      return !(await d.adb.exists(`${dir}/${p.file_name}`)) && (await d.adb.exists(dir));
    },
  }),
  task({
    name: "ClockStopWatchRunning",
    app: "Clock",
    template: "Run the stopwatch.",
    check: "the Clock app is in front and its stopwatch shows Pause and Lap controls (read from the screen, as AndroidWorld does)",
    async initialize(d) {
      await d.appData.clear(CLOCK);
      await goHome(d);
    },
    async score(d) {
      if ((await d.adb.foregroundPackage()) !== CLOCK) return false;
      const elements = toUiElements(await d.elementTree());
      const shows = (label: string) => elements.some((e) => e.packageName === CLOCK && e.contentDescription === label);
      return shows("Pause") && shows("Lap");
    },
  }),
];

export const APPIUM_TASKS_BY_NAME: ReadonlyMap<string, AppiumTask> = new Map(APPIUM_TASKS.map((t) => [t.name, t]));
