/**
 * Stopping long pure computations (room generation, solvers) at a point in time.
 * They check the clock every few thousand units of work and throw {@link TimeUp};
 * the caller decides what running out means: hand the work to a worker thread, or
 * refuse the call. A result that is returned never depends on the clock.
 */

/** Thrown when a computation passes its `stopAt`; carries no partial result. */
export class TimeUp extends Error {
  constructor() {
    super("the computation ran out of time");
    this.name = "TimeUp";
  }
}

/** Throws TimeUp once the clock passes `stopAt` (epoch ms; Infinity = never). */
export function checkTime(stopAt: number): void {
  if (stopAt !== Infinity && Date.now() > stopAt) throw new TimeUp();
}
