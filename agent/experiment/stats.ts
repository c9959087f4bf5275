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

/**
 * Two policies played on the same episodes: the difference in success rate (a − b) with a
 * 95% interval for paired proportions, and McNemar's exact two-sided p on the discordant
 * episodes (a solved and b did not, and the reverse): the sign test that pairing allows,
 * sharper than comparing two independent Wilson intervals.
 */
export function pairedSuccess(a: readonly boolean[], b: readonly boolean[]): { diff: number; ci: Interval; onlyA: number; onlyB: number; p: number } {
  const n = a.length;
  if (n !== b.length) throw new Error(`pairedSuccess: ${n} episodes against ${b.length}`);
  if (n === 0) throw new Error("pairedSuccess: no episodes");
  let onlyA = 0;
  let onlyB = 0;
  for (let i = 0; i < n; i++) {
    if (a[i] && !b[i]) onlyA++;
    else if (!a[i] && b[i]) onlyB++;
  }
  const diff = (onlyA - onlyB) / n;
  const half = (Z95 * Math.sqrt(Math.max(0, onlyA + onlyB - (onlyA - onlyB) ** 2 / n))) / n;
  return { diff, ci: { low: diff - half, high: diff + half }, onlyA, onlyB, p: signTestP(onlyA, onlyB) };
}

/** Exact two-sided binomial (p = ½) test of k successes against m failures. */
function signTestP(k: number, m: number): number {
  const n = k + m;
  if (n === 0) return 1;
  // log C(n, i) by summing logs: exact enough for the few hundred episodes a row holds.
  let logC = 0;
  let tail = 0;
  const lo = Math.min(k, m);
  for (let i = 0; i <= lo; i++) {
    if (i > 0) logC += Math.log(n - i + 1) - Math.log(i);
    tail += Math.exp(logC - n * Math.LN2);
  }
  return Math.min(1, 2 * tail);
}

/** Student's t quantile t(0.975, df) for df 1–30 (beyond, the normal's). */
const T975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042];

/** Mean with a t interval: for a handful of values, such as one figure per RL seed (n ≥ 2). */
export function meanTInterval(values: readonly number[]): { mean: number; ci: Interval } | undefined {
  const n = values.length;
  if (n < 2) return undefined;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
  const half = ((T975[n - 2] ?? Z95) * sd) / Math.sqrt(n);
  return { mean, ci: { low: mean - half, high: mean + half } };
}
