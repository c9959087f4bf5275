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

/**
 * Pearson's r with a 95% interval from Fisher's z transform (needs n ≥ 4; with fewer
 * points, or no spread on either side, there is no estimate and the result is undefined).
 */
export function pearson(xs: readonly number[], ys: readonly number[]): { r: number; n: number; ci: Interval } | undefined {
  const n = xs.length;
  if (n !== ys.length) throw new Error(`pearson: ${n} x values but ${ys.length} y values`);
  if (n < 4) return undefined;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = (xs[i] as number) - mx;
    const dy = (ys[i] as number) - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx === 0 || syy === 0) return undefined;
  const r = Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
  const z = Math.atanh(Math.min(0.999999, Math.max(-0.999999, r)));
  const half = Z95 / Math.sqrt(n - 3);
  return { r, n, ci: { low: Math.tanh(z - half), high: Math.tanh(z + half) } };
}
