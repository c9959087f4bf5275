import type { Observation, StepResult } from "../../gen/ts/dynamind/env/v1/types_pb.js";

/** A StepResult with its info parsed. */
export interface Step {
  observation: Observation;
  reward: number;
  terminated: boolean;
  truncated: boolean;
  info: Record<string, unknown>;
  stepIndex: number;
}

export function toStep(r: StepResult | undefined): Step {
  if (r === undefined) throw new Error("the server sent a reply without a result");
  return {
    observation: r.observation ?? { text: "", image: undefined, uiElements: [], validActions: [], fingerprint: "", validActionsHash: undefined },
    reward: r.reward,
    terminated: r.terminated,
    truncated: r.truncated,
    info: r.infoJson === "" ? {} : (JSON.parse(r.infoJson) as Record<string, unknown>),
    stepIndex: r.stepIndex,
  };
}
