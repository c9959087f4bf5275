/**
 * The worker side of kit/worker-pool: answers each job message with the handler's
 * value, or with what it threw (class name, EnvError reason, message), one at a time.
 */
import { parentPort } from "node:worker_threads";
import { EnvError } from "../contract.js";
import type { JobMessage, JobReply } from "./worker-pool.js";

export function serveJobs<Req, Res>(handle: (request: Req, stopAt: number) => Res): void {
  const port = parentPort;
  if (port === null) throw new Error("serveJobs runs inside a worker thread");
  port.on("message", ({ id, request, stopAt }: JobMessage<Req>) => {
    let reply: JobReply<Res>;
    try {
      reply = { id, ok: true, value: handle(request, stopAt) };
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      reply = { id, ok: false, name: e.name, reason: err instanceof EnvError ? err.reason : undefined, message: e.message };
    }
    port.postMessage(reply);
  });
}
