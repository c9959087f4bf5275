/** The report's intervals: Wilson for rates, normal for means. */
import { describe, expect, it } from "vitest";
import { meanInterval, meanTInterval, pairedSuccess, pearson, wilson } from "../../../agent/experiment/stats.js";

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

  it("Pearson's r with a Fisher-z interval, and no estimate without 4 points or without spread", () => {
    // Hand-computed: sxy = 6, sxx = 10, syy = 6 → r = 6/√60; z = atanh(r), half-width 1.96/√2.
    const c = pearson([1, 2, 3, 4, 5], [2, 4, 5, 4, 5])!;
    expect(c.r).toBeCloseTo(0.7746, 4);
    expect(c.n).toBe(5);
    expect(c.ci.low).toBeCloseTo(-0.3401, 3);
    expect(c.ci.high).toBeCloseTo(0.9844, 3);
    expect(pearson([1, 2, 3, 4], [4, 3, 2, 1])!.r).toBeCloseTo(-1, 12);
    expect(pearson([1, 2, 3], [1, 2, 3])).toBeUndefined();
    expect(pearson([1, 1, 1, 1], [1, 2, 3, 4])).toBeUndefined();
    expect(() => pearson([1, 2], [1])).toThrow(/2 x values but 1 y values/);
  });

  it("paired success: the difference on the same episodes, its interval, and McNemar's exact p", () => {
    const a = [...Array(8).fill(true), false, false];
    const b = [...Array(8).fill(false), true, true];
    const r = pairedSuccess(a, b);
    expect([r.onlyA, r.onlyB, r.diff]).toEqual([8, 2, 0.6]);
    // half-width 1.96 · √(10 − 6²/10) / 10; p = 2 · (1 + 10 + 45) / 2¹⁰
    expect(r.ci.high - r.diff).toBeCloseTo(0.49585, 4);
    expect(r.p).toBeCloseTo(0.109375, 10);
    expect(pairedSuccess([true, true, true, true, true, true], [false, false, false, false, false, false]).p).toBeCloseTo(0.03125, 10);
    // Episodes both solved (or both failed) carry no evidence either way.
    expect(pairedSuccess([true, false, true], [true, false, true])).toMatchObject({ diff: 0, p: 1 });
    expect(() => pairedSuccess([true], [])).toThrow(/1 episodes against 0/);
  });

  it("t interval over a few seeds: t(0.975, 2) = 4.303 for three values, none for one", () => {
    const m = meanTInterval([0.205, 0.215, 0.205])!;
    expect(m.mean).toBeCloseTo(0.20833, 5);
    // sd = 0.005774; half = 4.303 · sd / √3
    expect(m.ci.high - m.mean).toBeCloseTo(0.014344, 5);
    expect(meanTInterval([0.2])).toBeUndefined();
  });
});
