/**
 * android-web Simple Calendar Pro tasks (AndroidWorld: single/calendar/calendar.py
 * for adding and deleting events; information_retrieval/proto/tasks.textproto for
 * the questions). Events live in October 2023, the device's date is Sunday
 * 2023-10-15, and noise events fill the calendar as AndroidWorld's do: 0–20 for
 * additions, 20 for deletions, and for questions 10 (our number) that never meet
 * the question's own conditions, so the expected answer is exactly the task's events.
 * Question goals name dates the way AndroidWorld rewords them ("tomorrow",
 * "this Friday", "October 18" ...).
 */
import type { Rng } from "../../kit/rng.js";
import type { CalendarEvent } from "../../../emulator/web-device/state.js";
import { fuzzyMatch } from "../fuzzy.js";
import { answersMatch } from "../task.js";
import { DEVICE_DATE, rewordDate, weekday } from "../nl-date.js";
import { def, json, LIST_HINT, norm, october, onlyAdded, onlyRemoved, randint, sample, type WebTask } from "./task-kit.js";

type Ev = Omit<CalendarEvent, "id">;

const TITLES = ["Team sync", "Dentist", "Yoga class", "Project review", "Lunch with Ana", "Budget meeting", "Piano lesson", "Code review", "Book club", "Call with the bank", "Parent-teacher meeting", "Car service"];
const DESCRIPTIONS = ["Bring the laptop", "Quarterly planning", "Discuss the roadmap", "Weekly catch-up", "Remember the documents", "Prepare questions"];
const LOCATIONS = ["Room 204", "Main Street Clinic", "City Park", "Cafe Luna", "Library", "Office 3B"];
const DURATIONS = [15, 30, 45, 60, 90, 120];

function event(rng: Rng, date: string, o: Partial<Ev> = {}): Ev {
  return { title: rng.pick(TITLES), description: rng.pick(DESCRIPTIONS), location: rng.pick(LOCATIONS), date, hour: rng.int(24), minute: 15 * rng.int(4), durationMin: rng.pick(DURATIONS), ...o };
}

/** `n` noise events anywhere in October that `keep` accepts. */
function noise(rng: Rng, n: number, keep: (e: Ev) => boolean): Ev[] {
  const out: Ev[] = [];
  while (out.length < n) {
    const e = event(rng, october(randint(rng, 1, 31)));
    if (keep(e)) out.push(e);
  }
  return out;
}

const withIds = (evs: readonly Ev[]): CalendarEvent[] => evs.map((e, i) => ({ id: 200 + i, ...e }));
const ymd = (iso: string) => ({ year: "2023", month: "10", day: String(Number(iso.slice(8, 10))) });

// ---------- adding and deleting ----------

/** An event to add; `repeats`: AndroidWorld's recurring variant (daily or weekly), whose goal reads differently. */
function addTask(name: string, description: string, day: (rng: Rng) => number, goal: (p: Record<string, string | number>) => string, repeats = false): WebTask {
  return def({
    name,
    app: "Simple Calendar Pro",
    description,
    params: (rng) => {
      const date = october(day(rng));
      const target = event(rng, date, { minute: 0, location: "" });
      const others = noise(rng, randint(rng, 0, 20), (e) => e.title !== target.title);
      const repeat: Record<string, string> = repeats ? { repeat_rule: rng.pick(["daily", "weekly"]) } : {};
      return { ...ymd(date), day_of_week: weekday(date), hour: target.hour, duration_mins: target.durationMin, event_title: target.title, event_description: target.description, ...repeat, events: JSON.stringify(withIds(others)) };
    },
    goal,
    setup: (p) => ({ calendar: json(p.events) }),
    check: (s, p) => {
      const date = october(Number(p.day));
      const ok = (_: null, e: CalendarEvent) =>
        e.date === date && e.hour === p.hour && e.minute === 0 && e.durationMin === p.duration_mins && e.repeat === (p as Record<string, unknown>).repeat_rule && fuzzyMatch(e.title, String(p.event_title)) && fuzzyMatch(e.description, String(p.event_description));
      return Number(onlyAdded(json<CalendarEvent[]>(p.events), s.calendar, [null], ok));
    },
  });
}

/** AndroidWorld's one-event goal, the date given by `when` ("on 2023-10-5", "for tomorrow" ...). */
const addGoal = (when: (p: Record<string, string | number>) => string) => (p: Record<string, string | number>) =>
  `In Simple Calendar Pro, create a calendar event ${when(p)} at ${p.hour}h with the title '${p.event_title}' and the description '${p.event_description}'. The event should last for ${p.duration_mins} mins.`;

