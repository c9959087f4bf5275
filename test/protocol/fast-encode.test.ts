/**
 * The fast reply encoder writes exactly the generated encoder's bytes, for random
 * replies with every edge the wire has: empty and absent fields, unicode (astral,
 * lone surrogates), negative int32 boxes, odd doubles, two-byte tags, lengths on both
 * sides of every varint boundary, large repeated fields and images.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  BatchStepResponse,
  Branch,
  ConnectResponse,
  ResetResponse,
  RestoreStateResponse,
  StepResponse,
  type BatchStepItem,
} from "../../gen/ts/dynamind/env/v1/env_service_pb.js";
import type { ErrorDetail, LinesDelta, Observation, StepResult, UiElement } from "../../gen/ts/dynamind/env/v1/types_pb.js";
import { FastEncoder } from "../../env-server/grpc/fast-encode.js";

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));
const text = fc.oneof(
  fc.constant(""),
  fc.string({ maxLength: 70 }),
  fc.string({ unit: "grapheme", maxLength: 50 }),
  fc.string({ unit: "binary", maxLength: 50 }),
  fc.string({ unit: fc.oneof(fc.string({ minLength: 1, maxLength: 1 }), loneSurrogate), maxLength: 30 }),
  // Around the one-byte and two-byte length boundaries (127/128, 16383/16384 bytes).
  fc.integer({ min: 40, max: 140 }).map((n) => "x".repeat(n)),
  fc.integer({ min: 40, max: 50 }).map((n) => "é".repeat(n)),
  // Grid text around the hand-encoded length (≤ 42 UTF-16 units): 1-, 2-, 3- and 4-byte characters mixed.
  fc.string({ unit: fc.constantFrom("#", "_", "√", "P", "\n", "é", "€", "😀", "\ud800"), minLength: 36, maxLength: 44 }),
  fc.integer({ min: 16370, max: 16400 }).map((n) => "a".repeat(n)),
);
const int32 = fc.oneof(fc.constant(0), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), fc.integer({ min: -5, max: 3000 }));
/** Normalised coordinates: 0, fractions, -0, values past the screen. */
const unit = fc.oneof(fc.constant(0), fc.constant(-0), fc.double({ min: -2, max: 2, noNaN: true }), fc.integer({ min: 0, max: 2400 }).map((n) => n / 2400));
const uint32 = fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 120, max: 20000 }));

const uiElement: fc.Arbitrary<UiElement> = fc.record({
  text,
  contentDescription: text,
  className: text,
  bboxPixels: fc.option(fc.record({ xMin: int32, xMax: int32, yMin: int32, yMax: int32 }), { nil: undefined }),
  hintText: text,
  isChecked: fc.boolean(),
  isCheckable: fc.boolean(),
  isClickable: fc.boolean(),
  isEditable: fc.boolean(),
  isEnabled: fc.boolean(),
  isFocused: fc.boolean(),
  isFocusable: fc.boolean(),
  isLongClickable: fc.boolean(),
  isScrollable: fc.boolean(),
  isSelected: fc.boolean(),
  isVisible: fc.boolean(),
  packageName: text,
  resourceName: text,
  resourceId: text,
  bbox: fc.option(fc.record({ xMin: unit, xMax: unit, yMin: unit, yMax: unit }), { nil: undefined }),
  tooltip: text,
  metadata: fc.oneof(fc.constant({}), fc.dictionary(fc.oneof(fc.constant(""), text, fc.constantFrom("depth", "7", "password")), text, { maxKeys: 5 })),
});

const validActions = fc
  .tuple(fc.array(text, { maxLength: 12 }), fc.boolean(), fc.nat(3))
  // Some lists are frozen (cached by identity), some large.
  .map(([list, freeze, big]) => (big === 0 ? Array.from({ length: 300 }, (_, i) => `go to shelf ${i}`) : freeze ? Object.freeze(list) : list));

// Deltas (ObservationOptions.deltas): ops are small counts and indexes, sometimes past a varint boundary.
const linesDelta: fc.Arbitrary<LinesDelta> = fc.record({
  baseHash: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER })),
  ops: fc.oneof(fc.constant<number[]>([]), fc.array(fc.oneof(fc.nat(5), uint32), { maxLength: 30 }), fc.array(fc.nat(200), { minLength: 100, maxLength: 140 })),
  lines: fc.array(text, { maxLength: 8 }),
});

const observation: fc.Arbitrary<Observation> = fc.record({
  text,
  image: fc.option(
    fc.record({
      data: fc.oneof(fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)), fc.integer({ min: 16000, max: 17000 }).map((n) => Buffer.alloc(n, 7))),
      mimeType: fc.constantFrom("", "image/png", "application/x-rgb8"),
      width: uint32,
      height: uint32,
    }),
    { nil: undefined },
  ),
  uiElements: fc.oneof(fc.constant<UiElement[]>([]), fc.array(uiElement, { maxLength: 6 }), fc.array(uiElement, { minLength: 40, maxLength: 60 })),
  validActions: validActions as fc.Arbitrary<string[]>,
  fingerprint: fc.oneof(fc.constant(""), fc.stringMatching(/^[0-9a-f]{16}$/)),
  validActionsHash: fc.option(fc.oneof(fc.constant(0), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER })), { nil: undefined }),
  textHash: fc.option(fc.oneof(fc.constant(0), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER })), { nil: undefined }),
  textDelta: fc.option(linesDelta, { nil: undefined }),
  validActionsDelta: fc.option(linesDelta, { nil: undefined }),
});

