/**
 * android-web OpenTracks questions (AndroidWorld: the SportsTracker* tasks of
 * information_retrieval/proto/tasks.textproto). The activities a question is about
 * are drawn from the task's parameter lists (values "without replacement" where it
 * says so); 5–10 noise activities (our number) never meet the question's exclusion
 * conditions, so the answer is the relevant activities'. "This week" is Monday
 * October 9 to Sunday October 15 2023, the device's date. Dates in goals are worded
 * as AndroidWorld words them ("today", "Tuesday", "October 12" ...). Answers compare
 * as STRING_MATCH (the activity types, any order) or NUMBER_MATCH (distances within
 * 10 m, as AndroidWorld allows for kilometre rounding).
 */
import type { Rng } from "../../kit/rng.js";
import type { Track } from "../../../emulator/web-device/state.js";
import { rewordDate } from "../nl-date.js";
import { answersMatch, numberMatch } from "../task.js";
import { october, rowQuestion, sample, type RowQuestion, type WebTask } from "./task-kit.js";

type Activity = Omit<Track, "id">;

const CATEGORIES = ["running", "cycling", "swimming", "hiking", "mountain biking", "kayaking", "skiing", "snow boarding", "skate boarding", "climbing", "inline skating", "sailing"];
const DURATIONS = [15, 30, 45, 60, 90, 120, 40, 50, 75, 80, 20, 105, 135, 150, 165, 180, 210, 240, 270];
const DISTANCES = [100, 300, 500, 800, 1000, 1200, 1500, 2000, 2500, 3000, 3500, 4000, 4500, 5000, 6000, 7000, 8000, 9000, 10000, 12000];
const START_TIMES = ["08:00", "10:30", "17:00", "06:30", "09:45", "14:15", "07:00", "11:00", "16:00", "13:30", "17:45", "06:15", "07:30", "15:45", "10:15", "14:45", "08:45", "09:15", "12:00", "17:30"];
const ELEVATIONS = [50, 100, 250, 150, 75, 300, 200, 400, 350, 450, 550, 600, 800, 700, 900, 1000, 650, 1100, 1200, 850];
const NAMES = [
  "More tired than usual today", "Need more strength and conditioning", "Slow day", "Laps around the lake", "Trying and failing to keep up with John", "Quick outing", "Recovery day",
  "Active Rest Day", "Skill work", "Mindful Movement", "Outdoor Adventure", "Light Workout", "Intense day", "Quick Sweat", "Lunch Break Fitness",
];
const DESCRIPTIONS = [
  "Shared laughs and made memories with friends.", "Enjoyed a fun outing with good company.", "Had a blast with my favorite people.", "Created lasting memories that I'll cherish.",
  "Experienced something unforgettable.", "Wandered off the beaten path.", "Stepped outside my comfort zone.", "Pushed myself harder than I thought I could.",
  "Gained new knowledge and skills.", "Relaxed and recharged under the sun.", "Embraced the rain and got soaked.", "Showed resilience in the face of adversity.",
];
/** ISO dates of October 2023, days `from` to `to`. */
const octoberDays = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => october(from + i));
const WEEK = octoberDays(9, 15);
/** Noise activities fall anywhere from September 24 to October 15. */
const ANY_DAY = [...Array.from({ length: 7 }, (_, i) => `2023-09-${24 + i}`), ...octoberDays(1, 15)];

function activity(rng: Rng, o: Partial<Activity> = {}): Activity {
  const elevation = rng.pick(ELEVATIONS);
  return {
    name: rng.pick(NAMES),
    description: rng.pick(DESCRIPTIONS),
    category: rng.pick(CATEGORIES),
    date: rng.pick(ANY_DAY),
    startTime: rng.pick(START_TIMES),
    durationMin: rng.pick(DURATIONS),
    distanceM: rng.pick(DISTANCES),
    elevationGain: elevation,
    elevationLoss: elevation,
    ...o,
  };
}

/** `n` activities whose listed fields are drawn without replacement, the rest as `o` says. */
function distinctActivities(rng: Rng, n: number, o: Partial<Activity>, dates?: readonly string[]): Activity[] {
  const names = sample(rng, NAMES, n), descs = sample(rng, DESCRIPTIONS, n), times = sample(rng, START_TIMES, n), durs = sample(rng, DURATIONS, n), dists = sample(rng, DISTANCES, n);
  const days = dates ? sample(rng, dates, n) : [];
  return names.map((name, i) => activity(rng, { name, description: descs[i]!, startTime: times[i]!, durationMin: durs[i]!, distanceM: dists[i]!, ...(dates ? { date: days[i]! } : {}), ...o }));
}

const inWeek = (a: Activity) => WEEK.includes(a.date);

