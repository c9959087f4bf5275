/**
 * A hand-written encoder for the hot replies: StepResult inside Step, Reset,
 * RestoreState, BatchStep, Expand branches and their Connect forms. It writes the
 * bytes the generated encoder (ts-proto over @bufbuild/protobuf's BinaryWriter) writes,
 * field for field — a property test holds the two equal — so the generated code stays
 * the schema's source of truth; any message this file does not know falls back to it.
 *
 * Why: the generated writer grows a fresh buffer per reply, allocates a fork per nested
 * message and a TextEncoder array per string, then copies everything into one array.
 * A server CPU profile of BatchStep 256 put a third of the time there (issue 12). Here:
 * - one output buffer per process, reused (grpc-js gets an exact-size copy per reply,
 *   since it may keep the bytes after the serializer returns);
 * - nested lengths are reserved in place, sized by the previous message at the same
 *   depth (a batch's items are alike), and fixed up with one move when the guess was off;
 * - short ASCII strings are written by a loop, longer ones by Buffer.write;
 * - constant parts are encoded once: a frozen valid-action list (Sokoban's) by identity,
 *   short info_json strings by value.
 */
import type { BatchStepResponse, Branch, ConnectResponse, ExpandResponse } from "../../gen/ts/dynamind/env/v1/env_service_pb.js";
import { ConnectResponse as ConnectResponseCodec } from "../../gen/ts/dynamind/env/v1/env_service_pb.js";
import type { ErrorDetail, Image, LinesDelta, Observation, StateHandle, StepResult, UiElement } from "../../gen/ts/dynamind/env/v1/types_pb.js";

/** The reused buffer starts here and goes back to it after a reply larger than SHRINK_ABOVE. */
const INITIAL_BYTES = 64 * 1024;
const SHRINK_ABOVE = 8 * 1024 * 1024;
/** Strings up to this many UTF-16 units go through the ASCII loop first. */
const ASCII_LOOP_MAX = 64;
/** info_json strings up to this long are kept encoded; at most INFO_CACHE_MAX of them. */
const INFO_CACHE_LEN = 256;
const INFO_CACHE_MAX = 4096;
/** Nesting depths that keep a length guess (response > item > result > observation > element > box). */
const DEPTHS = 8;

// Field tags (field number << 3 | wire type), from types.proto and env_service.proto.
const T_RESULT_OBSERVATION = 10;
const T_RESULT_REWARD = 17;
const T_RESULT_TERMINATED = 24;
const T_RESULT_TRUNCATED = 32;
const T_RESULT_INFO = 42;
const T_RESULT_STEP_INDEX = 48;
const T_OBS_TEXT = 10;
const T_OBS_IMAGE = 18;
const T_OBS_UI = 26;
const T_OBS_VALID = 34;
const T_OBS_FINGERPRINT = 42;
const T_OBS_VALID_HASH = 48;
const T_OBS_TEXT_HASH = 56;
const T_OBS_TEXT_DELTA = 66;
const T_OBS_VALID_DELTA = 74;

/** Writes protobuf wire format into one growing, reused buffer. */
class Out {
  buf = Buffer.allocUnsafe(INITIAL_BYTES);
  pos = 0;
  /** Length-prefix bytes guessed per depth. */
  private readonly guess = new Uint8Array(DEPTHS).fill(1);
  private depth = 0;

  reset(): void {
    this.pos = 0;
    this.depth = 0;
  }

