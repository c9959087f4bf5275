/**
 * Fast non-cryptographic 64-bit hashing for state fingerprints.
 * Two independent 32-bit FNV-1a-style lanes with a final avalanche: cheap on
 * small states (a Sokoban room is ~100 bytes) and collision-safe enough to
 * de-duplicate search nodes. Not for integrity — portable states use HMAC.
 */
export function hashBytes(bytes: Uint8Array, extra = 0): string {
  let h1 = 0x811c9dc5 ^ extra;
  let h2 = 0x01000193 ^ Math.imul(extra, 0x9e3779b1);
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    h1 = Math.imul(h1 ^ b, 0x01000193);
    h2 = Math.imul(h2 ^ b, 0x5bd1e995);
    h2 ^= h2 >>> 15;
  }
  return hex32(avalanche(h1 ^ Math.imul(h2, 0x27d4eb2d))) + hex32(avalanche(h2 ^ h1 ^ bytes.length));
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
  return hex32(avalanche(h1 ^ Math.imul(h2, 0x27d4eb2d))) + hex32(avalanche(h2 ^ h1 ^ text.length));
}

function avalanche(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

function hex32(v: number): string {
  return HEX[v >>> 24]! + HEX[(v >>> 16) & 255]! + HEX[(v >>> 8) & 255]! + HEX[v & 255]!;
}
