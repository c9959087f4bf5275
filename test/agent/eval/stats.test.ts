/** The report's intervals: Wilson for rates, normal for means. */
import { describe, expect, it } from "vitest";
import { meanInterval, wilson } from "../../../agent/experiment/stats.js";

describe("confidence intervals", () => {
  it("Wilson: known values, and sensible at 0 and 1", () => {
    const half = wilson(50, 100);
    expect(half.low).toBeCloseTo(0.4038, 3);
    expect(half.high).toBeCloseTo(0.5962, 3);
    expect(wilson(0, 200).low).toBe(0);
    expect(wilson(0, 200).high).toBeCloseTo(0.0188, 3);
    expect(wilson(200, 200).high).toBeCloseTo(1, 12);
  });

  it("normal interval of a mean narrows with n", () => {
    const a = meanInterval([0, 1, 0, 1])!;
    const b = meanInterval(Array.from({ length: 400 }, (_, i) => i % 2))!;
    expect(a.mean).toBe(0.5);
    expect(b.ci.high - b.ci.low).toBeLessThan(a.ci.high - a.ci.low);
    expect(meanInterval([])).toBeUndefined();
  });
});