function deleteOnDay(name: string, description: string, n: number, day: (rng: Rng) => number, goal: (p: Record<string, string | number>) => string): WebTask {
  return def({
    name,
    app: "Simple Calendar Pro",
    description,
    params: (rng) => {
      const date = october(day(rng));
      const targets = Array.from({ length: n }, () => event(rng, date));
      const evs = withIds([...noise(rng, 20, (e) => e.date !== date), ...targets]);
      return { ...ymd(date), day_of_week: weekday(date), events: JSON.stringify(evs) };
    },
    goal,
    setup: (p) => ({ calendar: json(p.events) }),
    check: (s, p) => {
      const before = json<CalendarEvent[]>(p.events);
      const date = october(Number(p.day));
      return Number(onlyRemoved(before, s.calendar, before.filter((e) => e.date === date).map((e) => e.id)));
    },
  });
}

// ---------- questions ----------

/** AndroidWorld's time strings ("11:00am", "21:45", "12pm") as hour and minute. */
export function parseTime(t: string): { hour: number; minute: number } {
  const m = /^(\d{1,2})(?::(\d{2}))?(am|pm)?$/i.exec(t.trim());
  if (!m) throw new Error(`unparseable time ${t}`);
  let hour = Number(m[1]);
  const minute = Number(m[2] ?? 0);
  const ap = m[3]?.toLowerCase();
  if (ap) hour = (hour % 12) + (ap === "pm" ? 12 : 0);
  return { hour, minute };
}
const minutesOf = (e: { hour: number; minute: number }) => e.hour * 60 + e.minute;

const DATES = Array.from({ length: 15 }, (_, i) => october(15 + i)); // October 15–29, AndroidWorld's question dates
const TIMES = ["11:00am", "1:30pm", "9:45am", "21:45", "10:00am", "3:15pm", "12pm", "6:30am", "8:00pm", "12am", "5:20pm", "23:59", "7:45am", "4pm", "10:30am", "16:15", "2:45am", "9:15pm", "11:30am", "20:00"];

interface Question {
  /** Goal variables (dates already reworded) and the task's own events. */
  vars: Record<string, string>;
  events: Ev[];
  /** Whether a noise event would change the answer (AndroidWorld's exclusion conditions). */
  excluded: (e: Ev) => boolean;
  answer: string;
}

function question(name: string, description: string, template: (v: Record<string, string>) => string, draw: (rng: Rng) => Question): WebTask {
  return def({
    name,
    app: "Simple Calendar Pro",
    description,
    params: (rng) => {
      const q = draw(rng);
      const evs = rng.shuffle([...q.events, ...noise(rng, 10, (e) => !q.excluded(e))]);
      return { ...q.vars, answer: q.answer, events: JSON.stringify(withIds(evs)) };
    },
    goal: (p) => template(p as Record<string, string>),
    setup: (p) => ({ calendar: json(p.events) }),
    check: (_s, p, answer) => Number(answersMatch(answer, p.answer)),
    answer: (p) => p.answer,
  });
}

const at = (rng: Rng, date: string, time: string, o: Partial<Ev> = {}) => event(rng, date, { ...parseTime(time), ...o });

