/**
 * Scripted solutions for the android-web tasks: each step is computed from the
 * current element list (find by text, content description or hint), like a
 * careful human would. Tests use them (solution → success 1; a wrong one → 0), the
 * bench uses them as realistic traffic. A step may return null ("nothing to do on
 * this screen"): `seek` uses that to scroll only while its target is off screen, so
 * a fixed script covers lists of any length. Information tasks answer with the
 * expected answer after opening the app.
 */
import type { UiElement } from "../../contract.js";
import type { AndroidAction } from "../action.js";
import type { TaskParams } from "../task.js";
import type { CalendarEvent, Expense, Note, Recipe, Song } from "../../../emulator/web-device/state.js";
import { WEB_TASKS } from "./tasks.js";

/** One scripted step: the action to take on this screen, or null to take none. */
export type SolutionStep = (elements: readonly UiElement[]) => AndroidAction | null;

function find(els: readonly UiElement[], pred: (e: UiElement) => boolean, what: string): number {
  const i = els.findIndex(pred);
  if (i < 0) throw new Error(`scripted solution: no element ${what} on screen: ${els.map((e) => e.text || e.contentDescription || e.hintText).join(" | ")}`);
  return i;
}
const byLabel = (label: string) => (e: UiElement) => e.text === label || e.contentDescription === label;
const startsWith = (prefix: string) => (e: UiElement) => e.text.startsWith(prefix);
const click = (label: string): SolutionStep => (els) => ({ action_type: "click", index: find(els, byLabel(label), JSON.stringify(label)) });
const clickStarting = (prefix: string): SolutionStep => (els) => ({ action_type: "click", index: find(els, startsWith(prefix), `starting ${JSON.stringify(prefix)}`) });
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
/** Scrolls down until an element matching `pred` is on screen (at most `tries` scrolls), then does nothing. */
const seek = (pred: (e: UiElement) => boolean, tries = 8): SolutionStep[] =>
  Array.from({ length: tries }, (): SolutionStep => (els) => (els.some(pred) ? null : { action_type: "scroll", direction: "down" }));
/** Like `seek`, for a condition over the whole screen. */
const seekWith = (visible: (els: readonly UiElement[]) => boolean, tries = 8): SolutionStep[] =>
  Array.from({ length: tries }, (): SolutionStep => (els) => (visible(els) ? null : { action_type: "scroll", direction: "down" }));
const str = (v: unknown) => String(v);
const list = (v: unknown) => v as string[];
const parsed = <T>(v: unknown) => JSON.parse(str(v)) as T;
const pad2 = (v: unknown) => str(v).padStart(2, "0");
const cap = (s: string) => s[0]!.toUpperCase() + s.slice(1);

const wifi = (): SolutionStep[] => [open("Settings"), click("Network & internet"), clickClass("android.widget.Switch"), done];
const bluetooth = (): SolutionStep[] => [open("Settings"), click("Connected devices"), clickClass("android.widget.Switch"), done];
const brightness = (to: number): SolutionStep[] => [open("Settings"), click("Display"), tapAt("android.widget.SeekBar", to), done];

/** Pro Expense lists rows newest first (date, then id); deleting in that order only ever needs scrolling down. */
function deleteExpenses(p: TaskParams): SolutionStep[] {
  const rows = parsed<Expense[]>(p.expenses).sort((x, y) => y.date.localeCompare(x.date) || y.id - x.id);
  const names = list(p.names);
  return [open("Pro Expense"), ...rows.filter((r) => names.includes(r.name)).flatMap((r) => [...seek(byLabel(r.name)), click(r.name), click("Delete"), click("OK")]), done];
}

function addExpenses(p: TaskParams): SolutionStep[] {
  const rows = parsed<Omit<Expense, "id">[]>(p.targets);
  const dollars = (cents: number) => (cents / 100).toFixed(2);
  return [open("Pro Expense"), ...rows.flatMap((e) => [click("Add expense"), type("Name", e.name), type("Amount", dollars(e.amount)), type("Category", e.category), type("Note", e.note), click("Save")]), done];
}

