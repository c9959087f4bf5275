/**
 * A small pool of worker threads for pure, CPU-heavy environment work (room generation,
 * solvers), so that one client's expensive call never holds the server's event loop.
 *
 * Jobs are plain data in and out; each carries a stop time the worker checks itself
 * (kit/timebox). A worker that does not answer shortly after that time is terminated
 * and replaced, so no job outlives its limit. The queue is bounded: past it, callers
 * get a retryable CAPACITY error instead of an ever-growing backlog.
 */
import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { EnvError, type ErrorReason } from "../contract.js";
import { TimeUp } from "./timebox.js";

export interface WorkerPoolOptions {
  /** Worker threads; default: one per core but one (the event loop keeps a core), 1 to 4. */
  size?: number;
  /** Jobs waiting for a worker before new ones are refused. */
  maxQueue?: number;
  /** A job may run this long at most after it starts, whatever the caller's deadline. */
  maxJobMs?: number;
  /** How long past its stop time a silent worker is given before it is terminated. */
  graceMs?: number;
}

/** A job as the worker receives it. */
export interface JobMessage<Req> {
  id: number;
  request: Req;
  stopAt: number;
}

/** What a worker answers: the job's value, or what it threw. */
export type JobReply<Res> = { id: number; ok: true; value: Res } | { id: number; ok: false; name: string; reason?: ErrorReason; message: string };

interface Job<Req, Res> {
  request: Req;
  deadline: number;
  resolve: (value: Res) => void;
  reject: (err: unknown) => void;
}

interface Slot<Req, Res> {
  worker: Worker;
  job: (Job<Req, Res> & { id: number }) | undefined;
  timer: NodeJS.Timeout | undefined;
}

/** Where a worker entry lives: `name.ts` next to the calling module under tsx/vitest, `name.js` in dist. */
export function workerEntry(moduleUrl: string, name: string): URL {
  return new URL(`./${name}${moduleUrl.endsWith(".ts") ? ".ts" : ".js"}`, moduleUrl);
}

export class WorkerPool<Req, Res> {
  private readonly slots: Slot<Req, Res>[] = [];
  private readonly queue: Job<Req, Res>[] = [];
  private nextId = 1;
  readonly size: number;
  readonly maxQueue: number;
  readonly maxJobMs: number;
  private readonly graceMs: number;

  constructor(
    private readonly entry: URL,
    options: WorkerPoolOptions = {},
  ) {
    this.size = options.size ?? Math.max(1, Math.min(4, availableParallelism() - 1));
    this.maxQueue = options.maxQueue ?? 64;
    this.maxJobMs = options.maxJobMs ?? 10_000;
    this.graceMs = options.graceMs ?? 1_000;
  }

  /**
   * Runs a job on a worker. It stops at the deadline (epoch ms) or maxJobMs after it
   * starts, whichever comes first, and then rejects with TimeUp.
   */
  run(request: Req, deadline = Infinity): Promise<Res> {
    if (this.queue.length >= this.maxQueue) {
      return Promise.reject(new EnvError("CAPACITY", `the server's environment workers are busy (${this.queue.length} jobs waiting); retry later`, true));
    }
    return new Promise<Res>((resolve, reject) => {
      this.queue.push({ request, deadline, resolve, reject });
      this.pump();
    });
  }

  /** Terminates every worker; queued and running jobs are rejected. */
  async close(): Promise<void> {
    for (const job of this.queue.splice(0)) job.reject(new EnvError("SHUTTING_DOWN", "the worker pool closed", true));
    await Promise.all(this.slots.splice(0).map((slot) => this.retire(slot, new EnvError("SHUTTING_DOWN", "the worker pool closed", true))));
  }

  private pump(): void {
    while (this.queue.length > 0) {
      let slot = this.slots.find((s) => s.job === undefined);
      if (slot === undefined) {
        if (this.slots.length >= this.size) return;
        slot = this.spawn();
      }
      const job = this.queue.shift()!;
      const now = Date.now();
      if (job.deadline <= now) {
        job.reject(new TimeUp());
        continue;
      }
      this.start(slot, job, Math.min(job.deadline, now + this.maxJobMs));
    }
  }

  private start(slot: Slot<Req, Res>, job: Job<Req, Res>, stopAt: number): void {
    const id = this.nextId++;
    slot.job = { ...job, id };
    // The worker stops itself at stopAt; this timer is for one that cannot (stuck in a loop with no checks).
    slot.timer = setTimeout(() => void this.retire(slot, new TimeUp()), stopAt - Date.now() + this.graceMs);
    slot.timer.unref();
    slot.worker.ref();
    slot.worker.postMessage({ id, request: job.request, stopAt } satisfies JobMessage<Req>);
  }

  private spawn(): Slot<Req, Res> {
    const worker = startWorker(this.entry);
    const slot: Slot<Req, Res> = { worker, job: undefined, timer: undefined };
    worker.unref();
    worker.on("message", (reply: JobReply<Res>) => {
      const job = slot.job;
      if (job === undefined || reply.id !== job.id) return;
      this.settle(slot);
      if (reply.ok) job.resolve(reply.value);
      else job.reject(revive(reply));
      this.pump();
    });
    const fail = (err: unknown): void => {
      if (!this.slots.includes(slot)) return;
      void this.retire(slot, new EnvError("INTERNAL", `an environment worker failed: ${err instanceof Error ? err.message : String(err)}`));
    };
    worker.on("error", fail);
    worker.on("exit", (code) => fail(new Error(`exited with code ${code}`)));
    this.slots.push(slot);
    return slot;
  }

  private settle(slot: Slot<Req, Res>): void {
    if (slot.timer !== undefined) clearTimeout(slot.timer);
    slot.timer = undefined;
    slot.job = undefined;
    slot.worker.unref();
  }

  /** Removes a worker (stuck, failed or closing), rejecting its job; a new one starts when needed. */
  private async retire(slot: Slot<Req, Res>, reason: unknown): Promise<void> {
    const i = this.slots.indexOf(slot);
    if (i >= 0) this.slots.splice(i, 1);
    const job = slot.job;
    this.settle(slot);
    job?.reject(reason);
    await slot.worker.terminate();
    this.pump();
  }
}

/** Rebuilds the error a worker threw, keeping the classes callers act on. */
function revive(reply: Extract<JobReply<unknown>, { ok: false }>): Error {
  if (reply.name === "TimeUp") return new TimeUp();
  if (reply.name === "EnvError" && reply.reason !== undefined) return new EnvError(reply.reason, reply.message);
  return new Error(reply.message);
}

/**
 * Under tsx or vitest the entry is TypeScript, which a bare worker cannot load: a small
 * ES module bootstrap registers tsx's loader in the worker first, then imports it.
 */
function startWorker(entry: URL): Worker {
  if (!entry.pathname.endsWith(".ts")) return new Worker(entry);
  const tsxApi = new URL("./esm/api/index.mjs", pathToFileURL(createRequire(entry).resolve("tsx"))).href;
  const bootstrap = `import { register } from ${JSON.stringify(tsxApi)}; register(); await import(${JSON.stringify(entry.href)});`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(bootstrap)}`));
}
