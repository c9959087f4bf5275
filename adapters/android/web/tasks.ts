/**
 * Tasks of the browser-hosted device. Names are AndroidWorld's where the intent is
 * the same; goals follow AndroidWorld's templates. Each task seeds its app's data
 * (initialize = a fresh device with that data, home screen) and its success check
 * reads the apps' state. Complexity values are ours (AndroidWorld's per-task values
 * are not in its metadata); the step budget is int(10 × complexity).
 */
import type { Rng } from "../../kit/rng.js";
import type { WebDevice } from "../../../emulator/web-device/web-device.js";
import { DEVICE_START, TODAY, type CalendarEvent, type DeviceState, type Expense, type Note, type SmsThread, type TaskItem } from "../../../emulator/web-device/state.js";
import { answersMatch, type AndroidTask, type TaskParams } from "../task.js";

type P = Record<string, string | number | boolean | string[] | number[]>;

interface Def<Q extends P> {
  name: string;
  app: string;
  complexity: number;
  description: string;
  params: (rng: Rng) => Q;
  goal: (p: Q) => string;
  setup: (p: Q) => Partial<DeviceState>;
  check: (s: DeviceState, p: Q, answer: string | undefined) => number;
  answer?: (p: Q) => string;
}

export type WebTask = AndroidTask<WebDevice, TaskParams>;

function def<Q extends P>(d: Def<Q>): WebTask {
  const task: AndroidTask<WebDevice, Q> = {
    name: d.name,
    app: d.app,
    complexity: d.complexity,
    description: d.description,
    params: d.params,
    goal: d.goal,
    initialize: (device, p) => device.load(d.setup(p)),
    isSuccessful: async (device, p, answer) => d.check(await device.readState(), p, answer),
    ...(d.answer ? { expectedAnswer: d.answer } : {}),
  };
  return task as unknown as WebTask;
}

// ---------- data ----------
const FIRST = ["Emma", "Liam", "Olivia", "Noah", "Ava", "Elijah", "Sophia", "Lucas", "Mia", "Mateo", "Isabella", "Ethan", "Chloe", "Omar", "Hana", "Yuki"];
const LAST = ["Garcia", "Smith", "Nguyen", "Kim", "Patel", "Rossi", "Okafor", "Schmidt", "Silva", "Cohen", "Ito", "Brown"];
const WORDS = ["grocery", "meeting", "ideas", "travel", "budget", "recipes", "workout", "books", "reminders", "project", "garden", "movies"];
const SENTENCES = ["Buy milk and eggs", "Call the plumber on Monday", "Finish the quarterly report", "Book flights to Lisbon", "Water the plants twice a week", "Try the new pasta recipe", "Renew the library card", "Plan the birthday party"];
const EXPENSE_NAMES = ["Lunch", "Taxi", "Groceries", "Coffee", "Movie tickets", "Gym membership", "Phone bill", "Books", "Dinner", "Parking"];
const CATEGORIES = ["Food", "Transportation", "Entertainment", "Utilities", "Others", "Health"];
const EVENT_TITLES = ["Team sync", "Dentist", "Yoga class", "Project review", "Lunch with Ana", "Budget meeting", "Piano lesson", "Code review"];
const LOCATIONS = ["Room 204", "Main Street Clinic", "City Park", "Cafe Luna", "Library", "Office 3B"];
const TASK_TITLES = ["Pay rent", "Submit expense report", "Buy groceries", "Fix the bike", "Call grandma", "Prepare slides", "Clean garage", "Book dentist", "Update resume", "Renew passport"];
const FOLDERS = ["Download", "Documents", "Pictures", "DCIM", "Music"];
const FILE_NAMES = ["report_2023.pdf", "holiday.jpg", "notes.txt", "receipt_0412.png", "song.mp3", "invoice.pdf", "scan_001.pdf", "budget.xlsx", "photo_12.jpg", "draft.docx"];
const APPS_FOR_OPEN = ["Contacts", "Clock", "Markor", "Settings", "Pro Expense", "Simple Calendar Pro", "Tasks", "Files"];
const APP_SCREEN: Record<string, string> = { Contacts: "contacts", Clock: "clock", Markor: "markor", "Simple SMS Messenger": "sms", Settings: "settings", "Pro Expense": "expense", "Simple Calendar Pro": "calendar", Tasks: "tasks", Files: "files" };

