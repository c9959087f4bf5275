/**
 * Fast non-cryptographic 64-bit hashing for state fingerprints.
 * Two independent 32-bit FNV-1a-style lanes with a final avalanche: cheap on
 * small states (a Sokoban room is ~100 bytes) and collision-safe enough to
 * de-duplicate search nodes. Not for integrity — portable states use HMAC.
 */
import { latin1Slice } from "./native-strings.js";

export function hashBytes(bytes: Uint8Array, extra = 0): string {
  let h1 = 0x811c9dc5 ^ extra;
  let h2 = 0x01000193 ^ Math.imul(extra, 0x9e3779b1);
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    h1 = Math.imul(h1 ^ b, 0x01000193);
    h2 = Math.imul(h2 ^ b, 0x5bd1e995);
    h2 ^= h2 >>> 15;
  }
  return hex64(avalanche(h1 ^ Math.imul(h2, 0x27d4eb2d)), avalanche(h2 ^ h1 ^ bytes.length));
}

/** Hashes a string's UTF-16 code units (states rendered canonically as text). */
export function hashString(text: string, extra = 0): string {
  let h1 = 0x811c9dc5 ^ extra;
  let h2 = 0x01000193 ^ Math.imul(extra, 0x9e3779b1);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
    h2 ^= h2 >>> 15;
  }
  return hex64(avalanche(h1 ^ Math.imul(h2, 0x27d4eb2d)), avalanche(h2 ^ h1 ^ text.length));
}

function avalanche(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const HEX_DIGITS = new Uint8Array([..."0123456789abcdef"].map((c) => c.charCodeAt(0)));
const hexScratch = new Uint8Array(16);

/**
 * 16 hex digits of two 32-bit words. Every step of a served environment makes one:
 * written into bytes and made a flat string in one native call, it costs less than
 * joining eight table strings, which also leaves a rope the encoder must flatten.
 */
function hex64(hi: number, lo: number): string {
  const out = hexScratch;
  for (let k = 7; k >= 0; k--, hi >>>= 4) out[k] = HEX_DIGITS[hi & 15]!;
  for (let k = 15; k >= 8; k--, lo >>>= 4) out[k] = HEX_DIGITS[lo & 15]!;
  if (latin1Slice !== undefined) return latin1Slice.call(out, 0, 16);
  return String.fromCharCode.apply(null, out as unknown as number[]);
}
