/**
 * AndroidWorld's task classes that dynamind implements (either backend): each one's
 * `complexity` as its class declares it (inherited where the class sets none) at
 * google-research/android_world commit d9c569f, and the file that declares it. The
 * step budget is int(10 × complexity) (`stepBudget` in task.ts). Both backends take
 * their complexities from here, so a task with an AndroidWorld name cannot drift
 * from AndroidWorld's budget; test/android/androidworld-table.test.ts pins the table.
 */

export const ANDROID_WORLD_COMMIT = "d9c569f";

export interface AndroidWorldTask {
  readonly complexity: number;
  /** The android_world source file (under android_world/task_evals/) declaring the class. */
  readonly source: string;
}

const SYSTEM = "single/system.py";
const COMPOSITE = "composite/system.py";
const CLOCK = "single/clock.py";
const CONTACTS = "single/contacts.py";
const MARKOR = "single/markor.py";
const SMS = "single/sms.py";
const EXPENSE = "single/expense.py";
const FILES = "single/files.py";
const CALENDAR = "single/calendar/calendar.py";
const RECIPE = "single/recipe.py";
const CAMERA = "single/camera.py";
const AUDIO = "single/audio_recorder.py";
const DRAW = "single/simple_draw_pro.py";
const MUSIC = "single/retro_music.py";
const VLC = "single/vlc.py";
const IR = "information_retrieval/proto/tasks.textproto";

