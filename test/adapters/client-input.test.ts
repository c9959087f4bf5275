import { describe, expect, it } from "vitest";
import { EnvError } from "../../adapters/contract.js";
import { parseAlfworldConfig } from "../../adapters/alfworld/config.js";
import { parseClientConfig, type ClientBounds } from "../../adapters/dream/config.js";
import { parseResetOptions, parseSokobanConfig } from "../../adapters/sokoban/config.js";

const bounds: ClientBounds = { models: ["nearest-neighbour"], buffers: ["live"], bases: ["sokoban"], maxTokens: 1024 };

function refusal(f: () => unknown): EnvError {
  try {
    f();
  } catch (err) {
    return err as EnvError;
  }
  throw new Error("expected a refusal");
}

describe("a client's config and reset options, one wording for every environment", () => {
  it("names the env, the input and the field", () => {
    expect(refusal(() => parseSokobanConfig({ dim_room: "big" })).message).toMatch(/^invalid sokoban config: /);
    expect(refusal(() => parseResetOptions({ level: -1 })).message).toMatch(/^invalid sokoban reset options: level: /);
    expect(refusal(() => parseAlfworldConfig({ max_steps: "x" })).message).toMatch(/^invalid alfworld config: /);
    const e = refusal(() => parseClientConfig({ base: "sokoban", k: 99 }, bounds));
    expect(e.reason).toBe("INVALID_ARGUMENT");
    expect(e.message).toMatch(/^invalid dream config: k: /);
  });

  it("cuts a stranger's unknown keys and the whole message short", () => {
    const keys = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`${"k".repeat(5000)}${i}`, 1]));
    for (const f of [() => parseSokobanConfig(keys), () => parseAlfworldConfig(keys), () => parseClientConfig({ base: "sokoban", ...keys }, bounds)]) {
      const e = refusal(f);
      expect(e.reason).toBe("INVALID_ARGUMENT");
      expect(e.message).toMatch(/unknown field\(s\)/);
      expect(e.message.length).toBeLessThanOrEqual(1000);
    }
  });
});
