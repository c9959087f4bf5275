/**
 * Request decoding that never fails the call with an opaque INTERNAL.
 *
 * - Integer fields are read strictly: a uint32 varint above 2^32-1 (e.g. an action
 *   index of 2^63) is an error, where the default reader silently keeps the low
 *   32 bits (2^63 became action 0).
 * - A request that cannot be decoded becomes an {@link Undecodable} value that the
 *   handler answers with INVALID_ARGUMENT and a reason; grpc-js would otherwise
 *   answer INTERNAL "Error deserializing request" without one, and on the Connect
 *   stream end the whole stream for one bad frame.
 * - Prechecks on the raw bytes (request-counts.ts) can refuse a request before it is
 *   decoded at all; it is answered the same way, with the precheck's error.
 */
import { BinaryReader } from "@bufbuild/protobuf/wire";
import type { ServiceDefinition } from "@grpc/grpc-js";
import { EnvError } from "../../adapters/contract.js";
import { clip } from "../../adapters/kit/clip.js";
import { latin1Slice } from "../../adapters/kit/native-strings.js";
import type { RequestPrecheck } from "./request-counts.js";

const UNDECODABLE = Symbol("undecodable");

/** What a request that failed to decode turns into. */
export interface Undecodable {
  readonly [UNDECODABLE]: string;
  /** The Connect request id, when it could be read; the stream then answers that request only. */
  readonly requestId?: number;
  /** A precheck's refusal (e.g. CAPACITY), answered instead of INVALID_ARGUMENT. */
  readonly refusal?: EnvError;
}

export function isUndecodable(value: unknown): value is Undecodable {
  return typeof value === "object" && value !== null && UNDECODABLE in value;
}

/** The error a handler reports for an undecodable request. */
export function undecodableError(value: Undecodable): EnvError {
  if (value.refusal !== undefined) return value.refusal;
  return new EnvError("INVALID_ARGUMENT", `the request could not be decoded: ${value[UNDECODABLE]}`);
}

/** Decodes bytes with a strict reader; what cannot be decoded is an INVALID_ARGUMENT EnvError. */
export function decodeStrict<T>(decode: (reader: BinaryReader) => T, bytes: Uint8Array): T {
  try {
    return decode(new StrictReader(bytes));
  } catch (err) {
    throw new EnvError("INVALID_ARGUMENT", `the request could not be decoded: ${describe(err)}`);
  }
}

/**
 * A reader whose uint32() refuses values that do not fit (instead of truncating them),
 * and whose string() builds ASCII strings natively: every request carries a session
 * id, and the default reader assembles each one from an array of char codes.
 */
class StrictReader extends BinaryReader {
  constructor(buf: Uint8Array) {
    super(buf);
    this.uint32 = strictUint32;
  }

  override string(strict?: boolean): string {
    if (latin1Slice === undefined) return super.string(strict);
    const at = this.pos;
    const len = this.uint32();
    const start = this.pos;
    const end = start + len;
    const buf = (this as unknown as { buf: Uint8Array }).buf;
    let i = start;
    if (end <= this.len) while (i < end && buf[i]! < 0x80) i++;
    if (i !== end || end > this.len) {
      // Not ASCII, or cut short: the base reader decodes (or refuses) it from the length on.
      this.pos = at;
      return super.string(strict);
    }
    this.pos = end;
    return latin1Slice.call(buf, start, end);
  }
}

function strictUint32(this: BinaryReader): number {
  const self = this as unknown as { buf: Uint8Array; pos: number; len: number };
  const buf = self.buf;
  let pos = self.pos;
  let result = 0;
  let shift = 0;
  for (let i = 0; i < 10; i++) {
    if (pos >= self.len) throw new Error("premature end of message");
    const b = buf[pos++]!;
    if (i < 4) result |= (b & 0x7f) << shift;
    else if (i === 4) {
      if ((b & 0x70) !== 0) throw new Error("an integer field is above 2^32-1");
      result |= (b & 0x0f) << 28;
    } else if ((b & 0x7f) !== 0) throw new Error("an integer field is above 2^32-1");
    shift += 7;
    if ((b & 0x80) === 0) {
      self.pos = pos;
      return result >>> 0;
    }
  }
  throw new Error("invalid varint");
}

function describe(err: unknown): string {
  const message = (err as Error)?.message ?? String(err);
  if (/MAX_SAFE_INTEGER/.test(message)) return "an integer field (e.g. seed) is above 2^53-1, the largest exact in every client language";
  return clip(message, 200);
}

/** Reads field 1 (request_id) of a Connect request leniently, so a bad request can be answered by id. */
function leadingRequestId(buf: Uint8Array): number | undefined {
  try {
    const reader = new BinaryReader(buf);
    while (reader.pos < reader.len) {
      const [field, wireType] = reader.tag();
      if (field === 1 && wireType === 0) {
        const id = reader.uint64();
        const n = Number(id);
        return Number.isSafeInteger(n) ? n : undefined;
      }
      reader.skip(wireType, field);
    }
  } catch {
    // Not even framing-level protobuf: no id to answer.
  }
  return undefined;
}

/**
 * The service with strict, non-throwing request decoding. `requestIdMethods` names
 * the streaming methods whose messages carry a request_id in field 1.
 */
export function withSafeDecoding<S extends ServiceDefinition>(
  service: S,
  requestIdMethods: readonly string[],
  prechecks: Readonly<Record<string, RequestPrecheck>> = {},
): S {
  const out: Record<string, unknown> = {};
  for (const [name, method] of Object.entries(service)) {
    const decode = method.requestDeserialize as (reader: never) => unknown;
    const withId = requestIdMethods.includes(name);
    const precheck = prechecks[name];
    out[name] = {
      ...method,
      requestDeserialize: (buf: Buffer): unknown => {
        const refusal = precheck?.(buf);
        if (refusal !== undefined) {
          const refused: Undecodable = { [UNDECODABLE]: refusal.message, refusal, requestId: withId ? leadingRequestId(buf) : undefined };
          return refused;
        }
        try {
          return decode(new StrictReader(buf) as never);
        } catch (err) {
          const bad: Undecodable = { [UNDECODABLE]: describe(err), requestId: withId ? leadingRequestId(buf) : undefined };
          return bad;
        }
      },
    };
  }
  return out as S;
}
