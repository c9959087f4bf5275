/**
 * AndroidWorld's fuzzy string match (`fuzzy_match_lib.fuzzy_match`): two texts are
 * "equal" when Python's `difflib.SequenceMatcher(None, a, b).ratio()` is at least
 * 0.9, case-insensitively. The ratio is reimplemented here exactly (longest matching
 * blocks, recursively; difflib's automatic junk heuristic for texts of 200+
 * characters), because checks that fuzz in AndroidWorld must accept and reject the
 * same strings here.
 */

const MIN_SIMILARITY = 0.9;

export function fuzzyMatch(a: string | undefined, b: string | undefined, ignoreCase = true): boolean {
  if (a === undefined || b === undefined) return false;
  return ignoreCase ? sequenceRatio(a.toLowerCase(), b.toLowerCase()) >= MIN_SIMILARITY : sequenceRatio(a, b) >= MIN_SIMILARITY;
}

/** difflib.SequenceMatcher(None, a, b).ratio(), over UTF-16 code units. */
export function sequenceRatio(a: string, b: string): number {
  const total = a.length + b.length;
  if (total === 0) return 1;
  return (2 * matchingCharacters(a, b)) / total;
}

/** b2j with difflib's autojunk: in b of 200+ items, items occurring more than 1% + 1 times are junk. */
function indexOf(b: string): Map<string, number[]> {
  const b2j = new Map<string, number[]>();
  for (let i = 0; i < b.length; i++) {
    const c = b[i]!;
    const list = b2j.get(c);
    if (list) list.push(i);
    else b2j.set(c, [i]);
  }
  if (b.length >= 200) {
    const popular = Math.floor(b.length / 100) + 1;
    for (const [c, idx] of [...b2j]) if (idx.length > popular) b2j.delete(c);
  }
  return b2j;
}

function matchingCharacters(a: string, b: string): number {
  const b2j = indexOf(b);
  let matched = 0;
  const queue: [number, number, number, number][] = [[0, a.length, 0, b.length]];
  while (queue.length > 0) {
    const [alo, ahi, blo, bhi] = queue.pop()!;
    const [i, j, k] = longestMatch(a, b, b2j, alo, ahi, blo, bhi);
    if (k === 0) continue;
    matched += k;
    if (alo < i && blo < j) queue.push([alo, i, blo, j]);
    if (i + k < ahi && j + k < bhi) queue.push([i + k, ahi, j + k, bhi]);
  }
  return matched;
}

/** difflib's find_longest_match (no junk predicate, so only the popular-item junk applies). */
function longestMatch(a: string, b: string, b2j: Map<string, number[]>, alo: number, ahi: number, blo: number, bhi: number): [number, number, number] {
  let besti = alo, bestj = blo, bestsize = 0;
  let j2len = new Map<number, number>();
  for (let i = alo; i < ahi; i++) {
    const next = new Map<number, number>();
    for (const j of b2j.get(a[i]!) ?? []) {
      if (j < blo) continue;
      if (j >= bhi) break;
      const k = (j2len.get(j - 1) ?? 0) + 1;
      next.set(j, k);
      if (k > bestsize) {
        besti = i - k + 1;
        bestj = j - k + 1;
        bestsize = k;
      }
    }
    j2len = next;
  }
  // Extend with junk items on both sides, as difflib does (popular items count as junk).
  const isJunk = (c: string) => b.length >= 200 && !b2j.has(c);
  while (besti > alo && bestj > blo && isJunk(b[bestj - 1]!) && a[besti - 1] === b[bestj - 1]) {
    besti--;
    bestj--;
    bestsize++;
  }
  while (besti + bestsize < ahi && bestj + bestsize < bhi && isJunk(b[bestj + bestsize]!) && a[besti + bestsize] === b[bestj + bestsize]) bestsize++;
  return [besti, bestj, bestsize];
}
