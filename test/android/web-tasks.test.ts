/**
 * android-web end to end over gRPC in real Chromium: for every task, the scripted
 * solution passes the success check and a wrong one fails; then AndroidWorld's
 * rules that a plain solution does not exercise (the foreground app, fuzzy text,
 * "nothing else changed", checks that read the screen).
 */
import { describe, expect, it } from "vitest";
import { Rng } from "../../adapters/kit/rng.js";
import { ANDROID_WORLD } from "../../adapters/android/androidworld.js";
import { WEB_TASKS } from "../../adapters/android/web/tasks.js";
import { scriptedSolution, wrongSolution, type SolutionStep } from "../../adapters/android/web/solutions.js";
import type { RemoteSession } from "../../agent/client/index.js";
import { APP_NAMES } from "../../emulator/web-device/web-device.js";
import { useTestServer } from "../support/server.js";
import { androidRegistry, HAVE_CHROMIUM, play } from "./helpers.js";

/** Seeds for a task: two, plus one per variant where a task has several (MarkorEditNote's three templates, ExpenseAdd*'s and RecipeAdd*'s two text forms). */
function seedsFor(name: string, i: number): number[] {
  const task = WEB_TASKS.find((t) => t.name === name)!;
  const key = name === "MarkorEditNote" ? "edit_type" : name.startsWith("ExpenseAdd") || name.startsWith("RecipeAdd") ? "format" : undefined;
  if (!key || !(key in task.params(Rng.fromSeed(0, 1)))) return [i, 1000 + i];
  const byVariant = new Map<string, number>();
  for (let seed = 0; seed < 60; seed++) {
    const v = String(task.params(Rng.fromSeed(seed, 1))[key]);
    if (!byVariant.has(v)) byVariant.set(v, seed);
  }
  return [...byVariant.values()];
}

async function score(s: RemoteSession, task: string, seed: number, steps: (p: Record<string, unknown>) => SolutionStep[]): Promise<number> {
  const first = await s.reset(seed, { task });
  const out = await play(s, first, steps(first.info.params as Record<string, unknown>));
  expect(out.at(-1)!.terminated).toBe(true);
  return out.at(-1)!.reward;
}
const solution = (task: string) => (p: Record<string, unknown>) => scriptedSolution(task, p as never);
const done: SolutionStep = () => ({ action_type: "status", goal_status: "complete" });

