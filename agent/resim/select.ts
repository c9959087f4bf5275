/**
 * Steps 2 and 4 of ReSim: de-duplicate rollouts that end in the same state, then
 * keep the best plus b_train − 1 others.
 */
import type { SeededRandom } from "./seeded-random.js";
import type { ValuedRollout } from "./value.js";

/** Higher value first; among equals, the shorter plan. */
export function better(a: ValuedRollout, b: ValuedRollout): number {
  return b.value - a.value || a.steps.length - b.steps.length || a.index - b.index;
}

/** One rollout per distinct leaf state (by fingerprint), the best of each. */
export function dedupe(rollouts: ValuedRollout[]): ValuedRollout[] {
  const byLeaf = new Map<string, ValuedRollout>();
  for (const r of rollouts) {
    if (r.steps.length === 0) continue;
    const key = r.steps.at(-1)!.observation.fingerprint || r.actions.join("\u0000");
    const seen = byLeaf.get(key);
    if (seen === undefined || better(r, seen) < 0) byLeaf.set(key, r);
  }
  return [...byLeaf.values()];
}

/** The best rollout (ties broken at random among the best) and up to `bTrain − 1` others, at random. */
export function keep(unique: ValuedRollout[], bTrain: number, random: SeededRandom): { best: ValuedRollout; kept: ValuedRollout[] } {
  if (unique.length === 0) throw new Error("no rollout to keep");
  const sorted = [...unique].sort(better);
  const top = sorted.filter((r) => r.value === sorted[0]!.value && r.steps.length === sorted[0]!.steps.length);
  const best = random.pick(top);
  const others = random.shuffle(unique.filter((r) => r !== best)).slice(0, Math.max(0, bTrain - 1));
  return { best, kept: [best, ...others] };
}

/**
 * The rollouts whose first action changed the state (a fingerprint other than the root's),
 * or all of them when none did or the environment gives no fingerprints.
 *
 * A first action that leaves the state as it was (walking into a wall) only spends a step,
 * yet a depth-d search can rank it first: [bump, a] ends in a's child one level deeper than
 * the tree reaches after a real first move, so its leaf is a separate, noisy Monte-Carlo
 * estimate of a state a real move reaches sooner. On the Sokoban collection of resim.md
 * (d = 2, 32 random rollouts), 822 of the 4,203 valued steps (19.6%) chose such a bump, 642
 * of them with a strictly higher value than any real move; a student that sees only the
 * state and learned to bump there repeats it forever when decoded greedily. Removing these
 * rollouts before selection keeps the response's "Plan k has the highest value" true.
 */
export function withoutSelfLoops(rollouts: ValuedRollout[], rootFingerprint: string): ValuedRollout[] {
  if (rootFingerprint === "") return rollouts;
  const moving = rollouts.filter((r) => r.steps.length > 0 && r.steps[0]!.observation.fingerprint !== rootFingerprint);
  return moving.length > 0 ? moving : rollouts;
}
