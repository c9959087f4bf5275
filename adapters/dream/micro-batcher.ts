/**
 * Joins concurrent requests into batches for a model that generates many rows at once.
 * A trainer steps its group of dream sessions in one BatchStep, whose steps start in the
 * same tick; one generation of 32 rows costs little more than one of a single row on a
 * small model, where 32 generations in a queue cost 32 times as much.
 *
 * Requests that arrive while a batch runs wait for the next one. Only requests with the
 * same key (the generation settings that must be shared: token limit, temperature) are
 * batched together; the others keep their turn, in arrival order. A batch is also bounded
 * by its padded size (rows × the longest row), because a batch's memory grows with it: 16
 * rows of a 2,000-token prompt ran the wasm backend out of its 4 GiB heap, which no one
 * prompt does.
 */
export type BatchOutcome<Res> = { ok: true; value: Res } | { ok: false; error: unknown };

interface Job<Req, Res> {
  req: Req;
  key: string;
  resolve: (r: Res) => void;
  reject: (e: unknown) => void;
}

export class MicroBatcher<Req, Res> {
  private readonly queue: Job<Req, Res>[] = [];
  private running = false;

  constructor(
    /** Runs one batch; answers one outcome per request, in order. */
    private readonly runBatch: (reqs: Req[]) => Promise<BatchOutcome<Res>[]>,
    private readonly keyOf: (req: Req) => string,
    private readonly maxBatch: number,
    /** A request's size (a prompt's tokens plus its reply's) and the most rows × largest size a batch may hold; one request alone is always run. */
    private readonly padded: { sizeOf: (req: Req) => number; max: number } = { sizeOf: () => 0, max: Infinity },
  ) {
    if (!(Number.isInteger(maxBatch) && maxBatch >= 1)) throw new Error(`maxBatch must be a positive integer, got ${maxBatch}`);
  }

  submit(req: Req): Promise<Res> {
    return new Promise<Res>((resolve, reject) => {
      this.queue.push({ req, key: this.keyOf(req), resolve, reject });
      // setImmediate rather than a microtask: the other steps of the same BatchStep are
      // queued by then, so they share the first batch.
      if (!this.running) {
        this.running = true;
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const key = this.queue[0]!.key;
      const batch: Job<Req, Res>[] = [];
      let longest = 0;
      for (let i = 0; i < this.queue.length && batch.length < this.maxBatch; ) {
        const job = this.queue[i]!;
        const size = this.padded.sizeOf(job.req);
        const fits = batch.length === 0 || (batch.length + 1) * Math.max(longest, size) <= this.padded.max;
        if (job.key !== key || !fits) {
          i++;
          continue;
        }
        batch.push(...this.queue.splice(i, 1));
        longest = Math.max(longest, size);
      }
      try {
        const outcomes = await this.runBatch(batch.map((j) => j.req));
        batch.forEach((j, i) => {
          const o = outcomes[i];
          if (o === undefined) j.reject(new Error("the batch gave no answer for this request"));
          else if (o.ok) j.resolve(o.value);
          else j.reject(o.error);
        });
      } catch (err) {
        for (const j of batch) j.reject(err);
      }
    }
    this.running = false;
  }
}