const phoneNumber = (rng: Rng) => `+1555${String(1000000 + rng.int(9000000))}`;
const digits = (s: string) => s.replace(/[^0-9]/g, "");
const sample = <T>(rng: Rng, items: readonly T[], n: number): T[] => rng.shuffle([...items]).slice(0, n);
const dateAt = (offsetDays: number) => new Date(Date.UTC(2023, 9, 15 + offsetDays)).toISOString().slice(0, 10);
const top = (s: DeviceState) => s.stack[s.stack.length - 1]!.s;
const mean = (...xs: boolean[]) => xs.filter(Boolean).length / xs.length;
const norm = (s: string) => s.trim().replace(/\s+/g, " ").toLowerCase();

/** Notes whose modification times increase along the list (the last is the newest). */
function notesFor(names: readonly string[]): Note[] {
  return names.map((name, i) => ({ name, content: SENTENCES[(i * 3) % SENTENCES.length]!, mtime: DEVICE_START - (names.length - i) * 3_600_000 }));
}
function expensesFor(rng: Rng, n: number): Expense[] {
  return sample(rng, EXPENSE_NAMES, n).map((name, i) => ({ id: 100 + i, name, amount: 100 * (2 + rng.int(80)) + 25 * rng.int(4), category: rng.pick(CATEGORIES), note: "", date: dateAt(-rng.int(10)) }));
}
function threadsFor(rng: Rng, n: number): SmsThread[] {
  const names = sample(rng, FIRST, n);
  return names.map((name, i) => ({
    number: phoneNumber(rng),
    name,
    messages: [{ from: "them" as const, text: rng.pick(["Are we still on for tonight?", "Thanks!", "Call me when you can", "See you tomorrow", "Did you get my email?"]), time: DEVICE_START - (i + 1) * 1_800_000 - rng.int(1_000_000) }],
  }));
}
function eventsFor(rng: Rng): CalendarEvent[] {
  const titles = sample(rng, EVENT_TITLES, 6);
  const days = sample(rng, [0, 1, 2, 3, 5, 6], 4).sort((a, b) => a - b);
  return titles.map((title, i) => ({ id: 200 + i, title, description: "", location: rng.pick(LOCATIONS), date: dateAt(days[i % days.length]!), hour: 8 + ((i * 3 + rng.int(3)) % 11), minute: 0, durationMin: 60 }));
}
function tasksFor(rng: Rng): TaskItem[] {
  const titles = sample(rng, TASK_TITLES, 8);
  return titles.map((title, i) => ({ id: 300 + i, title, due: dateAt(rng.int(4)), priority: (["high", "medium", "low"] as const)[i % 3]!, completed: i % 4 === 3 }));
}

function toggleTask(name: string, key: "wifi" | "bluetooth", on: boolean): WebTask {
  const label = key === "wifi" ? "wifi" : "bluetooth";
  return def({
    name,
    app: "Settings",
    complexity: 1,
    description: `turn ${label} ${on ? "on" : "off"}`,
    params: () => ({ on_or_off: on ? "on" : "off" }),
    goal: (p) => `Turn ${label} ${p.on_or_off}.`,
    setup: () => ({ settings: { wifi: key === "wifi" ? !on : true, bluetooth: key === "bluetooth" ? !on : false, brightness: 50 } }),
    check: (s) => Number(s.settings[key] === on),
  });
}

function brightnessTask(name: string, max: boolean): WebTask {
  return def({
    name,
    app: "Settings",
    complexity: 1,
    description: `turn brightness to the ${max ? "max" : "min"} value`,
    params: (rng) => ({ max_or_min: max ? "max" : "min", start: 20 + rng.int(60) }),
    goal: (p) => `Turn brightness to the ${p.max_or_min} value.`,
    setup: (p) => ({ settings: { wifi: true, bluetooth: false, brightness: p.start } }),
    check: (s) => Number(s.settings.brightness === (max ? 100 : 0)),
  });
}

function calendarAnswer(p: { date: string; events: string }): string {
  return (JSON.parse(p.events) as CalendarEvent[])
    .filter((e) => e.date === p.date)
    .sort((a, b) => a.hour - b.hour)
    .map((e) => e.title)
    .join(", ");
}

