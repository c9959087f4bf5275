/**
 * android-web Markor tasks (AndroidWorld: single/markor.py). Like AndroidWorld, each
 * starts from a Markor folder holding the task's notes plus noise notes named from
 * AndroidWorld's _NOTE_TITLES, and note contents are compared with its fuzzy match
 * where it fuzzes.
 */
import type { Rng } from "../../kit/rng.js";
import type { Note } from "../../../emulator/web-device/state.js";
import { fuzzyMatch } from "../fuzzy.js";
import { def, json, minutesAgo, randint, randomFileName, randomString, sample, SENTENCES, type WebTask } from "./task-kit.js";

/** AndroidWorld's _NOTE_TITLES (noise files). */
const NOTE_TITLES = [
  "grocery_list_weekly.md", "meeting_notes_project_team.md", "personal_goals_2024.md", "reading_list_2024.md", "research_paper_summary.md",
  "summer_vacation_plans.md", "budget_home_renovation.md", "april_workout_routine.md", "birthday_gift_ideas_mom.md", "recipe_homemade_pizza.md",
  "weekend_todo_list.md", "insurance_plan_comparison.md", "art_project_sketches.md", "python_learning_goals.md", "trip_reflections_recent.md",
  "startup_ideas_launch.md", "client_meetings_schedule.md", "favorite_book_quotes.md", "garden_layout_plan.md", "upcoming_presentation_outline.md",
];

const noteName = (rng: Rng) => randomFileName(rng) + rng.pick([".md", ".txt"]);

/** 1–5 noise notes (older than the task's own), never named like `except`. */
function noise(rng: Rng, except: readonly string[] = []): Note[] {
  return sample(rng, NOTE_TITLES.filter((t) => !except.includes(t)), randint(rng, 1, 5)).map((name, i) => ({ name, content: rng.pick(SENTENCES), mtime: minutesAgo(600 + 60 * i) }));
}

const content = (notes: readonly Note[], name: string) => notes.find((n) => n.name === name)?.content;