export const CALENDAR_TASKS: readonly WebTask[] = [
  addTask("SimpleCalendarAddOneEvent", "create an event on a date and hour with a title, description and duration", (rng) => randint(rng, 1, 31), addGoal((p) => `on ${p.year}-${p.month}-${p.day}`)),
  addTask("SimpleCalendarAddOneEventTomorrow", "create an event for tomorrow", () => 16, addGoal(() => "for tomorrow")),
  addTask("SimpleCalendarAddOneEventInTwoWeeks", "create an event in two weeks from today", () => 29, addGoal(() => "in two weeks from today")),
  addTask("SimpleCalendarAddOneEventRelativeDay", "create an event for this <weekday>", (rng) => randint(rng, 16, 21), addGoal((p) => `for this ${p.day_of_week}`)),
  def({
    name: "SimpleCalendarDeleteOneEvent",
    app: "Simple Calendar Pro",
    description: "delete one event among 20 others",
    params: (rng) => {
      const target = event(rng, october(randint(rng, 1, 31)));
      const evs = withIds([...noise(rng, 20, (e) => !(e.date === target.date && e.hour === target.hour && e.minute === target.minute) && e.title !== target.title), target]);
      return { ...ymd(target.date), hour: target.hour, event_title: target.title, events: JSON.stringify(evs) };
    },
    goal: (p) => `In Simple Calendar Pro, delete the calendar event on ${p.year}-${p.month}-${p.day} at ${p.hour}h with the title '${p.event_title}'`,
    setup: (p) => ({ calendar: json(p.events) }),
    check: (s, p) => {
      const before = json<CalendarEvent[]>(p.events);
      return Number(onlyRemoved(before, s.calendar, [before.at(-1)!.id]));
    },
  }),
  deleteOnDay("SimpleCalendarDeleteEvents", "delete the three events of a date, among 20 others", 3, (rng) => randint(rng, 1, 31), (p) => `In Simple Calendar Pro, delete all the calendar events on ${p.year}-${p.month}-${p.day}`),
  deleteOnDay("SimpleCalendarDeleteEventsOnRelativeDay", "delete the two events of this <weekday>, among 20 others", 2, (rng) => randint(rng, 16, 21), (p) => `In Simple Calendar Pro, delete all events scheduled for this ${p.day_of_week}.`),
  question("SimpleCalendarEventsOnDate", "question: the event on a date", (v) => `What events do I have ${v.date} in Simple Calendar Pro? Answer with the titles only. If there are multiple titles, format your answer as a comma separated list.`, (rng) => {
    const date = rng.pick(DATES);
    const e = at(rng, date, rng.pick(TIMES));
    return { vars: { date: rewordDate(date, rng) }, events: [e], excluded: (x) => x.date === date, answer: e.title };
  }),
  question("SimpleCalendarAnyEventsOnDate", "question: the three events on a date", (v) => `Do I have any events ${v.date} in Simple Calendar Pro? ${LIST_HINT}`, (rng) => {
    const date = rng.pick(DATES);
    const evs = sample(rng, TITLES, 3).map((title, i) => at(rng, date, TIMES[(i * 7 + rng.int(7)) % TIMES.length]!, { title, durationMin: 60 }));
    return { vars: { date: rewordDate(date, rng) }, events: evs, excluded: (x) => x.date === date, answer: evs.map((e) => e.title).join(", ") };
  }),
  question("SimpleCalendarEventOnDateAtTime", "question: the event at a date and time", (v) => `What is on my schedule for ${v.date} at ${v.time} in Simple Calendar Pro? ${LIST_HINT}`, (rng) => {
    const date = rng.pick(DATES);
    const time = rng.pick(TIMES);
    const e = at(rng, date, time);
    return { vars: { date: rewordDate(date, rng), time }, events: [e], excluded: (x) => x.date === date && minutesOf(x) === minutesOf(e), answer: e.title };
  }),
  question("SimpleCalendarNextEvent", "question: the next event today", () => "What is my next upcoming event in Simple Calendar Pro? Answer with the title only. If there are multiples titles, format your answer in a comma separated list.", (rng) => {
    const time = rng.pick(["3:53pm", "21:45", "5pm", "17:30", "16:00", "18:30", "18:45", "7pm", "7:15pm", "8pm", "8:10pm", "5:20pm", "23:59", "4:00pm", "16:15", "9:15pm", "20:40", "22:35"]);
    const e = at(rng, DEVICE_DATE, time);
    // Noise today may not start between 15:30 and the event (AndroidWorld's exclusion).
    return { vars: {}, events: [e], excluded: (x) => x.date === DEVICE_DATE && minutesOf(x) >= 15 * 60 + 30 && minutesOf(x) <= minutesOf(e), answer: e.title };
  }),
  question("SimpleCalendarEventsInNextWeek", "question: the events in the next week (Monday to Sunday)", () => `What events do I have in the next week in Simple Calendar Pro? ${LIST_HINT}`, (rng) => {
    const days = sample(rng, [16, 17, 18, 19, 20, 21, 22], 2);
    const titles = sample(rng, TITLES, 2);
    const evs = days.map((d, i) => at(rng, october(d), rng.pick(TIMES), { title: titles[i]! }));
    return { vars: {}, events: evs, excluded: (x) => x.date >= DEVICE_DATE && x.date <= october(22), answer: evs.map((e) => e.title).join(", ") };
  }),
  question("SimpleCalendarFirstEventAfterStartTime", "question: the first event from a time on a date", (v) => `What is my first event after ${v.time} ${v.date} in Simple Calendar Pro? ${LIST_HINT}`, (rng) => {
    const date = rng.pick(DATES);
    const time = rng.pick(["18:05", "11:00am", "1:30pm", "9:45am", "10:00am", "3:15pm", "12pm", "6:30am", "8:00pm", "5:20pm", "7:45am", "4pm", "10:30am", "16:15", "9:15pm", "11:30am", "20:00"]);
    const e = at(rng, date, time);
    return { vars: { date: rewordDate(date, rng), time }, events: [e], excluded: (x) => x.date === date && minutesOf(x) >= minutesOf(e), answer: e.title };
  }),
  question("SimpleCalendarEventsInTimeRange", "question: the events between a time and 8pm on a date", (v) => `Do I have any events between ${v.start_time} and 8pm ${v.date} in Simple Calendar Pro? ${LIST_HINT}`, (rng) => {
    const date = rng.pick(DATES);
    const start_time = rng.pick(["11:00am", "1:30pm", "9:45am", "10:00am", "3:15pm", "12pm", "6:30am", "5:20pm", "7:45am", "4pm", "10:30am", "4:15pm", "11:30am"]);
    const e = at(rng, date, start_time);
    return { vars: { date: rewordDate(date, rng), start_time }, events: [e], excluded: (x) => x.date === date && minutesOf(x) >= minutesOf(e) && minutesOf(x) <= 20 * 60, answer: e.title };
  }),
  def({
    name: "SimpleCalendarLocationOfEvent",
    app: "Simple Calendar Pro",
    description: "question: the location of an event",
    params: (rng) => {
      const e = at(rng, rng.pick(DATES), rng.pick(TIMES));
      const evs = rng.shuffle([e, ...noise(rng, 10, (x) => !norm(x.title).includes(norm(e.title)))]);
      return { title: e.title, location: e.location, events: JSON.stringify(withIds(evs)) };
    },
    goal: (p) => `What is the location of my ${p.title} event in Simple Calendar Pro? Answer with the location only.`,
    setup: (p) => ({ calendar: json(p.events) }),
    check: (_s, p, answer) => Number(answer !== undefined && norm(answer) === norm(p.location)),
    answer: (p) => p.location,
  }),
];