function addEvent(p: TaskParams): SolutionStep[] {
  return [
    open("Simple Calendar Pro"),
    click("New event"),
    type("Title", str(p.event_title)),
    type("Description", str(p.event_description)),
    type("Date", `${str(p.year)}-${pad2(p.month)}-${pad2(p.day)}`, true),
    type("Time", `${pad2(p.hour)}:00`, true),
    type("Duration", str(p.duration_mins), true),
    click("Save"),
    done,
  ];
}

/** Deletes the calendar's events of one day (the calendar lists them by date, so they sit together). */
function deleteEventsOn(p: TaskParams): SolutionStep[] {
  const date = `2023-10-${pad2(p.day)}`;
  const rows = parsed<CalendarEvent[]>(p.events)
    .filter((e) => e.date === date)
    .sort((x, y) => x.hour * 60 + x.minute - (y.hour * 60 + y.minute) || x.id - y.id);
  // Rows of other dates may read the same ("07:30 Book club"): look under the date's header only.
  const under = (e: CalendarEvent) => (els: readonly UiElement[]) => {
    const header = els.findIndex((x) => x.text.startsWith(`${date} (`));
    const label = `${pad2(e.hour)}:${pad2(e.minute)} ${e.title}`;
    return header < 0 ? -1 : els.findIndex((x, i) => i > header && x.text.startsWith(label));
  };
  const clickUnder = (e: CalendarEvent): SolutionStep => (els) => {
    const i = under(e)(els);
    if (i < 0) throw new Error(`scripted solution: no ${e.title} under ${date} on screen`);
    return { action_type: "click", index: i };
  };
  return [open("Simple Calendar Pro"), ...rows.flatMap((e) => [...seekWith((els) => under(e)(els) >= 0), clickUnder(e), click("Delete"), click("OK")]), done];
}

/** Types each recipe into Broccoli's new-recipe form (empty fields left alone). */
function addRecipes(p: TaskParams): SolutionStep[] {
  const fields: [Exclude<keyof Recipe, "id">, string][] = [["title", "Title"], ["description", "Description"], ["servings", "Servings"], ["preparationTime", "Preparation time"], ["source", "Source"], ["ingredients", "Ingredients"], ["directions", "Directions"]];
  const rows = parsed<Omit<Recipe, "id">[]>(p.targets);
  return [open("Broccoli"), ...rows.flatMap((r) => [click("Add recipe"), ...fields.filter(([k]) => String(r[k]) !== "").map(([k, hint]) => type(hint, String(r[k]))), click("Save")]), done];
}

/**
 * Deletes recipes by id. Broccoli lists them by title, the newest first among equal
 * titles, each row its title over its directions; rows alike in both are deleted
 * first-shown first, which is the highest id (the tasks' targets have the highest ids).
 */
function deleteRecipes(p: TaskParams, ids: readonly number[]): SolutionStep[] {
  const rows = parsed<Recipe[]>(p.recipes).sort((x, y) => x.title.localeCompare(y.title) || y.id - x.id);
  const at = (r: Recipe) => (els: readonly UiElement[]) => els.findIndex((e, i) => e.resourceName === "recipe_title" && e.text === r.title && els[i + 1]?.text === r.directions);
  return [
    open("Broccoli"),
    ...rows.filter((r) => ids.includes(r.id)).flatMap((r) => [
      ...seekWith((els) => at(r)(els) >= 0),
      (els: readonly UiElement[]): AndroidAction => {
        const i = at(r)(els);
        if (i < 0) throw new Error(`scripted solution: recipe ${r.title} not on screen`);
        return { action_type: "click", index: i };
      },
      click("Delete"),
      click("OK"),
    ]),
    done,
  ];
}

