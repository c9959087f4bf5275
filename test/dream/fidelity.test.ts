/**
 * The fidelity measurement itself: with a transition model that applies Sokoban's real
 * rules to the state it is shown (a test-only oracle), the dream matches the real env at
 * every depth; with the retrieval-only baseline it does not; the copy baseline is what
 * a simulator that never moves scores. The report is written with its tables.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createDreamDefinition } from "../../adapters/dream/definition.js";
import { formatReply } from "../../adapters/dream/reply.js";
import type { TransitionModel, TransitionRequest } from "../../adapters/dream/model.js";
import { EnvRegistry } from "../../adapters/registry.js";
import { createSokobanDefinition } from "../../adapters/sokoban/definition.js";
import { measureFidelity, writeFidelityReport } from "../../agent/experiment/dream-fidelity.js";
import { envWithRoom } from "../sokoban/helpers.js";
import { useTestServer } from "../support/server.js";

/** Privileged and test-only: the real dynamics, applied to the text state it is given. */
const oracle: TransitionModel = {
  kind: "nearest-neighbour",
  generate(r: TransitionRequest): string {
    const env = envWithRoom(r.state);
    const t = env.step({ $case: "text", text: r.action });
    return formatReply({ nextState: env.observe({ text: true, image: false, uiElements: false }).text, success: t.terminated, validActions: ["Up", "Down", "Left", "Right"] });
  },
};

const registry: EnvRegistry = new EnvRegistry()
  .register("sokoban", async () => createSokobanDefinition(undefined))
  .register("dream", async () => createDreamDefinition(undefined, registry, { models: new Map([["oracle", oracle]]) }));
const ctx = useTestServer({ registry });
const dir = mkdtempSync(join(tmpdir(), "dream-fidelity-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("dream fidelity", () => {
  const base = { base: "sokoban", baseConfig: { preset: "6x6-1box" }, buffer: "live", episodes: 12, depth: 4, seedStart: 5_000_000, seed: 0 };

  it("is exact at every depth for a model that knows the rules, and the copy baseline is what standing still scores", async () => {
    const r = await measureFidelity(ctx.client, { ...base, model: "oracle" });
    expect(r.rows[0]!.n).toBe(12);
    for (const row of r.rows) {
      expect(row.exact.rate).toBe(1);
      expect(row.changed!.mean).toBe(1);
      expect(row.endAgrees.rate).toBe(1);
      expect(row.copyExact.rate).toBeLessThan(1);
    }
    expect(r.malformed).toBe(0);
  });

  it("measures the retrieval-only baseline below the oracle, and writes the report", async () => {
    const nn = await measureFidelity(ctx.client, { ...base, model: "nearest-neighbour" });
    expect(nn.rows[0]!.exact.rate).toBeLessThan(1);
    const file = await writeFidelityReport([{ result: nn, command: "test" }], dir, false);
    const md = readFileSync(file, "utf8");
    expect(md).toMatch(/\| 1 \| 12 \| \d+\.\d% \[/);
    expect(md).toContain("copy start: exact");
  });

  it("gives the same figures whatever the number of episodes played at once", async () => {
    const one = await measureFidelity(ctx.client, { ...base, model: "nearest-neighbour" });
    const lanes = await measureFidelity(ctx.client, { ...base, model: "nearest-neighbour", concurrency: 5 });
    expect(lanes.rows).toEqual(one.rows);
    expect(lanes.malformed).toBe(one.malformed);
  });
});