describe.skipIf(!HAVE_CHROMIUM)("android-web tasks over gRPC", () => {
  const ctx = useTestServer({ registry: androidRegistry() });

  it("has at least 100 tasks over at least 14 apps, all but two of them AndroidWorld's", () => {
    expect(WEB_TASKS.length).toBeGreaterThanOrEqual(100);
    expect(WEB_TASKS.filter((t) => !ANDROID_WORLD.has(t.name)).map((t) => t.name)).toEqual(["ClockAddAlarm", "TasksCompleteTask"]);
    expect(APP_NAMES.length).toBeGreaterThanOrEqual(14);
    // Tasks run in the phone's apps (the launcher is its home screen), and every app on it serves some task.
    for (const t of WEB_TASKS) if (t.app !== "Launcher") expect(APP_NAMES, t.name).toContain(t.app);
    for (const app of APP_NAMES) expect(WEB_TASKS.some((t) => t.app === app || t.description.includes(app)), app).toBe(true);
  });

  it("solves every task with its scripted solution and fails it with a wrong one", async () => {
    const s = await ctx.client.createSession("android-web");
    const failures: string[] = [];
    for (const [i, task] of WEB_TASKS.entries()) {
      for (const seed of seedsFor(task.name, i)) {
        const first = await s.reset(seed, { task: task.name });
        expect(first.info.task).toBe(task.name);
        const params = first.info.params as Record<string, never>;
        try {
          const steps = await play(s, first, scriptedSolution(task.name, params));
          const last = steps.at(-1)!;
          if (!last.terminated || last.reward !== 1 || last.info.success !== true) failures.push(`${task.name}#${seed}: solution scored ${last.reward}`);
          if (steps.length > (first.info.task_max_steps as number)) failures.push(`${task.name}: solution longer than the budget`);
        } catch (err) {
          failures.push(`${task.name}#${seed}: ${(err as Error).message}`);
        }
        const again = await s.reset(seed, { task: task.name });
        const wrong = await play(s, again, wrongSolution(task.name));
        const w = wrong.at(-1)!;
        if (!w.terminated || w.reward !== 0 || w.info.success !== false) failures.push(`${task.name}#${seed}: wrong solution scored ${w.reward}`);
      }
    }
    expect(failures).toEqual([]);
    await s.close();
  }, 900_000);

  it("applies AndroidWorld's rules: foreground app, fuzzy text, untouched rows, what the screen shows", async () => {
    const s = await ctx.client.createSession("android-web");
    const home: SolutionStep = () => ({ action_type: "navigate_home" });
    // A text sent, then the SMS app left: AndroidWorld scores 0.
    expect(await score(s, "SimpleSmsSend", 3, (p) => [...solution("SimpleSmsSend")(p).slice(0, -1), home, done])).toBe(0);
    // A timer entered and then started no longer shows the entered duration.
    expect(await score(s, "ClockTimerEntry", 4, (p) => [...solution("ClockTimerEntry")(p).slice(0, -1), (els) => ({ action_type: "click", index: els.findIndex((e) => e.contentDescription === "Start") }), done])).toBe(0);
    // A paused stopwatch verified from the Clock's alarm page: the stopwatch is not on screen.
    expect(await score(s, "ClockStopWatchPausedVerify", 1, () => [() => ({ action_type: "open_app", app_name: "Clock" }), done])).toBe(0);
    // One character off in a note still matches (difflib ratio ≥ 0.9).
    expect(
      await score(s, "MarkorChangeNoteContent", 5, (p) =>
        scriptedSolution("MarkorChangeNoteContent", { ...p, updated_content: String(p.updated_content).slice(0, -1) } as never),
      ),
    ).toBe(1);
    // Deleting both duplicates removes a unique expense too.
    expect(
      await score(s, "ExpenseDeleteDuplicates", 6, (p) => {
        const steps = scriptedSolution("ExpenseDeleteDuplicates", p as never);
        return [...steps.slice(0, -1), ...steps.slice(1, -1), done];
      }),
    ).toBe(0);
    await s.close();
  }, 120_000);

  it("applies AndroidWorld's rules to the newer apps: exact row sets, fuzzy recipes, one capture, number answers", async () => {
    const s = await ctx.client.createSession("android-web");
    const withoutDone = (steps: SolutionStep[]) => steps.slice(0, -1);
    // Deleting both exact duplicates leaves none: AndroidWorld scores 0.
    expect(
      await score(s, "RecipeDeleteDuplicateRecipes2", 3, (p) => {
        const steps = withoutDone(scriptedSolution("RecipeDeleteDuplicateRecipes2", p as never));
        return [...steps, ...steps.slice(1), done];
      }),
    ).toBe(0);
    // A recipe typed with one character off in its directions still matches (free-form fields are fuzzy).
    expect(
      await score(s, "RecipeAddSingleRecipe", 4, (p) => {
        const [r] = JSON.parse(String(p.targets)) as { directions: string }[];
        r!.directions = r!.directions.slice(0, -1);
        return scriptedSolution("RecipeAddSingleRecipe", { ...p, targets: JSON.stringify([r]) } as never);
      }),
    ).toBe(1);
    // Two photos are not "one photo".
    expect(await score(s, "CameraTakePhoto", 5, (p) => [...withoutDone(scriptedSolution("CameraTakePhoto", p as never)), (els) => ({ action_type: "click", index: els.findIndex((e) => e.contentDescription === "Shutter") }), done])).toBe(0);
    // A recording left under its default name is not the asked name.
    expect(await score(s, "AudioRecorderRecordAudioWithFileName", 6, () => scriptedSolution("AudioRecorderRecordAudio", {} as never))).toBe(0);
    // A playlist made but not exported scores half of RetroSavePlaylist.
    expect(await score(s, "RetroSavePlaylist", 9, (p) => [...withoutDone(scriptedSolution("RetroCreatePlaylist", p as never)), done])).toBe(0.5);
    // Distances compare within 10 m (the app shows kilometres); counts exactly.
    const open = (app_name: string): SolutionStep => () => ({ action_type: "open_app", app_name });
    expect(await score(s, "SportsTrackerLongestDistanceActivity", 7, (p) => [open("OpenTracks"), () => ({ action_type: "answer", text: String(Number(p.answer) + 8) }), done])).toBe(1);
    expect(await score(s, "SportsTrackerLongestDistanceActivity", 7, (p) => [open("OpenTracks"), () => ({ action_type: "answer", text: String(Number(p.answer) + 12) }), done])).toBe(0);
    expect(await score(s, "NotesTodoItemCount", 8, (p) => [open("Joplin"), () => ({ action_type: "answer", text: String(Number(p.answer) + 1) }), done])).toBe(0);
    await s.close();
  }, 120_000);

  it("words goals as AndroidWorld's templates do, dates in natural language", async () => {
    const goals = new Set<string>();
    for (let seed = 0; seed < 40; seed++) {
      const t = WEB_TASKS.find((x) => x.name === "TasksDueOnDate")!;
      goals.add(t.goal(t.params(Rng.fromSeed(seed, 1))));
    }
    const dates = [...goals].map((g) => /^What tasks do I have due (.+) in Tasks app\? Answer with the titles only\./.exec(g)![1]!);
    expect(dates.some((d) => /^October \d\d$/.test(d))).toBe(true);
    expect(dates.some((d) => /^(today|tomorrow|yesterday|this \w+day|\w+day|the \w+day after next)$/.test(d))).toBe(true);
    const add = WEB_TASKS.find((x) => x.name === "SimpleCalendarAddOneEventRelativeDay")!;
    expect(add.goal(add.params(Rng.fromSeed(2, 1)))).toMatch(/^In Simple Calendar Pro, create a calendar event for this (Mon|Tues|Wednes|Thurs|Fri|Satur)day at \d+h with the title '.+' and the description '.+'\. The event should last for \d+ mins\.$/);
    const edit = WEB_TASKS.find((x) => x.name === "MarkorEditNote")!;
    const templates = new Set(Array.from({ length: 30 }, (_, seed) => edit.goal(edit.params(Rng.fromSeed(seed, 1))).replace(/^Edit \S+ in Markor\. (Add to the top|Add to the bottom|Replace the text).*$/s, "$1")));
    expect([...templates].sort()).toEqual(["Add to the bottom", "Add to the top", "Replace the text"]);
  });
});
