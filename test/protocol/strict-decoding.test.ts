/**
 * The server's strict request reader decodes every request exactly as the generated
 * decoder does, except that it refuses integers the generated one would truncate:
 * random requests (ASCII and non-ASCII strings, lone surrogates, every action kind),
 * from Buffers and plain Uint8Arrays, and every truncation of them.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BatchStepRequest, ConnectRequest } from "../../gen/ts/dynamind/env/v1/env_service_pb.js";
import { decodeStrict } from "../../env-server/grpc/decoding.js";

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));
const text = fc.oneof(
  fc.constant(""),
  fc.uuid(),
  fc.string({ maxLength: 70 }),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.string({ unit: fc.oneof(fc.string({ minLength: 1, maxLength: 1 }), loneSurrogate), maxLength: 30 }),
  fc.integer({ min: 120, max: 300 }).map((n) => "s".repeat(n)),
);
const action = fc.oneof(
  fc.constant(undefined),
  fc.integer({ min: 0, max: 2 ** 32 - 1 }).map((index) => ({ kind: { $case: "index" as const, index } })),
  text.map((t) => ({ kind: { $case: "text" as const, text: t } })),
  text.map((json) => ({ kind: { $case: "json" as const, json } })),
);
const hash = fc.option(fc.oneof(fc.constant(0), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER })), { nil: undefined });
const step = fc.record({ sessionId: text, action, knownValidActionsHash: hash, knownTextHash: hash });
const batch = fc.array(step, { maxLength: 20 }).map((steps) => BatchStepRequest.fromPartial({ steps }));

function outcome<T>(f: () => T): { value: T } | { threw: true } {
  try {
    return { value: f() };
  } catch {
    return { threw: true };
  }
}

describe("the strict request reader", () => {
  it("decodes BatchStep requests exactly as the generated decoder, from a Buffer or a Uint8Array", () => {
    fc.assert(
      fc.property(batch, (request) => {
        const bytes = BatchStepRequest.encode(request).finish();
        const expected = BatchStepRequest.decode(bytes);
        expect(decodeStrict(BatchStepRequest.decode, Buffer.from(bytes))).toEqual(expected);
        expect(decodeStrict(BatchStepRequest.decode, new Uint8Array(bytes))).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it("refuses a request cut short exactly where the generated decoder does, and decodes the same prefixes", () => {
    fc.assert(
      fc.property(batch, fc.nat(), (request, cutAt) => {
        const bytes = Buffer.from(BatchStepRequest.encode(request).finish());
        const cut = bytes.subarray(0, bytes.length === 0 ? 0 : cutAt % bytes.length);
        const generated = outcome(() => BatchStepRequest.decode(cut));
        const strict = outcome(() => decodeStrict(BatchStepRequest.decode, cut));
        expect("threw" in strict).toBe("threw" in generated);
        if ("value" in strict && "value" in generated) expect(strict.value).toEqual(generated.value);
      }),
      { numRuns: 300 },
    );
  });

  it("reads a Connect request's nested Step the same way", () => {
    fc.assert(
      fc.property(step, fc.integer({ min: 1, max: 2 ** 40 }), (s, requestId) => {
        const bytes = ConnectRequest.encode(ConnectRequest.fromPartial({ requestId, request: { $case: "step", step: s } })).finish();
        expect(decodeStrict(ConnectRequest.decode, Buffer.from(bytes))).toEqual(ConnectRequest.decode(bytes));
      }),
      { numRuns: 200 },
    );
  });

  it("still refuses an index above 2^32-1 that the generated decoder truncates", () => {
    // Step 1: session "s", action { index: 2^32 + 5 } as a 5-byte varint.
    const bytes = Buffer.from([0x0a, 0x0b, 0x0a, 0x01, 0x73, 0x12, 0x06, 0x08, 0x85, 0x80, 0x80, 0x80, 0x10]);
    expect((BatchStepRequest.decode(bytes).steps[0]!.action!.kind as { index: number }).index).toBe(5);
    expect(() => decodeStrict(BatchStepRequest.decode, bytes)).toThrow(/above 2\^32-1/);
  });
});
