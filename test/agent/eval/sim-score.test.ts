/** The Sim Score scores what changed, and copying the current state scores 0 on every change. */
import { describe, expect, it } from "vitest";
import { scoreResponse, scoreStep, simScore } from "../../../agent/eval/sim-score.js";
import { writeResponse, type SimulatedPlan } from "../../../agent/format/response.js";
import { useTestServer } from "../../support/server.js";

const grid = (...rows: string[]) => rows.join("\n");

// A push to the right: the player, the box and the floor behind them change (3 cells).
const before = grid("######", "#PX__#", "#_O__#", "######");
const after = grid("######", "#_PX_#", "#_O__#", "######");

describe("scoreStep on grids", () => {
  it("scores a perfect prediction 1 and copying 0", () => {
    expect(scoreStep(before, after, after)).toEqual({ kind: "grid", changed: 1, copy: 0, similarity: 1, exact: true });
    const copy = scoreStep(before, after, before);
    expect(copy.changed).toBe(0);
    expect(copy.copy).toBe(0);
    expect(copy.similarity).toBeGreaterThan(0.85); // what the old score gave for simulating nothing
  });

  it("scores the fraction of changed cells right", () => {
    // The box forgotten: 2 of the 3 changed cells right.
    expect(scoreStep(before, after, grid("######", "#_P__#", "#_O__#", "######")).changed).toBeCloseTo(2 / 3);
    // Moved the player but not the box: only the old player cell is right.
    expect(scoreStep(before, after, grid("######", "#_X__#", "#_O__#", "######")).changed).toBeCloseTo(1 / 3);
  });

  it("does not score unchanged cells, but exact does", () => {
    const s = scoreStep(before, after, grid("######", "#_PX_#", "#____#", "######"));
    expect(s.changed).toBe(1);
    expect(s.exact).toBe(false);
    expect(s.similarity).toBeLessThan(1);
  });

  it("scores a prediction of the wrong shape 0", () => {
    expect(scoreStep(before, after, grid("######", "#_PX_#", "#_O__#")).changed).toBe(0);
    expect(scoreStep(before, after, grid("######", "#_PX_##", "#_O__#", "######")).changed).toBe(0);
    expect(scoreStep(before, after, "").changed).toBe(0);
  });

  it("counts cells in code points (a wide symbol is one cell)", () => {
    const s = scoreStep(grid("#P√#", "####"), grid("#_√#", "####"), grid("#_√#", "####"));
    expect(s.kind).toBe("grid");
    expect(s.changed).toBe(1);
  });
});

describe("scoreStep on unchanged steps", () => {
  it("is correct iff the prediction is the real state; copying is then right", () => {
    expect(scoreStep(before, before, before)).toEqual({ kind: "unchanged", changed: 1, copy: 1, similarity: 1, exact: true });
    const wrong = scoreStep(before, before, after);
    expect([wrong.kind, wrong.changed, wrong.copy]).toEqual(["unchanged", 0, 1]);
  });
});

describe("scoreStep on other text (lines)", () => {
  const prev = "button OK\ntext Hello\nmenu";
  const real = "button OK\ntext Goodbye\nmenu\nicon star";

  it("scores a perfect prediction 1 and copying 0", () => {
    expect(scoreStep(prev, real, real)).toMatchObject({ kind: "lines", changed: 1, copy: 0, exact: true });
    expect(scoreStep(prev, real, prev).changed).toBe(0);
  });

  it("is the F1 of predicted new lines against real new lines", () => {
    // One of the two new lines, nothing else new: precision 1, recall 1/2.
    expect(scoreStep(prev, real, "button OK\ntext Goodbye\nmenu").changed).toBeCloseTo(2 / 3);
    // Both new lines plus a hallucinated one: precision 2/3, recall 1.
    expect(scoreStep(prev, real, `${real}\nbutton Cancel`).changed).toBeCloseTo(0.8);
    // Only a hallucinated line: 0.
    expect(scoreStep(prev, real, `${prev}\nbutton Cancel`).changed).toBe(0);
    // A duplicated new line is one too many.
    expect(scoreStep(prev, real, `${real}\nicon star`).changed).toBeCloseTo(0.8);
  });

  it("ignores line order and trailing whitespace in the F1 (exact does not)", () => {
    const s = scoreStep(prev, real, "icon star  \nmenu\n\ntext Goodbye\nbutton OK");
    expect(s.changed).toBe(1);
    expect(s.exact).toBe(false);
  });

  it("needs the exact text when the step only removed or reordered lines", () => {
    const removed = "button OK\nmenu";
    expect(scoreStep(prev, removed, removed).changed).toBe(1);
    expect(scoreStep(prev, removed, "menu\nbutton OK").changed).toBe(0);
    expect(scoreStep(prev, removed, prev).changed).toBe(0);
    const reordered = "menu\nbutton OK\ntext Hello";
    expect(scoreStep(prev, reordered, prev).changed).toBe(0);
    expect(scoreStep(prev, reordered, reordered).changed).toBe(1);
  });

  it("gives one-line prose no credit for a wrong or empty prediction", () => {
    const p = "You are in the middle of a room.";
    const r = "You arrive at drawer 1. The drawer 1 is closed.";
    expect(scoreStep(p, r, "You arrive at drawer 2. The drawer 2 is open.").changed).toBe(0);
    expect(scoreStep(p, r, "").changed).toBe(0);
    expect(scoreStep(p, r, r).changed).toBe(1);
  });

  it("decides by shape, not by environment: one line of equal length is not a grid", () => {
    expect(scoreStep("abc", "abd", "abd").kind).toBe("lines");
    expect(scoreStep("ab\ncd", "ab\nce", "ab\nce").kind).toBe("grid");
    expect(scoreStep("ab\ncd", "ab\ncde", "ab\ncde").kind).toBe("lines");
  });
});

