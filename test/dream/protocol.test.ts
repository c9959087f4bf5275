/** The dream env over the wire: clients see `learned`, and a session wrapping ALFWorld plays and expands. */
import { describe, expect, it } from "vitest";
import { alfworldDefinition } from "../../adapters/alfworld/definition.js";
import type { Observation } from "../../adapters/contract.js";
import { rejection, useTestServer } from "../support/server.js";

const ctx = useTestServer();

describe("dream over the protocol", () => {
  it("marks only learned environments as learned in ListEnvs", async () => {
    const specs = await ctx.client.listEnvs();
    expect(specs.find((s) => s.id === "dream")!.learned).toBe(true);
    for (const s of specs.filter((x) => x.id !== "dream")) expect(s.learned, s.id).toBe(false);
  });

  it("wraps ALFWorld: a real first observation, any printable command, Expand as stepping", async () => {
    const s = await ctx.client.createSession("dream", { config: { base: "alfworld", k: 2 } });
    expect(s.spec.learned).toBe(true);
    const first = await s.reset(42);
    // The default live buffer: 32 episodes of at most 40 real steps, counted for sim-to-real comparisons.
    expect(first.info).toMatchObject({ learned: true, base: "alfworld" });
    expect(first.info.buffer_transitions).toBeGreaterThan(0);
    expect(first.info.buffer_transitions).toBeLessThanOrEqual(32 * 40);
    const real = alfworldDefinition.create(alfworldDefinition.parseConfig({}));
    real.reset(42, {});
    expect(first.observation.text).toBe((real.observe({ text: true, image: false, uiElements: false }) as Observation).text);
    const [branch] = await s.expand([["look", "inventory"]]);
    const a = await s.step("look");
    const b = await s.step("inventory");
    expect(branch!.steps.map((x) => x.observation.text)).toEqual([a.observation.text, b.observation.text]);
    expect(a.info).toMatchObject({ learned: true, model: "nearest-neighbour" });
    expect((await rejection(s.step("\u0007bell"))).reason).toBe("INVALID_ACTION");
    await s.close();
  });

  it("refuses a client config that names a URL or a path", async () => {
    for (const config of [{ model: "http://127.0.0.1:1/v1" }, { endpoint: "http://127.0.0.1:1/v1" }, { buffer: "/etc" }]) {
      expect((await rejection(ctx.client.createSession("dream", { config }))).reason).toBe("INVALID_ARGUMENT");
    }
  });
});
