/**
 * Cooperative time-slicing for long work on the event loop (a big Expand, its request's
 * decoding and its reply's encoding): work a slice, then let queued I/O (other clients'
 * calls) run before going on.
 */

/** Work between yields: short against a Step's latency, long against a yield's cost (~µs). */
export const SLICE_MS = 4;

/** Resolves after the I/O already queued has been handled. */
export const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Tracks one slice of synchronous work. */
export class TimeSlice {
  private start = Date.now();

  /** Whether this slice has run its time (read the clock every few units of work, not every one). */
  spent(now = Date.now()): boolean {
    return now - this.start >= SLICE_MS;
  }

  /** Yields to the event loop and starts a new slice. */
  async next(): Promise<void> {
    await yieldToLoop();
    this.start = Date.now();
  }
}