describe("copying the current state", () => {
  // A small deterministic generator, so failures reproduce.
  let seed = 12345;
  const rand = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  const symbols = "#_OX√PS";

  it("scores 0 on every changed step, grids and lines alike", () => {
    for (let t = 0; t < 500; t++) {
      let prev: string;
      let real: string;
      if (t % 2 === 0) {
        const h = 2 + rand(5);
        const w = 1 + rand(7);
        const rows = Array.from({ length: h }, () => Array.from({ length: w }, () => symbols[rand(symbols.length)]!));
        prev = rows.map((r) => r.join("")).join("\n");
        const changes = rand(4);
        for (let k = 0; k < changes; k++) rows[rand(h)]![rand(w)] = symbols[rand(symbols.length)]!;
        real = rows.map((r) => r.join("")).join("\n");
      } else {
        const words = ["a", "bb", "ccc", "dd d", "e", ""];
        const lines = Array.from({ length: rand(6) }, () => words[rand(words.length)]!);
        prev = lines.join("\n");
        const next = [...lines];
        if (rand(2)) next.splice(rand(next.length + 1), 0, words[rand(words.length)]!);
        if (rand(2) && next.length) next.splice(rand(next.length), 1);
        if (rand(2)) next.reverse();
        real = next.join("\n");
      }
      const s = scoreStep(prev, real, prev);
      if (prev === real) expect([s.kind, s.changed, s.copy]).toEqual(["unchanged", 1, 1]);
      else expect([s.changed, s.copy], `${JSON.stringify(prev)} -> ${JSON.stringify(real)}`).toEqual([0, 0]);
    }
  });
});

describe("scoreResponse", () => {
  // A second push to the right.
  const further = grid("######", "#__PX#", "#_O__#", "######");

  it("chains each plan's steps: prev is the previous real state", () => {
    const s = scoreResponse(before, [{ predicted: [after, further], real: [after, further] }]);
    expect([s.changed, s.copyBaseline, s.similarity, s.exact]).toEqual([1, 0, 1, 1]);
    expect([s.steps, s.changedSteps, s.gridSteps, s.unchangedSteps]).toEqual([2, 2, 2, 0]);
    // Copying the previous real state at every step is the baseline, and scores it.
    const copy = scoreResponse(before, [{ predicted: [before, after], real: [after, further] }]);
    expect(copy.changed).toBe(0);
    expect(copy.similarity).toBeGreaterThan(0.8);
  });

  it("gives the copy baseline its due on unchanged steps (a move into a wall)", () => {
    const s = scoreResponse(before, [{ predicted: [after, after], real: [after, after] }]);
    expect([s.changed, s.copyBaseline, s.unchangedSteps, s.changedSteps]).toEqual([1, 0.5, 1, 1]);
  });

  it("averages steps within a plan and plans within a response", () => {
    const s = scoreResponse(before, [
      { predicted: [after], real: [after] }, // 1
      { predicted: [before, further], real: [after, further] }, // (0 + 1) / 2
    ]);
    expect(s.changed).toBeCloseTo(0.75);
    expect(s.plans).toBe(2);
  });

  it("scores steps past the real end 0, for the prediction and the baseline", () => {
    const s = scoreResponse(before, [{ predicted: [after, further, further], real: [after] }]);
    expect(s.changed).toBeCloseTo(1 / 3);
    expect(s.copyBaseline).toBe(0);
    expect([s.steps, s.pastEndSteps, s.changedSteps]).toEqual([3, 2, 1]);
  });

  it("scores a rejected plan 0 without zeroing the others, and a response without plans not at all", () => {
    const s = scoreResponse(before, [
      { predicted: [after], real: [after] },
      { predicted: [after], real: null },
    ]);
    expect([s.changed, s.similarity, s.invalidPlans, s.steps]).toEqual([0.5, 0.5, 1, 1]);
    const none = scoreResponse(before, []);
    expect([none.changed, none.copyBaseline, none.similarity, none.plans]).toEqual([undefined, undefined, undefined, 0]);
  });
});

