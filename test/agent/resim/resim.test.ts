/** ReSim collection over the real server: the data is faithful to the real dynamics. */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { collectResim, type ResimOptions } from "../../../agent/resim/collect.js";
import type { Example } from "../../../agent/resim/dataset.js";
import { simScore, similarity } from "../../../agent/eval/sim-score.js";
import { parseActionText } from "../../../agent/format/prompt.js";
import { parseResponse } from "../../../agent/format/response.js";
import { useTestServer } from "../../support/server.js";
import { PLAN_FUTURE_HEADER } from "../../../agent/format/refinement.js";
import { firstStepResponse, outcomeRefinementExamples } from "../../../agent/train/world-model.js";
import { withWorldModel } from "../../../agent/train/world-model-mix.js";

const ctx = useTestServer();

function options(dir: string, overrides: Partial<ResimOptions> = {}): ResimOptions {
  return {
    envId: "sokoban",
    config: { preset: "6x6-1box" },
    episodes: 4,
    seedStart: 100,
    b: 4,
    d: 4,
    bTrain: 2,
    gamma: 0.9,
    policy: "mixed",
    value: "solver",
    history: 1,
    concurrency: 2,
    out: join(dir, "resim.jsonl"),
    actionOnlyOut: join(dir, "action.jsonl"),
    ...overrides,
  };
}

