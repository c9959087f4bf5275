/**
 * AndroidWorld's complexities and step budgets, pinned: the table below was read off
 * google-research/android_world at d9c569f (each class's `complexity`, inherited where
 * a class sets none; the file named per row). Every task of either backend that has
 * an AndroidWorld name must carry exactly that complexity and int(10 × complexity)
 * steps. Also AndroidWorld's fuzzy match and natural-language dates, against values
 * its Python code gives.
 */
import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ANDROID_WORLD } from "../../adapters/android/androidworld.js";
import { APPIUM_TASKS } from "../../adapters/android/appium/tasks.js";
import { fuzzyMatch, sequenceRatio } from "../../adapters/android/fuzzy.js";
import { dateOptions, longDate } from "../../adapters/android/nl-date.js";
import { stepBudget } from "../../adapters/android/task.js";
import { WEB_TASKS } from "../../adapters/android/web/tasks.js";

// name: [complexity, file under android_world/task_evals/]
const PINNED: Record<string, [number, string]> = {
  SystemWifiTurnOn: [1, "single/system.py"],
  SystemWifiTurnOff: [1, "single/system.py"],
  SystemWifiTurnOnVerify: [1, "single/system.py"],
  SystemWifiTurnOffVerify: [1, "single/system.py"],
  SystemBluetoothTurnOn: [1, "single/system.py"],
  SystemBluetoothTurnOff: [1, "single/system.py"],
  SystemBluetoothTurnOnVerify: [1, "single/system.py"],
  SystemBluetoothTurnOffVerify: [1, "single/system.py"],
  SystemBrightnessMax: [1, "single/system.py"],
  SystemBrightnessMin: [1, "single/system.py"],
  SystemBrightnessMaxVerify: [1, "single/system.py"],
  SystemBrightnessMinVerify: [1, "single/system.py"],
  OpenAppTaskEval: [1, "single/system.py"],
  SystemCopyToClipboard: [1, "single/system.py"],
  TurnOffWifiAndTurnOnBluetooth: [2, "composite/system.py"],
  TurnOnWifiAndOpenApp: [2, "composite/system.py"],
  ClockStopWatchPausedVerify: [1, "single/clock.py"],
  ClockStopWatchRunning: [1, "single/clock.py"],
  ClockTimerEntry: [1, "single/clock.py"],
  ContactsAddContact: [1.2, "single/contacts.py"],
  ContactsNewContactDraft: [1.2, "single/contacts.py"],
  MarkorAddNoteHeader: [1.2, "single/markor.py"],
  MarkorChangeNoteContent: [1.2, "single/markor.py"],
  MarkorCreateFolder: [1, "single/markor.py"],
  MarkorCreateNote: [1.6, "single/markor.py"],
  MarkorDeleteAllNotes: [1.4, "single/markor.py"],
  MarkorDeleteNewestNote: [1, "single/markor.py"],
  MarkorDeleteNote: [1, "single/markor.py"],
  MarkorEditNote: [1.2, "single/markor.py"],
  MarkorCreateNoteFromClipboard: [1.4, "single/markor.py"],
  MarkorMergeNotes: [7.8, "single/markor.py"],
  MarkorMoveNote: [1.4, "single/markor.py"],
  MarkorCreateNoteAndSms: [1.8, "composite/markor_sms.py"],
  SimpleSmsSend: [1.2, "single/sms.py"],
  SimpleSmsReply: [1.2, "single/sms.py"],
  SimpleSmsReplyMostRecent: [1.2, "single/sms.py"],
  SimpleSmsResend: [1.2, "single/sms.py"],
  SimpleSmsSendClipboardContent: [1.2, "single/sms.py"],
  SimpleSmsSendReceivedAddress: [1.8, "single/sms.py"],
  ExpenseAddSingle: [1.2, "single/expense.py"],
  ExpenseAddMultiple: [6, "single/expense.py"],
  ExpenseDeleteSingle: [1, "single/expense.py"],
  ExpenseDeleteMultiple: [2, "single/expense.py"],
  ExpenseDeleteMultiple2: [3.4, "single/expense.py"],
  ExpenseDeleteDuplicates: [1.2, "single/expense.py"],
  ExpenseDeleteDuplicates2: [1.8, "single/expense.py"],
  ExpenseAddMultipleFromMarkor: [6, "single/expense.py"],
  ExpenseAddMultipleFromGallery: [6, "single/expense.py"],
  FilesDeleteFile: [2.2, "single/files.py"],
  FilesMoveFile: [2, "single/files.py"],
  SimpleCalendarAddOneEvent: [3.4, "single/calendar/calendar.py"],
  SimpleCalendarAddOneEventTomorrow: [3.4, "single/calendar/calendar.py"],
  SimpleCalendarAddOneEventInTwoWeeks: [3.4, "single/calendar/calendar.py"],
  SimpleCalendarAddOneEventRelativeDay: [3.4, "single/calendar/calendar.py"],
  SimpleCalendarAddRepeatingEvent: [3.4, "single/calendar/calendar.py"],
  SimpleCalendarDeleteOneEvent: [1.2, "single/calendar/calendar.py"],
  SimpleCalendarDeleteEvents: [1.4, "single/calendar/calendar.py"],
  SimpleCalendarDeleteEventsOnRelativeDay: [1.2, "single/calendar/calendar.py"],
  SimpleCalendarEventsOnDate: [1, "information_retrieval/proto/tasks.textproto"],
  SimpleCalendarLocationOfEvent: [1, "information_retrieval/proto/tasks.textproto"],
  SimpleCalendarAnyEventsOnDate: [1, "information_retrieval/proto/tasks.textproto"],
  SimpleCalendarEventOnDateAtTime: [1, "information_retrieval/proto/tasks.textproto"],
  SimpleCalendarNextEvent: [1, "information_retrieval/proto/tasks.textproto"],
  SimpleCalendarEventsInNextWeek: [1, "information_retrieval/proto/tasks.textproto"],
  SimpleCalendarFirstEventAfterStartTime: [1, "information_retrieval/proto/tasks.textproto"],
  SimpleCalendarEventsInTimeRange: [1, "information_retrieval/proto/tasks.textproto"],
  SimpleCalendarNextMeetingWithPerson: [1, "information_retrieval/proto/tasks.textproto"],
  TasksDueOnDate: [1, "information_retrieval/proto/tasks.textproto"],
  TasksHighPriorityTasks: [1, "information_retrieval/proto/tasks.textproto"],
  TasksHighPriorityTasksDueOnDate: [1, "information_retrieval/proto/tasks.textproto"],
  TasksIncompleteTasksOnDate: [1, "information_retrieval/proto/tasks.textproto"],
  TasksDueNextWeek: [1, "information_retrieval/proto/tasks.textproto"],
  TasksCompletedTasksForDate: [1, "information_retrieval/proto/tasks.textproto"],
  RecipeAddSingleRecipe: [2.4, "single/recipe.py"],
  RecipeAddMultipleRecipes: [6, "single/recipe.py"],
  RecipeAddMultipleRecipesFromMarkor: [6, "single/recipe.py"],
  RecipeAddMultipleRecipesFromMarkor2: [6, "single/recipe.py"],
  RecipeAddMultipleRecipesFromImage: [6, "single/recipe.py"],
  RecipeDeleteSingleRecipe: [1, "single/recipe.py"],
  RecipeDeleteSingleWithRecipeWithNoise: [2, "single/recipe.py"],
  RecipeDeleteMultipleRecipes: [2.4, "single/recipe.py"],
  RecipeDeleteMultipleRecipesWithNoise: [3.4, "single/recipe.py"],
  RecipeDeleteMultipleRecipesWithConstraint: [4, "single/recipe.py"],
  RecipeDeleteDuplicateRecipes: [1, "single/recipe.py"],
  RecipeDeleteDuplicateRecipes2: [2.4, "single/recipe.py"],
  RecipeDeleteDuplicateRecipes3: [3.4, "single/recipe.py"],
  CameraTakePhoto: [1, "single/camera.py"],
  CameraTakeVideo: [1, "single/camera.py"],
  AudioRecorderRecordAudio: [1.2, "single/audio_recorder.py"],
  AudioRecorderRecordAudioWithFileName: [2, "single/audio_recorder.py"],
  SimpleDrawProCreateDrawing: [1.8, "single/simple_draw_pro.py"],
  RetroCreatePlaylist: [2.4, "single/retro_music.py"],
  RetroPlayingQueue: [3.2, "single/retro_music.py"],
  RetroSavePlaylist: [5, "single/retro_music.py"],
  RetroPlaylistDuration: [3, "single/retro_music.py"],
  VlcCreatePlaylist: [2.8, "single/vlc.py"],
  VlcCreateTwoPlaylists: [4.8, "single/vlc.py"],
  NotesRecipeIngredientCount: [1, "information_retrieval/proto/tasks.textproto"],
  NotesMeetingAttendeeCount: [1, "information_retrieval/proto/tasks.textproto"],
  NotesIsTodo: [1, "information_retrieval/proto/tasks.textproto"],
  NotesTodoItemCount: [1, "information_retrieval/proto/tasks.textproto"],
  SportsTrackerActivitiesOnDate: [2, "information_retrieval/proto/tasks.textproto"],
  SportsTrackerActivitiesCountForWeek: [1, "information_retrieval/proto/tasks.textproto"],
  SportsTrackerActivityDuration: [1, "information_retrieval/proto/tasks.textproto"],
  SportsTrackerLongestDistanceActivity: [1, "information_retrieval/proto/tasks.textproto"],
  SportsTrackerTotalDurationForCategoryThisWeek: [1, "information_retrieval/proto/tasks.textproto"],
  SportsTrackerTotalDistanceForCategoryOverInterval: [2, "information_retrieval/proto/tasks.textproto"],
};
/** dynamind's own tasks: no AndroidWorld class, complexity ours. */
const OURS = ["ClockAddAlarm", "TasksCompleteTask"];

