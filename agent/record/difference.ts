/**
 * The first difference between two JSON values, as a path and a short rendering of
 * each side, for replay reports that a person reads in one line.
 */

export interface Difference {
  /** e.g. "observation.text", "info.boxes_on_target", "observation.uiElements[3].bboxPixels.xMin". */
  field: string;
  expected: string;
  got: string;
}

/** Walks both values in the expected side's key order; `ignored(path)` skips a field and everything under it. */
export function firstDifference(expected: unknown, got: unknown, path = "", ignored: (path: string) => boolean = () => false): Difference | undefined {
  if (path !== "" && ignored(path)) return undefined;
  if (isObject(expected) && isObject(got)) {
    const keys = [...Object.keys(expected), ...Object.keys(got).filter((k) => !(k in expected))];
    for (const k of keys) {
      const d = firstDifference(expected[k], got[k], path === "" ? k : `${path}.${k}`, ignored);
      if (d) return d;
    }
    return undefined;
  }
  if (Array.isArray(expected) && Array.isArray(got)) {
    for (let i = 0; i < Math.min(expected.length, got.length); i++) {
      const d = firstDifference(expected[i], got[i], `${path}[${i}]`, ignored);
      if (d) return d;
    }
    if (expected.length !== got.length) return { field: `${path}.length`, expected: String(expected.length), got: String(got.length) };
    return undefined;
  }
  if (Object.is(expected, got) || (expected === 0 && got === 0)) return undefined;
  const [e, g] = typeof expected === "string" && typeof got === "string" ? aroundFirstChange(expected, got) : [short(expected), short(got)];
  return { field: path, expected: e, got: g };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

const WIDTH = 60;

/** A value in at most WIDTH characters. */
export function short(value: unknown): string {
  const s = value === undefined ? "(absent)" : JSON.stringify(value);
  return s.length > WIDTH ? `${s.slice(0, WIDTH - 1)}…` : s;
}

/** Two strings shown around where they first differ (a grid's changed row, not its unchanged top). */
function aroundFirstChange(a: string, b: string): [string, string] {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const from = Math.max(0, i - 20);
  const cut = (s: string) => {
    const body = JSON.stringify(s.slice(from, from + WIDTH - 10)).slice(1, -1);
    return `${from > 0 ? "…" : ""}"${body}"${from + WIDTH - 10 < s.length ? "…" : ""}`;
  };
  return [cut(a), cut(b)];
}