const read = (path: string): Example[] =>
  readFileSync(path, "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as Example);

describe("ReSim collection", () => {
  it("writes chat examples whose simulated futures are the real ones (Sim Score 1)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "resim-"));
    const summary = await collectResim(ctx.client, options(dir));
    expect(summary.episodes).toBe(4);
    expect(summary.successRate).toBe(1);
    const data = read(join(dir, "resim.jsonl"));
    expect(data).toHaveLength(summary.examples);
    // Replay every episode and check each response against the real environment.
    for (const seed of new Set(data.map((e) => e.metadata.seed))) {
      const session = await ctx.client.createSession("sokoban", { config: { preset: "6x6-1box" } });
      await session.reset(seed);
      const episode = data.filter((e) => e.metadata.seed === seed).sort((a, b) => a.metadata.step - b.metadata.step);
      expect(episode.at(-1)!.metadata.episodeEnd).toBe(true);
      for (const example of episode) {
        expect(example.messages.map((m) => m.role)).toEqual(["system", "user", "assistant"]);
        const parsed = parseResponse(example.messages[2]!.content);
        expect(parsed.plans.length).toBeGreaterThanOrEqual(1);
        expect(parsed.plans.length).toBeLessThanOrEqual(2);
        expect(parsed.answer).toBe(example.metadata.action);
        const score = await simScore(session, example.messages[2]!.content);
        expect(score.score).toBe(1);
        expect(score.exact).toBe(1);
        await session.step(parseActionText(String(example.metadata.action)));
      }
      await session.close();
    }
    // The baseline has the same states and answers, without simulation.
    const baseline = read(join(dir, "action.jsonl"));
    expect(baseline.map((e) => [e.metadata.seed, e.metadata.step, e.metadata.action])).toEqual(data.map((e) => [e.metadata.seed, e.metadata.step, e.metadata.action]));
    for (const e of baseline) {
      expect(e.messages[2]!.content).toBe(`<answer>${e.metadata.action}</answer>`);
      expect(e.messages[0]!.content).not.toMatch(/<plan/);
    }
  });

  it("resumes: episodes already in the file are skipped", async () => {
    const dir = mkdtempSync(join(tmpdir(), "resim-"));
    await collectResim(ctx.client, options(dir, { episodes: 2 }));
    const again = await collectResim(ctx.client, options(dir, { episodes: 3 }));
    expect([again.skipped, again.episodes]).toEqual([2, 1]);
    const seeds = read(join(dir, "resim.jsonl")).filter((e) => e.metadata.episodeEnd).map((e) => e.metadata.seed);
    expect(seeds.sort()).toEqual([100, 101, 102]);
  });

  it("writes episodes in seed order whatever order they finish in: the same bytes with 1 or 4 in flight, resumed or not", async () => {
    const bytes = async (runs: Array<Partial<ResimOptions>>) => {
      const dir = mkdtempSync(join(tmpdir(), "resim-"));
      for (const run of runs) await collectResim(ctx.client, options(dir, { episodes: 6, ...run }));
      return [readFileSync(join(dir, "resim.jsonl"), "utf8"), readFileSync(join(dir, "action.jsonl"), "utf8")];
    };
    const serial = await bytes([{ concurrency: 1 }]);
    const seeds = serial[0]!.trim().split("\n").map((l) => (JSON.parse(l) as Example).metadata.seed);
    expect(seeds).toEqual([...seeds].sort((a, b) => a - b));
    expect(new Set(seeds).size).toBe(6);
    expect(await bytes([{ concurrency: 4 }])).toEqual(serial);
    expect(await bytes([{ concurrency: 4, episodes: 2 }, { concurrency: 4 }])).toEqual(serial);
  });

  it("refuses to resume from a corrupt file, naming the line", async () => {
    const dir = mkdtempSync(join(tmpdir(), "resim-"));
    writeFileSync(join(dir, "resim.jsonl"), '{"messages":[],"metadata":{"env":"sokoban","seed":1,"episodeEnd":true}}\n{oops\n');
    await expect(collectResim(ctx.client, options(dir))).rejects.toThrow(/resim\.jsonl:2: not valid JSON/);
  });

  it("works unchanged on ALFWorld with a random policy and Monte-Carlo values", async () => {
    const dir = mkdtempSync(join(tmpdir(), "resim-"));
    const summary = await collectResim(
      ctx.client,
      options(dir, { envId: "alfworld", config: {}, episodes: 2, policy: "expert", value: "mc", d: 3, b: 3, actionOnlyOut: undefined }),
    );
    expect(summary.successRate).toBe(1);
    const data = read(join(dir, "resim.jsonl"));
    expect(data[0]!.messages[1]!.content).toMatch(/Your task is to/);
  });

  it("shows exactly `history` previous steps in each prompt (none for 0)", async () => {
    for (const history of [0, 1]) {
      const dir = mkdtempSync(join(tmpdir(), "resim-"));
      await collectResim(ctx.client, options(dir, { episodes: 1, history, seedStart: 300, policy: "random" }));
      const prompts = read(join(dir, "resim.jsonl")).map((e) => e.messages[1]!.content);
      prompts.forEach((p, step) => {
        const shown = (p.match(/^Action: /gm) ?? []).length;
        expect(shown).toBe(Math.min(step, history));
      });
    }
  });

  it("with avoidSelfLoops, never shows or takes a plan whose first action leaves the state as it was", async () => {
    const dir = mkdtempSync(join(tmpdir(), "resim-loops-"));
    await collectResim(ctx.client, options(dir, { episodes: 4, b: 16, d: 2, policy: "random", value: "mc", history: 0, promptStyle: "compact", avoidSelfLoops: true, maxEpisodeSteps: 8 }));
    const data = read(join(dir, "resim.jsonl"));
    expect(data.length).toBeGreaterThan(4);
    for (const ex of data) {
      expect(ex.metadata.avoidSelfLoops).toBe(true);
      const state = ex.messages[0]!.content.slice("Current observation:\n".length);
      for (const plan of parseResponse(ex.messages.at(-1)!.content).plans) expect(plan.steps[0]!.state).not.toBe(state);
    }
  });

  it("records every first action's real outcome, which outcome refinement examples show and answer by", async () => {
    const dir = mkdtempSync(join(tmpdir(), "resim-first-"));
    await collectResim(ctx.client, options(dir, { episodes: 3, b: 16, d: 2, policy: "random", value: "mc", history: 0, promptStyle: "compact", avoidSelfLoops: true, maxEpisodeSteps: 10, actionOnlyOut: undefined }));
    const data = read(join(dir, "resim.jsonl"));
    type First = { action: string; state: string; changed: boolean; terminated: boolean; truncated: boolean; success: boolean; visits: number; successes: number };
    // Each recorded next state is the real one: replay the episode and execute each first action from a clone.
    for (const seed of new Set(data.map((e) => e.metadata.seed))) {
      const session = await ctx.client.createSession("sokoban", { config: { preset: "6x6-1box" } });
      await session.reset(seed);
      for (const example of data.filter((e) => e.metadata.seed === seed)) {
        const firsts = example.metadata.firstSteps as First[];
        expect(new Set(firsts.map((f) => f.action)).size).toBe(firsts.length);
        expect(firsts.reduce((n, f) => n + f.visits, 0)).toBe(16);
        const branches = await session.expand(firsts.map((f) => [parseActionText(f.action)]));
        branches.forEach((b, i) => expect(b.steps[0]!.observation.text).toBe(firsts[i]!.state));
        expect(firsts.map((f) => f.changed)).toEqual(firsts.map((f) => f.state !== example.messages[0]!.content.slice("Current observation:\n".length)));
        await session.step(parseActionText(String(example.metadata.action)));
      }
      await session.close();
    }
    const { examples, kept, switched } = outcomeRefinementExamples(data);
    expect(examples).toHaveLength(data.reduce((n, e) => n + (e.metadata.firstSteps as First[]).length, 0));
    expect(kept + switched).toBe(examples.length);
    expect(switched).toBeGreaterThan(0);
    let i = 0;
    let keptOther = 0;
    for (const example of data) {
      const firsts = example.metadata.firstSteps as First[];
      const chosen = firsts.find((f) => f.action === example.metadata.action)!;
      for (const shown of firsts) {
        const refine = examples[i++]!;
        const input = refine.messages.at(-2)!.content;
        expect(input.slice(input.indexOf(PLAN_FUTURE_HEADER))).toContain(`Action: ${shown.action}\nObservation:\n${shown.state}\n`);
        const answer = parseResponse(refine.messages.at(-1)!.content);
        const better = shown.changed && !(shown.terminated && !shown.success) && shown.successes / shown.visits >= chosen.successes / chosen.visits;
        expect(answer.answer).toBe(shown === chosen || better ? shown.action : chosen.action);
        // The target states the real next state of the action it answers with, as the cut ReSim response does.
        if (answer.answer === chosen.action) expect(refine.messages.at(-1)!.content).toBe(firstStepResponse(example.messages.at(-1)!.content));
        else {
          keptOther++;
          expect(answer.plans[0]!.steps).toEqual([{ action: shown.action, state: shown.state }]);
        }
        // Its metadata names the source step and both actions, so a reader need not re-derive them.
        expect(refine.metadata).toMatchObject({ objective: "refine", seed: example.metadata.seed, step: example.metadata.step, shown: shown.action, chosen: chosen.action });
      }
    }
    // The collection is seeded: it has states where an action other than the search's choice is as good, and is kept.
    expect(keptOther).toBeGreaterThan(0);
    // With the lookahead line: the same examples and targets, each input saying how many of the
    // search's trajectories through the shown action reached the goal (none when it ended the episode).
    const withLookahead = outcomeRefinementExamples(data, { lookahead: "plan" }).examples;
    expect(withLookahead.map((x) => x.messages.at(-1))).toEqual(examples.map((x) => x.messages.at(-1)));
    let j = 0;
    for (const example of data) {
      for (const shown of example.metadata.firstSteps as First[]) {
        const input = withLookahead[j]!.messages.at(-2)!.content;
        const plain = examples[j++]!.messages.at(-2)!.content;
        if (shown.terminated || shown.truncated) expect(input).toBe(plain);
        else {
          const at = plain.lastIndexOf(`Observation:\n${shown.state}\n`) + `Observation:\n${shown.state}\n`.length;
          expect(input).toBe(`${plain.slice(0, at)}Random play from there reached the goal in ${shown.successes} of ${shown.visits} tries.\n${plain.slice(at)}`);
        }
      }
    }
    // "every-action": every first action's count, in one alphabetical order whatever the shown one
    // did (also when it ended the episode); where some usable action's count is above 0, the target
    // follows the counts (the shown action when among the best, else the best one), else it is the
    // outcome target.
    const everyAction = outcomeRefinementExamples(data, { lookahead: "every-action" }).examples;
    j = 0;
    let followsCounts = 0;
    for (const example of data) {
      const firsts = example.metadata.firstSteps as First[];
      const share = (f: First) => f.successes / f.visits;
      const usable = firsts.filter((f) => f.changed && !(f.terminated && !f.success));
      const top = Math.max(0, ...usable.map(share));
      for (const [k, shown] of firsts.entries()) {
        const target = parseResponse(everyAction[j + k]!.messages.at(-1)!.content).answer;
        if (top === 0) expect(everyAction[j + k]!.messages.at(-1)).toEqual(examples[j + k]!.messages.at(-1));
        else {
          followsCounts++;
          const best = usable.filter((f) => share(f) === top).map((f) => f.action);
          expect(best).toContain(target);
          if (best.includes(shown.action)) expect(target).toBe(shown.action);
          else if (best.includes(String(example.metadata.action))) expect(target).toBe(example.metadata.action);
          expect(everyAction[j + k]!.metadata!.chosen).toBe(best.includes(String(example.metadata.action)) ? example.metadata.action : best[0]);
        }
      }
      j += firsts.length;
    }
    expect(followsCounts).toBeGreaterThan(0);
    j = 0;
    for (const example of data) {
      const firsts = example.metadata.firstSteps as First[];
      const line = `Random play after each first action reached the goal: ${[...firsts]
        .sort((a, b) => a.action.localeCompare(b.action))
        .map((f) => `${f.action} ${f.successes} of ${f.visits}`)
        .join(", ")}.`;
      for (const shown of firsts) {
        const input = everyAction[j]!.messages.at(-2)!.content;
        const plain = examples[j++]!.messages.at(-2)!.content;
        const end = shown.terminated ? (shown.success ? "The episode ends: success.\n" : "The episode ends: failure.\n") : shown.truncated ? "The episode is cut off here.\n" : "";
        const at = plain.lastIndexOf(`Observation:\n${shown.state}\n${end}`) + `Observation:\n${shown.state}\n${end}`.length;
        expect(input).toBe(`${plain.slice(0, at)}${line}\n${plain.slice(at)}`);
      }
    }
    // A malformed record (a flag missing, more successes than visits) makes no example, rather than a wrong target.
    const first = (data[0]!.metadata.firstSteps as First[])[0]!;
    for (const bad of [{ ...first, changed: undefined }, { ...first, successes: first.visits + 1 }]) {
      expect(outcomeRefinementExamples([{ ...data[0]!, metadata: { ...data[0]!.metadata, firstSteps: [bad] } }]).examples).toEqual([]);
    }
    // Data without the record (older collections) gives a clear error in the SFT mix, not an empty objective.
    const old = data.map((e) => ({ ...e, metadata: { ...e.metadata, firstSteps: undefined } }));
    const mix = { objectives: "refine", fraction: 0.25, evalFraction: 0, seed: 1, refineInput: "plan" as const, refineTarget: "outcome" as const, firstStep: true };
    expect(() => withWorldModel(old, [], mix)).toThrow(/firstSteps/);
    expect(() => withWorldModel(data, [], { ...mix, firstStep: false })).toThrow(/--first-step and --refine-input plan/);
    expect(withWorldModel(data, [], mix).report.refineTargets).toEqual({ kept, switched });
  });

  it("rejects b_train outside 1..b", async () => {
    const dir = mkdtempSync(join(tmpdir(), "resim-"));
    await expect(collectResim(ctx.client, options(dir, { bTrain: 9 }))).rejects.toThrow(/b_train/);
  });
});

describe("Sim Score", () => {
  it("scores wrong predictions below 1 and text similarity sensibly", async () => {
    expect(similarity("abc", "abc")).toBe(1);
    expect(similarity("abcd", "abce")).toBeCloseTo(0.75);
    expect(similarity("", "x")).toBe(0);
    const session = await ctx.client.createSession("sokoban", { config: { preset: "6x6-1box" } });
    const start = await session.reset(5);
    const wrong = `<think>\n<plan id=1 value=0.5>\n<action>Up</action>\n<state>\n${start.observation.text}\n</state>\n</plan>\n</think>\n<answer>Up</answer>`;
    const after = await session.expand([["Up"]]);
    const moved = after[0]!.steps[0]!.observation.text !== start.observation.text;
    const s = await simScore(session, wrong);
    expect(s.plans).toBe(1);
    if (moved) expect(s.score!).toBeLessThan(1);
    expect((await simScore(session, "<answer>Up</answer>")).score).toBeUndefined();
    expect((await simScore(session, "<plan id=1 value=1>\n<action>Fly</action>\n<state>\nx\n</state>\n</plan>")).score).toBe(0);
  });
});
