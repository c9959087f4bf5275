/**
 * An environment instance plus the episode bookkeeping the protocol defines for
 * every environment: the phase (created → running → ended), the step counter,
 * truncation at the step budget, and snapshots that include all of it.
 * Environments implement only their dynamics; this wrapper is the same for all.
 */
import { EnvError, type Action, type CallBudget, type Environment, type ObservationRequest, type Observation as EnvObservation, type Transition } from "../../adapters/contract.js";
import type { Observation, StepResult } from "../../gen/ts/dynamind/env/v1/types_pb.js";
import { andThen, type MaybePromise } from "./maybe-promise.js";

export type Phase = "created" | "running" | "ended";

/** Everything needed to continue an episode exactly: the env's clone plus the wrapper's counters. */
export interface EpisodeSnapshot<S = unknown> {
  readonly env: S;
  readonly phase: Phase;
  readonly steps: number;
  readonly terminated: boolean;
  readonly truncated: boolean;
}

/** The observation of a node Expand does not observe (leaf_observations_only); never a delta's base. */
export const EMPTY_OBSERVATION: Observation = Object.freeze({
  text: "",
  image: undefined,
  uiElements: [],
  validActions: [],
  fingerprint: "",
}) as unknown as Observation;

export class Episode<S = unknown> {
  phase: Phase = "created";
  steps = 0;
  terminated = false;
  truncated = false;
  /** The last result with an observation: sizes the replies of calls that will produce more like it (Expand). */
  lastResult: StepResult | undefined;

  constructor(
    readonly env: Environment<S>,
    /** Step budget; 0 = none. */
    readonly maxSteps: number,
    readonly observationRequest: ObservationRequest,
  ) {}

  /** `request` (default: the session's) says what the observation renders. */
  reset(seed: number, options: Record<string, unknown>, call?: CallBudget, request = this.observationRequest): MaybePromise<StepResult> {
    return andThen(this.env.reset(seed, options, call), (info) => {
      this.phase = "running";
      this.steps = 0;
      this.terminated = false;
      this.truncated = false;
      const infoJson = JSON.stringify({ seed, ...info });
      return andThen(this.observe(request), (observation) => (this.lastResult = result(observation, 0, false, false, infoJson, 0)));
    });
  }

  /** Applies one action. Throws EnvError, changing nothing, when the phase or the action is wrong. */
  step(action: Action, withObservation = true, request = this.observationRequest): MaybePromise<StepResult> {
    this.assertSteppable();
    const t = this.env.step(action);
    // Synchronous environments take no closure per step: the hot path of BatchStep.
    return t instanceof Promise ? t.then((done) => this.stepped(done, withObservation, request)) : this.stepped(t, withObservation, request);
  }

  /** The episode bookkeeping after the environment applied an action, then the observation. */
  private stepped(t: Transition, withObservation: boolean, request: ObservationRequest): MaybePromise<StepResult> {
    const steps = ++this.steps;
    const terminated = t.terminated;
    // Gymnasium semantics: truncation only when the episode did not end on its own.
    const truncated = !terminated && this.maxSteps > 0 && steps >= this.maxSteps;
    if (terminated || truncated) {
      this.phase = "ended";
      this.terminated = terminated;
      this.truncated = truncated;
    }
    const infoJson = serializeInfo(t.info);
    if (!withObservation) return result(EMPTY_OBSERVATION, t.reward, terminated, truncated, infoJson, steps);
    const o = this.env.observe(request);
    if (o instanceof Promise) return o.then((observation) => (this.lastResult = result(toProtoObservation(observation), t.reward, terminated, truncated, infoJson, steps)));
    return (this.lastResult = result(toProtoObservation(o), t.reward, terminated, truncated, infoJson, steps));
  }

  /** The result describing the current state without acting (after restore or fork). */
  current(request = this.observationRequest): MaybePromise<StepResult> {
    return andThen(this.observe(request), (observation) => (this.lastResult = result(observation, 0, this.terminated, this.truncated, "", this.steps)));
  }

  snapshot(): MaybePromise<EpisodeSnapshot<S>> {
    return andThen(this.env.cloneState(), (env) => ({
      env,
      phase: this.phase,
      steps: this.steps,
      terminated: this.terminated,
      truncated: this.truncated,
    }));
  }

  restore(snapshot: EpisodeSnapshot<S>): MaybePromise<void> {
    return andThen(this.env.restoreState(snapshot.env), () => {
      this.phase = snapshot.phase;
      this.steps = snapshot.steps;
      this.terminated = snapshot.terminated;
      this.truncated = snapshot.truncated;
    });
  }

  assertSteppable(): void {
    if (this.phase !== "running") assertSteppable(this);
  }

  private observe(request: ObservationRequest): MaybePromise<Observation> {
    return andThen(this.env.observe(request), toProtoObservation);
  }
}

function result(
  observation: Observation,
  reward: number,
  terminated: boolean,
  truncated: boolean,
  infoJson: string,
  stepIndex: number,
): StepResult {
  return { observation, reward, terminated, truncated, infoJson, stepIndex };
}

/** The contract's observation is shaped like the protocol's on purpose; only readonly-ness differs. */
function toProtoObservation(o: EnvObservation): Observation {
  return o as Observation;
}

/** Throws the error for stepping in a phase other than "running". */
export function assertSteppable(state: Pick<EpisodeSnapshot, "phase" | "terminated" | "steps">): void {
  if (state.phase === "running") return;
  if (state.phase === "created") throw new EnvError("EPISODE_NOT_STARTED", "the episode has not started: call Reset first");
  throw new EnvError(
    "EPISODE_ENDED",
    `the episode ended (${state.terminated ? "terminated" : "truncated"} at step ${state.steps}): call Reset or RestoreState first`,
  );
}

/**
 * JSON of frozen info objects, by identity. Environments that return infos from a fixed
 * table (Sokoban's are frozen) then pay for serialisation once, not on every step.
 */
const FROZEN_INFO_JSON = new WeakMap<object, string>();

function serializeInfo(info: Record<string, unknown> | undefined): string {
  if (info === undefined) return "";
  if (!Object.isFrozen(info)) return JSON.stringify(info);
  let json = FROZEN_INFO_JSON.get(info);
  if (json === undefined) FROZEN_INFO_JSON.set(info, (json = JSON.stringify(info)));
  return json;
}
