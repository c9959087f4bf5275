/**
 * android-web tasks of Settings, the launcher, Clock and Contacts
 * (AndroidWorld: single/system.py, composite/system.py, single/clock.py,
 * single/contacts.py). Clock and the contact draft are checked from what the
 * screen shows, as AndroidWorld checks them; the rest from the device's state.
 */
import { def, digits, FIRST, foreground, LAST, mean, norm, phoneNumber, type WebTask } from "./task-kit.js";
import { fuzzyMatch } from "../fuzzy.js";

/** AndroidWorld's OpenAppTaskEval apps (camera, clock, contacts, settings, dialer) that the web phone has. */
const OPENABLE = ["camera", "clock", "contacts", "settings"];

function toggle(name: string, key: "wifi" | "bluetooth", on: boolean, verify: boolean): WebTask {
  return def({
    name,
    app: "Settings",
    description: `${verify ? "verify" : "turn"} ${key} ${on ? "on" : "off"}${verify ? " (it already is)" : ""}`,
    params: () => ({ on_or_off: on ? "on" : "off" }),
    goal: (p) => `Turn ${key} ${p.on_or_off}.`,
    setup: () => {
      const start = verify ? on : !on;
      return { settings: { wifi: key === "wifi" ? start : true, bluetooth: key === "bluetooth" ? start : false, brightness: 50 } };
    },
    check: (s) => Number(s.settings[key] === on),
  });
}

function brightness(name: string, max: boolean, verify: boolean): WebTask {
  const target = max ? 100 : 0;
  return def({
    name,
    app: "Settings",
    description: `${verify ? "verify" : "turn"} brightness to the ${max ? "max" : "min"} value${verify ? " (it already is)" : ""}`,
    params: () => ({ max_or_min: max ? "max" : "min" }),
    goal: (p) => `Turn brightness to the ${p.max_or_min} value.`,
    // AndroidWorld starts the non-verify tasks at the opposite extreme.
    setup: () => ({ settings: { wifi: true, bluetooth: false, brightness: verify ? target : 100 - target } }),
    check: (s) => Number(s.settings.brightness === target),
  });
}

/** The Clock app is in front and the screen shows every one of these content descriptions. */
async function clockShows(fg: string, screen: () => Promise<{ contentDescription: string; text: string }[]>, test: (els: { contentDescription: string; text: string }[]) => boolean): Promise<number> {
  if (fg !== "clock") return 0;
  return Number(test(await screen()));
}

