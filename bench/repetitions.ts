/** How the benches summarise repeated measurements: median and min–max, rounded, with the count. */
import { loadavg } from "node:os";

export interface Stats {
  median: number;
  min: number;
  max: number;
  reps: number;
}

/** Median (the upper one of an even count), min and max of `xs`, rounded to `digits` decimals. */
export function stats(xs: readonly number[], digits = 0): Stats {
  const s = [...xs].sort((a, b) => a - b);
  const r = (x: number) => Math.round(x * 10 ** digits) / 10 ** digits;
  return { median: r(s[Math.floor(s.length / 2)]!), min: r(s[0]!), max: r(s.at(-1)!), reps: s.length };
}

/** The 1-, 5- and 15-minute load averages, to two decimals. */
export const load = (): number[] => loadavg().map((x) => Math.round(x * 100) / 100);