export const MARKOR_TASKS: readonly WebTask[] = [
  def({
    name: "MarkorCreateNote",
    app: "Markor",
    description: "create a note with a name and text (text fuzzy)",
    params: (rng) => ({ file_name: noteName(rng), text: rng.pick(SENTENCES) }),
    goal: (p) => `Create a new note in Markor named ${p.file_name} with the following text: ${p.text}`,
    setup: () => ({ notes: [] }),
    check: (s, p) => Number(fuzzyMatch(content(s.notes, p.file_name)?.trim(), p.text)),
  }),
  def({
    name: "MarkorDeleteNote",
    app: "Markor",
    description: "delete one named note (among noise notes)",
    params: (rng) => ({ file_name: randomFileName(rng), notes: JSON.stringify(noise(rng)) }),
    goal: (p) => `Delete the note in Markor named ${p.file_name}.`,
    setup: (p) => ({ notes: [...json<Note[]>(p.notes), { name: p.file_name, content: "", mtime: minutesAgo(30) }] }),
    check: (s, p) => Number(!s.notes.some((n) => n.name === p.file_name)),
  }),
  def({
    name: "MarkorDeleteAllNotes",
    app: "Markor",
    description: "delete every note (2–6 of them)",
    params: (rng) => ({ names: sample(rng, NOTE_TITLES, randint(rng, 2, 6)) }),
    goal: () => "Delete all my notes in Markor.",
    setup: (p) => ({ notes: p.names.map((name, i) => ({ name, content: SENTENCES[i % SENTENCES.length]!, mtime: minutesAgo(60 * (i + 1)) })) }),
    check: (s) => Number(s.notes.length === 0),
  }),
  def({
    name: "MarkorDeleteNewestNote",
    app: "Markor",
    description: "delete the most recently modified note, leaving the others untouched",
    params: (rng) => {
      const n = randint(rng, 2, 6);
      const names = new Set<string>();
      while (names.size < n) names.add(noteName(rng));
      // AndroidWorld moves the clock by ±500 minutes between notes; distinct offsets keep "newest" well defined.
      const offsets = sample(rng, Array.from({ length: 1000 }, (_, i) => i + 1), n);
      return { notes: JSON.stringify([...names].map((name, i) => ({ name, content: rng.pick(SENTENCES), mtime: minutesAgo(offsets[i]!) }))) };
    },
    goal: () => "Delete the newest note in Markor.",
    setup: (p) => ({ notes: json<Note[]>(p.notes) }),
    check: (s, p) => {
      const before = json<Note[]>(p.notes).sort((a, b) => a.mtime - b.mtime);
      const keep = before.slice(0, -1);
      return Number(s.notes.length === keep.length && keep.every((k) => s.notes.some((n) => n.name === k.name && n.mtime === k.mtime)));
    },
  }),
  def({
    name: "MarkorEditNote",
    app: "Markor",
    description: "add a header or a footer to a note, or replace its text (AndroidWorld's three templates; fuzzy)",
    params: (rng) => {
      const edit_type = rng.pick(["header", "footer", "replace"]);
      const text = edit_type === "replace" ? [0, 1, 2].map(() => rng.pick(SENTENCES)).join("\n") : rng.pick(SENTENCES);
      const extra: Record<string, string> = { [edit_type === "replace" ? "replace_text" : edit_type]: text };
      const base: Record<string, string> = { file_name: `note_${randomString(rng, 5)}${rng.pick([".md", ".txt"])}`, edit_type, original: rng.pick(SENTENCES), notes: JSON.stringify(noise(rng)) };
      return { ...base, ...extra };
    },
    goal: (p) =>
      p.edit_type === "header"
        ? `Edit ${p.file_name} in Markor. Add to the top of the note ${p.header}`
        : p.edit_type === "footer"
          ? `Edit ${p.file_name} in Markor. Add to the bottom of the note ${p.footer}`
          : `Edit ${p.file_name} in Markor. Replace the text with ${p.replace_text}`,
    setup: (p) => ({ notes: [...json<Note[]>(p.notes), { name: String(p.file_name), content: String(p.original), mtime: minutesAgo(120) }] }),
    check: (s, p) => {
      const expected = p.edit_type === "header" ? `${p.header}\n${p.original}` : p.edit_type === "footer" ? `${p.original}\n${p.footer}` : String(p.replace_text);
      return Number(fuzzyMatch(content(s.notes, String(p.file_name))?.trim(), expected));
    },
  }),
  def({
    name: "MarkorChangeNoteContent",
    app: "Markor",
    description: "replace a note's content (fuzzy)",
    params: (rng) => ({ file_name: noteName(rng), original: randomString(rng, 20), updated_content: randomString(rng, 20), notes: JSON.stringify(noise(rng)) }),
    goal: (p) => `Update the content of ${p.file_name} to "${p.updated_content}" in Markor.`,
    setup: (p) => ({ notes: [...json<Note[]>(p.notes), { name: p.file_name, content: p.original, mtime: minutesAgo(120) }] }),
    check: (s, p) => Number(fuzzyMatch(content(s.notes, p.file_name)?.trim(), p.updated_content)),
  }),
  def({
    name: "MarkorAddNoteHeader",
    app: "Markor",
    description: "add a line and a blank line above a note's text (exact)",
    params: (rng) => ({ file_name: noteName(rng), original_content: rng.pick(SENTENCES), header: randomString(rng, 20), notes: JSON.stringify(noise(rng)) }),
    goal: (p) => `Update the Markor note ${p.file_name} by adding the following text, along with a new blank line before the existing content: "${p.header}".`,
    setup: (p) => ({ notes: [...json<Note[]>(p.notes), { name: p.file_name, content: p.original_content, mtime: minutesAgo(120) }] }),
    check: (s, p) => Number(content(s.notes, p.file_name)?.trimEnd() === `${p.header}\n\n${p.original_content}`),
  }),
  def({
    name: "MarkorMergeNotes",
    app: "Markor",
    description: "merge three notes, in order and a blank line apart, into a new note",
    params: (rng) => {
      const names = new Set<string>();
      while (names.size < 3) names.add(noteName(rng));
      const [file1_name, file2_name, file3_name] = [...names] as [string, string, string];
      return { file1_name, file2_name, file3_name, new_file_name: randomString(rng, 8), file1_content: randomString(rng, 20), file2_content: randomString(rng, 20), file3_content: randomString(rng, 20) };
    },
    goal: (p) => `Merge the contents of Markor notes ${p.file1_name}, ${p.file2_name} and ${p.file3_name} (in the same order) into a new Markor note named ${p.new_file_name} and save it. Add a new line between the content of each note.`,
    setup: (p) => ({ notes: ([[p.file1_name, p.file1_content], [p.file2_name, p.file2_content], [p.file3_name, p.file3_content]] as const).map(([name, text], i) => ({ name, content: text, mtime: minutesAgo(60 * (3 - i)) })) }),
    check: (s, p) => {
      // Markor names a note without an extension NAME.md; AndroidWorld's check reads the file named as the goal says.
      const merged = (content(s.notes, p.new_file_name) ?? content(s.notes, `${p.new_file_name}.md`))?.trim();
      if (merged === undefined) return 0;
      const lines = merged.split("\n");
      const expected = `${p.file1_content}\n\n${p.file2_content}\n\n${p.file3_content}`;
      return Number(fuzzyMatch(merged, expected) && lines.length === 5 && !lines[1] && !lines[3]);
    },
  }),
];

