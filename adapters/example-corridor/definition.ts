/**
 * The template adapter: a corridor of `length` cells; the agent starts at a seeded
 * position and must reach the exit at the right end. Small on purpose — copy this
 * folder to start a new environment (see docs/new-environment.md). It is not in the
 * built-in registry; the conformance suite registers it to keep the template honest.
 */
import { z } from "zod";
import { EnvError, type Action, type EnvDefinition, type Environment, type Observation, type Transition } from "../contract.js";
import { shortName } from "../kit/short-text.js";
import { hashString } from "../kit/hash.js";
import { Rng } from "../kit/rng.js";

// 1. Config: validate with zod so bad input becomes one clear INVALID_ARGUMENT.
const configSchema = z.strictObject({ length: z.number().int().min(2).max(1000).default(8) });
type CorridorConfig = z.infer<typeof configSchema>;

// 2. State: everything that decides the future, as a small immutable value.
interface CorridorState {
  readonly position: number;
}

const COMMANDS = ["left", "right"] as const;

class CorridorEnv implements Environment<CorridorState> {
  private position = -1;

  constructor(private readonly config: CorridorConfig) {}

  // 3. Reset: everything random comes from an Rng seeded by the episode seed only.
  reset(seed: number): Record<string, unknown> {
    this.position = Rng.fromSeed(seed).int(this.config.length - 1);
    return { start: this.position };
  }

  // 4. Step: validate first, then mutate; a thrown EnvError must leave the state untouched.
  step(action: Action): Transition {
    const move = action.$case === "index" ? action.index : action.$case === "text" ? COMMANDS.indexOf(action.text.trim().toLowerCase() as never) : -1;
    if (move !== 0 && move !== 1) throw new EnvError("INVALID_ACTION", `answer "left" or "right" (or index 0 or 1)`);
    this.position = Math.max(0, this.position + (move === 1 ? 1 : -1));
    const done = this.position === this.config.length - 1;
    return { reward: done ? 1 : -0.01, terminated: done, info: undefined };
  }

  // 5. Observe: text for LLMs, valid actions, and a fingerprint equal for equal states.
  observe(): Observation {
    const text = Array.from({ length: this.config.length }, (_, i) => (i === this.position ? "A" : i === this.config.length - 1 ? "E" : "_")).join("");
    return { text, image: undefined, uiElements: [], validActions: COMMANDS, fingerprint: hashString(text) };
  }

  // 6. Clone/restore: values, never shared mutable objects.
  cloneState(): CorridorState {
    return { position: this.position };
  }

  restoreState(state: CorridorState): void {
    this.position = state.position;
  }

  stateSize(): number {
    return 16;
  }

  // 7. Portable bytes: validate everything on decode.
  encodeState(state: CorridorState): Uint8Array {
    return Uint8Array.of(state.position & 255, state.position >> 8);
  }

  decodeState(bytes: Uint8Array): CorridorState {
    const position = bytes.length === 2 ? bytes[0]! | (bytes[1]! << 8) : -1;
    if (position < 0 || position >= this.config.length) throw new EnvError("STATE_INVALID", "not a corridor state for this length");
    return { position };
  }
}

// 8. The definition: spec (for ListEnvs and agents), config parsing, and a factory.
export const corridorDefinition: EnvDefinition<CorridorConfig> = {
  id: "example-corridor",
  describe: (config) => ({
    id: "example-corridor",
    version: "1.0.0",
    description: "Walk right to the exit of a corridor (the template adapter).",
    observationKinds: ["text"],
    defaultObservationKinds: ["text"],
    action: { kinds: ["text", "index"], discreteNames: ["left", "right"], textFormat: "left | right", jsonSchema: undefined },
    cloneSupport: "portable",
    maxSteps: 4 * (config?.length ?? 8),
    instructions:
      "You are A in a corridor drawn as a row of cells; E is the exit. Each turn answer left or right. " +
      "Reaching the exit ends the episode with reward 1; every other step costs 0.01.",
    tasks: [],
    configSchema: z.toJSONSchema(configSchema) as Record<string, unknown>,
    resetOptionsSchema: { type: "object", additionalProperties: false },
  }),
  parseConfig: (raw) => {
    const parsed = configSchema.safeParse(raw ?? {});
    if (!parsed.success) throw new EnvError("INVALID_ARGUMENT", `example-corridor config: ${shortName(z.prettifyError(parsed.error), 600)}`);
    return parsed.data;
  },
  configKey: (config) => String(config.length),
  create: (config) => new CorridorEnv(config),
};
