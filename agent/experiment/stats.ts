/** 95% confidence intervals for the report: Wilson for rates, normal for means. */

export interface Interval {
  low: number;
  high: number;
}

const Z95 = 1.959964;

/** Wilson score interval of a binomial proportion (good at 0 and 1, where the normal one is not). */
export function wilson(successes: number, n: number): Interval {
  if (n === 0) return { low: 0, high: 1 };
  const p = successes / n;
  const z2 = Z95 * Z95;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (Z95 * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n);
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/** Mean with a normal-approximation interval (t would differ only for tiny n, which the report flags). */
export function meanInterval(values: readonly number[]): { mean: number; ci: Interval } | undefined {
  const n = values.length;
  if (n === 0) return undefined;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const variance = n > 1 ? values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1) : 0;
  const half = Z95 * Math.sqrt(variance / n);
  return { mean, ci: { low: mean - half, high: mean + half } };
}
