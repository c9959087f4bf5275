/** The android benches' latency figures: pooled percentiles and the spread of each repetition's p50. */
import { describe, expect, it } from "vitest";
import { latencySummary, percentile, perRepetition } from "../../bench/latency-summary.js";

describe("latency summary", () => {
  it("pools percentiles over repetitions and gives the median and min–max of their p50s", () => {
    const reps = [
      [10, 11, 12],
      [20, 21, 22],
      [30.04, 31, 32],
    ];
    expect(latencySummary(reps)).toEqual({ p50_ms: 21, p90_ms: 32, n: 9, p50_per_repetition_ms: { median: 21, min: 11, max: 31, repetitions: 3 } });
    // An even count takes the lower middle, so the median is a measured repetition's p50.
    expect(latencySummary([[5], [1], [9], [3]]).p50_per_repetition_ms).toEqual({ median: 3, min: 1, max: 9, repetitions: 4 });
    expect(percentile([1.26, 0.5], 50)).toBe(1.3);
  });

  it("leaves empty repetitions out of the spread and says when there is none", () => {
    expect(latencySummary([[4], []]).p50_per_repetition_ms).toEqual({ median: 4, min: 4, max: 4, repetitions: 1 });
    expect(latencySummary(perRepetition(2)).p50_per_repetition_ms).toBeNull();
    expect(perRepetition(3)).toEqual([[], [], []]);
  });
});