  ensure(extra: number): void {
    const need = this.pos + extra;
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  /** An exact-size copy of what was written; the shared buffer shrinks back after a huge reply. */
  take(): Buffer {
    const out = Buffer.allocUnsafe(this.pos);
    this.buf.copy(out, 0, 0, this.pos);
    if (this.buf.length > SHRINK_ABOVE) this.buf = Buffer.allocUnsafe(INITIAL_BYTES);
    this.reset();
    return out;
  }

  /** A varint of a non-negative integer below 2^53 (uint32, uint64 and positive int32/int64 alike). */
  varint(n: number): void {
    this.ensure(10);
    const buf = this.buf;
    let pos = this.pos;
    while (n > 0x7f) {
      buf[pos++] = (n & 0x7f) | 0x80;
      n = n > 0xffffffff ? Math.floor(n / 128) : n >>> 7;
    }
    buf[pos++] = n;
    this.pos = pos;
  }

  /** int32 as BinaryWriter writes it: negatives are sign-extended to ten bytes. */
  int32(n: number): void {
    if (n >= 0) return this.varint(n);
    this.ensure(10);
    let lo = n >>> 0;
    const buf = this.buf;
    let pos = this.pos;
    for (let i = 0; i < 4; i++) {
      buf[pos++] = (lo & 0x7f) | 0x80;
      lo >>>= 7;
    }
    // Byte 5 holds lo's top 4 bits and hi's (all ones) low 3; then hi's remaining 29 one-bits.
    buf[pos++] = (lo & 0x0f) | 0x70 | 0x80;
    for (let i = 0; i < 4; i++) buf[pos++] = 0xff;
    buf[pos++] = 0x01;
    this.pos = pos;
  }

  /** A field tag; fields 16 and up (UiElement's last ones) take two bytes. */
  tag(t: number): void {
    this.ensure(2);
    if (t < 0x80) this.buf[this.pos++] = t;
    else {
      this.buf[this.pos++] = (t & 0x7f) | 0x80;
      this.buf[this.pos++] = t >>> 7;
    }
  }

  bool(t: number): void {
    this.tag(t);
    this.ensure(1);
    this.buf[this.pos++] = 1;
  }

  double(t: number, v: number): void {
    this.ensure(9);
    this.buf[this.pos++] = t;
    this.buf.writeDoubleLE(v, this.pos);
    this.pos += 8;
  }

  string(t: number, s: string): void {
    const n = s.length;
    this.tag(t);
    this.ensure(n * 3 + 10);
    const buf = this.buf;
    if (n <= ASCII_LOOP_MAX) {
      // One length byte (n ≤ 64 < 128), then ASCII by hand; anything else goes to Buffer.write.
      const start = this.pos + 1;
      let i = 0;
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        buf[start + i] = c;
      }
      if (i === n) {
        buf[this.pos] = n;
        this.pos = start + n;
        return;
      }
      // Short text with a few 2- or 3-byte characters (Sokoban's "√") goes on by hand:
      // Buffer.write is a native call that costs more than the whole loop. Surrogates
      // (pairs and lone ones, which Buffer.write replaces with U+FFFD) take Buffer.write.
      if (n <= 42) {
        let k = start + i;
        for (; i < n; i++) {
          const c = s.charCodeAt(i);
          if (c < 0x80) buf[k++] = c;
          else if (c < 0x800) {
            buf[k++] = 0xc0 | (c >> 6);
            buf[k++] = 0x80 | (c & 0x3f);
          } else if (c < 0xd800 || c > 0xdfff) {
            buf[k++] = 0xe0 | (c >> 12);
            buf[k++] = 0x80 | ((c >> 6) & 0x3f);
            buf[k++] = 0x80 | (c & 0x3f);
          } else break;
        }
        if (i === n) {
          buf[this.pos] = k - start;
          this.pos = k;
          return;
        }
      }
    }
    const bytes = n <= 42 ? -1 : Buffer.byteLength(s, "utf8");
    if (bytes < 0) {
      // At most 3 bytes per UTF-16 unit, so ≤ 126 bytes: one length byte.
      const written = buf.write(s, this.pos + 1, "utf8");
      buf[this.pos] = written;
      this.pos += 1 + written;
      return;
    }
    this.varint(bytes);
    this.pos += this.buf.write(s, this.pos, "utf8");
  }