describe("simScore over a real server", () => {
  const ctx = useTestServer();
  const directions = ["Up", "Down", "Left", "Right"];
  const respond = (plans: SimulatedPlan[]) => writeResponse(plans, "Plan 1 it is.", plans[0]!.steps[0]!.action);

  it("scores the true future 1 and a copy of the current state 0, whose old similarity is high", async () => {
    const session = await ctx.client.createSession("sokoban", { config: { preset: "6x6-1box" } });
    try {
      const start = (await session.reset(2024)).observation.text;
      const sequences = directions.map((d) => [d, d, d]);
      const branches = await session.expand(sequences);
      const truth: SimulatedPlan[] = [];
      const copy: SimulatedPlan[] = [];
      branches.forEach((b, i) => {
        const real = b.steps.map((s) => s.observation.text);
        truth.push({ id: i + 1, value: 0.5, steps: real.map((state, j) => ({ action: sequences[i]![j]!, state })) });
        copy.push({ id: i + 1, value: 0.5, steps: real.map((_, j) => ({ action: sequences[i]![j]!, state: j === 0 ? start : real[j - 1]! })) });
      });

      const t = await simScore(session, respond(truth), { start });
      expect([t.changed, t.similarity, t.exact]).toEqual([1, 1, 1]);
      expect(t.steps).toBe(branches.reduce((a, b) => a + b.steps.length, 0));
      expect(t.changedSteps).toBe(t.gridSteps);
      expect(t.changedSteps).toBeGreaterThan(0);

      // Without `start` the scorer reads the start state itself (from a fork).
      const c = await simScore(session, respond(copy));
      expect(c.copyBaseline).toBe(t.copyBaseline);
      expect(c.changed).toBe(c.copyBaseline); // copying is the baseline by definition
      expect(c.changed).toBeLessThan(1);
      expect(c.similarity!).toBeGreaterThan(0.85);

      // One-step plans that all move: every step changed, copying scores exactly 0.
      const moving = branches.map((b, i) => ({ b, i })).filter(({ b }) => b.steps[0]!.observation.text !== start);
      expect(moving.length).toBeGreaterThan(0);
      const copyOne = moving.map(({ i }, k) => ({ id: k + 1, value: 0.5, steps: [{ action: directions[i]!, state: start }] }));
      const one = await simScore(session, respond(copyOne), { start });
      expect([one.changed, one.copyBaseline, one.unchangedSteps]).toEqual([0, 0, 0]);
      expect(one.similarity!).toBeGreaterThan(0.85);
      const old = one.similarity;
      expect(one.score).toBe(old);

      // The session did not move.
      const again = await session.expand([["Up"]]);
      expect(again[0]!.steps[0]!.observation.text).toBe(branches[0]!.steps[0]!.observation.text);
    } finally {
      await session.close();
    }
  });

  it("scores a plan with a rejected action 0 and still scores the others", async () => {
    const session = await ctx.client.createSession("sokoban", { config: { preset: "6x6-1box" } });
    try {
      const start = (await session.reset(7)).observation.text;
      const [b] = await session.expand([["Up"]]);
      const good = { id: 1, value: 1, steps: [{ action: "Up", state: b!.steps[0]!.observation.text }] };
      const bad = { id: 2, value: 1, steps: [{ action: "Fly", state: start }] };
      const s = await simScore(session, respond([good, bad]), { start });
      expect([s.changed, s.similarity, s.invalidPlans, s.plans]).toEqual([0.5, 0.5, 1, 2]);
      expect((await simScore(session, "<answer>Up</answer>", { start })).changed).toBeUndefined();
    } finally {
      await session.close();
    }
  });

  it("scores ALFWorld's prose by its lines (never as a grid), the truth 1 and copying at the baseline", async () => {
    const session = await ctx.client.createSession("alfworld", { config: {} });
    try {
      const first = await session.reset(3);
      const start = first.observation.text;
      const sequences = first.observation.validActions.slice(0, 4).map((a) => [a]);
      const branches = await session.expand(sequences);
      const plan = (i: number, state: (j: number, real: string[]) => string): SimulatedPlan => {
        const real = branches[i]!.steps.map((s) => s.observation.text);
        return { id: i + 1, value: 0.5, steps: real.map((_, j) => ({ action: sequences[i]![j]!, state: state(j, real) })) };
      };
      const t = await simScore(session, respond(branches.map((_, i) => plan(i, (j, real) => real[j]!))), { start });
      expect([t.changed, t.exact, t.gridSteps]).toEqual([1, 1, 0]);
      expect(t.changedSteps).toBeGreaterThan(0);
      const c = await simScore(session, respond(branches.map((_, i) => plan(i, () => start))), { start });
      expect(c.changed).toBe(t.copyBaseline);
      expect(c.changed!).toBeLessThan(1);
    } finally {
      await session.close();
    }
  });
});
