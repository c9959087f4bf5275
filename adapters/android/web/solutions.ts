/**
 * Scripted solutions for the android-web tasks: each step is computed from the
 * current element list (find by text, content description or hint), like a
 * careful human would. Tests use them (solution → success 1; a wrong one → 0), the
 * bench uses them as realistic traffic. Information tasks answer with the expected
 * answer after opening the app.
 */
import type { UiElement } from "../../contract.js";
import type { AndroidAction } from "../action.js";
import type { TaskParams } from "../task.js";
import { WEB_TASKS } from "./tasks.js";

/** One scripted step: the action to take on this screen. */
export type SolutionStep = (elements: readonly UiElement[]) => AndroidAction;

function find(els: readonly UiElement[], pred: (e: UiElement) => boolean, what: string): number {
  const i = els.findIndex(pred);
  if (i < 0) throw new Error(`scripted solution: no element ${what} on screen: ${els.map((e) => e.text || e.contentDescription || e.hintText).join(" | ")}`);
  return i;
}
const byLabel = (label: string) => (e: UiElement) => e.text === label || e.contentDescription === label;
const click = (label: string): SolutionStep => (els) => ({ action_type: "click", index: find(els, byLabel(label), JSON.stringify(label)) });
const clickStarting = (prefix: string): SolutionStep => (els) => ({ action_type: "click", index: find(els, (e) => e.text.startsWith(prefix), `starting ${JSON.stringify(prefix)}`) });
const longPress = (label: string): SolutionStep => (els) => ({ action_type: "long_press", index: find(els, byLabel(label), JSON.stringify(label)) });
const clickClass = (cls: string): SolutionStep => (els) => ({ action_type: "click", index: find(els, (e) => e.className === cls, cls) });
const type = (hint: string, text: string, clear = false): SolutionStep => (els) => ({
  action_type: "input_text",
  text,
  index: find(els, (e) => e.isEditable && e.hintText === hint, `field ${JSON.stringify(hint)}`),
  ...(clear ? { clear_text: true } : {}),
});
const open = (app_name: string): SolutionStep => () => ({ action_type: "open_app", app_name });
const done: SolutionStep = () => ({ action_type: "status", goal_status: "complete" });
const answer = (text: string): SolutionStep => () => ({ action_type: "answer", text });
/** Taps a point inside an element, at a fraction of its width. */
const tapAt = (cls: string, fx: number): SolutionStep => (els) => {
  const b = els[find(els, (e) => e.className === cls, cls)]!.bboxPixels!;
  return { action_type: "click", x: Math.round(b.xMin + fx * (b.xMax - b.xMin - 1)), y: Math.round((b.yMin + b.yMax) / 2) };
};
const str = (v: unknown) => String(v);
const list = (v: unknown) => v as string[];

