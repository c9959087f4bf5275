/**
 * The ReSim dataset: JSONL, one chat example per line, in chat format with
 * metadata. Episodes are appended whole, so a file never holds half an episode
 * and a resumed run skips the seeds it already has.
 */
import { createReadStream, existsSync } from "node:fs";
import { appendFile } from "node:fs/promises";
import { createInterface } from "node:readline";
import type { ChatMessage } from "../format/prompt.js";

export interface ExampleMetadata {
  env: string;
  config: Record<string, unknown>;
  seed: number;
  step: number;
  /** True on the last example of an episode. */
  episodeEnd: boolean;
  /** Set on the last example of an episode. */
  episodeSuccess?: boolean;
  [key: string]: unknown;
}

/**
 * One first action the search tried from an example's state (metadata.firstSteps): its real
 * next state and the Monte-Carlo outcome of the search's trajectories through it.
 */
export interface FirstStepRecord {
  action: string;
  state: string;
  /** Whether the action changed the state (by fingerprint). */
  changed: boolean;
  terminated: boolean;
  truncated: boolean;
  success: boolean;
  visits: number;
  successes: number;
}

/**
 * An example's first-step records, or undefined when it has none or any is malformed (a
 * field missing or of the wrong type, no visits, more successes than visits): a reader
 * then skips the example instead of acting on a wrong record.
 */
export function firstStepRecords(metadata: Record<string, unknown> | undefined): FirstStepRecord[] | undefined {
  const list = metadata?.firstSteps;
  if (!Array.isArray(list)) return undefined;
  const ok = (f: unknown): f is FirstStepRecord => {
    const x = f as Partial<FirstStepRecord> | null;
    if (typeof x !== "object" || x === null || typeof x.action !== "string" || typeof x.state !== "string") return false;
    const flags = [x.changed, x.terminated, x.truncated, x.success].every((b) => typeof b === "boolean");
    return flags && typeof x.visits === "number" && x.visits > 0 && typeof x.successes === "number" && x.successes >= 0 && x.successes <= x.visits;
  };
  return list.every(ok) ? list : undefined;
}

export interface Example {
  messages: ChatMessage[];
  metadata: ExampleMetadata;
}

/** Seeds of the episodes already complete in `path` (for this env). */
export async function completedSeeds(path: string, env: string): Promise<Set<number>> {
  const seeds = new Set<number>();
  if (!existsSync(path)) return seeds;
  const lines = createInterface({ input: createReadStream(path, "utf8"), crlfDelay: Infinity });
  let n = 0;
  for await (const line of lines) {
    n++;
    if (line.trim() === "") continue;
    let record: Example;
    try {
      record = JSON.parse(line) as Example;
    } catch (err) {
      throw new Error(`${path}:${n}: not valid JSON (${(err as Error).message}); fix or remove the line to resume`);
    }
    if (record?.metadata?.env === env && record.metadata.episodeEnd) seeds.add(record.metadata.seed);
  }
  return seeds;
}

export async function appendExamples(path: string, examples: Example[]): Promise<void> {
  if (examples.length === 0) return;
  await appendFile(path, examples.map((e) => JSON.stringify(e)).join("\n") + "\n");
}
