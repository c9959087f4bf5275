/**
 * Latency figures of the android benches: pooled p50/p90 over every repetition, and the
 * spread of the repetitions' own p50s (median and min–max), so a reader sees whether a
 * figure holds from one repetition to the next and not only on average.
 */

/** The p-th percentile (nearest rank), in ms to 0.1. */
export function percentile(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! * 10) / 10;
}

export interface LatencySummary {
  p50_ms: number;
  p90_ms: number;
  n: number;
  p50_per_repetition_ms: { median: number; min: number; max: number; repetitions: number } | null;
}

/** One array of latencies per repetition. */
export function latencySummary(repetitions: readonly (readonly number[])[]): LatencySummary {
  const all = repetitions.flat();
  const p50s = repetitions.filter((r) => r.length > 0).map((r) => percentile(r, 50)).sort((a, b) => a - b);
  const spread = p50s.length === 0 ? null : { median: p50s[Math.floor((p50s.length - 1) / 2)]!, min: p50s[0]!, max: p50s.at(-1)!, repetitions: p50s.length };
  return { p50_ms: percentile(all, 50), p90_ms: percentile(all, 90), n: all.length, p50_per_repetition_ms: spread };
}

/** `count` empty arrays, one per repetition, to push latencies into. */
export function perRepetition(count: number): number[][] {
  return Array.from({ length: count }, () => []);
}