export const SYSTEM_TASKS: readonly WebTask[] = [
  toggle("SystemWifiTurnOn", "wifi", true, false),
  toggle("SystemWifiTurnOff", "wifi", false, false),
  toggle("SystemWifiTurnOnVerify", "wifi", true, true),
  toggle("SystemWifiTurnOffVerify", "wifi", false, true),
  toggle("SystemBluetoothTurnOn", "bluetooth", true, false),
  toggle("SystemBluetoothTurnOff", "bluetooth", false, false),
  toggle("SystemBluetoothTurnOnVerify", "bluetooth", true, true),
  toggle("SystemBluetoothTurnOffVerify", "bluetooth", false, true),
  brightness("SystemBrightnessMax", true, false),
  brightness("SystemBrightnessMin", false, false),
  brightness("SystemBrightnessMaxVerify", true, true),
  brightness("SystemBrightnessMinVerify", false, true),
  def({
    name: "TurnOffWifiAndTurnOnBluetooth",
    app: "Settings",
    description: "turn wifi off, then bluetooth on (score: half for each)",
    params: () => ({}),
    goal: () => "Turn off WiFi, then enable bluetooth",
    setup: () => ({ settings: { wifi: true, bluetooth: false, brightness: 50 } }),
    check: (s) => mean(!s.settings.wifi, s.settings.bluetooth),
  }),
  def({
    name: "TurnOnWifiAndOpenApp",
    app: "Settings",
    description: "turn wifi on, then open an app (score: half for each)",
    params: (rng) => ({ app_name: rng.pick(OPENABLE) }),
    goal: (p) => `Turn on Wifi, then open the ${p.app_name} app`,
    setup: () => ({ settings: { wifi: false, bluetooth: false, brightness: 50 } }),
    check: (s, p) => mean(s.settings.wifi, foreground(s) === p.app_name),
  }),
  def({
    name: "OpenAppTaskEval",
    app: "Launcher",
    description: "open an app (the foreground app is checked)",
    params: (rng) => ({ app_name: rng.pick(OPENABLE) }),
    goal: (p) => `Open the ${p.app_name} app. Clear any pop-ups that may appear by granting all permissions that are required.`,
    setup: () => ({}),
    check: (s, p) => Number(foreground(s) === p.app_name),
  }),
  def({
    name: "ClockStopWatchRunning",
    app: "Clock",
    description: "start the stopwatch (checked on screen: Clock in front showing Pause and Lap)",
    params: () => ({}),
    goal: () => "Run the stopwatch.",
    setup: () => ({}),
    check: (s, _p, _a, screen) => clockShows(foreground(s), screen, (els) => ["Pause", "Lap"].every((d) => els.some((e) => e.contentDescription === d))),
  }),
  def({
    name: "ClockStopWatchPausedVerify",
    app: "Clock",
    description: "verify the stopwatch is paused (it is, at 00:00; checked on screen: the stopwatch page with Start)",
    params: () => ({}),
    goal: () => "Pause the stopwatch.",
    setup: () => ({}),
    // AndroidWorld: a Start control and "Stopwatch" exactly twice (the page's title and its tab).
    check: (s, _p, _a, screen) =>
      clockShows(foreground(s), screen, (els) => els.some((e) => e.contentDescription === "Start") && els.filter((e) => e.contentDescription === "Stopwatch" || e.text === "Stopwatch").length === 2),
  }),
  def({
    name: "ClockTimerEntry",
    app: "Clock",
    description: "enter a timer duration without starting it (checked on screen: the timer shows it)",
    params: (rng) => ({ hours: rng.int(24), minutes: rng.int(60), seconds: rng.int(60) }),
    goal: (p) => `Create a timer with ${p.hours} hours, ${p.minutes} minutes, and ${p.seconds} seconds. Do not start the timer.`,
    setup: () => ({}),
    check: (s, p, _a, screen) => {
      const pad = (n: number) => String(n).padStart(2, "0");
      const text = `${pad(p.hours)}h ${pad(p.minutes)}m ${pad(p.seconds)}s`;
      const desc = `${p.hours} hours, ${p.minutes} minutes, ${p.seconds} seconds`;
      return clockShows(foreground(s), screen, (els) => els.some((e) => e.text === text || e.contentDescription === desc));
    },
  }),
  def({
    name: "ClockAddAlarm",
    app: "Clock",
    complexity: 1.4,
    description: "create an alarm at a time (not an AndroidWorld task)",
    params: (rng) => ({ hour: 5 + rng.int(5), minute: 5 * rng.int(12) }),
    goal: (p) => `Create an alarm at ${String(p.hour).padStart(2, "0")}:${String(p.minute).padStart(2, "0")} in the Clock app.`,
    setup: () => ({}),
    check: (s, p) => Number(s.clock.alarms.some((a) => a.hour === p.hour && a.minute === p.minute && a.enabled)),
  }),
  def({
    name: "ContactsAddContact",
    app: "Contacts",
    description: "create a contact with a name and number (contacts cleared first)",
    params: (rng) => ({ name: `${rng.pick(FIRST)} ${rng.pick(LAST)}`, number: phoneNumber(rng) }),
    goal: (p) => `Create a new contact for ${p.name}. Their number is ${p.number}.`,
    setup: () => ({ contacts: [] }),
    check: (s, p) => Number(s.contacts.some((c) => norm(`${c.first} ${c.last}`) === norm(p.name) && digits(c.phone) === digits(p.number))),
  }),
  def({
    name: "ContactsNewContactDraft",
    app: "Contacts",
    description: "fill in the new-contact form without saving (checked on the open form; names fuzzy)",
    params: (rng) => ({
      first: rng.pick(["Alice", "Bob", "Charlie", "David", "Eva", "Frank", "Grace", "Hannah", "Ivan", "Jack"]),
      last: rng.pick(["Johnson", "Smith", "Brown", "Taylor", "Adams", "Wilson", "Lee", "White", "Harris", "Clark"]),
      phone: `${100 + rng.int(900)}-${100 + rng.int(900)}-${1000 + rng.int(9000)}`,
      phone_label: rng.pick(["Home", "Work"]),
    }),
    goal: (p) => `Go to the new contact screen and enter the following details: First Name: ${p.first}, Last Name: ${p.last}, Phone: ${p.phone}, Phone Label: ${p.phone_label}. Do NOT hit save.`,
    setup: () => ({ contacts: [] }),
    check: (s, p) => {
      const f = (k: string) => s.forms[k] ?? "";
      const onForm = s.stack[s.stack.length - 1]!.s === "contacts.edit";
      return Number(onForm && fuzzyMatch(f("c_first"), p.first) && fuzzyMatch(f("c_last"), p.last) && digits(f("c_phone")) === digits(p.phone) && f("c_label") === p.phone_label);
    },
  }),
];