/**
 * Selects Retro Music songs in the given order (a long press on the first, taps on the
 * rest), scrolling up or down to each: the list is by title, so a title before the
 * first one shown is above.
 */
function selectSongs(p: TaskParams, files = list(p.files), songs = parsed<Song[]>(p.songs)): SolutionStep[] {
  const sorted = songs.map((x) => x.title).sort((a, b) => a.localeCompare(b));
  const shown = (els: readonly UiElement[], title: string) => els.findIndex((e) => e.resourceName === "title" && e.text === title);
  const seekSong = (title: string): SolutionStep[] =>
    Array.from({ length: 8 }, (): SolutionStep => (els) => {
      if (shown(els, title) >= 0) return null;
      const first = els.find((e) => e.resourceName === "title" && sorted.includes(e.text));
      return { action_type: "scroll", direction: first && sorted.indexOf(title) < sorted.indexOf(first.text) ? "up" : "down" };
    });
  return files.flatMap((title, i) => [...seekSong(title), (els: readonly UiElement[]): AndroidAction => ({ action_type: i === 0 ? "long_press" : "click", index: find(els, (e) => e.resourceName === "title" && e.text === title, JSON.stringify(title)) })]);
}
const newPlaylistOfSelection = (p: TaskParams, name = str(p.playlist_name)): SolutionStep[] => [click("Add to playlist"), click("New playlist"), type("Playlist name", name)];
const vlcVideos = (p: TaskParams) => parsed<{ songs: Song[] }>(p.vlc).songs;

const noteOf = (p: TaskParams) => str(p.file_name);
/** Long-presses a text field (its text menu) and takes `item` (Copy, Paste). */
const fieldMenu = (hint: string, item: string): SolutionStep[] => [
  (els) => ({ action_type: "long_press", index: find(els, (e) => e.isEditable && e.hintText === hint, `field ${JSON.stringify(hint)}`) }),
  click(item),
];

