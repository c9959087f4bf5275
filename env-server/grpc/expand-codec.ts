/**
 * Expand's request and reply are the only messages big enough (32k actions in, 4 MiB
 * out) for decoding or encoding them in one go to stall every other client: ~30 ms
 * and ~50 ms on a busy 2-core machine, each time. Here both happen in time slices:
 * the request's sequences stay raw bytes until the handler decodes them a slice at a
 * time, and the reply is encoded branch by branch, then joined (a copy, ~1 ms).
 */
import type { BinaryReader } from "@bufbuild/protobuf/wire";
import { EnvError } from "../../adapters/contract.js";
import { ActionSequence, ExpandOptions, type ExpandRequest, type ExpandResponse } from "../../gen/ts/dynamind/env/v1/env_service_pb.js";
import { TimeSlice } from "../core/time-slice.js";
import { decodeStrict } from "./decoding.js";
import { FastEncoder } from "./fast-encode.js";

/** Branches are written by the fast encoder (byte-identical to Branch.encode, see fast-encode.ts). */
const branchEncoder = new FastEncoder();

const ENCODED = Symbol("encoded Expand reply");

/** An Expand request whose sequences are still wire bytes. */
export interface RawExpandRequest extends Omit<ExpandRequest, "sequences"> {
  rawSequences: Uint8Array[];
}

/** A reply already encoded (see serializeExpandReply). */
export interface EncodedExpandReply {
  readonly [ENCODED]: Buffer;
}

/** Work units (sequences or branches) between clock reads. */
const CLOCK_EVERY = 8;

/** The request's deserializer: reads every field but the sequences, which it keeps as bytes (ExpandRequest field numbers). */
export function readRawExpand(reader: BinaryReader): RawExpandRequest {
  const message: RawExpandRequest = { sessionId: "", fromHandleId: undefined, rawSequences: [], options: undefined };
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    if (tag === 10) message.sessionId = reader.string();
    else if (tag === 18) message.fromHandleId = reader.string();
    else if (tag === 26) message.rawSequences.push(reader.bytes());
    else if (tag === 34) message.options = ExpandOptions.decode(reader, reader.uint32());
    else if ((tag & 7) === 4 || tag === 0) break;
    else reader.skip(tag & 7);
  }
  return message;
}

/** The full request, decoding the sequences a slice at a time; stops at the deadline. */
export function decodeExpand(raw: RawExpandRequest, deadline: number): Promise<ExpandRequest> | ExpandRequest {
  const { rawSequences, ...rest } = raw;
  const sequences: ExpandRequest["sequences"] = new Array(rawSequences.length);
  const slice = new TimeSlice();
  const run = (from: number): Promise<ExpandRequest> | ExpandRequest => {
    for (let i = from; i < rawSequences.length; i++) {
      if (i % CLOCK_EVERY === 0 && i > from) {
        const now = Date.now();
        if (now > deadline) throw new EnvError("DEADLINE", "the call's deadline passed while its Expand request was read; nothing was done");
        if (slice.spent(now)) return slice.next().then(() => run(i));
      }
      sequences[i] = decodeStrict((r) => ActionSequence.decode(r), rawSequences[i]!);
    }
    return { ...rest, sequences };
  };
  return run(0);
}

/** The reply encoded a slice at a time. */
export function encodeExpandReply(reply: ExpandResponse): Promise<EncodedExpandReply> | EncodedExpandReply {
  const parts: Uint8Array[] = [];
  const slice = new TimeSlice();
  const run = (from: number): Promise<EncodedExpandReply> | EncodedExpandReply => {
    for (let i = from; i < reply.branches.length; i++) {
      if (i % CLOCK_EVERY === 0 && i > from && slice.spent()) return slice.next().then(() => run(i));
      // Each branch as its repeated field 1 would be written: tag, length, message.
      const body = branchEncoder.branch(reply.branches[i]!);
      parts.push(Uint8Array.of(10), varint(body.length), body);
    }
    return { [ENCODED]: Buffer.concat(parts) };
  };
  return run(0);
}

/** The reply's serializer: encoded replies as they are, others (none expected) encoded whole. */
export function serializeExpandReply(encodeWhole: (value: ExpandResponse) => Buffer): (value: ExpandResponse | EncodedExpandReply) => Buffer {
  return (value) => (ENCODED in value ? value[ENCODED] : encodeWhole(value));
}

function varint(n: number): Uint8Array {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return Uint8Array.from(out);
}
