/**
 * Episode-level advantages within a group of rollouts from the same start state.
 * Every token of an episode's responses gets its episode's advantage.
 */

/** Below this spread a group is "all equal": its returns carry no signal, and rounding must not invent one. */
const FLAT = 1e-9;

const isFlat = (xs: readonly number[]) => Math.max(...xs) - Math.min(...xs) < FLAT;

/** GRPO: (R_i − mean) / (std + 1e-6), with the population std of the group; all-equal → zeros. */
export function grpoAdvantages(returns: readonly number[]): number[] {
  if (returns.length === 0) return [];
  if (isFlat(returns)) return returns.map(() => 0);
  const mean = returns.reduce((a, b) => a + b, 0) / returns.length;
  const std = Math.sqrt(returns.reduce((a, r) => a + (r - mean) ** 2, 0) / returns.length);
  return returns.map((r) => (r - mean) / (std + 1e-6));
}

/** RLOO: R_i − mean of the other G − 1 returns (unbiased leave-one-out baseline); all-equal → zeros. */
export function rlooAdvantages(returns: readonly number[]): number[] {
  const n = returns.length;
  if (n < 2) throw new Error(`RLOO needs at least 2 rollouts per group, got ${n}`);
  if (isFlat(returns)) return returns.map(() => 0);
  const sum = returns.reduce((a, b) => a + b, 0);
  return returns.map((r) => r - (sum - r) / (n - 1));
}

/**
 * Dyna-GRPO's refinement advantage of one SimRollout trajectory: 1 when it succeeded
 * and its return beats both the SimRollout half's mean and the plain half's mean, else 0.
 */
export function refineAdvantage(ret: number, success: boolean, simMean: number, plainMean: number): 0 | 1 {
  return success && ret > simMean && ret > plainMean ? 1 : 0;
}

export const mean = (xs: readonly number[]): number => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
