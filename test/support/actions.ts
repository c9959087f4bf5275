/** Picks valid actions for any environment from its spec and current observation. */
import type { ActionInput, Step } from "../../agent/client/index.js";
import { ActionKind, type EnvSpec } from "../../gen/ts/dynamind/env/v1/types_pb.js";

/** A deterministic pseudo-random stream for tests (mulberry32). */
export function testRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A valid action: one of the observation's valid actions when known (sent as JSON when
 * the environment takes JSON actions and lists them as JSON objects), else a discrete index.
 */
export function randomAction(spec: EnvSpec, step: Step, rand: () => number): ActionInput {
  const valid = step.observation.validActions;
  const kinds = spec.actionSpec!.kinds;
  if (valid.length > 0) {
    const pick = valid[Math.floor(rand() * valid.length)]!;
    if (kinds.includes(ActionKind.ACTION_KIND_TEXT)) return pick;
    if (kinds.includes(ActionKind.ACTION_KIND_JSON) && pick.startsWith("{")) return JSON.parse(pick) as Record<string, unknown>;
  }
  const n = spec.actionSpec!.discreteNames.length;
  if (n > 0 && kinds.includes(ActionKind.ACTION_KIND_INDEX)) return Math.floor(rand() * n);
  throw new Error(`${spec.id}: no way to choose a random action (no valid_actions and no discrete actions)`);
}
