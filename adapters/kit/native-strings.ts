/**
 * Node's native string constructors behind Buffer#toString, called directly: on
 * strings of a few dozen characters (a session id, a fingerprint, a 6×6 room) the
 * argument handling of toString costs as much as the decoding. Each is undefined
 * where Buffer lacks it (outside Node), and callers keep a portable path.
 */
type Slice = (this: Uint8Array, start: number, end: number) => string;
const proto = globalThis.Buffer?.prototype as unknown as { latin1Slice?: Slice; ucs2Slice?: Slice } | undefined;

/** One byte per character (exact for ASCII, which is all callers hand it). */
export const latin1Slice: Slice | undefined = proto?.latin1Slice;
/** UTF-16LE code units, two bytes per character. */
export const ucs2Slice: Slice | undefined = proto?.ucs2Slice;
