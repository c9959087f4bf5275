/**
 * android-web Camera, Audio Recorder and Simple Draw Pro tasks (AndroidWorld:
 * single/camera.py, single/audio_recorder.py, single/simple_draw_pro.py). The
 * drawing task wants a file of the asked name in Pictures. The camera checks count the new files in Pictures
 * (photos) or Movies (videos): exactly one, as AndroidWorld's directory listings do.
 * The recorder checks the recordings: exactly one new non-empty one, or one with the
 * asked name — AndroidWorld looks for "{file_name}.m4a", and the app adds ".m4a" to
 * the name typed, so the name asked for (itself ending ".m4a") is typed as given.
 */
import type { Rng } from "../../kit/rng.js";
import type { DeviceState, FileItem } from "../../../emulator/web-device/state.js";
import { def, randint, randomFileName, randomString, type WebTask } from "./task-kit.js";

/** New entries of `folder` against the device's state at the start (none: the task clears it, as AndroidWorld's does). */
const newFiles = (s: DeviceState, folder: string, before: readonly FileItem[] = []) => s.files.filter((f) => f.folder === folder && !before.some((b) => b.folder === f.folder && b.name === f.name)).length;

/** AndroidWorld's audio recorder name stems. */
const RECORDING_NAMES = ["interview", "meeting", "lecture", "session", "note", "conference", "webinar", "workshop", "seminar", "briefing", "discussion", "talk", "presentation", "training", "memo", "journal", "diary", "review"];

/** AndroidWorld's generate_modified_file_name: a date, a random or a fixed word, as prefix or suffix before the extension. */
export function modifiedFileName(rng: Rng, base: string): string {
  const dot = base.lastIndexOf(".");
  const [stem, ext] = dot > 0 ? [base.slice(0, dot), base.slice(dot)] : [base, ""];
  const kind = rng.pick(["date_prefix", "random_suffix", "fixed_suffix"]);
  const prefix = rng.pick([true, false]);
  let mod: string;
  if (kind === "date_prefix") {
    const d = new Date(Date.UTC(2023, 0, 1) + randint(rng, 0, 286) * 86_400_000); // 2023-01-01 … 2023-10-14
    mod = d.toISOString().slice(0, 10).replace(/-/g, "_");
  } else if (kind === "random_suffix") mod = randomString(rng, 4);
  else mod = rng.pick(["backup", "copy", "final", "edited"]);
  return prefix ? `${mod}_${stem}${ext}` : `${stem}_${mod}${ext}`;
}

/** AndroidWorld's Simple Draw Pro name words and formats. */
const DRAW_WORDS = ["lorem", "ipsum", "dolor", "sit", "amet", "consectetur", "adipiscing", "elit"];
const DRAW_EXTENSIONS = [".png", ".svg", ".jpg"];

export const MEDIA_TASKS: readonly WebTask[] = [
  def({
    name: "CameraTakePhoto",
    app: "Camera",
    description: "take one photo (exactly one new file in Pictures)",
    params: () => ({}),
    goal: () => "Take one photo.",
    setup: () => ({ files: [] }),
    check: (s) => Number(newFiles(s, "Pictures") === 1),
  }),
  def({
    name: "CameraTakeVideo",
    app: "Camera",
    description: "take one video (exactly one new file in Movies)",
    params: () => ({}),
    goal: () => "Take one video.",
    setup: () => ({ files: [] }),
    check: (s) => Number(newFiles(s, "Movies") === 1),
  }),
  def({
    name: "AudioRecorderRecordAudio",
    app: "Audio Recorder",
    description: "record and save one audio clip (exactly one new non-empty recording)",
    params: () => ({}),
    goal: () => "Record an audio clip using Audio Recorder app and save it.",
    setup: () => ({ recorder: { startedAt: 0, recordings: [] } }),
    // The task starts with no recordings, so every non-empty one is new.
    check: (s) => Number(s.recorder.recordings.filter((r) => r.size > 0).length === 1),
  }),
  def({
    name: "AudioRecorderRecordAudioWithFileName",
    app: "Audio Recorder",
    description: "record an audio clip and save it under a given name",
    params: (rng) => ({ file_name: modifiedFileName(rng, `${rng.pick(RECORDING_NAMES)}.m4a`) }),
    goal: (p) => `Record an audio clip and save it with name "${String(p.file_name)}" using Audio Recorder app.`,
    setup: () => ({ recorder: { startedAt: 0, recordings: [] } }),
    check: (s, p) => Number(s.recorder.recordings.some((r) => r.name === `${String(p.file_name)}.m4a`)),
  }),
  def({
    name: "SimpleDrawProCreateDrawing",
    app: "Simple Draw Pro",
    description: "create a drawing and save it under a given name in Pictures",
    params: (rng) => ({ file_name: `${rng.pick(DRAW_WORDS)}_${randomFileName(rng)}${rng.pick(DRAW_EXTENSIONS)}` }),
    goal: (p) => `Create a new drawing in Simple Draw Pro. Name it ${String(p.file_name)}. Save it in the Pictures folder within the sdk_gphone_x86_64 storage area.`,
    setup: () => ({ files: [] }),
    check: (s, p) => Number(s.files.some((f) => f.folder === "Pictures" && f.name === p.file_name)),
  }),
];