  bytes(t: number, b: Uint8Array): void {
    this.tag(t);
    this.varint(b.length);
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  raw(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /** Starts a length-delimited field: writes its tag and reserves the guessed length bytes; returns the mark for {@link close}. */
  open(t: number): number {
    this.tag(t);
    const reserve = this.guess[this.depth < DEPTHS ? this.depth : DEPTHS - 1]!;
    this.depth++;
    this.ensure(reserve);
    const mark = this.pos * 8 + reserve;
    this.pos += reserve;
    return mark;
  }

  /** Writes the length of the field opened at `mark`, moving its body when the guess was wrong. */
  close(mark: number): void {
    this.depth--;
    const reserved = mark & 7;
    const at = (mark - reserved) / 8;
    const len = this.pos - at - reserved;
    const need = len < 0x80 ? 1 : len < 0x4000 ? 2 : len < 0x200000 ? 3 : len < 0x10000000 ? 4 : 5;
    if (this.depth < DEPTHS) this.guess[this.depth] = need;
    if (need !== reserved) {
      this.ensure(need - reserved);
      this.buf.copyWithin(at + need, at + reserved, this.pos);
      this.pos += need - reserved;
    }
    const buf = this.buf;
    let n = len;
    let p = at;
    while (n > 0x7f) {
      buf[p++] = (n & 0x7f) | 0x80;
      n >>>= 7;
    }
    buf[p] = n;
  }
}

/** Frozen valid-action lists, encoded (every field-4 entry with its tag). */
const validActionCache = new WeakMap<readonly string[], Buffer>();
/** Short info_json strings, encoded with their tag. */
const infoCache = new Map<string, Buffer>();

export class FastEncoder {
  private readonly out = new Out();

  /** StepResponse, ResetResponse and RestoreStateResponse: `result` is field 1 of each. */
  resultReply(reply: { result: StepResult | undefined }): Buffer {
    this.out.reset();
    if (reply.result !== undefined) this.stepResultField(10, reply.result);
    return this.out.take();
  }

  batchStepReply(reply: BatchStepResponse): Buffer {
    this.out.reset();
    this.batchItems(reply);
    return this.out.take();
  }

  /** One Expand branch (the Branch message itself, without a field tag). */
  branch(b: Branch): Buffer {
    this.out.reset();
    this.branchBody(b);
    return this.out.take();
  }

  /** A Connect reply; calls other than Step, Reset, RestoreState, BatchStep, Expand and errors use the generated encoder. */
  connectReply(reply: ConnectResponse): Buffer {
    const r = reply.response;
    const out = this.out;
    switch (r?.$case) {
      case "step":
      case "reset":
      case "restoreState":
      case "batchStep":
      case "expand":
      case "error":
        break;
      default:
        return Buffer.from(ConnectResponseCodec.encode(reply).finish());
    }
    out.reset();
    if (reply.requestId !== 0) {
      out.tag(8);
      out.varint(reply.requestId);
    }
    let mark: number;
    switch (r.$case) {
      case "error":
        mark = out.open(18);
        this.errorBody(r.error);
        break;
      case "reset":
        mark = out.open(50);
        if (r.reset.result !== undefined) this.stepResultField(10, r.reset.result);
        break;
      case "step":
        mark = out.open(58);
        if (r.step.result !== undefined) this.stepResultField(10, r.step.result);
        break;
      case "batchStep":
        mark = out.open(66);
        this.batchItems(r.batchStep);
        break;
      case "restoreState":
        mark = out.open(82);
        if (r.restoreState.result !== undefined) this.stepResultField(10, r.restoreState.result);
        break;
      case "expand":
        mark = out.open(106);
        this.expandBody(r.expand);
        break;
    }
    out.close(mark);
    return out.take();
  }

  private batchItems(reply: BatchStepResponse): void {
    const out = this.out;
    const items = reply.items;
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!;
      const mark = out.open(10);
      const o = item.outcome;
      if (o !== undefined) {
        if (o.$case === "result") this.stepResultField(10, o.result);
        else {
          const m = out.open(18);
          this.errorBody(o.error);
          out.close(m);
        }
      }
      out.close(mark);
    }
  }

  private expandBody(e: ExpandResponse): void {
    for (let i = 0; i < e.branches.length; i++) {
      const mark = this.out.open(10);
      this.branchBody(e.branches[i]!);
      this.out.close(mark);
    }
  }

  private branchBody(b: Branch): void {
    for (let i = 0; i < b.steps.length; i++) this.stepResultField(10, b.steps[i]!);
    if (b.leafState !== undefined) {
      const mark = this.out.open(18);
      this.handleBody(b.leafState);
      this.out.close(mark);
    }
  }

  private handleBody(h: StateHandle): void {
    if (h.id !== "") this.out.string(10, h.id);
    if (h.expiresAtMs !== 0) {
      this.out.tag(16);
      if (h.expiresAtMs > 0) this.out.varint(h.expiresAtMs);
      else this.out.int32(h.expiresAtMs); // never sent (expiry is in the future); same bytes for int32-range values
    }
  }

  private errorBody(e: ErrorDetail): void {
    const out = this.out;
    if (e.code !== 0) {
      out.tag(8);
      out.int32(e.code);
    }
    if (e.reason !== 0) {
      out.tag(16);
      out.int32(e.reason);
    }
    if (e.message !== "") out.string(26, e.message);
    if (e.retryable !== false) out.bool(32);
  }

  private stepResultField(t: number, r: StepResult): void {
    const out = this.out;
    const mark = out.open(t);
    if (r.observation !== undefined) {
      const m = out.open(T_RESULT_OBSERVATION);
      this.observationBody(r.observation);
      out.close(m);
    }
    if (r.reward !== 0) out.double(T_RESULT_REWARD, r.reward);
    if (r.terminated !== false) out.bool(T_RESULT_TERMINATED);
    if (r.truncated !== false) out.bool(T_RESULT_TRUNCATED);
    const info = r.infoJson;
    if (info !== "") {
      if (info.length <= INFO_CACHE_LEN) {
        let cached = infoCache.get(info);
        if (cached === undefined) {
          const start = out.pos;
          out.string(T_RESULT_INFO, info);
          if (infoCache.size < INFO_CACHE_MAX) infoCache.set(info, Buffer.from(out.buf.subarray(start, out.pos)));
        } else out.raw(cached);
      } else out.string(T_RESULT_INFO, info);
    }
    if (r.stepIndex !== 0) {
      out.tag(T_RESULT_STEP_INDEX);
      out.varint(r.stepIndex);
    }
    out.close(mark);
  }

  private observationBody(o: Observation): void {
    const out = this.out;
    if (o.text !== "") out.string(T_OBS_TEXT, o.text);
    if (o.image !== undefined) {
      const m = out.open(T_OBS_IMAGE);
      this.imageBody(o.image);
      out.close(m);
    }
    const ui = o.uiElements;
    for (let i = 0; i < ui.length; i++) {
      const m = out.open(T_OBS_UI);
      this.uiElementBody(ui[i]!);
      out.close(m);
    }
    const va = o.validActions;
    if (va.length > 0) {
      const cached = validActionCache.get(va);
      if (cached !== undefined) out.raw(cached);
      else {
        const start = out.pos;
        for (let i = 0; i < va.length; i++) out.string(T_OBS_VALID, va[i]!);
        // Only a frozen list cannot change under its identity.
        if (Object.isFrozen(va)) validActionCache.set(va, Buffer.from(out.buf.subarray(start, out.pos)));
      }
    }
    if (o.fingerprint !== "") out.string(T_OBS_FINGERPRINT, o.fingerprint);
    if (o.validActionsHash !== undefined) {
      out.tag(T_OBS_VALID_HASH);
      out.varint(o.validActionsHash);
    }
    if (o.textHash !== undefined) {
      out.tag(T_OBS_TEXT_HASH);
      out.varint(o.textHash);
    }
    if (o.textDelta !== undefined) {
      const m = out.open(T_OBS_TEXT_DELTA);
      this.deltaBody(o.textDelta);
      out.close(m);
    }
    if (o.validActionsDelta !== undefined) {
      const m = out.open(T_OBS_VALID_DELTA);
      this.deltaBody(o.validActionsDelta);
      out.close(m);
    }
  }

  private deltaBody(d: LinesDelta): void {
    const out = this.out;
    if (d.baseHash !== 0) {
      out.tag(8);
      out.varint(d.baseHash);
    }
    const ops = d.ops;
    if (ops.length > 0) {
      const m = out.open(18);
      for (let i = 0; i < ops.length; i++) out.varint(ops[i]!);
      out.close(m);
    }
    for (let i = 0; i < d.lines.length; i++) out.string(26, d.lines[i]!);
  }

  private imageBody(img: Image): void {
    const out = this.out;
    if (img.data.length !== 0) out.bytes(10, img.data);
    if (img.mimeType !== "") out.string(18, img.mimeType);
    if (img.width !== 0) {
      out.tag(24);
      out.varint(img.width);
    }
    if (img.height !== 0) {
      out.tag(32);
      out.varint(img.height);
    }
  }

  private uiElementBody(e: UiElement): void {
    const out = this.out;
    if (e.text !== "") out.string(10, e.text);
    if (e.contentDescription !== "") out.string(18, e.contentDescription);
    if (e.className !== "") out.string(26, e.className);
    const b = e.bboxPixels;
    if (b !== undefined) {
      const m = out.open(34);
      if (b.xMin !== 0) {
        out.tag(8);
        out.int32(b.xMin);
      }
      if (b.xMax !== 0) {
        out.tag(16);
        out.int32(b.xMax);
      }
      if (b.yMin !== 0) {
        out.tag(24);
        out.int32(b.yMin);
      }
      if (b.yMax !== 0) {
        out.tag(32);
        out.int32(b.yMax);
      }
      out.close(m);
    }
    if (e.hintText !== "") out.string(42, e.hintText);
    if (e.isChecked) out.bool(48);
    if (e.isCheckable) out.bool(56);
    if (e.isClickable) out.bool(64);
    if (e.isEditable) out.bool(72);
    if (e.isEnabled) out.bool(80);
    if (e.isFocused) out.bool(88);
    if (e.isFocusable) out.bool(96);
    if (e.isLongClickable) out.bool(104);
    if (e.isScrollable) out.bool(112);
    if (e.isSelected) out.bool(120);
    if (e.isVisible) out.bool(128);
    if (e.packageName !== "") out.string(138, e.packageName);
    if (e.resourceName !== "") out.string(146, e.resourceName);
    if (e.resourceId !== "") out.string(154, e.resourceId);
    const nb = e.bbox;
    if (nb !== undefined) {
      const m = out.open(162);
      if (nb.xMin !== 0) out.double(9, nb.xMin);
      if (nb.xMax !== 0) out.double(17, nb.xMax);
      if (nb.yMin !== 0) out.double(25, nb.yMin);
      if (nb.yMax !== 0) out.double(33, nb.yMax);
      out.close(m);
    }
    if (e.tooltip !== "") out.string(170, e.tooltip);
    // Map entries in Object.entries order, empty key/value left out: as ts-proto's encoder writes them.
    const meta = e.metadata;
    for (const key of Object.keys(meta)) {
      const m = out.open(178);
      const value = meta[key]!;
      if (key !== "") out.string(10, key);
      if (value !== "") out.string(18, value);
      out.close(m);
    }
  }
}
