/**
 * How an episode ends, compared with gym-sokoban, whose step returns one `done`
 * (all boxes on targets, or num_env_steps == max_steps): here `terminated` is "solved"
 * and `truncated` is "out of steps and not solved", so gym's done = terminated || truncated,
 * and a level solved on exactly the last step is terminated (not truncated) with the full
 * 10.9 reward, as gym reports done with that reward.
 */
import { describe, expect, it } from "vitest";
import { parseBoxoban } from "../../adapters/sokoban/boxoban.js";
import { parseSokobanConfig, type LevelLibrary } from "../../adapters/sokoban/config.js";
import { SokobanEnv } from "../../adapters/sokoban/env.js";
import { Episode } from "../../env-server/core/episode.js";
import { idx } from "./helpers.js";

/** One Boxoban level: pushing right once solves it. */
const LIBRARY: LevelLibrary = { names: ["lv"], levels: () => parseBoxoban(["; 0", "######", "#@$ .#", "######"].join("\n"), "lv.txt") };
const PUSH_RIGHT = idx(4);
const NOOP = idx(0);

function episode(raw: Record<string, unknown>): Episode {
  const config = parseSokobanConfig({ levels: "lv", report_optimal: false, ...raw }, LIBRARY);
  const ep = new Episode(new SokobanEnv(config), config.maxSteps, { text: true, image: false, uiElements: false });
  ep.reset(0, {});
  return ep;
}

describe("sokoban episode end (gym's done)", () => {
  it("a Boxoban level solved on exactly the last step is terminated with 10.9, not truncated", async () => {
    const ep = episode({ max_steps: 3 });
    for (const action of [NOOP, PUSH_RIGHT]) {
      const r = await ep.step(action);
      expect(r).toMatchObject({ terminated: false, truncated: false });
    }
    const last = await ep.step(PUSH_RIGHT);
    expect(last.stepIndex).toBe(3);
    expect(last.reward).toBeCloseTo(10.9, 10);
    expect(last).toMatchObject({ terminated: true, truncated: false });
  });

  it("unsolved at the default 120 steps (gym's BoxobanEnv) is truncated", async () => {
    const ep = episode({});
    for (let i = 1; i < 120; i++) expect(await ep.step(NOOP)).toMatchObject({ terminated: false, truncated: false });
    const last = await ep.step(NOOP);
    expect(last.reward).toBeCloseTo(-0.1, 10);
    expect(last).toMatchObject({ stepIndex: 120, terminated: false, truncated: true });
  });
});
