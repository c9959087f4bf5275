/**
 * What the android-web task modules share: `def` (a task from its parameters, goal,
 * the app data it puts in place and a check over the device's state), the parameter
 * pools, and the helpers AndroidWorld's checks use (fuzzy match, the foreground-app
 * rule, "other rows untouched"). Complexities of AndroidWorld tasks come from
 * `../androidworld.ts`; only dynamind's own tasks declare one here.
 */
import type { Rng } from "../../kit/rng.js";
import type { UiElement } from "../../contract.js";
import type { WebDevice } from "../../../emulator/web-device/web-device.js";
import { DEVICE_START, type DeviceState } from "../../../emulator/web-device/state.js";
import { androidWorldComplexity } from "../androidworld.js";
import { toUiElements } from "../ui-elements.js";
import { answersMatch, type AndroidTask, type TaskParams } from "../task.js";

export type P = Record<string, string | number | boolean | string[] | number[]>;

/** Reads the screen the way AndroidWorld's screen-based checks do (its element list). */
export type ScreenReader = () => Promise<UiElement[]>;

export interface Def<Q extends P> {
  name: string;
  app: string;
  /** Only for tasks AndroidWorld does not have; AndroidWorld's come from its table. */
  complexity?: number;
  description: string;
  params: (rng: Rng) => Q;
  goal: (p: Q) => string;
  setup: (p: Q) => Partial<DeviceState>;
  check: (s: DeviceState, p: Q, answer: string | undefined, screen: ScreenReader) => number | Promise<number>;
  answer?: (p: Q) => string;
}

export type WebTask = AndroidTask<WebDevice, TaskParams>;

export function def<Q extends P>(d: Def<Q>): WebTask {
  const task: AndroidTask<WebDevice, Q> = {
    name: d.name,
    app: d.app,
    complexity: d.complexity ?? androidWorldComplexity(d.name),
    description: d.description,
    params: d.params,
    goal: d.goal,
    initialize: (device, p) => device.load(d.setup(p)),
    isSuccessful: async (device, p, answer) => d.check(await device.readState(), p, answer, async () => toUiElements(await device.elementTree())),
    ...(d.answer ? { expectedAnswer: d.answer } : {}),
  };
  return task as unknown as WebTask;
}

// ---------- pools ----------
export const FIRST = ["Emma", "Liam", "Olivia", "Noah", "Ava", "Elijah", "Sophia", "Lucas", "Mia", "Mateo", "Isabella", "Ethan", "Chloe", "Omar", "Hana", "Yuki"];
export const LAST = ["Garcia", "Smith", "Nguyen", "Kim", "Patel", "Rossi", "Okafor", "Schmidt", "Silva", "Cohen", "Ito", "Brown"];
export const WORDS = ["grocery", "meeting", "ideas", "travel", "budget", "recipes", "workout", "books", "reminders", "project", "garden", "movies"];
/** Stand-ins for AndroidWorld's RANDOM_SENTENCES (user_data_generation.py). */
export const SENTENCES = [
  "Buy milk and eggs",
  "Call the plumber on Monday",
  "Finish the quarterly report",
  "Book flights to Lisbon",
  "Water the plants twice a week",
  "Try the new pasta recipe",
  "Renew the library card",
  "Plan the birthday party",
  "The meeting moved to 3pm",
  "Pack the charger and passport",
];

// ---------- small helpers ----------
export const phoneNumber = (rng: Rng) => `+1555${String(1000000 + rng.int(9000000))}`;
export const digits = (s: string) => s.replace(/[^0-9]/g, "");
export const sample = <T>(rng: Rng, items: readonly T[], n: number): T[] => rng.shuffle([...items]).slice(0, n);
/** An integer in [lo, hi], like Python's random.randint. */
export const randint = (rng: Rng, lo: number, hi: number) => lo + rng.int(hi - lo + 1);
export const norm = (s: string) => s.trim().replace(/\s+/g, " ").toLowerCase();
export const mean = (...xs: boolean[]) => xs.filter(Boolean).length / xs.length;
export const json = <T>(s: unknown): T => JSON.parse(String(s)) as T;
/** A lower-case random string (AndroidWorld's generate_random_string draws letters and digits). */
export const randomString = (rng: Rng, n: number) => Array.from({ length: n }, () => "abcdefghijklmnopqrstuvwxyz0123456789"[rng.int(36)]).join("");
/** AndroidWorld's generate_random_file_name: words and a number, no extension. */
export const randomFileName = (rng: Rng) => `${rng.pick(WORDS)}_${rng.pick(WORDS)}_${randint(rng, 1, 999)}`;
/** 2023-10-DD as an ISO date (AndroidWorld's tasks live in October 2023). */
export const october = (day: number) => `2023-10-${String(day).padStart(2, "0")}`;
export const minutesAgo = (m: number) => DEVICE_START - m * 60_000;

