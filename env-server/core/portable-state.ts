/**
 * Portable state bytes: an episode snapshot plus what is needed to rebuild its
 * session elsewhere, sealed with HMAC-SHA256 under the server's state key.
 *
 * The MAC is checked before anything is parsed, so a tampered or foreign blob is
 * refused whole and never half-applied. Servers sharing a key (--state-key or
 * DYNAMIND_STATE_KEY) accept each other's states.
 *
 * Layout (big-endian): "DMS1" | u8 envIdLen envId | u32 configLen configJson |
 * u8 observationMask | u32 maxSteps | u8 phase | u32 steps | u8 flags |
 * u32 envLen envBytes | 32-byte MAC over everything before it.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { EnvError, type ObservationKind } from "../../adapters/contract.js";
import type { Phase } from "./episode.js";

const MAGIC = Buffer.from("DMS1");
const MAC_BYTES = 32;
const PHASES: readonly Phase[] = ["created", "running", "ended"];
const KINDS: readonly ObservationKind[] = ["text", "image", "ui_elements"];

export interface PortableState {
  envId: string;
  configJson: string;
  observationKinds: ObservationKind[];
  maxSteps: number;
  phase: Phase;
  steps: number;
  terminated: boolean;
  truncated: boolean;
  envBytes: Uint8Array;
}

export class PortableStateCodec {
  constructor(private readonly key: Buffer) {
    if (key.length < 16) throw new Error("the state key must be at least 16 bytes");
  }

  seal(state: PortableState): Buffer {
    const envId = Buffer.from(state.envId, "utf8");
    const config = Buffer.from(state.configJson, "utf8");
    const size = 4 + 1 + envId.length + 4 + config.length + 1 + 4 + 1 + 4 + 1 + 4 + state.envBytes.length;
    const out = Buffer.allocUnsafe(size + MAC_BYTES);
    let o = MAGIC.copy(out, 0);
    o = out.writeUInt8(envId.length, o);
    o += envId.copy(out, o);
    o = out.writeUInt32BE(config.length, o);
    o += config.copy(out, o);
    o = out.writeUInt8(state.observationKinds.reduce((m, k) => m | (1 << KINDS.indexOf(k)), 0), o);
    o = out.writeUInt32BE(state.maxSteps, o);
    o = out.writeUInt8(PHASES.indexOf(state.phase), o);
    o = out.writeUInt32BE(state.steps, o);
    o = out.writeUInt8((state.terminated ? 1 : 0) | (state.truncated ? 2 : 0), o);
    o = out.writeUInt32BE(state.envBytes.length, o);
    out.set(state.envBytes, o);
    this.mac(out.subarray(0, size)).copy(out, size);
    return out;
  }

  /** Verifies and parses; throws EnvError(STATE_INVALID) for anything tampered, foreign or malformed. */
  open(bytes: Uint8Array): PortableState {
    const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (buf.length < MAGIC.length + MAC_BYTES || !buf.subarray(0, 4).equals(MAGIC)) {
      throw invalid("not a dynamind portable state (bad magic or too short)");
    }
    const body = buf.subarray(0, buf.length - MAC_BYTES);
    const mac = buf.subarray(buf.length - MAC_BYTES);
    if (!timingSafeEqual(mac, this.mac(body))) {
      throw invalid("integrity check failed: the bytes were altered, or sealed by a server with a different state key");
    }
    try {
      let o = 4;
      const envIdLen = body.readUInt8(o++);
      const envId = body.toString("utf8", o, (o += envIdLen));
      const configLen = body.readUInt32BE(o);
      o += 4;
      const configJson = body.toString("utf8", o, (o += configLen));
      const mask = body.readUInt8(o++);
      const maxSteps = body.readUInt32BE(o);
      o += 4;
      const phase = PHASES[body.readUInt8(o++)];
      const steps = body.readUInt32BE(o);
      o += 4;
      const flags = body.readUInt8(o++);
      const envLen = body.readUInt32BE(o);
      o += 4;
      if (phase === undefined || o + envLen !== body.length) throw new Error("inconsistent lengths");
      return {
        envId,
        configJson,
        observationKinds: KINDS.filter((_, i) => mask & (1 << i)),
        maxSteps,
        phase,
        steps,
        terminated: (flags & 1) !== 0,
        truncated: (flags & 2) !== 0,
        envBytes: new Uint8Array(body.subarray(o, o + envLen)),
      };
    } catch (err) {
      throw invalid(`malformed portable state: ${(err as Error).message}`);
    }
  }

  private mac(data: Uint8Array): Buffer {
    return createHmac("sha256", this.key).update(data).digest();
  }
}

function invalid(message: string): EnvError {
  return new EnvError("STATE_INVALID", message);
}
