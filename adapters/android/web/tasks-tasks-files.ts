/**
 * android-web tasks of the Tasks app (AndroidWorld's questions in
 * information_retrieval/proto/tasks.textproto) and of Files (single/files.py).
 * Importance follows Tasks.org (0 = high ... 3 = none); question goals reword dates
 * as AndroidWorld does, and 5–10 noise tasks (our number) never meet the question's
 * conditions.
 */
import type { Rng } from "../../kit/rng.js";
import type { FileItem, TaskItem } from "../../../emulator/web-device/state.js";
import { rewordDate } from "../nl-date.js";
import { def, json, rowQuestion, type RowQuestion, LIST_HINT, october, randint, randomFileName, sample, type WebTask } from "./task-kit.js";

const TITLES = [
  "Complete project proposal", "Review code changes", "Schedule team meeting", "Submit expense report", "Update website content", "Review quarterly goals",
  "Organize files and folders", "Draft marketing email", "Attend networking event", "Prepare presentation for meeting", "Call client for follow-up",
  "Research market trends", "Follow up on support tickets", "Prepare agenda for weekly meeting", "Book flights for conference", "Plan team outing",
];
const PRIORITY = ["high", "medium", "low", "none"] as const;
type Item = Omit<TaskItem, "id">;

const item = (rng: Rng, o: Partial<Item> = {}): Item => ({ title: rng.pick(TITLES), due: october(randint(rng, 10, 31)), priority: rng.pick(PRIORITY), completed: rng.int(4) === 0, ...o });

function question(name: string, description: string, template: (v: Record<string, string>) => string, draw: (rng: Rng) => RowQuestion<Item>, compare?: (given: string | undefined, expected: string) => boolean): WebTask {
  return rowQuestion({
    name, app: "Tasks", description, table: "tasks", firstId: 300, template, draw, ...(compare ? { compare } : {}),
    noiseRow: (rng) => item(rng),
    // A noise task with a question task's title would make the listed answer ambiguous.
    keepNoise: (t, q) => !q.excluded(t) && !q.rows.some((x) => x.title === t.title),
  });
}

const DATES = Array.from({ length: 15 }, (_, i) => october(15 + i));

export const TASKS_APP_TASKS: readonly WebTask[] = [
  question("TasksDueOnDate", "question: the tasks due on a date", (v) => `What tasks do I have due ${v.date} in Tasks app? ${LIST_HINT}`, (rng) => {
    const date = rng.pick(DATES);
    const items = sample(rng, TITLES, 3).map((title) => item(rng, { title, due: date }));
    return { vars: { date: rewordDate(date, rng) }, rows: items, excluded: (t) => t.due === date, answer: items.map((t) => t.title).join(", ") };
  }),
  question("TasksHighPriorityTasks", "question: the high-priority tasks", () => `What are my high priority tasks in Tasks app? ${LIST_HINT}`, (rng) => {
    const t = item(rng, { priority: "high", due: october(randint(rng, 16, 22)), completed: false });
    return { vars: {}, rows: [t], excluded: (x) => x.priority === "high", answer: t.title };
  }),
  question("TasksHighPriorityTasksDueOnDate", "question: the high-priority tasks due on a date", (v) => `Which tasks with high priority are due ${v.date} in the Tasks app? Answer with the title only. If there are multiples titles, format your answer in a comma separated list.`, (rng) => {
    const date = rng.pick(DATES);
    const t = item(rng, { priority: "high", due: date });
    return { vars: { date: rewordDate(date, rng) }, rows: [t], excluded: (x) => x.due === date && x.priority === "high", answer: t.title };
  }),
  question("TasksIncompleteTasksOnDate", "question: the incomplete tasks due by a date", (v) => `What incomplete tasks do I have still have to do by ${v.date} in Tasks app? ${LIST_HINT}`, (rng) => {
    const date = rng.pick(DATES);
    const items = sample(rng, TITLES, 3).map((title) => item(rng, { title, due: date, completed: false }));
    return { vars: { date: rewordDate(date, rng) }, rows: items, excluded: (x) => x.due <= date && !x.completed, answer: items.map((t) => t.title).join(", ") };
  }),
  question("TasksCompletedTasksForDate", "question: the completed tasks due on a date", (v) => `Which tasks have I completed for ${v.date} in Tasks app? ${LIST_HINT}`, (rng) => {
    const date = october(randint(rng, 10, 20));
    const items = sample(rng, TITLES, 3).map((title) => item(rng, { title, due: date, completed: true }));
    return { vars: { date: rewordDate(date, rng) }, rows: items, excluded: (x) => x.due === date, answer: items.map((t) => t.title).join(", ") };
  }),
  question(
    "TasksDueNextWeek",
    "question: how many tasks are due next week (a number)",
    () => "How many tasks do I have due next week in Tasks app? Express your answer as a single integer.",
    (rng) => {
      const items = sample(rng, TITLES, 6).map((title) => item(rng, { title, due: october(randint(rng, 16, 22)) }));
      return { vars: {}, rows: items, excluded: (x) => x.due >= october(16) && x.due <= october(22), answer: "6" };
    },
    (given, expected) => given !== undefined && /^\s*-?\d+(\.0+)?\s*$/.test(given) && Number(given) === Number(expected),
  ),
  def({
    name: "TasksCompleteTask",
    app: "Tasks",
    complexity: 1,
    description: "mark a task as completed (not an AndroidWorld task)",
    params: (rng) => {
      const tasks = sample(rng, TITLES, 8).map((title, i) => ({ id: 300 + i, ...item(rng, { title, completed: false }) }));
      return { title: rng.pick(tasks).title, tasks: JSON.stringify(tasks) };
    },
    goal: (p) => `Mark the task '${p.title}' as completed in the Tasks app.`,
    setup: (p) => ({ tasks: json(p.tasks) }),
    check: (s, p) => Number(s.tasks.find((t) => t.title === p.title)?.completed === true && s.tasks.filter((t) => t.completed).length === 1),
  }),
];

