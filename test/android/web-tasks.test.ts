/**
 * android-web end to end over gRPC in real Chromium: for every task, the scripted
 * solution passes the success check and a wrong one fails.
 */
import { describe, expect, it } from "vitest";
import { WEB_TASKS } from "../../adapters/android/web/tasks.js";
import { scriptedSolution, wrongSolution } from "../../adapters/android/web/solutions.js";
import { useTestServer } from "../support/server.js";
import { androidRegistry, HAVE_CHROMIUM, play } from "./helpers.js";

describe.skipIf(!HAVE_CHROMIUM)("android-web tasks over gRPC", () => {
  const ctx = useTestServer({ registry: androidRegistry() });

  it("has at least 30 tasks over at least 8 apps", () => {
    expect(WEB_TASKS.length).toBeGreaterThanOrEqual(30);
    expect(new Set(WEB_TASKS.filter((t) => t.app !== "Launcher").map((t) => t.app)).size).toBeGreaterThanOrEqual(8);
  });

  it("solves every task with its scripted solution and fails it with a wrong one", async () => {
    const s = await ctx.client.createSession("android-web");
    const failures: string[] = [];
    for (const [i, task] of WEB_TASKS.entries()) {
      for (const seed of [i, 1000 + i]) {
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
  }, 240_000);
});
