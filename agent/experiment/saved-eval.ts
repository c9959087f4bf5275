/**
 * Evaluations that survive a restart: each (method, split, episodes) result is written
 * as it completes and read back on a rerun, so a long experiment resumes where it
 * stopped. Shared by the RL experiments (dyna-grpo, sim-to-real), which evaluate every
 * policy the same way: greedy, compact prompts, Sim Score on, on seeds training never sees.
 */
import { existsSync, readFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Logger } from "pino";
import type { EnvClient } from "../client/index.js";
import { evaluate, type EvalResult } from "../eval/evaluate.js";
import type { ResponsePolicy } from "../eval/policy.js";
import { RandomResponsePolicy } from "../eval/random-policy.js";
import type { SplitConfig } from "./config.js";
import { meanInterval, pairedSuccess, wilson, type Interval } from "./stats.js";

export interface Row {
  method: string;
  split: string;
  episodes: number;
  success: { rate: number; ci: Interval };
  /** Success minus the start checkpoint's on the same episodes, decoded alike (RL runs' rows). */
  vsStart?: Paired;
  simScore: { mean: number; ci: Interval } | undefined;
  copyBaseline: { mean: number; ci: Interval } | undefined;
  seconds: number;
}

export interface SavedEval {
  result: EvalResult;
  seconds: number;
  /** The environment's version when it ran (absent in files written before it was recorded). */
  envVersion?: string;
}

export type EvalSaved = (method: string, split: SplitConfig, episodes: number, policy: () => Promise<ResponsePolicy>) => Promise<SavedEval>;

/**
 * Episodes in flight per evaluation; a checkpoint policy generates their prompts as one
 * batch. More pays little at this project's model size on wasm: 32 rows generated
 * 1.2–1.4× the tokens per second of 8 (scripts/model/generate-batch.ts on the 0.64M-parameter
 * student, loaded 2-core VM), and a batch runs as long as its longest response. Every
 * committed evaluation used 8.
 */
export const EVAL_CONCURRENCY = 8;

/** A file-name-safe spelling of a method or split name. */
export const slug = (s: string) => s.replace(/[^A-Za-z0-9]+/g, "-").replace(/^-|-$/g, "").toLowerCase();

/**
 * An evaluator over `env` whose results live in `<work>/eval/`. A saved result is reused
 * only if the environment's version is the one it ran on: a new version draws other
 * episodes for the same seeds, and a row from the old ones would sit beside rows from
 * the new ones in one table.
 */
/** Where the evaluation of (method, split, episodes) is saved under a work directory. */
export const savedEvalPath = (work: string, method: string, split: string, episodes: number): string => join(work, "eval", `${slug(method)}--${slug(split)}--${episodes}.json`);

export async function savedEvaluator(client: EnvClient, env: string, work: string, maxSteps: number, log: Logger, concurrency = EVAL_CONCURRENCY): Promise<EvalSaved> {
  await mkdir(join(work, "eval"), { recursive: true });
  const envVersion = (await client.listEnvs()).find((s) => s.id === env)?.version;
  return async (method, split, episodes, policy) => {
    const file = savedEvalPath(work, method, split.name, episodes);
    if (existsSync(file)) {
      const saved = JSON.parse(readFileSync(file, "utf8")) as SavedEval;
      if (saved.envVersion === undefined || saved.envVersion === envVersion) return saved;
      log.warn({ method, split: split.name, saved: saved.envVersion, now: envVersion }, "saved evaluation is from another environment version: evaluating again");
    }
    log.info({ method, split: split.name, episodes }, "evaluating");
    const t = performance.now();
    const result = await evaluate(client, await policy(), {
      envId: env,
      config: split.config,
      seeds: Array.from({ length: episodes }, (_, i) => split.seedStart + i),
      history: 0,
      concurrency,
      simScore: true,
      promptStyle: "compact",
      maxSteps,
    });
    const out: SavedEval = { result, seconds: (performance.now() - t) / 1000, envVersion };
    await writeFile(file, JSON.stringify(out));
    return out;
  };
}

/** A report row: success with a Wilson interval, Sim Score and the copy baseline with normal intervals. */
export function toRow(method: string, split: string, r: EvalResult, seconds: number): Row {
  const successes = r.perEpisode.filter((p) => p.success).length;
  return {
    method,
    split,
    episodes: r.episodes,
    success: { rate: successes / Math.max(1, r.episodes), ci: wilson(successes, r.episodes) },
    simScore: meanInterval(r.perEpisode.flatMap((p) => (p.changed === null ? [] : [p.changed]))),
    copyBaseline: meanInterval(r.perEpisode.flatMap((p) => (p.copyBaseline === null ? [] : [p.copyBaseline]))),
    seconds,
  };
}

export type Paired = ReturnType<typeof pairedSuccess>;

/** Two evaluations of the same seeds, compared episode by episode (a − b). */
export function pairedBySeed(a: EvalResult, b: EvalResult): Paired {
  const bySeed = new Map(b.perEpisode.map((e) => [e.seed, e.success]));
  if (bySeed.size !== a.perEpisode.length || a.perEpisode.some((e) => !bySeed.has(e.seed))) {
    throw new Error(`pairedBySeed: the evaluations played different seeds (${a.perEpisode.length} and ${b.perEpisode.length} episodes)`);
  }
  return pairedSuccess(
    a.perEpisode.map((e) => e.success),
    a.perEpisode.map((e) => bySeed.get(e.seed) as boolean),
  );
}

/** The two rows every RL experiment starts its table with: the random policy and the start checkpoint, on each split. */
export async function baselineRows(evalSaved: EvalSaved, splits: readonly SplitConfig[], episodes: number, start: () => Promise<ResponsePolicy>): Promise<Row[]> {
  const rows: Row[] = [];
  for (const split of splits) {
    const r = await evalSaved("random policy", split, episodes, async () => new RandomResponsePolicy(split.seedStart));
    rows.push(toRow("random policy", split.name, r.result, r.seconds));
  }
  for (const split of splits) {
    const r = await evalSaved("start checkpoint", split, episodes, start);
    rows.push(toRow("start checkpoint (SFT)", split.name, r.result, r.seconds));
  }
  return rows;
}
