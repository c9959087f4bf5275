/**
 * The Dyna-GRPO report's two claims-checks: Sim Score against success across
 * checkpoints, and what SimRollout's refinement did, read from a run's metrics.
 */
import { describe, expect, it } from "vitest";
import { simSuccessCorrelation, summariseRefinement, type CurvePoint } from "../../../agent/experiment/dyna-grpo-experiment.js";

describe("dyna-grpo report", () => {
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
      { kind: "iteration", refined: 4, refineAnswerChanged: 1, refinementGain: 2, simScore: 0.2, refinedSimScore: 0.4 },
      { kind: "iteration", refined: 2, refineAnswerChanged: 2, refinementGain: -1, simScore: 0.4, refinedSimScore: 0.6 },
      { kind: "iteration", refined: 0, refineAnswerChanged: 0, refinementGain: null, simScore: 0.9, refinedSimScore: null },
    ]
      .map((m) => JSON.stringify(m))
      .join("\n");
    const s = summariseRefinement(lines + "\n");
    expect(s.iterations).toBe(2);
    expect(s.refined).toBe(6);
    expect(s.answerChanged).toBe(3);
    expect(s.meanGain?.mean).toBe(0.5);
    expect(s.simFirst).toBeCloseTo(0.3, 12);
    expect(s.simRefined).toBeCloseTo(0.5, 12);
    expect(summariseRefinement("").iterations).toBe(0);
  });
});