function tasksAnswer(name: string, description: string, goal: (date: string) => string, pick: (t: TaskItem, date: string) => boolean, withDate: boolean): WebTask {
  return def({
    name,
    app: "Tasks",
    complexity: 1.2,
    description,
    params: (rng) => {
      for (;;) {
        const tasks = tasksFor(rng);
        const date = rng.pick(tasks).due;
        if (tasks.some((t) => pick(t, date))) return { date: withDate ? date : "", tasks: JSON.stringify(tasks) };
      }
    },
    goal: (p) => goal(p.date),
    setup: (p) => ({ tasks: JSON.parse(p.tasks) as TaskItem[] }),
    check: (_s, p, answer) => Number(answersMatch(answer, tasksExpected(p, pick))),
    answer: (p) => tasksExpected(p, pick),
  });
}
function tasksExpected(p: { date: string; tasks: string }, pick: (t: TaskItem, date: string) => boolean): string {
  return (JSON.parse(p.tasks) as TaskItem[])
    .filter((t) => pick(t, p.date))
    .map((t) => t.title)
    .join(", ");
}

const LIST_HINT = "Answer with the titles only. If there are multiples titles, format your answer in a comma separated list.";

export const WEB_TASKS: readonly WebTask[] = [
  toggleTask("SystemWifiTurnOn", "wifi", true),
  toggleTask("SystemWifiTurnOff", "wifi", false),
  toggleTask("SystemBluetoothTurnOn", "bluetooth", true),
  toggleTask("SystemBluetoothTurnOff", "bluetooth", false),
  brightnessTask("SystemBrightnessMax", true),
  brightnessTask("SystemBrightnessMin", false),
  def({
    name: "TurnOffWifiAndTurnOnBluetooth",
    app: "Settings",
    complexity: 1.6,
    description: "turn wifi off, then bluetooth on (score: half for each)",
    params: () => ({}),
    goal: () => "Turn off WiFi, then enable bluetooth",
    setup: () => ({ settings: { wifi: true, bluetooth: false, brightness: 50 } }),
    check: (s) => mean(!s.settings.wifi, s.settings.bluetooth),
  }),
  def({
    name: "TurnOnWifiAndOpenApp",
    app: "Settings",
    complexity: 1.4,
    description: "turn wifi on, then open an app (score: half for each)",
    params: (rng) => ({ app_name: rng.pick(APPS_FOR_OPEN.filter((a) => a !== "Settings")) }),
    goal: (p) => `Turn on Wifi, then open the ${p.app_name} app`,
    setup: () => ({ settings: { wifi: false, bluetooth: false, brightness: 50 } }),
    check: (s, p) => mean(s.settings.wifi, top(s).startsWith(APP_SCREEN[p.app_name]! + ".")),
  }),
  def({
    name: "OpenAppTaskEval",
    app: "Launcher",
    complexity: 1,
    description: "open an app",
    params: (rng) => ({ app_name: rng.pick(APPS_FOR_OPEN) }),
    goal: (p) => `Open the ${p.app_name} app. Clear any pop-ups that may appear by granting all permissions that are required.`,
    setup: () => ({}),
    check: (s, p) => Number(top(s).startsWith(APP_SCREEN[p.app_name]! + ".")),
  }),
  def({
    name: "ClockStopWatchRunning",
    app: "Clock",
    complexity: 1,
    description: "start the stopwatch",
    params: () => ({}),
    goal: () => "Run the stopwatch.",
    setup: () => ({}),
    check: (s) => Number(s.clock.stopwatch.running),
  }),
  def({
    name: "ClockStopWatchPausedVerify",
    app: "Clock",
    complexity: 1,
    description: "pause a running stopwatch",
    params: (rng) => ({ running_for_s: 10 + rng.int(300) }),
    goal: () => "Pause the stopwatch.",
    setup: (p) => ({ clock: { tab: "stopwatch", alarms: [], timer: { digits: "", running: false, endsAt: 0 }, stopwatch: { running: true, base: 0, startedAt: DEVICE_START - p.running_for_s * 1000 } } }),
    check: (s) => Number(!s.clock.stopwatch.running && s.clock.stopwatch.base > 0),
  }),
  def({
    name: "ClockTimerEntry",
    app: "Clock",
    complexity: 1.2,
    description: "set a timer duration without starting it",
    params: (rng) => ({ hours: rng.int(3), minutes: 1 + rng.int(59), seconds: rng.int(60) }),
    goal: (p) => `Create a timer with ${p.hours} hours, ${p.minutes} minutes, and ${p.seconds} seconds. Do not start the timer.`,
    setup: () => ({}),
    check: (s, p) => {
      const t = s.clock.timer;
      const want = [p.hours, p.minutes, p.seconds].map((x) => String(x).padStart(2, "0")).join("");
      return Number(!t.running && t.digits.padStart(6, "0") === want);
    },
  }),
  def({
    name: "ContactsAddContact",
    app: "Contacts",
    complexity: 1.2,
    description: "create a contact with a name and number",
    params: (rng) => ({ first: rng.pick(FIRST), last: rng.pick(LAST), number: phoneNumber(rng) }),
    goal: (p) => `Create a new contact for ${p.first} ${p.last}. Their number is ${p.number}.`,
    setup: () => ({ contacts: [{ id: 1, first: "Zoe", last: "Adams", phone: "+15550001111", label: "Mobile" }] }),
    check: (s, p) => Number(s.contacts.some((c) => norm(`${c.first} ${c.last}`) === norm(`${p.first} ${p.last}`) && digits(c.phone) === digits(p.number))),
  }),
  def({
    name: "ContactsNewContactDraft",
    app: "Contacts",
    complexity: 1.2,
    description: "fill in the new-contact form without saving",
    params: (rng) => ({ first: rng.pick(FIRST), last: rng.pick(LAST), phone: phoneNumber(rng), phone_label: rng.pick(["Mobile", "Home", "Work"]) }),
    goal: (p) => `Go to the new contact screen and enter the following details: First Name: ${p.first}, Last Name: ${p.last}, Phone: ${p.phone}, Phone Label: ${p.phone_label}. Do NOT hit save.`,
    setup: () => ({}),
    check: (s, p) =>
      Number(
        top(s) === "contacts.edit" &&
          norm(s.forms.c_first ?? "") === norm(p.first) &&
          norm(s.forms.c_last ?? "") === norm(p.last) &&
          digits(s.forms.c_phone ?? "") === digits(p.phone) &&
          (s.forms.c_label ?? "Mobile") === p.phone_label &&
          s.contacts.length === 0,
      ),
  }),
  def({
    name: "MarkorCreateNote",
    app: "Markor",
    complexity: 1.6,
    description: "create a note with a name and text",
    params: (rng) => ({ file_name: `${rng.pick(WORDS)}_${rng.int(100)}.md`, text: rng.pick(SENTENCES) }),
    goal: (p) => `Create a new note in Markor named ${p.file_name} with the following text: ${p.text}`,
    setup: (p) => ({ notes: notesFor(["todo.md"]) }),
    check: (s, p) => Number(s.notes.some((n) => n.name === p.file_name && n.content.trim() === p.text.trim())),
  }),
  def({
    name: "MarkorDeleteNote",
    app: "Markor",
    complexity: 1.2,
    description: "delete one named note",
    params: (rng) => {
      const names = sample(rng, WORDS, 4).map((w) => `${w}.md`);
      return { file_name: names[rng.int(4)]!, names };
    },
    goal: (p) => `Delete the note in Markor named ${p.file_name}.`,
    setup: (p) => ({ notes: notesFor(p.names) }),
    check: (s, p) => Number(!s.notes.some((n) => n.name === p.file_name) && s.notes.length === p.names.length - 1),
  }),
  def({
    name: "MarkorDeleteAllNotes",
    app: "Markor",
    complexity: 1.4,
    description: "delete every note",
    params: (rng) => ({ names: sample(rng, WORDS, 3 + rng.int(3)).map((w) => `${w}.md`) }),
    goal: () => "Delete all my notes in Markor.",
    setup: (p) => ({ notes: notesFor(p.names) }),
    check: (s) => Number(s.notes.length === 0),
  }),
  def({
    name: "MarkorDeleteNewestNote",
    app: "Markor",
    complexity: 1.2,
    description: "delete the most recently modified note",
    params: (rng) => ({ names: sample(rng, WORDS, 4).map((w) => `${w}.md`) }),
    goal: () => "Delete the newest note in Markor.",
    setup: (p) => ({ notes: notesFor(p.names) }),
    check: (s, p) => Number(!s.notes.some((n) => n.name === p.names[p.names.length - 1]) && s.notes.length === p.names.length - 1),
  }),
  def({
    name: "MarkorEditNote",
    app: "Markor",
    complexity: 1.4,
    description: "add a line at the top of a note",
    params: (rng) => ({ file_name: `${rng.pick(WORDS)}.md`, original: rng.pick(SENTENCES), header: rng.pick(["# Important", "Draft v2", "TODO first", "Read me"]) }),
    goal: (p) => `Edit ${p.file_name} in Markor. Add to the top of the note ${p.header}`,
    setup: (p) => ({ notes: [{ name: p.file_name, content: p.original, mtime: DEVICE_START - 86_400_000 }, { name: "zzz_other.md", content: "Other", mtime: DEVICE_START - 3_600_000 }] }),
    check: (s, p) => {
      const n = s.notes.find((x) => x.name === p.file_name);
      if (!n) return 0;
      const lines = n.content.split("\n").map((l) => l.trim()).filter((l) => l.length > 0);
      return Number(lines[0] === p.header && lines.slice(1).join("\n") === p.original.trim());
    },
  }),
  def({
    name: "MarkorChangeNoteContent",
    app: "Markor",
    complexity: 1.4,
    description: "replace a note's content",
    params: (rng) => ({ file_name: `${rng.pick(WORDS)}.md`, original: SENTENCES[0]!, updated_content: rng.pick(SENTENCES.slice(1)) }),
    goal: (p) => `Update the content of ${p.file_name} to "${p.updated_content}" in Markor.`,
    setup: (p) => ({ notes: [{ name: p.file_name, content: p.original, mtime: DEVICE_START - 86_400_000 }] }),
    check: (s, p) => Number(s.notes.some((n) => n.name === p.file_name && n.content.trim() === p.updated_content)),
  }),
  def({
    name: "SimpleSmsSend",
    app: "Simple SMS Messenger",
    complexity: 1.4,
    description: "send a text message to a number",
    params: (rng) => ({ number: phoneNumber(rng), message: rng.pick(["Running late, see you soon", "Happy birthday!", "Can you call me back?", "The meeting moved to 3pm"]) }),
    goal: (p) => `Send a text message using Simple SMS Messenger to ${p.number} with message: ${p.message}`,
    setup: () => ({}),
    check: (s, p) => Number(s.sms.some((t) => digits(t.number) === digits(p.number) && t.messages.some((m) => m.from === "me" && m.text.trim() === p.message))),
  }),
  def({
    name: "SimpleSmsReply",
    app: "Simple SMS Messenger",
    complexity: 1.2,
    description: "reply to a number",
    params: (rng) => {
      const threads = threadsFor(rng, 3);
      return { number: threads[rng.int(3)]!.number, message: rng.pick(["Sounds good", "On my way", "Yes, see you there", "No problem"]), threads: JSON.stringify(threads) };
    },
    goal: (p) => `Reply to ${p.number} with message: ${p.message} in Simple SMS Messenger`,
    setup: (p) => ({ sms: JSON.parse(p.threads) as SmsThread[] }),
    check: (s, p) => Number(s.sms.some((t) => digits(t.number) === digits(p.number) && t.messages.at(-1)?.from === "me" && t.messages.at(-1)!.text.trim() === p.message)),
  }),
  def({
    name: "SimpleSmsReplyMostRecent",
    app: "Simple SMS Messenger",
    complexity: 1.2,
    description: "reply to the most recent message",
    params: (rng) => ({ message: rng.pick(["Sounds good", "On my way", "Thanks a lot", "Talk later"]), threads: JSON.stringify(threadsFor(rng, 3)) }),
    goal: (p) => `Reply to the most recent text message using Simple SMS Messenger with message: ${p.message}`,
    setup: (p) => ({ sms: JSON.parse(p.threads) as SmsThread[] }),
    check: (s, p) => {
      const before = JSON.parse(p.threads) as SmsThread[];
      const recent = [...before].sort((a, b) => b.messages.at(-1)!.time - a.messages.at(-1)!.time)[0]!;
      const t = s.sms.find((x) => x.number === recent.number);
      return Number(!!t && t.messages.at(-1)?.from === "me" && t.messages.at(-1)!.text.trim() === p.message);
    },
  }),
  def({
    name: "ExpenseAddSingle",
    app: "Pro Expense",
    complexity: 1.4,
    description: "add one expense",
    params: (rng) => ({ name: rng.pick(EXPENSE_NAMES), amount: `${2 + rng.int(90)}.${rng.pick(["00", "25", "50", "99"])}`, category: rng.pick(CATEGORIES), note: rng.pick(["work trip", "weekend", "birthday", "monthly"]) }),
    goal: (p) => `Add the following expenses into the arduia pro expense: name: ${p.name}, amount: $${p.amount}, category: ${p.category}, note: ${p.note}`,
    setup: () => ({}),
    check: (s, p) => Number(s.expenses.some((e) => norm(e.name) === norm(p.name) && e.amount === Math.round(Number(p.amount) * 100) && norm(e.category) === norm(p.category))),
  }),
  def({
    name: "ExpenseDeleteSingle",
    app: "Pro Expense",
    complexity: 1.2,
    description: "delete one expense",
    params: (rng) => {
      const ex = expensesFor(rng, 5);
      return { expense: ex[rng.int(5)]!.name, expenses: JSON.stringify(ex) };
    },
    goal: (p) => `Delete the following expenses from arduia pro expense: ${p.expense}.`,
    setup: (p) => ({ expenses: JSON.parse(p.expenses) as Expense[] }),
    check: (s, p) => Number(!s.expenses.some((e) => e.name === p.expense) && s.expenses.length === 4),
  }),
  def({
    name: "ExpenseDeleteMultiple",
    app: "Pro Expense",
    complexity: 1.8,
    description: "delete two expenses",
    params: (rng) => {
      const ex = expensesFor(rng, 6);
      const del = sample(rng, ex, 2).map((e) => e.name);
      return { names: del, expenses: JSON.stringify(ex) };
    },
    goal: (p) => `Delete the following expenses from arduia pro expense: ${p.names.join(", ")}.`,
    setup: (p) => ({ expenses: JSON.parse(p.expenses) as Expense[] }),
    // Fractional: half per deleted expense, 0 if any other expense was deleted.
    check: (s, p) => {
      const gone = p.names.filter((n) => !s.expenses.some((e) => e.name === n)).length;
      return s.expenses.length === 6 - gone ? gone / p.names.length : 0;
    },
  }),
  def({
    name: "SimpleCalendarAddOneEvent",
    app: "Simple Calendar Pro",
    complexity: 2,
    description: "create an event on a date and hour with a title and description",
    params: (rng) => {
      const d = dateAt(1 + rng.int(20));
      return { year: d.slice(0, 4), month: d.slice(5, 7), day: d.slice(8, 10), hour: 8 + rng.int(10), event_title: rng.pick(EVENT_TITLES), event_description: rng.pick(["Bring the laptop", "Quarterly planning", "Discuss the roadmap", "Weekly catch-up"]) };
    },
    goal: (p) => `In Simple Calendar Pro, create a calendar event on ${p.year}-${p.month}-${p.day} at ${p.hour}h with the title '${p.event_title}' and the description '${p.event_description}'. The event should last for 60 mins.`,
    setup: () => ({}),
    check: (s, p) => Number(s.calendar.some((e) => e.date === `${p.year}-${p.month}-${p.day}` && e.hour === p.hour && norm(e.title) === norm(p.event_title) && norm(e.description) === norm(p.event_description))),
  }),
  def({
    name: "SimpleCalendarDeleteOneEvent",
    app: "Simple Calendar Pro",
    complexity: 1.4,
    description: "delete one event",
    params: (rng) => {
      const ev = eventsFor(rng);
      const e = ev[rng.int(ev.length)]!;
      return { year: e.date.slice(0, 4), month: e.date.slice(5, 7), day: e.date.slice(8, 10), hour: e.hour, event_title: e.title, events: JSON.stringify(ev) };
    },
    goal: (p) => `In Simple Calendar Pro, delete the calendar event on ${p.year}-${p.month}-${p.day} at ${p.hour}h with the title '${p.event_title}'`,
    setup: (p) => ({ calendar: JSON.parse(p.events) as CalendarEvent[] }),
    check: (s, p) => Number(!s.calendar.some((e) => e.title === p.event_title) && s.calendar.length === (JSON.parse(p.events) as unknown[]).length - 1),
  }),
  def({
    name: "SimpleCalendarEventsOnDate",
    app: "Simple Calendar Pro",
    complexity: 1.4,
    description: "information: the titles of the events on a date",
    params: (rng) => {
      const ev = eventsFor(rng);
      return { date: rng.pick(ev).date, events: JSON.stringify(ev) };
    },
    goal: (p) => `What events do I have on ${p.date} in Simple Calendar Pro? ${LIST_HINT}`,
    setup: (p) => ({ calendar: JSON.parse(p.events) as CalendarEvent[] }),
    check: (_s, p, answer) => Number(answersMatch(answer, calendarAnswer(p))),
    answer: (p) => calendarAnswer(p),
  }),
  def({
    name: "SimpleCalendarLocationOfEvent",
    app: "Simple Calendar Pro",
    complexity: 1.2,
    description: "information: the location of an event",
    params: (rng) => {
      const ev = eventsFor(rng);
      const e = rng.pick(ev);
      return { title: e.title, location: e.location, events: JSON.stringify(ev) };
    },
    goal: (p) => `What is the location of my ${p.title} event in Simple Calendar Pro? Answer with the location only.`,
    setup: (p) => ({ calendar: JSON.parse(p.events) as CalendarEvent[] }),
    check: (_s, p, answer) => Number(answer !== undefined && norm(answer) === norm(p.location)),
    answer: (p) => p.location,
  }),
  tasksAnswer("TasksHighPriorityTasksDueOnDate", "information: high-priority tasks due on a date", (d) => `Which tasks with high priority are due on ${d} in the Tasks app? ${LIST_HINT}`, (t, d) => t.priority === "high" && t.due === d, true),
  tasksAnswer("TasksDueOnDate", "information: tasks due on a date", (d) => `What tasks do I have due on ${d} in Tasks app? ${LIST_HINT}`, (t, d) => t.due === d, true),
  tasksAnswer("TasksHighPriorityTasks", "information: incomplete high-priority tasks", () => `What are my high priority tasks in Tasks app? ${LIST_HINT}`, (t) => t.priority === "high" && !t.completed, false),
  tasksAnswer("TasksIncompleteTasksOnDate", "information: incomplete tasks due on a date", (d) => `What incomplete tasks do I have still have to do by ${d} in Tasks app? ${LIST_HINT}`, (t, d) => t.due === d && !t.completed, true),
  def({
    name: "TasksCompleteTask",
    app: "Tasks",
    complexity: 1,
    description: "mark a task as completed (not an AndroidWorld task)",
    params: (rng) => {
      const tasks = tasksFor(rng).map((t) => ({ ...t, completed: false }));
      return { title: rng.pick(tasks).title, tasks: JSON.stringify(tasks) };
    },
    goal: (p) => `Mark the task '${p.title}' as completed in the Tasks app.`,
    setup: (p) => ({ tasks: JSON.parse(p.tasks) as TaskItem[] }),
    check: (s, p) => Number(s.tasks.find((t) => t.title === p.title)?.completed === true && s.tasks.filter((t) => t.completed).length === 1),
  }),
  def({
    name: "FilesDeleteFile",
    app: "Files",
    complexity: 1.4,
    description: "delete a file in a folder",
    params: (rng) => {
      const subfolder = rng.pick(FOLDERS);
      const names = sample(rng, FILE_NAMES, 4);
      return { file_name: names[0]!, subfolder, names };
    },
    goal: (p) => `Delete the file ${p.file_name} from the Android filesystem located in the ${p.subfolder} folder within the sdk_gphone_x86_64 storage area.`,
    setup: (p) => ({ files: p.names.map((name, i) => ({ folder: i < 3 ? p.subfolder : FOLDERS.find((f) => f !== p.subfolder)!, name, size: 10 + i * 7 })) }),
    check: (s, p) => Number(!s.files.some((f) => f.folder === p.subfolder && f.name === p.file_name) && s.files.length === p.names.length - 1),
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
];

export { TODAY };