const REFERENCE = new URL("../../../shared/reference/androidworld/task_complexity.json", import.meta.url);

describe("AndroidWorld's complexities and step budgets", () => {
  it("the code's table is the pinned one", () => {
    expect(Object.fromEntries([...ANDROID_WORLD].map(([n, t]) => [n, [t.complexity, t.source]]))).toEqual(PINNED);
  });

  it("every task with an AndroidWorld name has its complexity and int(10 × complexity) steps", () => {
    for (const t of [...WEB_TASKS, ...APPIUM_TASKS]) {
      if (OURS.includes(t.name)) continue;
      const pinned = PINNED[t.name];
      expect(pinned, `${t.name} is not in the pinned table`).toBeDefined();
      expect(t.complexity, t.name).toBe(pinned![0]);
      expect(stepBudget(t), t.name).toBe(Math.floor(10 * pinned![0] + 1e-9));
    }
    expect(WEB_TASKS.filter((t) => !ANDROID_WORLD.has(t.name)).map((t) => t.name)).toEqual(OURS);
    expect(stepBudget({ complexity: 3.4 })).toBe(34);
    expect(stepBudget({ complexity: 1.2 })).toBe(12);
    expect(stepBudget({ complexity: 7.8 })).toBe(78);
  });

  it("agrees with the reference copy of AndroidWorld's complexities where present", () => {
    if (!existsSync(REFERENCE)) {
      console.warn(`skipping the reference check: ${REFERENCE.pathname} is absent`);
      return;
    }
    const ref = (JSON.parse(readFileSync(REFERENCE, "utf8")) as { complexity: Record<string, number> }).complexity;
    for (const [name, [c]] of Object.entries(PINNED)) expect(ref[name], name).toBe(c);
  });
});

