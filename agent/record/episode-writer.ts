/**
 * Writes one episode to `<dir>/<name>.jsonl`, its frames to `<dir>/<name>.frames/`.
 *
 * Lines are written synchronously as events happen, so a crashed or interrupted
 * run leaves every step up to the crash on disk (and the order of lines is the order
 * of calls even when the caller does not await).
 */
import { randomBytes } from "node:crypto";
import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import type { ActionInput } from "../client/actions.js";
import type { Step } from "../client/index.js";
import { RECORDING_FORMAT, RECORDING_VERSION, type RecordingEvent, type RecordingHeader } from "./format.js";
import { recordResult, type FrameSink } from "./results.js";

export type HeaderFields = Omit<RecordingHeader, "type" | "format" | "version" | "startedAt">;

export class EpisodeWriter {
  readonly path: string;
  readonly name: string;
  private readonly fd: number;
  private frames = 0;
  private events = 0;
  private closed = false;

  /** `started`: performance.now() when the episode's first call (the reset) began. */
  constructor(
    private readonly dir: string,
    header: HeaderFields,
    private readonly started = performance.now(),
  ) {
    mkdirSync(dir, { recursive: true });
    this.name = episodeName(header.env, header.seed);
    this.path = join(dir, `${this.name}.jsonl`);
    // "wx": never append to (or clobber) another episode's file.
    this.fd = openSync(this.path, "wx");
    const full: RecordingHeader = { type: "header", format: RECORDING_FORMAT, version: RECORDING_VERSION, ...header, startedAt: new Date().toISOString() };
    this.line(full);
  }

  /** ms since the episode started: what an event's `at` says. */
  now(): number {
    return round(performance.now() - this.started);
  }

  reset(result: Step, at: number): void {
    this.event({ type: "reset", result: recordResult(result, this.frameSink()), ms: round(this.now() - at), at });
  }

  step(action: ActionInput, outcome: { result: Step } | { error: { reason: string; message: string } }, at: number): void {
    const ms = round(this.now() - at);
    if ("result" in outcome) this.event({ type: "step", action, result: recordResult(outcome.result, this.frameSink()), ms, at });
    else this.event({ type: "step", action, error: outcome.error, ms, at });
  }

  restore(to: number, result: Step, at: number): void {
    this.event({ type: "restore", to, result: recordResult(result, this.frameSink()), ms: round(this.now() - at), at });
  }

  /** Events written so far, the reset included (so the last one's index is count − 1). */
  get count(): number {
    return this.events;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
  }

  private event(e: RecordingEvent): void {
    if (this.closed) return;
    this.line(e);
    this.events++;
  }

  private line(value: unknown): void {
    writeSync(this.fd, JSON.stringify(value) + "\n");
  }

  private frameSink(): FrameSink {
    return (png) => {
      const folder = `${this.name}.frames`;
      if (this.frames === 0) mkdirSync(join(this.dir, folder), { recursive: true });
      const file = `${folder}/${String(this.frames++).padStart(4, "0")}.png`;
      writeFileSync(join(this.dir, file), png);
      return file;
    };
  }
}

const round = (ms: number) => Math.round(ms * 1000) / 1000;

/** `sokoban-s42-20250101T101010Z-3f9a`: sortable by time, unique without a lock, safe as a file name. */
function episodeName(env: string, seed: number | undefined): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
  const safeEnv = env.replace(/[^A-Za-z0-9_.-]/g, "_");
  return `${safeEnv}-${seed === undefined ? "rand" : `s${seed}`}-${stamp}-${randomBytes(2).toString("hex")}`;
}
