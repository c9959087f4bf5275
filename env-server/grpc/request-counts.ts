/**
 * Counts before decoding. Decoding builds an object per action: 2 MB of Expand
 * actions took ~0.3 s of the event loop, and a 4 MiB request of tiny ones more, only
 * for the engine to refuse them by count afterwards. These checks read tags and
 * lengths alone (no objects, no strings) and stop as soon as a count passes its
 * limit, so an over-limit Expand or BatchStep is refused before it is decoded.
 * The engine still checks the same limits for in-process callers.
 */
import { EnvError } from "../../adapters/contract.js";
import type { EngineLimits } from "../core/limits.js";

/** A check on a request's raw bytes: the refusal, or undefined to go on decoding. */
export type RequestPrecheck = (buf: Uint8Array) => EnvError | undefined;

/** Field numbers from env_service.proto. */
const EXPAND_SEQUENCES = 3;
const SEQUENCE_ACTIONS = 1;
const BATCH_STEPS = 1;
const CONNECT_BATCH_STEP = 7;
const CONNECT_EXPAND = 12;

/** Prechecks by service method name. */
export function requestPrechecks(limits: Pick<EngineLimits, "maxExpandSequences" | "maxExpandActions" | "maxBatchSize">): Record<string, RequestPrecheck> {
  const expand = (buf: Uint8Array, start: number, end: number): EnvError | undefined => {
    let sequences = 0;
    let actions = 0;
    let over: EnvError | undefined;
    walk(buf, start, end, (field, from, to) => {
      if (field !== EXPAND_SEQUENCES) return true;
      if (++sequences > limits.maxExpandSequences) {
        over = new EnvError("CAPACITY", `Expand takes at most ${limits.maxExpandSequences} sequences, got more`);
        return false;
      }
      actions += count(buf, from, to, SEQUENCE_ACTIONS, limits.maxExpandActions - actions);
      if (actions > limits.maxExpandActions) {
        over = new EnvError("CAPACITY", `Expand takes at most ${limits.maxExpandActions} actions in all, got more`);
        return false;
      }
      return true;
    });
    return over;
  };
  const batch = (buf: Uint8Array, start: number, end: number): EnvError | undefined =>
    count(buf, start, end, BATCH_STEPS, limits.maxBatchSize) > limits.maxBatchSize
      ? new EnvError("CAPACITY", `a batch holds at most ${limits.maxBatchSize} steps, got more`)
      : undefined;
  return {
    expand: (buf) => expand(buf, 0, buf.length),
    batchStep: (buf) => batch(buf, 0, buf.length),
    connect: (buf) => {
      let over: EnvError | undefined;
      walk(buf, 0, buf.length, (field, from, to) => {
        if (field === CONNECT_EXPAND) over = expand(buf, from, to);
        else if (field === CONNECT_BATCH_STEP) over = batch(buf, from, to);
        return over === undefined;
      });
      return over;
    },
  };
}

/** Occurrences of length-delimited `field` in buf[start, end), counting no further than limit + 1. */
function count(buf: Uint8Array, start: number, end: number, field: number, limit: number): number {
  let n = 0;
  walk(buf, start, end, (f) => {
    if (f === field) n++;
    return n <= limit;
  });
  return n;
}

/**
 * Calls `visit(field, from, to)` for each length-delimited field of the message in
 * buf[start, end), skipping the others, until it returns false. Malformed framing ends
 * the walk quietly: the decoder then reports it properly.
 */
function walk(buf: Uint8Array, start: number, end: number, visit: (field: number, from: number, to: number) => boolean): void {
  let pos = start;
  const varint = (): number => {
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      if (pos >= end) return -1;
      const b = buf[pos++]!;
      result += (b & 0x7f) * mul;
      if ((b & 0x80) === 0) return result;
      mul *= 128;
    }
    return -1;
  };
  while (pos < end) {
    const tag = varint();
    if (tag < 0) return;
    const wire = tag % 8;
    const field = Math.floor(tag / 8);
    if (wire === 0) {
      if (varint() < 0) return;
    } else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else if (wire === 2) {
      const len = varint();
      if (len < 0 || pos + len > end) return;
      const from = pos;
      pos += len;
      if (!visit(field, from, pos)) return;
    } else return;
  }
}
