/**
 * The paper's episode rewards, computed by the trainer from the episode alone:
 * −0.1 for every non-terminal step, +10 for the final step of a successful episode,
 * 0 for the final step of a failed one (cut off, or ended without success). The
 * environment's own reward (e.g. gym-sokoban's ±1 per box) never enters: only
 * whether the episode succeeded and how many steps it took.
 */
export const STEP_PENALTY = -0.1;
export const SUCCESS_REWARD = 10;

/** Per-step rewards of an episode of `steps` steps (wasted steps — no or a rejected answer — count). */
export function stepRewards(steps: number, success: boolean): number[] {
  if (!Number.isInteger(steps) || steps < 0) throw new Error(`steps must be a non-negative integer, got ${steps}`);
  const out = new Array<number>(steps).fill(STEP_PENALTY);
  if (steps > 0) out[steps - 1] = success ? SUCCESS_REWARD : 0;
  return out;
}

/** The undiscounted return: −0.1 · (steps − 1) + (10 if success else 0). */
export function episodeReturn(steps: number, success: boolean): number {
  return stepRewards(steps, success).reduce((a, b) => a + b, 0);
}
