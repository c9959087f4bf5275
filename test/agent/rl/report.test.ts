/**
 * The Dyna-GRPO report's two claims-checks: Sim Score against success across
 * checkpoints, and what SimRollout's refinement did, read from a run's metrics.
 */
import { describe, expect, it } from "vitest";
import { DYNA_CONFIGS } from "../../../agent/experiment/dyna-grpo-configs.js";
import { lookaheadSummary, runConfig, simSuccessCorrelation, stepsAtCap, summariseRefinement, versusGrpoLines, type CurvePoint } from "../../../agent/experiment/dyna-grpo-experiment.js";
import { CONFIGS } from "../../../agent/experiment/config.js";

describe("dyna-grpo report", () => {
  it("pairs each run with GRPO of its seed, greedy and sampled, and averages the differences over seeds", () => {
    const paired = (diff: number) => ({ diff, ci: { low: diff - 0.05, high: diff + 0.05 }, onlyA: 10, onlyB: 5, p: 0.3 });
    const pair = (seed: number, sampled: number | undefined, diff: number) => ({
      run: `dyna-grpo n_T=3 n_pi=3 seed ${seed}${sampled === undefined ? "" : `, sampled T=${sampled}`}`,
      grpo: `grpo seed ${seed}${sampled === undefined ? "" : `, sampled T=${sampled}`}`,
      split: "hard",
      ...(sampled === undefined ? {} : { sampled }),
      paired: paired(diff),
    });
    const md = versusGrpoLines([pair(1, undefined, 0.02), pair(1, 1, -0.1), pair(2, undefined, 0.04), pair(2, 1, -0.06)]).join("\n");
    expect(md).toContain("| dyna-grpo n_T=3 n_pi=3 seed 2, sampled T=1 | grpo seed 2, sampled T=1 | hard | sampled T=1 | −6.0 [−11.0, −1.0]; p = 0.300 (10 won, 5 lost to GRPO) |");
    // Greedy and sampled are averaged apart: (2 + 4) / 2 and (−10 − 6) / 2, with a t interval over the two seeds.
    expect(md).toMatch(/\| dyna-grpo n_T=3 n_pi=3 \| hard \| greedy \| 2 \| \+3\.0 \[−9\.7, \+15\.7\] \|/);
    expect(md).toMatch(/\| dyna-grpo n_T=3 n_pi=3 \| hard \| sampled T=1 \| 2 \| −8\.0 \[−33\.4, \+17\.4\] \|/);
    // One seed has no spread: no mean line.
    expect(versusGrpoLines([pair(1, undefined, 0.02)]).join("\n")).not.toContain("Over RL seeds");
  });

  it("correlates Sim Score with success over the checkpoints that have a Sim Score", () => {
    const pts: CurvePoint[] = [
      { run: "a", agentSteps: 0, success: 0.1, simScore: 0.2 },
      { run: "a", agentSteps: 10, success: 0.2, simScore: 0.3 },
      { run: "b", agentSteps: 10, success: 0.3, simScore: 0.5 },
      { run: "b", agentSteps: 20, success: 0.5, simScore: 0.6 },
      { run: "b", agentSteps: 30, success: 0.9, simScore: null },
    ];
    const c = simSuccessCorrelation(pts)!;
    expect(c.n).toBe(4);
    expect(c.r).toBeGreaterThan(0.9);
    expect(simSuccessCorrelation(pts.slice(0, 3))).toBeUndefined();
  });

  it("summarises refinement over the iterations that refined something", () => {
    const lines = [
      { kind: "iteration", refined: 4, refineAnswerChanged: 1, refinedRejected: 3, refineInputTokens: 600, refinementGain: 2, simScore: 0.2, refinedSimScore: 0.4 },
      { kind: "iteration", refined: 2, refineAnswerChanged: 2, refinedRejected: 0, refineInputTokens: 400, refinementGain: -1, simScore: 0.4, refinedSimScore: 0.6 },
      { kind: "iteration", refined: 0, refineAnswerChanged: 0, refinementGain: null, simScore: 0.9, refinedSimScore: null },
    ]
      .map((m) => JSON.stringify(m))
      .join("\n");
    const s = summariseRefinement(lines + "\n");
    expect(s.iterations).toBe(2);
    expect(s.refined).toBe(6);
    expect(s.answerChanged).toBe(3);
    expect(s.rejected).toBe(3);
    expect(s.inputTokens).toBe(500);
    expect(s.meanGain?.mean).toBe(0.5);
    expect(s.simFirst).toBeCloseTo(0.3, 12);
    expect(s.simRefined).toBeCloseTo(0.5, 12);
    expect(s.lookahead).toBeUndefined();
    // With SimRollout's random lookahead: totals over the iterations.
    const withLookahead = summariseRefinement(
      [
        { refined: 10, refineAnswerChanged: 6, lookaheads: 9, lookaheadDeadEnds: 5, lookaheadDeadEndsChanged: 4 },
        { refined: 4, refineAnswerChanged: 1, lookaheads: 4, lookaheadDeadEnds: 1, lookaheadDeadEndsChanged: 0 },
      ]
        .map((m) => JSON.stringify(m))
        .join("\n"),
    );
    expect(withLookahead.lookahead).toEqual({ shown: 13, deadEnds: 6, deadEndsChanged: 4 });
    // Metrics without the count of changes among lookaheads: after a dead end 4 of 6; after every other refined response (7 − 4) of 8.
    expect(lookaheadSummary("run", withLookahead)).toBe(
      "**Random lookahead (run):** shown with 13 of 14 refined responses; no continuation reached the goal in 6 (46.2%); the answer changed after 66.7% of those and after 37.5% of the other refined responses (with or without a lookahead).",
    );
    // With it: the other lookaheads only, (6 − 4) of 13 − 6, leaving out the refined response shown none.
    const counted = summariseRefinement(
      [
        { refined: 10, refineAnswerChanged: 6, lookaheads: 9, lookaheadChanged: 5, lookaheadDeadEnds: 5, lookaheadDeadEndsChanged: 4 },
        { refined: 4, refineAnswerChanged: 1, lookaheads: 4, lookaheadChanged: 1, lookaheadDeadEnds: 1, lookaheadDeadEndsChanged: 0 },
      ]
        .map((m) => JSON.stringify(m))
        .join("\n"),
    );
    expect(counted.lookahead).toEqual({ shown: 13, changed: 6, deadEnds: 6, deadEndsChanged: 4 });
    expect(lookaheadSummary("run", counted)).toMatch(/the answer changed after 66\.7% of those and after 28\.6% of the other lookaheads\.$/);
    // After every first action: how often a best action was drafted and answered after refinement.
    const everyAction = summariseRefinement(
      [
        { refined: 10, refineAnswerChanged: 6, lookaheads: 9, lookaheadDeadEnds: 5, lookaheadDeadEndsChanged: 4, lookaheadInformative: 6, lookaheadDraftBest: 2, lookaheadRefinedBest: 4 },
        { refined: 4, refineAnswerChanged: 1, lookaheads: 4, lookaheadDeadEnds: 1, lookaheadDeadEndsChanged: 0, lookaheadInformative: 2, lookaheadDraftBest: 1, lookaheadRefinedBest: 2 },
      ]
        .map((m) => JSON.stringify(m))
        .join("\n"),
    );
    expect(everyAction.lookahead).toEqual({ shown: 13, deadEnds: 6, deadEndsChanged: 4, best: { informative: 8, draft: 3, refined: 6 } });
    expect(lookaheadSummary("run", everyAction)).toMatch(/ Some first action's random play reached the goal in 8 \(61\.5%\); there the draft answered with a best such action in 37\.5% and the refined response in 75\.0%\.$/);
    expect(summariseRefinement("").iterations).toBe(0);
    // Metrics written before the count existed: unknown, not zero.
    expect(summariseRefinement(JSON.stringify({ kind: "iteration", refined: 1 })).rejected).toBeNull();
  });

  it("places a curve point at the steps the run had when it reached the cap, also when a rerun resumes a finished run", () => {
    const metrics = [10, 45, 130, 290, 574, 700, 1036, 1593].map((t) => JSON.stringify({ kind: "iteration", totalAgentSteps: t })).join("\n") + "\n";
    expect(stepsAtCap(metrics, 500)).toBe(574);
    expect(stepsAtCap(metrics, 1000)).toBe(1036);
    expect(stepsAtCap(metrics, 1500)).toBe(1593);
    // A run stopped early (no iteration reached the cap): its last count.
    expect(stepsAtCap(metrics, 5000)).toBe(1593);
  });

  it("trains every RL seed on tasks no evaluation split and no SFT collection uses", () => {
    for (const cfg of Object.values(DYNA_CONFIGS)) {
      for (const seed of [0, 1, 2, 9]) {
        const rl = runConfig(cfg, "grpo", seed, cfg.budget);
        // Every iteration draws groupsPerIteration seeds; the budget bounds the iterations.
        const first = rl.seedStart;
        const last = first + rl.iterations * rl.groupsPerIteration;
        for (const split of cfg.splits) {
          const lo = split.seedStart;
          const hi = lo + cfg.evalEpisodes;
          expect(last <= lo || first >= hi, `${cfg.name} seed ${seed} vs ${split.name}`).toBe(true);
        }
        for (const exp of Object.values(CONFIGS))
          for (const e of exp.envs) expect(first >= e.trainSeedStart + e.trainEpisodes, `${cfg.name} vs SFT data of ${exp.name}`).toBe(true);
        const other = runConfig(cfg, "grpo", seed + 1, cfg.budget);
        expect(last <= other.seedStart, `${cfg.name}: seeds ${seed} and ${seed + 1} share tasks`).toBe(true);
      }
    }
  });

  it("runs an answers-only start without plans", () => {
    const cfg = DYNA_CONFIGS["sokoban-action"]!;
    expect(runConfig(cfg, "rloo", 0, 100).simulates).toBe(false);
    expect(runConfig(DYNA_CONFIGS.sokoban!, "rloo", 0, 100).simulates).toBe(true);
  });
});
