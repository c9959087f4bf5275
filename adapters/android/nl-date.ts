/**
 * AndroidWorld's natural-language dates (information_retrieval/datetime_utils.py,
 * `_generate_nl_date_options`): a goal names a date as one of "October 18",
 * "October 18 2023", today / tomorrow / yesterday, a weekday within a week either
 * way, "this <weekday>" within the coming week, "the <weekday> after next" in the
 * week after. The device's date is AndroidWorld's frozen 2023-10-15 (a Sunday).
 */
import type { Rng } from "../kit/rng.js";

export const DEVICE_DATE = "2023-10-15";

const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
const WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const DAY_MS = 86_400_000;

const utc = (iso: string) => Date.parse(`${iso}T00:00:00Z`);
const pad2 = (n: number) => String(n).padStart(2, "0");

/** The ISO date `days` after `iso`. */
export function addDays(iso: string, days: number): string {
  return new Date(utc(iso) + days * DAY_MS).toISOString().slice(0, 10);
}

export function weekday(iso: string): string {
  return WEEKDAYS[new Date(utc(iso)).getUTCDay()]!;
}

/** strftime("%B %d %Y"), AndroidWorld's date parameter format ("October 05 2023"). */
export function longDate(iso: string): string {
  const d = new Date(utc(iso));
  return `${MONTHS[d.getUTCMonth()]} ${pad2(d.getUTCDate())} ${d.getUTCFullYear()}`;
}

/** Every way AndroidWorld may phrase `iso` in a goal, in its order. */
export function dateOptions(iso: string, today = DEVICE_DATE): string[] {
  const full = longDate(iso);
  const options = [full.slice(0, full.lastIndexOf(" ")), full];
  const delta = Math.round((utc(iso) - utc(today)) / DAY_MS);
  if (delta === 0) options.push("today");
  if (delta === 1) options.push("tomorrow");
  if (delta === -1) options.push("yesterday");
  const day = weekday(iso);
  if (delta > 0 && delta <= 7) options.push(day, `this ${day}`);
  else if (delta > 7 && delta <= 14) options.push(`the ${day} after next`);
  if (delta < 0 && delta >= -7) options.push(day);
  return options;
}

/** One phrasing of `iso`, drawn as AndroidWorld draws it (uniformly among the options). */
export function rewordDate(iso: string, rng: Rng): string {
  return rng.pick(dateOptions(iso));
}
