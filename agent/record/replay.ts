/**
 * Re-executes a recording against a server: the same environment, config, seed,
 * reset options and actions (and undos), comparing every result with the recorded
 * one. Stops at the first divergence. Timings and where frames were written are
 * never compared; `ignore` names other fields to skip (e.g. "observation.image").
 */
import type { EnvClient, StateRef } from "../client/index.js";
import { DynamindError } from "../client/errors.js";
import { firstDifference, type Difference } from "./difference.js";
import type { Recording, RecordingEvent, RecordedResult } from "./format.js";
import { recordResult } from "./results.js";

export interface Divergence extends Difference {
  /** The event where it happened: 0 is the reset, n the n-th call after it (the JSONL's line n + 2). */
  event: number;
  /** What that event was: "reset", `step "Up"`, "restore to 3". */
  call: string;
}

export type ReplayOutcome = { identical: true; events: number; notes: string[] } | { identical: false; divergence: Divergence; notes: string[] };

export interface ReplayOptions {
  /** Field paths to skip, as the report names them (a prefix skips everything under it). */
  ignore?: string[];
}

/** Fields that say where or when, not what happened. */
const NEVER_COMPARED = ["observation.image.file"];

type Outcome = { result: RecordedResult } | { error: { reason: string } };

export async function replay(client: EnvClient, recording: Recording, options: ReplayOptions = {}): Promise<ReplayOutcome> {
  const { header, events } = recording;
  const skip = [...NEVER_COMPARED, ...(options.ignore ?? [])];
  const ignored = (path: string) => skip.some((s) => path === s || path.startsWith(`${s}.`) || path.startsWith(`${s}[`));
  const session = await client.createSession(header.env, {
    config: header.config,
    observationKinds: header.observationKinds,
    maxSteps: header.maxSteps,
  });
  const notes: string[] = [];
  if (header.envVersion && header.envVersion !== session.spec.version) {
    notes.push(`recorded with ${header.env} ${header.envVersion}, replayed with ${session.spec.version}`);
  }
  // Only the states an undo returns to are saved, so a plain replay costs no clones.
  const targets = new Set(events.flatMap((e) => (e.type === "restore" ? [e.to] : [])));
  const saved = new Map<number, StateRef>();
  try {
    for (let i = 0; i < events.length; i++) {
      const e = events[i]!;
      const got = await execute(e, i, header.seed, header.options, session, saved);
      const d = firstDifference(expectedOf(e), comparable(got), "", ignored);
      if (d) return { identical: false, divergence: { event: i, call: describe(e), ...d }, notes };
      if ("result" in got && targets.has(i)) saved.set(i, await session.clone());
    }
    return { identical: true, events: events.length, notes };
  } finally {
    if (saved.size > 0) await client.release([...saved.values()]).catch(() => undefined);
    await session.close().catch(() => undefined);
  }
}

async function execute(
  e: RecordingEvent,
  i: number,
  seed: number | undefined,
  resetOptions: Record<string, unknown> | undefined,
  session: Awaited<ReturnType<EnvClient["createSession"]>>,
  saved: Map<number, StateRef>,
): Promise<Outcome> {
  if (e.type === "reset") return { result: recordResult(await session.reset(seed, resetOptions)) };
  if (e.type === "restore") {
    const state = saved.get(e.to);
    if (!state) throw new Error(`event ${i} restores the state after event ${e.to}, which the recording never reached`);
    return { result: recordResult(await session.restore(state)) };
  }
  try {
    return { result: recordResult(await session.step(e.action)) };
  } catch (err) {
    // A refusal is part of the episode (an invalid answer wastes a step); anything else is not.
    if (err instanceof DynamindError && err.reason !== "TRANSPORT") return { error: { reason: err.reason } };
    throw err;
  }
}

/** What a recorded event says happened, in the shape `comparable` gives a replayed one. */
function expectedOf(e: RecordingEvent): unknown {
  if (e.type === "step" && e.error) return { outcome: `refused: ${e.error.reason}` };
  return { outcome: "ok", ...e.result! };
}

function comparable(got: Outcome): unknown {
  return "error" in got ? { outcome: `refused: ${got.error.reason}` } : { outcome: "ok", ...got.result };
}

function describe(e: RecordingEvent): string {
  if (e.type === "reset") return "reset";
  if (e.type === "restore") return `restore to ${e.to}`;
  return `step ${JSON.stringify(e.action)}`;
}

/** One line for a person: "identical (24 events)" or where and how it diverged. */
export function formatOutcome(o: ReplayOutcome): string {
  const notes = o.notes.map((n) => `\nnote: ${n}`).join("");
  if (o.identical) return `identical (${o.events} events)${notes}`;
  const d = o.divergence;
  return `divergence at event ${d.event} (${d.call}): ${d.field}: expected ${d.expected}, got ${d.got}${notes}`;
}