const info = fc.oneof(text, fc.constantFrom('{"player_moved":true,"boxes_on_target":1}', '{"seed":3}'));
const stepResult: fc.Arbitrary<StepResult> = fc.record({
  observation: fc.option(observation, { nil: undefined }),
  reward: fc.oneof(fc.constant(0), fc.constant(-0), fc.double(), fc.constantFrom(1, -0.1, 10.9, Infinity, -Infinity)),
  terminated: fc.boolean(),
  truncated: fc.boolean(),
  infoJson: info,
  stepIndex: uint32,
});
const errorDetail: fc.Arbitrary<ErrorDetail> = fc.record({ code: fc.integer({ min: 0, max: 16 }), reason: fc.integer({ min: 0, max: 17 }), message: text, retryable: fc.boolean() });
const item: fc.Arbitrary<BatchStepItem> = fc.oneof(
  stepResult.map((result): BatchStepItem => ({ outcome: { $case: "result", result } })),
  errorDetail.map((error): BatchStepItem => ({ outcome: { $case: "error", error } })),
  fc.constant<BatchStepItem>({ outcome: undefined }),
);
const smallItem: fc.Arbitrary<BatchStepItem> = fc
  .record({ text: fc.string({ maxLength: 70 }), reward: fc.double(), stepIndex: uint32, infoJson: info, terminated: fc.boolean() })
  .map(({ text, reward, stepIndex, infoJson, terminated }) => ({
    outcome: {
      $case: "result",
      result: {
        observation: { text, image: undefined, uiElements: [], validActions: ["Up", "Down"], fingerprint: "0123456789abcdef", validActionsHash: undefined },
        reward,
        terminated,
        truncated: false,
        infoJson,
        stepIndex,
      },
    },
  }));
const branch: fc.Arbitrary<Branch> = fc.record({
  steps: fc.array(stepResult, { maxLength: 6 }),
  leafState: fc.option(fc.record({ id: text, expiresAtMs: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 2 ** 50 })) }), { nil: undefined }),
});

const enc = new FastEncoder();
const same = (fast: Buffer, generated: Uint8Array): void => {
  expect(fast.equals(Buffer.from(generated))).toBe(true);
};

describe("the fast reply encoder", () => {
  it("writes a Step, Reset or RestoreState reply exactly as the generated encoder does", () => {
    fc.assert(
      fc.property(fc.option(stepResult, { nil: undefined }), (result) => {
        same(enc.resultReply({ result }), StepResponse.encode({ result }).finish());
        same(enc.resultReply({ result }), ResetResponse.encode({ result }).finish());
        same(enc.resultReply({ result }), RestoreStateResponse.encode({ result }).finish());
      }),
      { numRuns: 150 },
    );
  }, 180_000);

  it("writes BatchStep replies (empty, mixed results and errors, hundreds of items) exactly as the generated encoder does", () => {
    fc.assert(
      // Large batches of Sokoban-sized items (large UI lists are covered above, and per item here).
      fc.property(fc.oneof(fc.array(item, { maxLength: 8 }), fc.array(smallItem, { minLength: 200, maxLength: 260 })), (items) => {
        same(enc.batchStepReply({ items }), BatchStepResponse.encode({ items }).finish());
      }),
      { numRuns: 40 },
    );
  }, 180_000);

  it("writes Expand branches exactly as the generated encoder does", () => {
    fc.assert(fc.property(branch, (b) => same(enc.branch(b), Branch.encode(b).finish())), { numRuns: 100 });
  }, 180_000);

  it("writes Connect replies exactly as the generated encoder does, falling back to it for other calls", () => {
    const response = fc.oneof(
      stepResult.map((result) => ({ $case: "step" as const, step: { result } })),
      stepResult.map((result) => ({ $case: "reset" as const, reset: { result } })),
      stepResult.map((result) => ({ $case: "restoreState" as const, restoreState: { result } })),
      fc.array(item, { maxLength: 6 }).map((items) => ({ $case: "batchStep" as const, batchStep: { items } })),
      fc.array(branch, { maxLength: 4 }).map((branches) => ({ $case: "expand" as const, expand: { branches } })),
      errorDetail.map((error) => ({ $case: "error" as const, error })),
      fc.constant({ $case: "releaseState" as const, releaseState: { released: 3 } }),
      fc.constant(undefined),
    );
    fc.assert(
      fc.property(fc.oneof(fc.constant(0), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER })), response, (requestId, r) => {
        const reply: ConnectResponse = { requestId, response: r };
        same(enc.connectReply(reply), ConnectResponse.encode(reply).finish());
      }),
      { numRuns: 150 },
    );
  }, 180_000);

  it("keeps a frozen valid-action list's cached bytes only while the list is the same object", () => {
    const list = Object.freeze(["Up", "Down", "Left", "Right"]);
    const obs = (validActions: readonly string[]): StepResult => ({
      observation: { text: "#", image: undefined, uiElements: [], validActions: validActions as string[], fingerprint: "ab", validActionsHash: undefined },
      reward: 0,
      terminated: false,
      truncated: false,
      infoJson: "",
      stepIndex: 1,
    });
    for (const va of [list, list, ["Up"], list, Object.freeze(["Left"])]) {
      same(enc.resultReply({ result: obs(va) }), StepResponse.encode({ result: obs(va) }).finish());
    }
  });
});
