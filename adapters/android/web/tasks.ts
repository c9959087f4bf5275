/**
 * Tasks of the browser-hosted device, in ListEnvs order. Names, goals, parameters and
 * checks are AndroidWorld's where it has the task (complexities from its classes:
 * ../androidworld.ts); two are dynamind's own (ClockAddAlarm, TasksCompleteTask).
 * Each task seeds its app's data (initialize = a fresh device with that data, home
 * screen) and its check reads the device's state or, where AndroidWorld reads the
 * screen, the element list.
 */
import { TODAY } from "../../../emulator/web-device/state.js";
import { CALENDAR_MORE_TASKS, CALENDAR_TASKS } from "./tasks-calendar.js";
import { CLIPBOARD_TASKS } from "./tasks-clipboard.js";
import { EXPENSE_MORE_TASKS, EXPENSE_TASKS } from "./tasks-expense.js";
import { JOPLIN_TASKS } from "./tasks-joplin.js";
import { MEDIA_TASKS } from "./tasks-media.js";
import { MUSIC_TASKS, VLC_TASKS } from "./tasks-music.js";
import { TRACKS_TASKS } from "./tasks-tracks.js";
import { RECIPE_TASKS } from "./tasks-recipe.js";
import { MARKOR_FOLDER_TASKS, MARKOR_TASKS } from "./tasks-markor.js";
import { SMS_MORE_TASKS, SMS_TASKS } from "./tasks-sms.js";
import { SYSTEM_TASKS } from "./tasks-system.js";
import { FILES_TASKS, TASKS_APP_TASKS } from "./tasks-tasks-files.js";
import type { WebTask } from "./task-kit.js";

export type { WebTask };

export const WEB_TASKS: readonly WebTask[] = [
  ...SYSTEM_TASKS,
  ...MARKOR_TASKS,
  ...MARKOR_FOLDER_TASKS,
  ...SMS_TASKS,
  ...SMS_MORE_TASKS,
  ...EXPENSE_TASKS,
  ...EXPENSE_MORE_TASKS,
  ...CALENDAR_TASKS,
  ...CALENDAR_MORE_TASKS,
  ...TASKS_APP_TASKS,
  ...FILES_TASKS,
  ...CLIPBOARD_TASKS,
  ...RECIPE_TASKS,
  ...MEDIA_TASKS,
  ...JOPLIN_TASKS,
  ...TRACKS_TASKS,
  ...MUSIC_TASKS,
  ...VLC_TASKS,
];

export { TODAY };