const MONTH_INDEX: Record<string, number> = Object.fromEntries(["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"].map((m, i) => [m, i + 1]));

/** "<month name> <day> <year> <hour>:<minutes>" compared as a date and a time (AndroidWorld's DATE_MATCH and TIME_MATCH). */
function sameDateTime(given: string | undefined, expected: string): boolean {
  const parse = (s: string) => {
    const m = /^\s*([A-Za-z]+)\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4}),?\s+(?:at\s+)?(\d{1,2}):(\d{2})\s*$/.exec(s);
    if (!m || !MONTH_INDEX[m[1]!.toLowerCase()]) return undefined;
    return [MONTH_INDEX[m[1]!.toLowerCase()], Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5])].join("/");
  };
  return given !== undefined && parse(given) !== undefined && parse(given) === parse(expected);
}

const PEOPLE = ["Amanda", "John", "David", "Lucas", "James", "Ava", "Isabella", "Mia", "Elijah", "Charlotte", "Emily", "Muhammad", "Sofia", "Mateo", "Aaliyah", "Daniel"];
const MONTH_NAMES = Object.keys(MONTH_INDEX).map((m) => m[0]!.toUpperCase() + m.slice(1));

export const CALENDAR_MORE_TASKS: readonly WebTask[] = [
  addTask(
    "SimpleCalendarAddRepeatingEvent",
    "create an event that repeats daily or weekly",
    (rng) => randint(rng, 1, 31),
    (p) =>
      `In Simple Calendar Pro, create a recurring calendar event titled '${p.event_title}' starting on ${p.year}-${p.month}-${p.day} at ${p.hour}h. The event recurs ${p.repeat_rule}, forever, and lasts for ${p.duration_mins} minutes each occurrence. The event description should be '${p.event_description}'.`,
    true,
  ),
  def({
    name: "SimpleCalendarNextMeetingWithPerson",
    app: "Simple Calendar Pro",
    description: "question: when the next meeting with a person is (a date and a time)",
    params: (rng) => {
      const person = rng.pick(PEOPLE);
      const date = rng.pick(DATES);
      const e = at(rng, date, rng.pick(TIMES), { title: `Drinks with ${person}` });
      const evs = rng.shuffle([e, ...noise(rng, 10, (x) => !(x.title.includes(person) && x.date === date))]);
      const d = new Date(`${date}T00:00:00Z`);
      const answer = `${MONTH_NAMES[d.getUTCMonth()]} ${d.getUTCDate()} ${d.getUTCFullYear()} ${String(e.hour).padStart(2, "0")}:${String(e.minute).padStart(2, "0")}`;
      return { person, answer, events: JSON.stringify(withIds(evs)) };
    },
    goal: (p) => `When is my next meeting with ${p.person} in Simple Calendar Pro? Express your answer in the format <month name> <day> <year> <hour in 24-hour format>:<minutes>.`,
    setup: (p) => ({ calendar: json(p.events) }),
    check: (_s, p, answer) => Number(sameDateTime(answer, p.answer)),
    answer: (p) => p.answer,
  }),
];
