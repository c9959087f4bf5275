/**
 * The hand-written Step/BatchStep request reader decodes exactly what the generated
 * decoder decodes — same message, or the same refusal — for random requests with every
 * edge the wire has: absent and present optional fields, hashes on both sides of 2^53
 * and of every varint length, unknown fields, fields with the wrong wire type, and cut
 * or corrupted bytes. Both run behind the server's strict decoding, as they do in the
 * server.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BinaryReader, BinaryWriter } from "@bufbuild/protobuf/wire";
import { BatchStepRequest, EnvServiceService, StepRequest } from "../../gen/ts/dynamind/env/v1/env_service_pb.js";
import { ValidActionsMode } from "../../gen/ts/dynamind/env/v1/types_pb.js";
import { isUndecodable, undecodableError, withSafeDecoding } from "../../env-server/grpc/decoding.js";
import { readBatchStepRequest, readSafeUint64, readStepRequest } from "../../env-server/grpc/step-request-codec.js";

const S = EnvServiceService;
const generated = withSafeDecoding(S, []);
const hand = withSafeDecoding({ ...S, step: { ...S.step, requestDeserialize: readStepRequest as never }, batchStep: { ...S.batchStep, requestDeserialize: readBatchStepRequest as never } }, []);

/** What a deserializer made of the bytes: the message, or the error the handler would answer. */
function outcome(decode: (b: Buffer) => unknown, bytes: Uint8Array): unknown {
  const v = decode(Buffer.from(bytes));
  return isUndecodable(v) ? { refused: undecodableError(v).message } : v;
}

const hash = fc.oneof(
  fc.constant(0),
  fc.integer({ min: 0, max: 2 ** 31 }),
  fc.maxSafeNat(),
  // Around 2^53 and around each varint length (7, 14, … 56 bits).
  fc.integer({ min: -3, max: 3 }).map((d) => Number.MAX_SAFE_INTEGER + d - 3),
  fc.integer({ min: 1, max: 8 }).chain((k) => fc.integer({ min: -2, max: 2 }).map((d) => Math.max(0, 2 ** (7 * k) + d))),
);
const text = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: "grapheme", maxLength: 20 }), fc.constant("3f2a7c1e-0b4d-4c8e-9a51-6d2f8e1b7a90"));
const stepRequest: fc.Arbitrary<StepRequest> = fc.record({
  sessionId: text,
  action: fc.option(
    fc.oneof(
      fc.record({ kind: fc.record({ $case: fc.constant("index" as const), index: fc.oneof(fc.nat(8), fc.integer({ min: 0, max: 2 ** 32 - 1 })) }) }),
      fc.record({ kind: fc.record({ $case: fc.constant("text" as const), text }) }),
      fc.record({ kind: fc.record({ $case: fc.constant("json" as const), json: text }) }),
      fc.constant({ kind: undefined }),
    ),
    { nil: undefined },
  ),
  observationOptions: fc.option(
    fc.record({
      omitText: fc.boolean(),
      omitImage: fc.boolean(),
      omitUiElements: fc.boolean(),
      omitFingerprint: fc.boolean(),
      omitInfo: fc.boolean(),
      validActions: fc.constantFrom(...(Object.values(ValidActionsMode).filter((v) => typeof v === "number" && v >= 0) as ValidActionsMode[])),
      deltas: fc.boolean(),
    }),
    { nil: undefined },
  ),
  knownValidActionsHash: fc.option(hash, { nil: undefined }),
  knownTextHash: fc.option(hash, { nil: undefined }),
});

/** Extra fields a client may send: unknown numbers, and known numbers with the wrong wire type. */
const extra = fc.array(
  fc.oneof(
    fc.record({ field: fc.integer({ min: 6, max: 3000 }), value: fc.nat() }),
    fc.record({ field: fc.integer({ min: 1, max: 5 }), value: fc.nat(), fixed: fc.constant(true) }),
  ),
  { maxLength: 3 },
);
function withExtra(bytes: Uint8Array, fields: { field: number; value: number; fixed?: boolean }[]): Uint8Array {
  const w = new BinaryWriter();
  w.raw(bytes);
  for (const f of fields) {
    if (f.fixed) w.uint32((f.field << 3) | 5).fixed32(f.value);
    else w.uint32(f.field << 3).uint32(f.value);
  }
  return w.finish();
}
/** Damage: cut the message short, or overwrite one byte. */
const damage = fc.option(fc.oneof(fc.record({ cut: fc.nat() }), fc.record({ at: fc.nat(), byte: fc.nat(255) })), { nil: undefined });
function damaged(bytes: Uint8Array, d: { cut: number } | { at: number; byte: number } | undefined): Uint8Array {
  if (d === undefined || bytes.length === 0) return bytes;
  if ("cut" in d) return bytes.slice(0, d.cut % bytes.length);
  const out = bytes.slice();
  out[d.at % out.length] = d.byte;
  return out;
}

describe("hand-written Step/BatchStep request reader", () => {
  it("decodes a StepRequest exactly as the generated decoder does", () => {
    fc.assert(
      fc.property(stepRequest, extra, damage, (req, fields, d) => {
        const bytes = damaged(withExtra(StepRequest.encode(req).finish(), fields), d);
        expect(outcome(hand.step.requestDeserialize, bytes)).toEqual(outcome(generated.step.requestDeserialize, bytes));
      }),
      { numRuns: 3000 },
    );
  });

  it("decodes a BatchStepRequest exactly as the generated decoder does", () => {
    fc.assert(
      fc.property(fc.array(stepRequest, { maxLength: 12 }), extra, damage, (steps, fields, d) => {
        const bytes = damaged(withExtra(BatchStepRequest.encode({ steps }).finish(), fields), d);
        expect(outcome(hand.batchStep.requestDeserialize, bytes)).toEqual(outcome(generated.batchStep.requestDeserialize, bytes));
      }),
      { numRuns: 1000 },
    );
  });

  it("reads hashes up to 2^53-1 as numbers, and refuses larger ones as the generated decoder does", () => {
    for (const v of [0, 1, 127, 128, 2 ** 32, 2 ** 49 - 1, 2 ** 49, Number.MAX_SAFE_INTEGER]) {
      const bytes = StepRequest.encode({ sessionId: "s", action: undefined, knownValidActionsHash: v }).finish();
      expect(outcome(hand.step.requestDeserialize, bytes)).toMatchObject({ knownValidActionsHash: v });
    }
    for (const big of ["9007199254740992", "18446744073709551615"]) {
      const bytes = new BinaryWriter().uint32(32).uint64(big).finish();
      const refused = outcome(hand.step.requestDeserialize, bytes);
      expect(refused).toEqual({ refused: expect.stringMatching(/above 2\^53-1/) });
      expect(refused).toEqual(outcome(generated.step.requestDeserialize, bytes));
    }
    // Over-long encodings of small values (padded varints) are read by the reader's own path.
    const padded = new Uint8Array([0x85, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00]);
    const reader = new BinaryReader(padded);
    expect(readSafeUint64(reader)).toBe(5);
    expect(reader.pos).toBe(padded.length);
  });
});
