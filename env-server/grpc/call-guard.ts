/**
 * What every call goes through before it reaches the engine: bearer-token
 * authentication and the call's deadline.
 */
import { timingSafeEqual } from "node:crypto";
import type { Deadline, Metadata } from "@grpc/grpc-js";
import { EnvError } from "../../adapters/contract.js";

export class CallGuard {
  private readonly expected: Buffer | undefined;

  constructor(token: string | undefined) {
    this.expected = token === undefined ? undefined : Buffer.from(`Bearer ${token}`);
  }

  authenticate(metadata: Metadata): void {
    if (this.expected === undefined) return;
    const given = metadata.get("authorization")[0];
    const buf = typeof given === "string" ? Buffer.from(given) : undefined;
    if (buf === undefined || buf.length !== this.expected.length || !timingSafeEqual(buf, this.expected)) {
      throw new EnvError("UNAUTHENTICATED", "missing or wrong bearer token (metadata `authorization: Bearer <token>`)");
    }
  }

  /** The deadline as epoch ms (Infinity when none); throws when it has already passed. */
  deadline(deadline: Deadline): number {
    const ms = deadline instanceof Date ? deadline.getTime() : deadline;
    if (ms !== Infinity && ms <= Date.now()) {
      throw new EnvError("DEADLINE", "the call's deadline passed before the server could start it; nothing was done");
    }
    return ms;
  }
}
