/** The line chart draws two views of one run (greedy, sampled) in one colour, the second dashed. */
import { describe, expect, it } from "vitest";
import { lineChartSvg } from "../../../agent/experiment/plot.js";

describe("lineChartSvg", () => {
  it("shares a colour between series that name the same palette index and dashes the ones marked dashed", () => {
    const pts = [{ x: 0, y: 0.3 }, { x: 10, y: 0.5 }];
    const svg = lineChartSvg("t", "x", [
      { name: "run", points: pts, color: 0 },
      { name: "other", points: pts, color: 1 },
      { name: "run, sampled", points: pts, color: 0, dashed: true },
    ]);
    const lines = [...svg.matchAll(/<polyline fill="none" stroke="(#[0-9a-f]{6})" stroke-width="2"( stroke-dasharray="6 4")?/g)];
    expect(lines.map((m) => [m[1], m[2] !== undefined])).toEqual([
      [lines[0]![1], false],
      [lines[1]![1], false],
      [lines[0]![1], true],
    ]);
    expect(lines[1]![1]).not.toBe(lines[0]![1]);
  });
});