const SOLUTIONS: Record<string, (p: TaskParams) => SolutionStep[]> = {
  SystemWifiTurnOn: () => [open("Settings"), click("Network & internet"), clickClass("android.widget.Switch"), done],
  SystemWifiTurnOff: () => [open("Settings"), click("Network & internet"), clickClass("android.widget.Switch"), done],
  SystemBluetoothTurnOn: () => [open("Settings"), click("Connected devices"), clickClass("android.widget.Switch"), done],
  SystemBluetoothTurnOff: () => [open("Settings"), click("Connected devices"), clickClass("android.widget.Switch"), done],
  SystemBrightnessMax: () => [open("Settings"), click("Display"), tapAt("android.widget.SeekBar", 1), done],
  SystemBrightnessMin: () => [open("Settings"), click("Display"), tapAt("android.widget.SeekBar", 0), done],
  TurnOffWifiAndTurnOnBluetooth: () => [open("Settings"), click("Network & internet"), clickClass("android.widget.Switch"), click("Navigate up"), click("Connected devices"), clickClass("android.widget.Switch"), done],
  TurnOnWifiAndOpenApp: (p) => [open("Settings"), click("Network & internet"), clickClass("android.widget.Switch"), open(str(p.app_name)), done],
  OpenAppTaskEval: (p) => [click(str(p.app_name)), done],
  ClockStopWatchRunning: () => [open("Clock"), click("Stopwatch"), click("Start"), done],
  ClockStopWatchPausedVerify: () => [open("Clock"), click("Stopwatch"), click("Pause"), done],
  ClockTimerEntry: (p) => {
    const d = [p.hours, p.minutes, p.seconds].map((x) => str(x).padStart(2, "0")).join("").replace(/^0+/, "");
    return [open("Clock"), click("Timer"), ...d.split("").map((c) => click(c)), done];
  },
  ClockAddAlarm: (p) => [open("Clock"), click("Add alarm"), type("Hour (0-23)", str(p.hour)), type("Minute (0-59)", str(p.minute)), click("Save"), done],
  ContactsAddContact: (p) => [open("Contacts"), click("Create contact"), type("First name", str(p.first)), type("Last name", str(p.last)), type("Phone", str(p.number)), click("Save"), done],
  ContactsNewContactDraft: (p) => [open("Contacts"), click("Create contact"), type("First name", str(p.first)), type("Last name", str(p.last)), type("Phone", str(p.phone)), click(str(p.phone_label)), done],
  MarkorCreateNote: (p) => [open("Markor"), click("Create a new note"), type("Name", str(p.file_name)), type("Start writing…", str(p.text)), click("Save"), done],
  MarkorDeleteNote: (p) => [open("Markor"), longPress(str(p.file_name)), click("Delete"), click("OK"), done],
  MarkorDeleteAllNotes: (p) => [open("Markor"), longPress(list(p.names).slice().sort()[0]!), click("Select all"), click("Delete"), click("OK"), done],
  MarkorDeleteNewestNote: (p) => [open("Markor"), longPress(list(p.names).at(-1)!), click("Delete"), click("OK"), done],
  MarkorEditNote: (p) => [open("Markor"), click(str(p.file_name)), type("Start writing…", `${str(p.header)}\n${str(p.original)}`, true), click("Save"), done],
  MarkorChangeNoteContent: (p) => [open("Markor"), click(str(p.file_name)), type("Start writing…", str(p.updated_content), true), click("Navigate up"), done],
  SimpleSmsSend: (p) => [open("Simple SMS Messenger"), click("Start conversation"), type("Add Contact or Number", str(p.number)), type("Type a message", str(p.message)), click("Send"), done],
  SimpleSmsReply: (p) => {
    const threads = JSON.parse(str(p.threads)) as { number: string; name: string }[];
    const t = threads.find((x) => x.number === p.number)!;
    return [open("Simple SMS Messenger"), click(t.name || t.number), type("Type a message", str(p.message)), click("Send"), done];
  },
  SimpleSmsReplyMostRecent: (p) => [open("Simple SMS Messenger"), (els) => ({ action_type: "click", index: find(els, (e) => e.resourceName === "conversation_address", "a conversation") }), type("Type a message", str(p.message)), click("Send"), done],
  ExpenseAddSingle: (p) => [open("Pro Expense"), click("Add expense"), type("Name", str(p.name)), type("Amount", str(p.amount)), type("Category", str(p.category)), type("Note", str(p.note)), click("Save"), done],
  ExpenseDeleteSingle: (p) => [open("Pro Expense"), click(str(p.expense)), click("Delete"), click("OK"), done],
  ExpenseDeleteMultiple: (p) => [open("Pro Expense"), ...list(p.names).flatMap((n) => [click(n), click("Delete"), click("OK")]), done],
  SimpleCalendarAddOneEvent: (p) => [
    open("Simple Calendar Pro"),
    click("New event"),
    type("Title", str(p.event_title)),
    type("Description", str(p.event_description)),
    type("Date", `${str(p.year)}-${str(p.month)}-${str(p.day)}`, true),
    type("Time", `${str(p.hour).padStart(2, "0")}:00`, true),
    click("Save"),
    done,
  ],
  SimpleCalendarDeleteOneEvent: (p) => [open("Simple Calendar Pro"), clickStarting(`${str(p.hour).padStart(2, "0")}:00 ${str(p.event_title)}`), click("Delete"), click("OK"), done],
  TasksCompleteTask: (p) => [
    open("Tasks"),
    (els) => {
      const row = find(els, (e) => e.text === p.title, JSON.stringify(p.title));
      // The checkbox precedes the title in the row.
      return { action_type: "click", index: row - 1 };
    },
    done,
  ],
  FilesDeleteFile: (p) => [open("Files"), click(str(p.subfolder)), longPress(str(p.file_name)), click("Delete"), click("OK"), done],
};

const APP_OF: Record<string, string> = Object.fromEntries(WEB_TASKS.map((t) => [t.name, t.app]));

/** The scripted solution of a task with these parameters. */
export function scriptedSolution(taskName: string, params: TaskParams): SolutionStep[] {
  const s = SOLUTIONS[taskName];
  if (s) return s(params);
  const task = WEB_TASKS.find((t) => t.name === taskName);
  if (task?.expectedAnswer) return [open(APP_OF[taskName]!), answer(task.expectedAnswer(params)), done];
  throw new Error(`no scripted solution for ${taskName}`);
}

/** A wrong solution: declare success without doing the work (and, for questions, a wrong answer). */
export function wrongSolution(taskName: string): SolutionStep[] {
  const task = WEB_TASKS.find((t) => t.name === taskName);
  if (task?.expectedAnswer) return [answer("Nothing"), done];
  return [done];
}
