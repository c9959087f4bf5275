/** Conversions between the environment contract's types and the protocol's. */
import type { ActionKind as EnvActionKind, EnvSpec as EnvSpecInfo, ErrorReason as EnvErrorReason, ObservationKind as EnvObservationKind } from "../../adapters/contract.js";
import { ActionKind, CloneSupport, ErrorReason, ObservationKind, type EnvSpec } from "../../gen/ts/dynamind/env/v1/types_pb.js";

const OBSERVATION_KINDS: Record<EnvObservationKind, ObservationKind> = {
  text: ObservationKind.OBSERVATION_KIND_TEXT,
  image: ObservationKind.OBSERVATION_KIND_IMAGE,
  ui_elements: ObservationKind.OBSERVATION_KIND_UI_ELEMENTS,
};

const ACTION_KINDS: Record<EnvActionKind, ActionKind> = {
  index: ActionKind.ACTION_KIND_INDEX,
  text: ActionKind.ACTION_KIND_TEXT,
  json: ActionKind.ACTION_KIND_JSON,
};

const CLONE_SUPPORT = {
  none: CloneSupport.CLONE_SUPPORT_NONE,
  handle: CloneSupport.CLONE_SUPPORT_SERVER_HANDLE,
  portable: CloneSupport.CLONE_SUPPORT_PORTABLE,
} as const;

export function toProtoSpec(spec: EnvSpecInfo): EnvSpec {
  return {
    id: spec.id,
    version: spec.version,
    description: spec.description,
    observationKinds: spec.observationKinds.map((k) => OBSERVATION_KINDS[k]),
    defaultObservationKinds: spec.defaultObservationKinds.map((k) => OBSERVATION_KINDS[k]),
    actionSpec: {
      kinds: spec.action.kinds.map((k) => ACTION_KINDS[k]),
      discreteNames: spec.action.discreteNames,
      textFormat: spec.action.textFormat,
      jsonSchema: spec.action.jsonSchema === undefined ? "" : JSON.stringify(spec.action.jsonSchema),
    },
    cloneSupport: CLONE_SUPPORT[spec.cloneSupport],
    maxSteps: spec.maxSteps,
    instructions: spec.instructions,
    tasks: spec.tasks.map((t) => ({ name: t.name, description: t.description, configJson: JSON.stringify(t.config) })),
    configSchema: JSON.stringify(spec.configSchema),
    resetOptionsSchema: JSON.stringify(spec.resetOptionsSchema),
    hasExpert: spec.hasExpert ?? false,
    learned: spec.learned ?? false,
  };
}

/** Protocol observation kind → contract kind, or undefined for UNSPECIFIED/unknown values. */
export function fromProtoObservationKind(kind: ObservationKind): EnvObservationKind | undefined {
  for (const [name, value] of Object.entries(OBSERVATION_KINDS)) if (value === kind) return name as EnvObservationKind;
  return undefined;
}

export function toProtoReason(reason: EnvErrorReason): ErrorReason {
  return ErrorReason[reason];
}

/** google.rpc.Code numbers; the gRPC status each reason travels with. */
export const GRPC_CODE: Record<EnvErrorReason, number> = {
  ENV_NOT_FOUND: 5,
  SESSION_NOT_FOUND: 5,
  STATE_NOT_FOUND: 5,
  STATE_EXPIRED: 5,
  STATE_INVALID: 3,
  STATE_INCOMPATIBLE: 3,
  INVALID_ACTION: 3,
  INVALID_ARGUMENT: 3,
  EPISODE_NOT_STARTED: 9,
  EPISODE_ENDED: 9,
  CAPACITY: 8,
  UNAUTHENTICATED: 16,
  DEADLINE: 4,
  SHUTTING_DOWN: 14,
  UNSUPPORTED: 12,
  DEVICE_UNAVAILABLE: 14,
  INTERNAL: 13,
};