/** The foreground screen's app id ("sms", "clock" ...; "home" for the launcher). */
export const foreground = (s: DeviceState) => s.stack[s.stack.length - 1]!.s.split(".")[0]!;

/** Rows before and after: exactly `removed` are gone, nothing else changed or added (sqlite_validators). */
export function onlyRemoved<T extends { id: number }>(before: readonly T[], after: readonly T[], removed: readonly number[]): boolean {
  const same = (a: T, b: T) => JSON.stringify(a) === JSON.stringify(b);
  for (const row of before) {
    const kept = after.some((r) => same(r, row));
    if (removed.includes(row.id) === kept) return false;
  }
  return after.every((r) => before.some((b) => same(b, r)));
}

/** Exactly the reference rows were added (`matches` decides), the earlier rows unchanged. */
export function onlyAdded<T extends { id: number }, R>(before: readonly T[], after: readonly T[], refs: readonly R[], matches: (ref: R, row: T) => boolean): boolean {
  if (after.length !== before.length + refs.length) return false;
  const same = (a: T, b: T) => JSON.stringify(a) === JSON.stringify(b);
  if (!before.every((b) => after.some((r) => same(r, b)))) return false;
  return refs.every((ref) => after.some((row) => matches(ref, row)));
}

/** Python's textwrap.wrap(text, width) joined by newlines: greedy lines of whole words (a longer word is cut). */
export function wrapText(text: string, width: number): string {
  const lines: string[] = [];
  let line = "";
  for (let word of text.split(/\s+/).filter(Boolean)) {
    while (word.length > width) {
      if (line) { lines.push(line); line = ""; }
      lines.push(word.slice(0, width));
      word = word.slice(width);
    }
    if (!line) line = word;
    else if (line.length + 1 + word.length <= width) line += ` ${word}`;
    else { lines.push(line); line = word; }
  }
  if (line) lines.push(line);
  return lines.join("\n");
}

export const LIST_HINT = "Answer with the titles only. If there are multiples titles, format your answer in a comma separated list.";

/** What an information question draws: the rows it is about, and what would change its answer. */
export interface RowQuestion<Row> {
  /** Goal variables (dates already reworded). */
  vars: Record<string, string>;
  rows: Row[];
  /** Whether a noise row would change the answer (AndroidWorld's exclusion conditions). */
  excluded: (row: Row) => boolean;
  answer: string;
}

type RowTable = "joplin" | "tracks" | "tasks";

/**
 * An AndroidWorld information question over one app's table: the question's rows plus
 * 5–10 noise rows (our number) that never change the answer, shuffled and numbered
 * from `firstId`. Noise rows are drawn again until `keepNoise` accepts them.
 */
export function rowQuestion<Row extends object>(spec: {
  name: string;
  app: string;
  description: string;
  table: RowTable;
  firstId: number;
  template: (v: Record<string, string>) => string;
  draw: (rng: Rng) => RowQuestion<Row>;
  noiseRow: (rng: Rng) => Row;
  keepNoise?: (row: Row, q: RowQuestion<Row>) => boolean;
  compare?: (given: string | undefined, expected: string) => boolean;
}): WebTask {
  const keep = spec.keepNoise ?? ((row, q) => !q.excluded(row));
  const compare = spec.compare ?? answersMatch;
  return def({
    name: spec.name,
    app: spec.app,
    description: spec.description,
    params: (rng) => {
      const q = spec.draw(rng);
      const noise: Row[] = [];
      for (let n = randint(rng, 5, 10); noise.length < n; ) {
        const row = spec.noiseRow(rng);
        if (keep(row, q)) noise.push(row);
      }
      const all = rng.shuffle([...q.rows, ...noise]).map((row, i) => ({ id: spec.firstId + i, ...row }));
      return { ...q.vars, answer: q.answer, [spec.table]: JSON.stringify(all) };
    },
    goal: (p) => spec.template(p as Record<string, string>),
    setup: (p) => ({ [spec.table]: json(p[spec.table]) }),
    check: (_s, p, answer) => Number(compare(answer, String(p.answer))),
    answer: (p) => String(p.answer),
  });
}
