/**
 * The android task table and task counts the docs show, generated from the code
 * (scripts/android-task-table.ts writes them into the READMEs; a test checks the
 * committed text equals what this produces).
 */
import { ANDROID_WORLD, ANDROID_WORLD_COMMIT } from "./androidworld.js";
import { APPIUM_TASKS } from "./appium/tasks.js";
import { stepBudget } from "./task.js";
import { APP_NAMES } from "../../emulator/web-device/web-device.js";
import { WEB_TASKS } from "./web/tasks.js";

interface Row {
  name: string;
  app: string;
  complexity: number;
  backends: string[];
  description: string;
}

function rows(): Row[] {
  const out = new Map<string, Row>();
  for (const t of WEB_TASKS) out.set(t.name, { name: t.name, app: t.app, complexity: t.complexity, backends: ["web"], description: t.description });
  for (const t of APPIUM_TASKS) {
    const r = out.get(t.name);
    if (r) r.backends.push("appium");
    else out.set(t.name, { name: t.name, app: t.app, complexity: t.complexity, backends: ["appium"], description: t.description });
  }
  return [...out.values()];
}

/** The Markdown table: every task of either backend, AndroidWorld's name, complexity, budget, backends. */
export function androidTaskTable(): string {
  const head = ["| task | AndroidWorld name (source under `android_world/task_evals/`) | app | complexity | steps | backends | what |", "|---|---|---|---|---|---|---|"];
  const body = rows().map((r) => {
    const aw = ANDROID_WORLD.get(r.name);
    const awCell = aw ? `${r.name} (\`${aw.source}\`)` : "— (dynamind's own)";
    return `| \`${r.name}\` | ${awCell} | ${r.app} | ${r.complexity} | ${stepBudget(r)} | ${r.backends.join(", ")} | ${r.description.replace(/\|/g, "\\|")} |`;
  });
  return [...head, ...body, "", `Complexities: AndroidWorld's task classes at commit ${ANDROID_WORLD_COMMIT}; steps = int(10 × complexity).`].join("\n");
}

/** Counts the docs quote, by key. */
export function androidTaskCounts(): Record<string, number> {
  const all = rows();
  return {
    "android-web": WEB_TASKS.length,
    "android-web-apps": APP_NAMES.length,
    "android-web-androidworld": WEB_TASKS.filter((t) => ANDROID_WORLD.has(t.name)).length,
    "android-appium": APPIUM_TASKS.length,
    "android-androidworld": all.filter((r) => ANDROID_WORLD.has(r.name)).length,
  };
}

const TABLE = /(<!-- android-task-table:begin -->\n)[\s\S]*?(<!-- android-task-table:end -->)/;
const COUNT = /<!-- count:([a-z-]+) -->\d+<!-- \/count -->/g;

/** `text` with its generated table and counts brought up to date (unknown count keys throw). */
export function refreshDoc(text: string): string {
  const counts = androidTaskCounts();
  return text.replace(TABLE, (_m, a: string, b: string) => `${a}${androidTaskTable()}\n${b}`).replace(COUNT, (_m, key: string) => {
    if (!(key in counts)) throw new Error(`unknown task count ${key}`);
    return `<!-- count:${key} -->${counts[key]}<!-- /count -->`;
  });
}

/** The docs that carry generated android task text, relative to the repository root. */
export const ANDROID_TASK_DOCS = ["README.md", "adapters/android/README.md", "adapters/android/appium/README.md"];