const SOLUTIONS: Record<string, (p: TaskParams) => SolutionStep[]> = {
  SystemWifiTurnOn: wifi,
  SystemWifiTurnOff: wifi,
  SystemWifiTurnOnVerify: () => [done],
  SystemWifiTurnOffVerify: () => [done],
  SystemBluetoothTurnOn: bluetooth,
  SystemBluetoothTurnOff: bluetooth,
  SystemBluetoothTurnOnVerify: () => [done],
  SystemBluetoothTurnOffVerify: () => [done],
  SystemBrightnessMax: () => brightness(1),
  SystemBrightnessMin: () => brightness(0),
  SystemBrightnessMaxVerify: () => [done],
  SystemBrightnessMinVerify: () => [done],
  TurnOffWifiAndTurnOnBluetooth: () => [open("Settings"), click("Network & internet"), clickClass("android.widget.Switch"), click("Navigate up"), click("Connected devices"), clickClass("android.widget.Switch"), done],
  TurnOnWifiAndOpenApp: (p) => [open("Settings"), click("Network & internet"), clickClass("android.widget.Switch"), open(str(p.app_name)), done],
  OpenAppTaskEval: (p) => [click(cap(str(p.app_name))), done],
  ClockStopWatchRunning: () => [open("Clock"), click("Stopwatch"), click("Start"), done],
  ClockStopWatchPausedVerify: () => [open("Clock"), click("Stopwatch"), done],
  ClockTimerEntry: (p) => {
    const d = [p.hours, p.minutes, p.seconds].map(pad2).join("").replace(/^0+/, "");
    return [open("Clock"), click("Timer"), ...d.split("").map((c) => click(c)), done];
  },
  ClockAddAlarm: (p) => [open("Clock"), click("Add alarm"), type("Hour (0-23)", str(p.hour)), type("Minute (0-59)", str(p.minute)), click("Save"), done],
  ContactsAddContact: (p) => {
    const [first, ...last] = str(p.name).split(" ");
    return [open("Contacts"), click("Create contact"), type("First name", first!), type("Last name", last.join(" ")), type("Phone", str(p.number)), click("Save"), done];
  },
  ContactsNewContactDraft: (p) => [open("Contacts"), click("Create contact"), type("First name", str(p.first)), type("Last name", str(p.last)), type("Phone", str(p.phone)), click(str(p.phone_label)), done],
  MarkorCreateNote: (p) => [open("Markor"), click("Create a new note"), type("Name", noteOf(p)), type("Start writing…", str(p.text)), click("Save"), done],
  MarkorDeleteNote: (p) => [open("Markor"), longPress(noteOf(p)), click("Delete"), click("OK"), done],
  MarkorDeleteAllNotes: (p) => [open("Markor"), longPress(list(p.names).slice().sort()[0]!), click("Select all"), click("Delete"), click("OK"), done],
  MarkorDeleteNewestNote: (p) => {
    const newest = parsed<Note[]>(p.notes).sort((a, b) => b.mtime - a.mtime)[0]!;
    return [open("Markor"), longPress(newest.name), click("Delete"), click("OK"), done];
  },
  MarkorEditNote: (p) => {
    const text = p.edit_type === "header" ? `${str(p.header)}\n${str(p.original)}` : p.edit_type === "footer" ? `${str(p.original)}\n${str(p.footer)}` : str(p.replace_text);
    return [open("Markor"), click(noteOf(p)), type("Start writing…", text, true), click("Save"), done];
  },
  MarkorChangeNoteContent: (p) => [open("Markor"), click(noteOf(p)), type("Start writing…", str(p.updated_content), true), click("Navigate up"), done],
  MarkorAddNoteHeader: (p) => [open("Markor"), click(noteOf(p)), type("Start writing…", `${str(p.header)}\n\n${str(p.original_content)}`, true), click("Save"), done],
  MarkorCreateFolder: (p) => [open("Markor"), click("Create folder"), type("Folder name", str(p.folder_name)), done],
  MarkorMoveNote: (p) => [open("Markor"), click(str(p.source_folder)), longPress(noteOf(p)), click("Move"), click(str(p.destination_folder)), done],
  MarkorMergeNotes: (p) => [
    open("Markor"),
    click("Create a new note"),
    type("Name", str(p.new_file_name)),
    type("Start writing…", [p.file1_content, p.file2_content, p.file3_content].map(str).join("\n\n")),
    click("Save"),
    done,
  ],
  SimpleSmsSend: (p) => [open("Simple SMS Messenger"), click("Start conversation"), type("Add Contact or Number", str(p.number)), type("Type a message", str(p.message)), click("Send"), done],
  SimpleSmsReply: (p) => [open("Simple SMS Messenger"), click(str(p.number)), type("Type a message", str(p.message)), click("Send"), done],
  SimpleSmsReplyMostRecent: (p) => [open("Simple SMS Messenger"), (els) => ({ action_type: "click", index: find(els, (e) => e.resourceName === "conversation_address", "a conversation") }), type("Type a message", str(p.message)), click("Send"), done],
  SimpleSmsSendReceivedAddress: (p) => [open("Simple SMS Messenger"), click("Start conversation"), type("Add Contact or Number", str(p.name1)), type("Type a message", str(p.message)), click("Send"), done],
  MarkorCreateNoteAndSms: (p) => [
    open("Markor"),
    click("Create a new note"),
    type("Name", noteOf(p)),
    type("Start writing…", str(p.text)),
    click("Save"),
    open("Simple SMS Messenger"),
    click("Start conversation"),
    type("Add Contact or Number", str(p.number)),
    type("Type a message", str(p.text)),
    click("Send"),
    done,
  ],
  SimpleSmsResend: (p) => [open("Simple SMS Messenger"), click(str(p.name)), type("Type a message", str(p.message)), click("Send"), done],
  ExpenseAddSingle: addExpenses,
  ExpenseAddMultiple: addExpenses,
  ExpenseDeleteSingle: deleteExpenses,
  ExpenseDeleteMultiple: deleteExpenses,
  ExpenseDeleteMultiple2: deleteExpenses,
  ExpenseAddMultipleFromMarkor: addExpenses,
  ExpenseDeleteDuplicates2: (p) => {
    // Near-copies share the name: pick the row by its details (category · date · amount).
    const e = parsed<Expense[]>(p.expenses).at(-1)!;
    const detail = `${e.category} · ${e.date} · $${(e.amount / 100).toFixed(2)}`;
    return [open("Pro Expense"), ...seek(byLabel(detail)), click(detail), click("Delete"), click("OK"), done];
  },
  ExpenseDeleteDuplicates: (p) => [open("Pro Expense"), click(parsed<Expense[]>(p.expenses).at(-1)!.name), click("Delete"), click("OK"), done],
  SimpleCalendarAddOneEvent: addEvent,
  SimpleCalendarAddOneEventTomorrow: addEvent,
  SimpleCalendarAddOneEventInTwoWeeks: addEvent,
  SimpleCalendarAddOneEventRelativeDay: addEvent,
  SimpleCalendarAddRepeatingEvent: (p) => {
    const steps = addEvent(p);
    return [...steps.slice(0, -2), click(p.repeat_rule === "daily" ? "Daily" : "Weekly"), ...steps.slice(-2)];
  },
  SystemCopyToClipboard: (p) => [open("Contacts"), click("Create contact"), type("First name", str(p.clipboard_content)), ...fieldMenu("First name", "Copy"), done],
  MarkorCreateNoteFromClipboard: (p) => [open("Markor"), click("Create a new note"), type("Name", noteOf(p)), ...fieldMenu("Start writing…", "Paste"), click("Save"), done],
  SimpleSmsSendClipboardContent: (p) => [open("Simple SMS Messenger"), click("Start conversation"), type("Add Contact or Number", str(p.number)), ...fieldMenu("Type a message", "Paste"), click("Send"), done],
  FilesMoveFile: (p) => [open("Files"), click(str(p.source_folder)), longPress(noteOf(p)), click("Move to"), click(str(p.destination_folder)), done],
  SimpleCalendarDeleteOneEvent: (p) => {
    const e = parsed<CalendarEvent[]>(p.events).at(-1)!;
    const label = `${pad2(e.hour)}:${pad2(e.minute)} ${e.title}`;
    return [open("Simple Calendar Pro"), ...seek(startsWith(label)), clickStarting(label), click("Delete"), click("OK"), done];
  },
  SimpleCalendarDeleteEvents: deleteEventsOn,
  SimpleCalendarDeleteEventsOnRelativeDay: deleteEventsOn,
  TasksCompleteTask: (p) => [
    open("Tasks"),
    (els) => {
      const row = find(els, (e) => e.text === p.title, JSON.stringify(p.title));
      // The checkbox precedes the title in the row.
      return { action_type: "click", index: row - 1 };
    },
    done,
  ],
  RecipeAddSingleRecipe: addRecipes,
  RecipeAddMultipleRecipes: addRecipes,
  RecipeAddMultipleRecipesFromMarkor: addRecipes,
  RecipeAddMultipleRecipesFromMarkor2: addRecipes,
  RecipeAddMultipleRecipesFromImage: addRecipes,
  ExpenseAddMultipleFromGallery: addExpenses,
  RecipeDeleteSingleRecipe: (p) => deleteRecipes(p, p.delete as number[]),
  RecipeDeleteSingleWithRecipeWithNoise: (p) => deleteRecipes(p, p.delete as number[]),
  RecipeDeleteMultipleRecipes: (p) => deleteRecipes(p, p.delete as number[]),
  RecipeDeleteMultipleRecipesWithNoise: (p) => deleteRecipes(p, p.delete as number[]),
  RecipeDeleteMultipleRecipesWithConstraint: (p) => deleteRecipes(p, p.delete as number[]),
  RecipeDeleteDuplicateRecipes: (p) => deleteRecipes(p, [parsed<Recipe[]>(p.recipes).at(-1)!.id]),
  RecipeDeleteDuplicateRecipes2: (p) => deleteRecipes(p, [parsed<Recipe[]>(p.recipes).at(-1)!.id]),
  RecipeDeleteDuplicateRecipes3: (p) => deleteRecipes(p, [parsed<Recipe[]>(p.recipes).at(-1)!.id]),
  CameraTakePhoto: () => [open("Camera"), click("Shutter"), done],
  CameraTakeVideo: () => [open("Camera"), click("Video"), click("Start recording"), click("Stop recording"), done],
  AudioRecorderRecordAudio: () => [open("Audio Recorder"), click("Record"), click("Stop recording"), click("OK"), done],
  // Enter in the name field renames and closes the dialog.
  AudioRecorderRecordAudioWithFileName: (p) => [open("Audio Recorder"), click("Record"), click("Stop recording"), type("Record name", str(p.file_name), true), done],
  // Enter in the name field saves.
  SimpleDrawProCreateDrawing: (p) => [open("Simple Draw Pro"), click("Canvas"), click("Save"), type("File name", str(p.file_name)), done],
  RetroCreatePlaylist: (p) => [open("Retro Music"), ...selectSongs(p), ...newPlaylistOfSelection(p), done],
  RetroPlaylistDuration: (p) => [open("Retro Music"), ...selectSongs(p), ...newPlaylistOfSelection(p), done],
  RetroPlayingQueue: (p) => [open("Retro Music"), ...selectSongs(p), click("Add to playing queue"), done],
  RetroSavePlaylist: (p) => [open("Retro Music"), ...selectSongs(p), ...newPlaylistOfSelection(p), click("Playlists"), click(str(p.playlist_name)), click("Save playlist"), click("OK"), done],
  VlcCreatePlaylist: (p) => [open("VLC"), ...selectSongs(p, list(p.files), vlcVideos(p)), ...newPlaylistOfSelection(p), done],
  VlcCreateTwoPlaylists: (p) => [
    open("VLC"),
    ...selectSongs(p, list(p.files1), vlcVideos(p)),
    ...newPlaylistOfSelection(p, str(p.playlist_name1)),
    ...selectSongs(p, list(p.files2), vlcVideos(p)),
    ...newPlaylistOfSelection(p, str(p.playlist_name2)),
    done,
  ],
  FilesDeleteFile: (p) => [open("Files"), click(str(p.subfolder)), longPress(noteOf(p)), click("Delete"), click("OK"), done],
};

/** Wrong solutions where "declare success at once" would be right (the verify tasks): undo the state instead. */
const WRONG: Record<string, () => SolutionStep[]> = {
  SystemWifiTurnOnVerify: wifi,
  SystemWifiTurnOffVerify: wifi,
  SystemBluetoothTurnOnVerify: bluetooth,
  SystemBluetoothTurnOffVerify: bluetooth,
  SystemBrightnessMaxVerify: () => brightness(0),
  SystemBrightnessMinVerify: () => brightness(1),
  // No recipe may use the ingredient (then the right answer is to delete none): delete the first recipe, never a target.
  RecipeDeleteMultipleRecipesWithConstraint: () => [open("Broccoli"), (els) => ({ action_type: "click", index: find(els, (e) => e.resourceName === "recipe_title", "a recipe") }), click("Delete"), click("OK"), done],
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
  const w = WRONG[taskName];
  if (w) return w();
  const task = WEB_TASKS.find((t) => t.name === taskName);
  if (task?.expectedAnswer) return [answer("Nothing"), done];
  return [done];
}
