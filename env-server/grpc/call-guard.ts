/**
 * Checks on who calls and when: the bearer token, the call's deadline, and the
 * caller's identity for per-client caps.
 */
import { timingSafeEqual } from "node:crypto";
import type { Deadline, Metadata } from "@grpc/grpc-js";
import { EnvError } from "../../adapters/contract.js";

export class CallGuard {
  private readonly expected: Buffer | undefined;

  constructor(token: string | undefined) {
    if (token === "") throw new Error("the bearer token must not be empty");
    this.expected = token === undefined ? undefined : Buffer.from(`Bearer ${token}`);
  }

  get required(): boolean {
    return this.expected !== undefined;
  }

  authenticate(metadata: Metadata): void {
    if (this.expected === undefined) return;
    const given = metadata.get("authorization")[0];
    if (!this.accepts(typeof given === "string" ? given : undefined)) {
      throw new EnvError("UNAUTHENTICATED", "missing or wrong bearer token (metadata `authorization: Bearer <token>`)");
    }
  }

  /** Whether an `authorization` header value carries the token (also used by the metrics endpoint). */
  accepts(header: string | undefined): boolean {
    if (this.expected === undefined) return true;
    const buf = header === undefined ? undefined : Buffer.from(header);
    return buf !== undefined && buf.length === this.expected.length && timingSafeEqual(buf, this.expected);
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

/** A caller's identity for per-client caps: the peer's address without the port. */
export function clientOf(peer: string): string {
  const bracket = /^\[([^\]]+)\]:\d+$/.exec(peer);
  if (bracket) return bracket[1]!;
  const colon = peer.lastIndexOf(":");
  // "ipv4:1.2.3.4:5678" style and "1.2.3.4:5678" both end in a port; bare IPv6 has many colons.
  return colon > 0 && peer.indexOf(":") === colon ? peer.slice(0, colon) : peer;
}
