/** The android task table and the task counts in the READMEs are what the code generates. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ANDROID_TASK_DOCS, androidTaskCounts, androidTaskTable, refreshDoc } from "../../adapters/android/task-table.js";
import { APPIUM_TASKS } from "../../adapters/android/appium/tasks.js";
import { WEB_TASKS } from "../../adapters/android/web/tasks.js";

const read = (doc: string) => readFileSync(new URL(`../../${doc}`, import.meta.url), "utf8");

describe("generated android task docs", () => {
  it("the committed docs equal the generated ones (run: npx tsx scripts/android-task-table.ts)", () => {
    for (const doc of ANDROID_TASK_DOCS) expect(refreshDoc(read(doc)), doc).toBe(read(doc));
  });

  it("the table lists every task of both backends once, and every doc quotes counts", () => {
    const table = androidTaskTable();
    const names = new Set([...WEB_TASKS, ...APPIUM_TASKS].map((t) => t.name));
    expect(table.split("\n").filter((l) => l.startsWith("| `"))).toHaveLength(names.size);
    for (const n of names) expect(table).toContain(`| \`${n}\` |`);
    expect(read("adapters/android/README.md")).toContain(table);
    for (const doc of ANDROID_TASK_DOCS) expect(read(doc)).toMatch(/<!-- count:[a-z-]+ -->\d+<!-- \/count -->/);
    expect(androidTaskCounts()["android-web"]).toBe(WEB_TASKS.length);
  });

  it("refuses a count it does not know", () => {
    expect(() => refreshDoc("<!-- count:nonsense -->3<!-- /count -->")).toThrow(/unknown task count nonsense/);
  });
});
