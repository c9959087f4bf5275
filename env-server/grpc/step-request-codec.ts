/**
 * StepRequest (Step, and each item of BatchStep) read by hand. The generated reader
 * turns each uint64 into a BigInt, then its digits, then a number (`longToNumber`):
 * with a valid-action hash on every item (the lean observation options) that cost
 * ~0.9 µs per BatchStep item, more than the rest of the item's decoding. Here a hash
 * below 2^53 is read straight into a number. Everything else is the generated code's
 * own logic, and a property test holds the result equal to the generated decoder's
 * (test/server/step-request-codec.test.ts); ts-proto stays the schema's source of truth.
 */
import type { BinaryReader } from "@bufbuild/protobuf/wire";
import type { BatchStepRequest, StepRequest } from "../../gen/ts/dynamind/env/v1/env_service_pb.js";
import { Action, ObservationOptions } from "../../gen/ts/dynamind/env/v1/types_pb.js";

/** The reader's fields that BinaryReader keeps public in JavaScript but not in its types. */
interface ReaderState {
  buf: Uint8Array;
  pos: number;
  len: number;
}

/**
 * A uint64 as a number, refusing values above 2^53-1 with the generated decoder's error.
 * Eight varint bytes hold 56 bits, and every partial sum below 2^53 is exact; anything
 * longer or larger goes through the reader's own uint64.
 */
export function readSafeUint64(reader: BinaryReader): number {
  const r = reader as unknown as ReaderState;
  const buf = r.buf;
  let pos = r.pos;
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 8 && pos < r.len; i++) {
    const b = buf[pos++]!;
    value += (b & 0x7f) * scale;
    if ((b & 0x80) === 0) {
      if (value > Number.MAX_SAFE_INTEGER) break;
      r.pos = pos;
      return value;
    }
    scale *= 128;
  }
  const num = Number(reader.uint64().toString());
  if (num > Number.MAX_SAFE_INTEGER) throw new Error("Value is larger than Number.MAX_SAFE_INTEGER");
  return num;
}

/** One StepRequest of `length` bytes from the reader's position (StepRequest field numbers). */
export function readStepRequest(reader: BinaryReader, length?: number): StepRequest {
  const end = length === undefined ? reader.len : reader.pos + length;
  const message: StepRequest = { sessionId: "", action: undefined, observationOptions: undefined, knownValidActionsHash: undefined, knownTextHash: undefined };
  while (reader.pos < end) {
    const tag = reader.uint32();
    switch (tag) {
      case 10:
        message.sessionId = reader.string();
        continue;
      case 18:
        message.action = Action.decode(reader, reader.uint32());
        continue;
      case 26:
        message.observationOptions = ObservationOptions.decode(reader, reader.uint32());
        continue;
      case 32:
        message.knownValidActionsHash = readSafeUint64(reader);
        continue;
      case 40:
        message.knownTextHash = readSafeUint64(reader);
        continue;
    }
    if ((tag & 7) === 4 || tag === 0) break;
    reader.skip(tag & 7);
  }
  return message;
}

/** A whole BatchStepRequest. */
export function readBatchStepRequest(reader: BinaryReader): BatchStepRequest {
  const message: BatchStepRequest = { steps: [] };
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    if (tag === 10) {
      message.steps.push(readStepRequest(reader, reader.uint32()));
      continue;
    }
    if ((tag & 7) === 4 || tag === 0) break;
    reader.skip(tag & 7);
  }
  return message;
}
