/**
 * Line deltas (types.proto LinesDelta): a list of lines — a text's lines or a
 * valid-action list — written as edits of a base list the client holds.
 *
 * Why lines, and why copy-or-insert runs: the engine knows no environment, and the
 * observations worth delta-coding change by whole lines. A Sokoban move rewrites one to
 * three adjacent grid rows in place; an ALFWorld step adds and drops a command or two in
 * a sorted list of dozens, which shifts every entry after it (index-by-index edits would
 * resend the tail). One format, runs copied from anywhere in the base plus inserted
 * lines, covers both in a few small varints. The server builds texts' deltas as one
 * splice (common leading and trailing lines kept, the middle replaced: a character scan,
 * no allocation but the middle lines — the hot path of a grid step) and lists' deltas by
 * matching runs (diffLines). Character-level diffs would save a little more on long lines
 * at a cost per character, and would no longer be generic over lists.
 */

/** The edits of one delta: triples (insert, from, count) and the inserted lines (LinesDelta without its base). */
export interface LineEdits {
  ops: number[];
  lines: string[];
}

/**
 * Edits turning `base` into `next`, greedily: each next line extends the current copy
 * run, else starts a run at its first occurrence in the base at or after the last run's
 * end (else its first), else is inserted. Work is O((n + m) log m); no quadratic search.
 */
export function diffLines(base: readonly string[], next: readonly string[]): LineEdits {
  const ops: number[] = [];
  const lines: string[] = [];
  let where: Map<string, number[]> | undefined;
  let insert = 0;
  let expect = 0;
  let i = 0;
  while (i < next.length) {
    const line = next[i]!;
    let from = -1;
    if (expect < base.length && base[expect] === line) from = expect;
    else {
      where ??= positions(base);
      const at = where.get(line);
      if (at !== undefined) from = firstAtOrAfter(at, expect);
    }
    if (from < 0) {
      lines.push(line);
      insert++;
      i++;
      continue;
    }
    let count = 1;
    while (i + count < next.length && from + count < base.length && base[from + count] === next[i + count]) count++;
    ops.push(insert, from, count);
    insert = 0;
    i += count;
    expect = from + count;
  }
  if (insert > 0) ops.push(insert, 0, 0);
  return { ops, lines };
}

/**
 * Wire bytes of a delta's body (with an 8-byte base hash) against the full value's, both
 * counted in UTF-16 units: the same error on both sides, so the comparison holds.
 */
export function deltaBytes(d: LineEdits): number {
  let n = 9;
  let packed = 0;
  for (let i = 0; i < d.ops.length; i++) packed += varintBytes(d.ops[i]!);
  if (packed > 0) n += 1 + varintBytes(packed) + packed;
  for (let i = 0; i < d.lines.length; i++) n += 1 + varintBytes(d.lines[i]!.length) + d.lines[i]!.length;
  return n + 1 + varintBytes(n);
}

/** Wire bytes of a list sent whole as a repeated string field. */
export function listBytes(list: readonly string[]): number {
  let n = 0;
  for (let i = 0; i < list.length; i++) n += 1 + varintBytes(list[i]!.length) + list[i]!.length;
  return n;
}

/** Wire bytes of a text sent whole. */
export function textBytes(text: string): number {
  return text.length === 0 ? 0 : 1 + varintBytes(text.length) + text.length;
}

function varintBytes(n: number): number {
  return n < 0x80 ? 1 : n < 0x4000 ? 2 : n < 0x200000 ? 3 : n < 0x10000000 ? 4 : 5;
}

function positions(base: readonly string[]): Map<string, number[]> {
  const m = new Map<string, number[]>();
  for (let i = 0; i < base.length; i++) {
    const at = m.get(base[i]!);
    if (at === undefined) m.set(base[i]!, [i]);
    else at.push(i);
  }
  return m;
}

/** The first entry ≥ `min` of an ascending list, else its first entry. */
function firstAtOrAfter(at: number[], min: number): number {
  let lo = 0;
  let hi = at.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (at[mid]! < min) lo = mid + 1;
    else hi = mid;
  }
  return lo < at.length ? at[lo]! : at[0]!;
}

/**
 * A text's edits from `base` as one splice: the lines both share at the start and at the
 * end are copied, the lines between are inserted. Found by one scan for the common
 * character prefix and suffix; only the replaced middle is split into lines.
 */
export function spliceLines(base: string, next: string): LineEdits {
  const la = base.length;
  const lb = next.length;
  const max = la < lb ? la : lb;
  let p = 0;
  while (p < max && base.charCodeAt(p) === next.charCodeAt(p)) p++;
  // All of `next` is the base's first lines (identical texts included): copy them.
  if (p === lb && (la === lb || base.charCodeAt(lb) === 10)) return { ops: [0, 0, lineCount(next)], lines: [] };
  let s = 0;
  while (s < max - p && base.charCodeAt(la - 1 - s) === next.charCodeAt(lb - 1 - s)) s++;
  // Whole lines inside the common prefix (each ends with a newline before p) …
  let head = 0;
  let headEnd = 0; // where the first differing line starts (in both texts)
  for (let i = base.indexOf("\n"); i >= 0 && i < p; i = base.indexOf("\n", i + 1)) {
    head++;
    headEnd = i + 1;
  }
  // … and inside the common suffix (each starts after a newline at or after the suffix's start).
  let tail = 0;
  let tailStart = lb; // where the first shared trailing line starts in `next`
  for (let i = next.lastIndexOf("\n"); i >= lb - s && i >= headEnd; i = i > 0 ? next.lastIndexOf("\n", i - 1) : -1) {
    tail++;
    tailStart = i + 1;
  }
  const baseLines = lineCount(base);
  const nextLines = lineCount(next);
  const middle = nextLines - head - tail;
  const ops: number[] = [];
  if (head > 0) ops.push(0, 0, head);
  // The middle, without the newline that ends it (it belongs to the tail's first line break).
  const lines = middle > 0 ? next.slice(headEnd, tail > 0 ? tailStart - 1 : lb).split("\n") : [];
  if (middle > 0 || tail > 0) ops.push(middle, tail > 0 ? baseLines - tail : 0, tail);
  return { ops, lines };
}

/** Lines in a text: newlines plus one ("" is one empty line). */
export function lineCount(text: string): number {
  let n = 1;
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) n++;
  return n;
}