const table: Record<string, [number, string]> = {
  SystemWifiTurnOn: [1, SYSTEM],
  SystemWifiTurnOff: [1, SYSTEM],
  SystemWifiTurnOnVerify: [1, SYSTEM],
  SystemWifiTurnOffVerify: [1, SYSTEM],
  SystemBluetoothTurnOn: [1, SYSTEM],
  SystemBluetoothTurnOff: [1, SYSTEM],
  SystemBluetoothTurnOnVerify: [1, SYSTEM],
  SystemBluetoothTurnOffVerify: [1, SYSTEM],
  SystemBrightnessMax: [1, SYSTEM],
  SystemBrightnessMin: [1, SYSTEM],
  SystemBrightnessMaxVerify: [1, SYSTEM],
  SystemBrightnessMinVerify: [1, SYSTEM],
  OpenAppTaskEval: [1, SYSTEM],
  SystemCopyToClipboard: [1, SYSTEM],
  TurnOffWifiAndTurnOnBluetooth: [2, COMPOSITE],
  TurnOnWifiAndOpenApp: [2, COMPOSITE],
  ClockStopWatchPausedVerify: [1, CLOCK],
  ClockStopWatchRunning: [1, CLOCK],
  ClockTimerEntry: [1, CLOCK],
  ContactsAddContact: [1.2, CONTACTS],
  ContactsNewContactDraft: [1.2, CONTACTS],
  MarkorAddNoteHeader: [1.2, MARKOR],
  MarkorChangeNoteContent: [1.2, MARKOR],
  MarkorCreateFolder: [1, MARKOR],
  MarkorCreateNote: [1.6, MARKOR],
  MarkorDeleteAllNotes: [1.4, MARKOR],
  MarkorDeleteNewestNote: [1, MARKOR],
  MarkorDeleteNote: [1, MARKOR],
  MarkorEditNote: [1.2, MARKOR],
  MarkorCreateNoteFromClipboard: [1.4, MARKOR],
  MarkorMergeNotes: [7.8, MARKOR],
  MarkorMoveNote: [1.4, MARKOR],
  MarkorCreateNoteAndSms: [1.8, "composite/markor_sms.py"],
  SimpleSmsSend: [1.2, SMS],
  SimpleSmsReply: [1.2, SMS],
  SimpleSmsReplyMostRecent: [1.2, SMS],
  SimpleSmsResend: [1.2, SMS],
  SimpleSmsSendClipboardContent: [1.2, SMS],
  SimpleSmsSendReceivedAddress: [1.8, SMS],
  ExpenseAddSingle: [1.2, EXPENSE],
  ExpenseAddMultiple: [6, EXPENSE],
  ExpenseDeleteSingle: [1, EXPENSE],
  ExpenseDeleteMultiple: [2, EXPENSE],
  ExpenseDeleteMultiple2: [3.4, EXPENSE],
  ExpenseDeleteDuplicates: [1.2, EXPENSE],
  ExpenseDeleteDuplicates2: [1.8, EXPENSE],
  ExpenseAddMultipleFromMarkor: [6, EXPENSE],
  ExpenseAddMultipleFromGallery: [6, EXPENSE],
  FilesDeleteFile: [2.2, FILES],
  FilesMoveFile: [2, FILES],
  SimpleCalendarAddOneEvent: [3.4, CALENDAR],
  SimpleCalendarAddOneEventTomorrow: [3.4, CALENDAR],
  SimpleCalendarAddOneEventInTwoWeeks: [3.4, CALENDAR],
  SimpleCalendarAddOneEventRelativeDay: [3.4, CALENDAR],
  SimpleCalendarAddRepeatingEvent: [3.4, CALENDAR],
  SimpleCalendarDeleteOneEvent: [1.2, CALENDAR],
  SimpleCalendarDeleteEvents: [1.4, CALENDAR],
  SimpleCalendarDeleteEventsOnRelativeDay: [1.2, CALENDAR],
  SimpleCalendarEventsOnDate: [1, IR],
  SimpleCalendarLocationOfEvent: [1, IR],
  SimpleCalendarAnyEventsOnDate: [1, IR],
  SimpleCalendarEventOnDateAtTime: [1, IR],
  SimpleCalendarNextEvent: [1, IR],
  SimpleCalendarEventsInNextWeek: [1, IR],
  SimpleCalendarFirstEventAfterStartTime: [1, IR],
  SimpleCalendarEventsInTimeRange: [1, IR],
  SimpleCalendarNextMeetingWithPerson: [1, IR],
  TasksDueOnDate: [1, IR],
  TasksHighPriorityTasks: [1, IR],
  TasksHighPriorityTasksDueOnDate: [1, IR],
  TasksIncompleteTasksOnDate: [1, IR],
  TasksDueNextWeek: [1, IR],
  TasksCompletedTasksForDate: [1, IR],
  RecipeAddSingleRecipe: [2.4, RECIPE],
  RecipeAddMultipleRecipes: [6, RECIPE],
  RecipeAddMultipleRecipesFromMarkor: [6, RECIPE],
  RecipeAddMultipleRecipesFromMarkor2: [6, RECIPE],
  RecipeAddMultipleRecipesFromImage: [6, RECIPE],
  RecipeDeleteSingleRecipe: [1, RECIPE],
  RecipeDeleteSingleWithRecipeWithNoise: [2, RECIPE],
  RecipeDeleteMultipleRecipes: [2.4, RECIPE],
  RecipeDeleteMultipleRecipesWithNoise: [3.4, RECIPE],
  RecipeDeleteMultipleRecipesWithConstraint: [4, RECIPE],
  RecipeDeleteDuplicateRecipes: [1, RECIPE],
  RecipeDeleteDuplicateRecipes2: [2.4, RECIPE],
  RecipeDeleteDuplicateRecipes3: [3.4, RECIPE],
  CameraTakePhoto: [1, CAMERA],
  CameraTakeVideo: [1, CAMERA],
  AudioRecorderRecordAudio: [1.2, AUDIO],
  AudioRecorderRecordAudioWithFileName: [2, AUDIO],
  SimpleDrawProCreateDrawing: [1.8, DRAW],
  RetroCreatePlaylist: [2.4, MUSIC],
  RetroPlayingQueue: [3.2, MUSIC],
  RetroSavePlaylist: [5, MUSIC],
  RetroPlaylistDuration: [3, MUSIC],
  VlcCreatePlaylist: [2.8, VLC],
  VlcCreateTwoPlaylists: [4.8, VLC],
  NotesRecipeIngredientCount: [1, IR],
  NotesMeetingAttendeeCount: [1, IR],
  NotesIsTodo: [1, IR],
  NotesTodoItemCount: [1, IR],
  SportsTrackerActivitiesOnDate: [2, IR],
  SportsTrackerActivitiesCountForWeek: [1, IR],
  SportsTrackerActivityDuration: [1, IR],
  SportsTrackerLongestDistanceActivity: [1, IR],
  SportsTrackerTotalDurationForCategoryThisWeek: [1, IR],
  SportsTrackerTotalDistanceForCategoryOverInterval: [2, IR],
};

export const ANDROID_WORLD: ReadonlyMap<string, AndroidWorldTask> = new Map(Object.entries(table).map(([name, [complexity, source]]) => [name, { complexity, source }]));

/** AndroidWorld's complexity of the task class `name`; throws for a name AndroidWorld lacks. */
export function androidWorldComplexity(name: string): number {
  const t = ANDROID_WORLD.get(name);
  if (!t) throw new Error(`${name} is not an AndroidWorld task in the table`);
  return t.complexity;
}
