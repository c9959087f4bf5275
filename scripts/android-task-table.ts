/**
 * Writes the android task table and task counts into the docs from the code
 * (adapters/android/task-table.ts): `npx tsx scripts/android-task-table.ts`.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { ANDROID_TASK_DOCS, refreshDoc } from "../adapters/android/task-table.js";

const root = new URL("../", import.meta.url);
for (const doc of ANDROID_TASK_DOCS) {
  const path = new URL(doc, root);
  const before = readFileSync(path, "utf8");
  const after = refreshDoc(before);
  if (after !== before) {
    writeFileSync(path, after);
    console.log(`updated ${doc}`);
  }
}
