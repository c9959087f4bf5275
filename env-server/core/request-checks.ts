/** Checks every request passes before it reaches an environment; each throws EnvError and changes nothing. */
import { EnvError, type Action } from "../../adapters/contract.js";
import type { Session } from "./session.js";
import type { SessionTemplate } from "./templates.js";

/** Seeds are exact in every client language only below 2^53. */
export const MAX_SEED = Number.MAX_SAFE_INTEGER;

export function validateAction(template: SessionTemplate, kind: Action | undefined, maxTextBytes: number, where = ""): asserts kind is Action {
  if (kind === undefined) throw new EnvError("INVALID_ACTION", `${where}the action has no kind set (index, text or json)`);
  const accepted = template.acceptedKinds;
  if (!accepted.has(kind.$case)) {
    throw new EnvError(
      "INVALID_ACTION",
      `${where}${template.definition.id} does not accept ${kind.$case} actions; it accepts ${[...accepted].join(" or ")}`,
    );
  }
  if (kind.$case === "index") {
    const n = template.spec.actionSpec!.discreteNames.length;
    if (!(kind.index < n)) throw new EnvError("INVALID_ACTION", `${where}action index ${kind.index} is out of range 0..${n - 1}`);
  } else {
    const text = kind.$case === "text" ? kind.text : kind.json;
    if (text.length > maxTextBytes) {
      throw new EnvError("INVALID_ACTION", `${where}the ${kind.$case} action is longer than ${maxTextBytes} characters`);
    }
  }
}

export function validateSeed(seed: number): void {
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new EnvError("INVALID_ARGUMENT", `seed must be an integer in 0..2^53-1, got ${seed}`);
  }
}

/** Operations on the session's own state need an episode to exist. */
export function assertStarted(session: Session): void {
  if (session.episode.phase === "created") {
    throw new EnvError("EPISODE_NOT_STARTED", "the episode has not started: call Reset first");
  }
}

export function assertCompatible(state: SessionTemplate, session: SessionTemplate): void {
  if (state.definition.id !== session.definition.id) {
    throw new EnvError("STATE_INCOMPATIBLE", `the state belongs to ${state.definition.id}, the session runs ${session.definition.id}`);
  }
  if (state.configKey !== session.configKey) {
    throw new EnvError(
      "STATE_INCOMPATIBLE",
      `the state was made under config ${state.configKey}, the session runs ${session.configKey}; Fork it instead`,
    );
  }
}
