/**
 * How an episode ended when it failed: a policy that sees only the current state (no
 * history) and answers greedily is a function of the state, so once it revisits a state
 * it repeats the same cycle until the step cap. Counting failures that end so tells
 * whether a greedy policy fails by looping (which sampling escapes) or by wandering.
 */
import type { Recording } from "../record/format.js";

export interface EpisodeEnd {
  success: boolean;
  steps: number;
  /** The last `window` observations are one state: every late action left the state as it was. */
  frozen: boolean;
  /** The last `window` observations hold at most two states: a frozen state or a back-and-forth. */
  cycling: boolean;
}

/** Success is the episode's terminal step with a positive reward (the environments' success signal). */
export function episodeEnd(rec: Recording, window = 6): EpisodeEnd {
  const fingerprints: string[] = [];
  let success = false;
  let steps = 0;
  for (const e of rec.events) {
    if (e.type === "restore") throw new Error("episodeEnd: the recording restores a state; it is a search, not one episode");
    if (!e.result) continue;
    fingerprints.push(e.result.observation.fingerprint);
    if (e.type === "step") {
      steps++;
      if (e.result.terminated && e.result.reward > 0) success = true;
    }
  }
  const tail = fingerprints.slice(-window);
  const distinct = new Set(tail).size;
  const long = tail.length === window;
  return { success, steps, frozen: long && !success && distinct === 1, cycling: long && !success && distinct <= 2 };
}
