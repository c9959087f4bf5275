/**
 * DreamGym's curriculum rule: keep the task variations whose rewards across a group of
 * rollouts vary most. A task the policy always solves or always fails gives GRPO-style
 * group advantages of zero — nothing to learn; one it solves about half the time gives
 * the most. For outcome rewards in {0, 1} the group variance is p(1 − p), largest at
 * p = ½, which is the "reward entropy" DreamGym ranks by (both peak at the same p).
 *
 * Task variations here are simple on purpose: a variation is a task config drawn from a
 * list (the base env's tasks, or the one config given) with a fresh reset seed, both from
 * a seeded generator. The base env's own generator then makes the room or scene from the
 * seed; nothing is invented by a model yet (DreamGym also asks its model for new tasks).
 */
import { Rng } from "../kit/rng.js";

export interface TaskVariation {
  /** The base env's session config (a dream session's `base_config`). */
  config: Record<string, unknown>;
  /** The reset seed: with the config it fixes the start state. */
  seed: number;
}

export interface RolloutGroup<T> {
  task: T;
  /** One return per rollout of the group. */
  rewards: readonly number[];
}

export interface CurriculumOptions {
  /** Keep groups whose reward variance is at least this (default: anything above 0). */
  minVariance?: number;
  /** Then keep this fraction of them, highest variance first (rounded up; default 1). */
  topFraction?: number;
  /** Groups with fewer rollouts say nothing about variance and are dropped (default 2). */
  minGroupSize?: number;
}

export interface Kept<T> {
  task: T;
  variance: number;
  mean: number;
}

/** Population variance (the group is the whole sample a trainer normalises over). */
export function rewardVariance(rewards: readonly number[]): number {
  if (rewards.length === 0) return 0;
  const mean = rewards.reduce((a, b) => a + b, 0) / rewards.length;
  return rewards.reduce((a, r) => a + (r - mean) ** 2, 0) / rewards.length;
}

export function selectByRewardVariance<T>(groups: readonly RolloutGroup<T>[], options: CurriculumOptions = {}): Kept<T>[] {
  const minVariance = options.minVariance ?? 0;
  const topFraction = options.topFraction ?? 1;
  const minGroupSize = options.minGroupSize ?? 2;
  if (!(topFraction > 0 && topFraction <= 1)) throw new RangeError(`topFraction must be in (0, 1], got ${topFraction}`);
  if (!(minVariance >= 0)) throw new RangeError(`minVariance must be >= 0, got ${minVariance}`);
  const scored = groups
    .map((g, i) => ({ i, task: g.task, n: g.rewards.length, variance: rewardVariance(g.rewards), mean: g.rewards.reduce((a, b) => a + b, 0) / Math.max(1, g.rewards.length) }))
    // Zero variance is never kept: it is exactly the group that teaches nothing.
    .filter((g) => g.n >= minGroupSize && g.variance > 0 && g.variance >= minVariance)
    // Highest variance first; equal ones keep their input order.
    .sort((a, b) => b.variance - a.variance || a.i - b.i);
  return scored.slice(0, Math.ceil(scored.length * topFraction)).map(({ task, variance, mean }) => ({ task, variance, mean }));
}

/** `count` variations from `configs` (at least one), fully determined by `seed`; seeds never repeat. */
export function taskVariations(configs: readonly Record<string, unknown>[], count: number, seed: number): TaskVariation[] {
  if (configs.length === 0) throw new RangeError("taskVariations needs at least one config");
  if (!Number.isInteger(count) || count < 0 || count > 100_000) throw new RangeError(`count must be an integer in 0..100000, got ${count}`);
  const rng = Rng.fromSeed(seed, 0xc0de);
  const seen = new Set<number>();
  const out: TaskVariation[] = [];
  while (out.length < count) {
    const s = rng.nextUint32();
    if (seen.has(s)) continue;
    seen.add(s);
    out.push({ config: configs[rng.int(configs.length)]!, seed: s });
  }
  return out;
}
