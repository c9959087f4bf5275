/**
 * Session templates: a validated config, its spec and observation choices, built
 * once per distinct request and shared by every session and saved state made
 * under it. A spec (instructions, schemas) is ~10 KB; a copy per session made
 * each saved state retain far more memory than the state budget counted.
 */
import { EnvError, type ActionKind, type CloneSupport, type EnvDefinition, type ObservationKind } from "../../adapters/contract.js";
import { clip, quote } from "../../adapters/kit/clip.js";
import type { EnvRegistry } from "../../adapters/registry.js";
import { EnvSpec, type ObservationOptions } from "../../gen/ts/dynamind/env/v1/types_pb.js";
import { checkObservationOptions, optionsKey, resolveView, type ObservationView } from "./observation-options.js";
import { fromProtoObservationKind, toProtoSpec } from "./to-proto.js";

/** Everything needed to build an equivalent session: used by Fork and to check state compatibility. */
export interface SessionTemplate {
  readonly definition: EnvDefinition;
  /** The parsed config. */
  readonly config: unknown;
  /** The config as given (canonical JSON), carried in portable states so another server can rebuild it. */
  readonly configJson: string;
  /** States are interchangeable between sessions with the same env id and config key. */
  readonly configKey: string;
  readonly observationKinds: readonly ObservationKind[];
  /** The session's observation options (CreateSession), kept by its forks. */
  readonly observationOptions: ObservationOptions | undefined;
  /** What replies carry when a call gives no options of its own. */
  readonly defaultView: ObservationView;
  readonly maxSteps: number;
  /** Action kinds the environment accepts (checked before it sees an action). */
  readonly acceptedKinds: ReadonlySet<ActionKind>;
  /** From the spec, kept here because CloneState asks on every call. */
  readonly cloneSupport: CloneSupport;
  /** The spec as sent to clients. */
  readonly spec: EnvSpec;
  /** Estimated heap bytes this template retains; charged to the state budget while a saved state uses it. */
  readonly bytes: number;
}

/** Distinct templates kept for reuse; beyond this the least recently used are dropped from the cache (not from sessions). */
const CACHE_SIZE = 512;
/** Longest config_json accepted; configs are a few hundred bytes. */
export const MAX_CONFIG_JSON_BYTES = 64 * 1024;

export class TemplateFactory {
  private readonly cache = new Map<string, SessionTemplate>();

  constructor(
    private readonly registry: EnvRegistry,
    private readonly maxStepsCap: number,
  ) {}

  definition(envId: string): EnvDefinition {
    const definition = this.registry.peek(envId);
    if (definition === undefined) {
      throw new EnvError("ENV_NOT_FOUND", `unknown env id ${quote(envId)}; this server runs: ${this.registry.ids().join(", ")}`);
    }
    return definition;
  }

  has(envId: string): boolean {
    return this.registry.has(envId);
  }

  /** The template for a request, shared with every earlier request that asked for the same. */
  get(
    envId: string,
    configJson: string,
    requestedKinds: readonly number[] | readonly ObservationKind[],
    maxSteps: number | undefined,
    observationOptions?: ObservationOptions,
  ): SessionTemplate {
    if (configJson.length > MAX_CONFIG_JSON_BYTES) {
      throw new EnvError("INVALID_ARGUMENT", `config_json is longer than ${MAX_CONFIG_JSON_BYTES} characters`);
    }
    if (maxSteps !== undefined && maxSteps > this.maxStepsCap) {
      throw new EnvError("INVALID_ARGUMENT", `max_steps ${maxSteps} is above this server's cap of ${this.maxStepsCap}`);
    }
    checkObservationOptions(observationOptions);
    const missing = this.definition(envId).unavailable?.();
    if (missing !== undefined) throw new EnvError("UNSUPPORTED", `${envId} cannot run on this server: ${missing}`);
    const kinds = requestedKinds.map((k) => (typeof k === "number" ? toKind(k) : k));
    const key = `${envId}\u0000${configJson}\u0000${kinds.join(",")}\u0000${maxSteps ?? ""}\u0000${optionsKey(observationOptions)}`;
    const hit = this.cache.get(key);
    if (hit !== undefined) {
      this.cache.delete(key);
      this.cache.set(key, hit);
      return hit;
    }
    const template = this.build(this.definition(envId), configJson, kinds, maxSteps, observationOptions);
    this.cache.set(key, template);
    if (this.cache.size > CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
    return template;
  }

  private build(
    definition: EnvDefinition,
    configJson: string,
    requestedKinds: ObservationKind[],
    maxStepsOverride: number | undefined,
    observationOptions: ObservationOptions | undefined,
  ): SessionTemplate {
    const raw = parseJsonObject(configJson, "config_json");
    const config = definition.parseConfig(raw);
    const described = definition.describe(config);
    for (const kind of requestedKinds) {
      if (!described.observationKinds.includes(kind)) {
        throw new EnvError("INVALID_ARGUMENT", `${definition.id} cannot produce ${kind} observations; it offers ${described.observationKinds.join(", ")}`);
      }
    }
    const observationKinds = requestedKinds.length > 0 ? [...new Set(requestedKinds)] : described.defaultObservationKinds;
    const maxSteps = maxStepsOverride ?? described.maxSteps;
    const spec = toProtoSpec({ ...described, maxSteps });
    const canonical = JSON.stringify(raw);
    return {
      definition,
      config,
      configJson: canonical,
      configKey: definition.configKey(config),
      observationKinds,
      observationOptions,
      defaultView: resolveView(observationKinds, observationOptions),
      maxSteps,
      acceptedKinds: new Set(described.action.kinds),
      cloneSupport: described.cloneSupport,
      spec,
      // Strings in the spec and config, twice over for the parsed copies, plus object overhead.
      bytes: 2 * (EnvSpec.encode(spec).finish().length + canonical.length) + 2048,
    };
  }
}

export function toKind(kind: number): ObservationKind {
  const k = fromProtoObservationKind(kind);
  if (k === undefined) throw new EnvError("INVALID_ARGUMENT", `observation kind ${kind} is not a valid ObservationKind`);
  return k;
}

export function parseJsonObject(text: string, field: string): Record<string, unknown> {
  if (text.trim() === "") return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new EnvError("INVALID_ARGUMENT", `${field} is not valid JSON: ${clip((err as Error).message, 120)}`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new EnvError("INVALID_ARGUMENT", `${field} must be a JSON object, got ${Array.isArray(value) ? "an array" : typeof value}`);
  }
  return value as Record<string, unknown>;
}