const SUBFOLDERS = ["BookNotes", "CodeSnippets", "DailyNotes", "FitnessPlans", "MeetingMinutes", "PersonalJournal", "RecipeCollections", "StudyGuides", "TravelItineraries", "WorkProjects"];

/** Markor's folders: the empty ones it lists plus every folder a note's name runs through. */
function folders(s: { notes: Note[]; markorFolders?: string[] }): Set<string> {
  const all = new Set(s.markorFolders ?? []);
  for (const n of s.notes) {
    const parts = n.name.split("/");
    for (let i = 1; i < parts.length; i++) all.add(parts.slice(0, i).join("/"));
  }
  return all;
}

export const MARKOR_FOLDER_TASKS: readonly WebTask[] = [
  def({
    name: "MarkorCreateFolder",
    app: "Markor",
    description: "create a folder in Markor's top folder",
    // AndroidWorld names it after the clock ("folder_%Y%m%d_%H%M%S"); here a seeded time on the device's day.
    params: (rng) => ({ folder_name: `folder_20231015_${[rng.int(24), rng.int(60), rng.int(60)].map((n) => String(n).padStart(2, "0")).join("")}`, notes: JSON.stringify(noise(rng)) }),
    goal: (p) => `Create a new folder in Markor named ${p.folder_name}.`,
    setup: (p) => ({ notes: json<Note[]>(p.notes) }),
    check: (s, p) => Number(folders(s).has(p.folder_name)),
  }),
  def({
    name: "MarkorMoveNote",
    app: "Markor",
    description: "move a note from one folder to another",
    params: (rng) => {
      const [source_folder, destination_folder] = sample(rng, SUBFOLDERS, 2) as [string, string];
      const file_name = noteName(rng);
      return { file_name, source_folder, destination_folder, notes: JSON.stringify(noise(rng, [file_name]).map((n) => ({ ...n, name: `${source_folder}/${n.name}` }))) };
    },
    goal: (p) => `In Markor, move the note ${p.file_name} from ${p.source_folder} to ${p.destination_folder}.`,
    setup: (p) => ({ notes: [...json<Note[]>(p.notes), { name: `${p.source_folder}/${p.file_name}`, content: "Moving notes", mtime: minutesAgo(30) }], markorFolders: [p.destination_folder] }),
    check: (s, p) => {
      const at = (folder: string) => s.notes.some((n) => n.name === `${folder}/${p.file_name}`);
      return Number(at(p.destination_folder) && !at(p.source_folder) && json<Note[]>(p.notes).every((n) => s.notes.some((x) => x.name === n.name)));
    },
  }),
];