/** AndroidWorld's EMULATOR_DIRECTORIES, with the kind of file each holds (its noise candidates' extension). */
const FOLDERS: Record<string, string> = { Alarms: ".mp3", DCIM: ".jpg", Documents: ".pdf", Download: ".pdf", Movies: ".mp4", Music: ".mp3", Notifications: ".mp3", Pictures: ".jpg", Podcasts: ".mp3", Ringtones: ".mp3" };

/** `n` distinct file names of a folder's kind. */
function fileNames(rng: Rng, ext: string, n: number): string[] {
  const names = new Set<string>();
  while (names.size < n) names.add(randomFileName(rng) + ext);
  return [...names];
}

export const FILES_TASKS: readonly WebTask[] = [
  def({
    name: "FilesMoveFile",
    app: "Files",
    description: "move a file from one folder to another (the other files stay put)",
    params: (rng) => {
      const [source_folder, destination_folder] = sample(rng, Object.keys(FOLDERS), 2) as [string, string];
      const [file_name, ...noise] = fileNames(rng, FOLDERS[source_folder]!, 4) as [string, ...string[]];
      return { file_name, source_folder, destination_folder, noise, others: fileNames(rng, FOLDERS[destination_folder]!, 2) };
    },
    goal: (p) => `Move the file ${p.file_name} from ${p.source_folder} within the sdk_gphone_x86_64 storage area to the ${p.destination_folder} within the same sdk_gphone_x86_64 storage area in the Android filesystem.`,
    setup: (p) => ({
      files: [
        ...[p.file_name, ...p.noise].map((name, i): FileItem => ({ folder: p.source_folder, name, size: 10 + i * 7 })),
        ...p.others.map((name, i): FileItem => ({ folder: p.destination_folder, name, size: 40 + i * 3 })),
      ],
    }),
    check: (s, p) => {
      const at = (folder: string, name: string) => s.files.some((f) => f.folder === folder && f.name === name);
      return Number(at(p.destination_folder, p.file_name) && !at(p.source_folder, p.file_name) && p.noise.every((n) => at(p.source_folder, n)) && p.others.every((n) => at(p.destination_folder, n)));
    },
  }),
  def({
    name: "FilesDeleteFile",
    app: "Files",
    description: "delete a file in a folder that holds other files of its kind",
    params: (rng) => {
      const subfolder = rng.pick(Object.keys(FOLDERS));
      const ext = FOLDERS[subfolder]!;
      const names = new Set<string>();
      while (names.size < 5) names.add(randomFileName(rng) + ext);
      const [file_name, ...noise] = [...names] as [string, ...string[]];
      return { file_name, subfolder, noise };
    },
    goal: (p) => `Delete the file ${p.file_name} from the Android filesystem located in the ${p.subfolder} folder within the sdk_gphone_x86_64 storage area.`,
    setup: (p) => ({ files: [p.file_name, ...p.noise].map((name, i): FileItem => ({ folder: p.subfolder, name, size: 10 + i * 7 })) }),
    check: (s, p) => Number(!s.files.some((f) => f.folder === p.subfolder && f.name === p.file_name)),
  }),
];