function question(name: string, description: string, template: (v: Record<string, string>) => string, draw: (rng: Rng) => RowQuestion<Activity>, compare: (given: string | undefined, expected: string) => boolean): WebTask {
  return rowQuestion({ name, app: "OpenTracks", description, table: "tracks", firstId: 700, template, draw, noiseRow: (rng) => activity(rng), compare });
}

const withinTenMetres = (given: string | undefined, expected: string) => numberMatch(given, expected, 10);
const sum = (xs: number[]) => String(xs.reduce((a, b) => a + b, 0));

export const TRACKS_TASKS: readonly WebTask[] = [
  question(
    "SportsTrackerActivitiesOnDate",
    "question: the activity types of a day",
    (v) => `What activities did I do ${v.date} in the OpenTracks app? Answer with the activity type only. If there are multiple types, format your answer in a comma separated list.`,
    (rng) => {
      const date = rng.pick([...Array.from({ length: 7 }, (_, i) => `2023-09-${24 + i}`), ...octoberDays(1, 12)]);
      const cats = sample(rng, CATEGORIES, 2);
      const activities = distinctActivities(rng, 2, { date }).map((a, i) => ({ ...a, category: cats[i]! }));
      return { vars: { date: rewordDate(date, rng) }, rows: activities, excluded: (a) => a.date === date, answer: cats.join(", ") };
    },
    answersMatch,
  ),
  question(
    "SportsTrackerActivitiesCountForWeek",
    "question: how many activities of a type this week",
    (v) => `How many ${v.category} activities did I do this week in the OpenTracks app? Assume the week starts from Monday. Express your answer as a single integer.`,
    (rng) => {
      const category = rng.pick(CATEGORIES);
      const activities = distinctActivities(rng, 2, { category }, WEEK);
      return { vars: { category }, rows: activities, excluded: (a) => a.category.includes(category) && inWeek(a), answer: String(activities.length) };
    },
    numberMatch,
  ),
  question(
    "SportsTrackerActivityDuration",
    "question: how long an activity of a day lasted",
    (v) => `How long was my ${v.category} activity ${v.date} in the OpenTracks app? Express your answer in minutes as a single integer.`,
    (rng) => {
      const date = rng.pick(octoberDays(5, 15)), category = rng.pick(CATEGORIES);
      const [a] = distinctActivities(rng, 1, { date, category });
      return { vars: { date: rewordDate(date, rng), category }, rows: [a!], excluded: (x) => x.date === date && x.category.includes(category), answer: String(a!.durationMin) };
    },
    numberMatch,
  ),
  question(
    "SportsTrackerLongestDistanceActivity",
    "question: the longest distance of an activity type this week",
    (v) => `What was the longest distance covered in a ${v.category} activity in the OpenTracks app this week? Assume the week starts from Monday. Express your answer as a single number in meters rounded to the nearest integer.`,
    (rng) => {
      const category = rng.pick(CATEGORIES);
      const [a] = distinctActivities(rng, 1, { category }, WEEK);
      return { vars: { category }, rows: [a!], excluded: (x) => x.category.includes(category) && x.distanceM >= a!.distanceM && inWeek(x), answer: String(a!.distanceM) };
    },
    withinTenMetres,
  ),
  question(
    "SportsTrackerTotalDurationForCategoryThisWeek",
    "question: the total duration of an activity type this week",
    (v) => `What was the total duration of ${v.category} activities in the OpenTracks app this week? Assume the week starts from Monday. Express your answer in minutes as a single integer.`,
    (rng) => {
      const category = rng.pick(CATEGORIES);
      const activities = distinctActivities(rng, 2, { category }, WEEK);
      return { vars: { category }, rows: activities, excluded: (a) => a.category.includes(category) && inWeek(a), answer: sum(activities.map((a) => a.durationMin)) };
    },
    numberMatch,
  ),
  question(
    "SportsTrackerTotalDistanceForCategoryOverInterval",
    "question: the total distance of an activity type between two dates",
    (v) => `What was the total distance covered for ${v.category} activities in the OpenTracks app from ${v.start_date} to ${v.end_date}? Express your answer as a single number in meters rounded to the nearest integer.`,
    (rng) => {
      const start = rng.pick(octoberDays(1, 9)), end = rng.pick(octoberDays(10, 15)), category = rng.pick(CATEGORIES);
      const activities = distinctActivities(rng, 2, { category, date: start });
      return {
        vars: { start_date: rewordDate(start, rng), end_date: rewordDate(end, rng), category },
        rows: activities,
        excluded: (a) => a.category.includes(category) && a.date >= start && a.date <= end,
        answer: sum(activities.map((a) => a.distanceM)),
      };
    },
    withinTenMetres,
  ),
];
