/**
 * The web device's state: one JSON object, owned by app.js (`blankState()` there is
 * the source of truth for defaults). Tasks build app data with these types and
 * success checks read them.
 */
export interface Screen {
  s: string;
  [key: string]: unknown;
}

export interface Contact { id: number; first: string; last: string; phone: string; label: string }
export interface Alarm { id: number; hour: number; minute: number; label: string; enabled: boolean }
export interface Note { name: string; content: string; mtime: number }
export interface SmsMessage { from: "me" | "them"; text: string; time: number }
export interface SmsThread { number: string; name: string; messages: SmsMessage[] }
/** amount in cents; date YYYY-MM-DD. */
export interface Expense { id: number; name: string; amount: number; category: string; note: string; date: string }
export interface CalendarEvent { id: number; title: string; description: string; location: string; date: string; hour: number; minute: number; durationMin: number; repeat?: "daily" | "weekly" }
export interface TaskItem { id: number; title: string; due: string; priority: "high" | "medium" | "low" | "none"; completed: boolean }
/** `image`: what a picture shows (Simple Gallery draws it as pixels; the element list sees only the picture). */
export interface FileItem { folder: string; name: string; size: number; image?: string }
export interface JoplinNote { id: number; folder: string; title: string; body: string; isTodo: boolean; done: boolean }
/** An OpenTracks activity: date YYYY-MM-DD, startTime HH:MM, duration in minutes, distance and elevations in metres. */
export interface Track { id: number; name: string; description: string; category: string; date: string; startTime: string; durationMin: number; distanceM: number; elevationGain: number; elevationLoss: number }
export interface Song { title: string; artist: string; durationMs: number }
export interface MediaLibrary { songs: Song[]; playlists: { name: string; songs: string[] }[]; queue: string[] }
export interface Recording { name: string; durationMs: number; size: number }
/** A Broccoli recipe: AndroidWorld's Recipe row (sqlite_schema_utils), every field text as typed; favorite 0 or 1. */
export interface Recipe { id: number; title: string; description: string; servings: string; preparationTime: string; source: string; ingredients: string; directions: string; favorite: number }

export interface DeviceState {
  /** Virtual device time (epoch ms, UTC); starts at 2023-10-15 15:34. */
  time: number;
  stack: Screen[];
  dialog: Record<string, unknown> | null;
  focus: string | null;
  /** Text in form fields, by field key. */
  forms: Record<string, string>;
  scroll: Record<string, number>;
  clipboard: string;
  /** Read by the Settings app and the quick settings shade alike. Airplane mode on turns Wi-Fi and Bluetooth off (`beforeAirplane` restores them). */
  settings: { wifi: boolean; bluetooth: boolean; brightness: number; airplane?: boolean; beforeAirplane?: { wifi: boolean; bluetooth: boolean } };
  /** System UI: the quick settings shade is pulled down. */
  shade?: boolean;
  /** The on-screen keyboard's one-shot shift and its letters ("abc") or symbols ("sym") page. */
  kb?: { shift: boolean; page: "abc" | "sym" };
  /** Overview: apps left, most recent first, with the screens to resume. */
  recents?: { app: string; stack: Screen[] }[];
  contacts: Contact[];
  clock: {
    tab: "alarm" | "timer" | "stopwatch";
    alarms: Alarm[];
    timer: { digits: string; running: boolean; endsAt: number };
    stopwatch: { running: boolean; base: number; startedAt: number; laps?: number[] };
  };
  notes: Note[];
  /** Markor folders that hold no note (a note's folder is the prefix of its name, "BookNotes/a.md"). */
  markorFolders?: string[];
  sms: SmsThread[];
  expenses: Expense[];
  calendar: CalendarEvent[];
  tasks: TaskItem[];
  files: FileItem[];
  recipes: Recipe[];
  /** Joplin's notes and to-dos, each in a notebook (`folder`). */
  joplin: JoplinNote[];
  /** OpenTracks' recorded activities. */
  tracks: Track[];
  /** Simple Draw Pro's canvas: the dots tapped (canvas CSS px). Saving writes a file into `files` (Pictures). */
  draw: { dots: { x: number; y: number }[] };
  /** Retro Music: the songs on the device, playlists (song titles in order) and the playing queue (titles). */
  music: MediaLibrary;
  /** VLC's videos in Internal Memory/VLCVideos (a Song each: the file name as title, no artist) and playlists. */
  vlc: MediaLibrary;
  /** Camera: photo or video mode; recordingSince is the device time a video started (0: not recording). Captures go to `files` (Pictures, Movies). */
  camera: { mode: "photo" | "video"; recordingSince: number };
  /** Audio Recorder: startedAt is the device time a recording started (0: idle); sizes in kB. */
  recorder: { startedAt: number; recordings: Recording[] };
  nextId: number;
}

/** AndroidWorld's frozen device date. */
export const DEVICE_START = Date.UTC(2023, 9, 15, 15, 34, 0);
export const TODAY = "2023-10-15";