describe("AndroidWorld's fuzzy match (difflib ratio ≥ 0.9, case-insensitive)", () => {
  it("computes difflib.SequenceMatcher(None, a, b).ratio() exactly", () => {
    // Values from CPython 3.11's difflib.
    const cases: [string, string, number][] = [
      ["hello world", "Hello World!", 0.782608695652174],
      ["Buy milk and eggs", "buy milk & eggs", 0.8125],
      ["abc", "", 0],
      ["", "", 1],
      ["The meeting moved to 3pm", "The meeting moved to 4pm", 0.9583333333333334],
      ["kitten", "sitting", 0.6153846153846154],
      ["a".repeat(150) + "b".repeat(100), "a".repeat(149) + "c" + "b".repeat(100), 0.596],
      ["x".repeat(300), "x".repeat(290) + "y".repeat(10), 0.9666666666666667],
    ];
    for (const [a, b, r] of cases) expect(sequenceRatio(a, b), `${a.slice(0, 20)} / ${b.slice(0, 20)}`).toBeCloseTo(r, 12);
  });

  it("matches like AndroidWorld's fuzzy_match", () => {
    expect(fuzzyMatch("Call me at 555-1234", "call me at 555-1243")).toBe(true);
    expect(fuzzyMatch("Buy milk and eggs", "Buy milk & eggs")).toBe(false);
    expect(fuzzyMatch("Hello", "HELLO")).toBe(true);
    expect(fuzzyMatch("Hello", "HELLO", false)).toBe(false);
    expect(fuzzyMatch(undefined, "x")).toBe(false);
  });
});

describe("AndroidWorld's natural-language dates", () => {
  it("offers the phrasings datetime_utils offers", () => {
    expect(longDate("2023-10-05")).toBe("October 05 2023");
    expect(dateOptions("2023-10-15")).toEqual(["October 15", "October 15 2023", "today"]);
    expect(dateOptions("2023-10-16")).toEqual(["October 16", "October 16 2023", "tomorrow", "Monday", "this Monday"]);
    expect(dateOptions("2023-10-14")).toEqual(["October 14", "October 14 2023", "yesterday", "Saturday"]);
    expect(dateOptions("2023-10-27")).toEqual(["October 27", "October 27 2023", "the Friday after next"]);
    expect(dateOptions("2023-10-30")).toEqual(["October 30", "October 30 2023"]);
    // AndroidWorld's own test cases, with its device date moved to October 25.
    expect(dateOptions("2023-10-30", "2023-10-25")).toContain("Monday");
    expect(dateOptions("2023-10-26", "2023-10-25")).toContain("this Thursday");
    expect(dateOptions("2023-11-02", "2023-10-25")).toContain("the Thursday after next");
  });
});
