/**
 * Runs a pure, possibly heavy job where it costs the event loop least: inline when it
 * finishes within a few milliseconds (cheap configs stay synchronous and fast), else
 * again from scratch on a worker pool. The job's result never depends on where it ran;
 * only running out of time does: the call's deadline (DEADLINE) or the pool's per-job
 * limit (CAPACITY).
 */
import { EnvError, type MaybePromise } from "../contract.js";
import { TimeUp } from "./timebox.js";
import type { WorkerPool } from "./worker-pool.js";

/** The most a job may hold the event loop before it moves to a worker (work done inline is then redone). */
export const INLINE_SLICE_MS = 4;

export function runOffLoop<Req, Res>(
  job: Req,
  compute: (job: Req, stopAt: number) => Res,
  pool: () => WorkerPool<Req, Res>,
  /** The call's deadline, epoch ms (Infinity = none). */
  deadline: number,
  /** What the job is, for errors ("sokoban reset"). */
  what: string,
): MaybePromise<Res> {
  try {
    return compute(job, Math.min(deadline, Date.now() + INLINE_SLICE_MS));
  } catch (err) {
    if (!(err instanceof TimeUp)) throw err;
  }
  const workers = pool();
  return workers.run(job, deadline).catch((err: unknown) => {
    if (!(err instanceof TimeUp)) throw err;
    if (Date.now() >= deadline) throw new EnvError("DEADLINE", `the call's deadline passed during the ${what}; nothing changed`);
    throw new EnvError(
      "CAPACITY",
      `the ${what} needed more than the server's ${workers.maxJobMs} ms per call; nothing changed — use a cheaper configuration`,
    );
  });
}
