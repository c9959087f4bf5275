/**
 * A rollout of ReSim's search (one trajectory's plan prefix, with its real results)
 * and the two tests every stage applies to a trajectory: did it end, did it succeed.
 */
import type { ActionInput, StateRef, Step } from "../client/index.js";

export interface Rollout {
  index: number;
  actions: ActionInput[];
  /** The real result after each action. */
  steps: Step[];
  /** The saved state at the rollout's end (released by the caller). */
  leaf: StateRef | undefined;
}

export function ended(step: Step): boolean {
  return step.terminated || step.truncated;
}

/** Success as the protocol reports it: the episode terminated on a positive reward. */
export function succeeded(steps: Step[]): boolean {
  const last = steps.at(-1);
  return last !== undefined && last.terminated && last.reward > 0;
}
