/** SimRollout over the real server, with a scripted sampler: what is executed, recorded and stepped. */
import { describe, expect, it, vi } from "vitest";
import { parseRlConfig, type RlConfigInput } from "../../../agent/rl/config.js";
import { runEpisodes } from "../../../agent/rl/rollouts.js";
import { lookaheadLine } from "../../../agent/format/refinement.js";
import { refinementSamples } from "../../../agent/rl/trainer.js";
import { ByteTokenizer } from "../../../agent/model/tokenizer.js";
import { useTestServer } from "../../support/server.js";
import { draftThenRefine } from "./scripted-sampler.js";

const ctx = useTestServer();
const tokenizer = new ByteTokenizer();
const DRAFT = "<think>\n<plan id=1>\n<action>Up</action>\n<state>\n?\n</state>\n<action>Up</action>\n<state>\n?\n</state>\n</plan>\n</think>\n<answer>Up</answer>";
const REFINED = "<answer>Left</answer>";

/** Drafts a two-step plan that goes Up; from a refinement input, answers Left. Records what it was asked. */
const scripted = (maxSeqLen = 4096) => draftThenRefine(tokenizer, DRAFT, REFINED, maxSeqLen);

const config = (over: Partial<RlConfigInput> = {}) => parseRlConfig({ algo: "dyna-grpo", envConfig: { preset: "6x6-1box" }, groupSize: 2, maxSteps: 1, ...over });

describe("SimRollout", () => {
  it("executes the draft's plan from a clone, refines from the real future, records both pairs and steps with the refined action", async () => {
    const session = await ctx.client.createSession("sokoban", { config: { preset: "6x6-1box" } });
    const start = await session.reset(5);
    const [real] = await session.expand([["Up", "Up"]]);
    await session.close();

    const sampler = scripted();
    const spy = vi.spyOn(ctx.client, "batchStep");
    const cfg = config();
    const { episodes, timing } = await runEpisodes({ client: ctx.client, sampler, tokenizer, cfg }, [{ seed: 5, group: 0, sim: true }, { seed: 5, group: 0, sim: false }], 1);
    const calls = spy.mock.calls.map((c) => c[0].map((x) => x.action));
    spy.mockRestore();

    const [sim, plain] = episodes;
    const turn = sim!.turns[0]!;
    // The refinement input: the state's prompt, the draft, and the real states after Up, Up.
    const input = tokenizer.decode(turn.refinement!.input);
    expect(input).toContain(start.observation.text);
    expect(input).toContain(DRAFT);
    for (const s of real!.steps) expect(input).toContain(`Observation:\n${s.observation.text}`);
    expect(turn.refinement).toMatchObject({ firstText: DRAFT, planActions: 2, answerChanged: true });
    // Pair 1, (s_t, refined): the prompt is the state's, the completion the refined response.
    expect(tokenizer.decode(turn.prompt)).toBe(sampler.asked[0]);
    expect(tokenizer.decode(turn.completion)).toBe(REFINED);
    expect(turn.answer).toBe("Left");
    // Pair 2, (refinement input, refined), goes to the refinement update.
    const { samples } = refinementSamples(cfg, episodes);
    expect(samples).toHaveLength(1);
    expect(samples[0]!.prompt).toEqual(turn.refinement!.input);
    expect(samples[0]!.completion).toEqual(turn.completion);
    // One batched call for both drafts, one for the refinement; the env stepped with Left (SimRollout) and Up (plain).
    expect(timing.generateCalls).toBe(2);
    expect(calls).toEqual([["Left", "Up"]]);
    expect(plain!.turns[0]!.refinement).toBeUndefined();
    expect(plain!.turns[0]!.answer).toBe("Up");
    // The draft's plan was executed without moving the episode: the Sim Score saw the start state.
    expect(turn.simScore).toBeDefined();
  });

  it("with refineInput \"plan\", refines from the plan's real future without the draft's text", async () => {
    const session = await ctx.client.createSession("sokoban", { config: { preset: "6x6-1box" } });
    await session.reset(5);
    const [real] = await session.expand([["Up", "Up"]]);
    await session.close();
    const { episodes } = await runEpisodes({ client: ctx.client, sampler: scripted(), tokenizer, cfg: config({ refineInput: "plan" }) }, [{ seed: 5, group: 0, sim: true }], 1);
    const turn = episodes[0]!.turns[0]!;
    const input = tokenizer.decode(turn.refinement!.input);
    expect(input).not.toContain(DRAFT);
    expect(input).toContain(`Action: Up\nObservation:\n${real!.steps[0]!.observation.text}\nAction: Up\nObservation:\n${real!.steps[1]!.observation.text}`);
    expect(turn.answer).toBe("Left");
    expect(() => config({ refineInput: "draft" as never })).toThrow(/refineInput/);
  });

  it("with a random lookahead, tells the refinement how many continuations after the plan reached the goal", async () => {
    const opts = { lookaheadTries: 16, lookaheadHorizon: 20 };
    const { episodes } = await runEpisodes({ client: ctx.client, sampler: scripted(), tokenizer, cfg: config({ refineInput: "plan", ...opts }) }, [{ seed: 5, group: 0, sim: true }], 1);
    const turn = episodes[0]!.turns[0]!;
    const { tries, successes } = turn.refinement!.lookahead!;
    expect(tries).toBe(16);
    expect(tokenizer.decode(turn.refinement!.input)).toContain(`\nRandom play from there reached the goal in ${successes} of 16 tries.\n`);
    // Seeded: the same run shows the same count; off by default (the paper's SimRollout).
    const again = await runEpisodes({ client: ctx.client, sampler: scripted(), tokenizer, cfg: config({ refineInput: "plan", ...opts }) }, [{ seed: 5, group: 0, sim: true }], 1);
    expect(again.episodes[0]!.turns[0]!.refinement!.lookahead).toEqual({ tries, successes });
    const off = await runEpisodes({ client: ctx.client, sampler: scripted(), tokenizer, cfg: config({ refineInput: "plan" }) }, [{ seed: 5, group: 0, sim: true }], 1);
    expect(off.episodes[0]!.turns[0]!.refinement!.lookahead).toBeUndefined();
    expect(tokenizer.decode(off.episodes[0]!.turns[0]!.refinement!.input)).not.toContain("Random play");
  });

  it("with the lookahead after every first action, shows each valid action's count in the refinement input", async () => {
    const opts = { lookaheadTries: 8, lookaheadHorizon: 20, lookaheadScope: "every-action" as const };
    const { episodes } = await runEpisodes({ client: ctx.client, sampler: scripted(), tokenizer, cfg: config({ refineInput: "plan", ...opts }) }, [{ seed: 5, group: 0, sim: true }], 1);
    const l = episodes[0]!.turns[0]!.refinement!.lookahead!;
    expect(l.byAction!.map((a) => a.action).sort()).toEqual(["Down", "Left", "Right", "Up"]);
    // The draft's plan starts with Up: the drafted counts are Up's.
    expect({ tries: l.tries, successes: l.successes }).toEqual({ tries: 8, successes: l.byAction!.find((a) => a.action === "Up")!.successes });
    expect(tokenizer.decode(episodes[0]!.turns[0]!.refinement!.input)).toContain(`\n${lookaheadLine(l)}\n`);
    expect(lookaheadLine(l)).toMatch(/^Random play after each first action reached the goal: Down \d of 8, Left \d of 8, Right \d of 8, Up \d of 8\.$/);
  });

  it("never cuts a refinement input that does not fit: it skips the refinement, or fails when told to", async () => {
    const promptTokens = 80; // a compact 6×6 prompt in bytes is shorter; the draft + future is longer
    const sampler = scripted(promptTokens + 300);
    const { episodes } = await runEpisodes({ client: ctx.client, sampler, tokenizer, cfg: config({ minResponseTokens: 200 }) }, [{ seed: 5, group: 0, sim: true }], 1);
    const turn = episodes[0]!.turns[0]!;
    expect(turn.refineSkipped).toBe("too-long");
    expect(turn.refinement).toBeUndefined();
    expect(turn.answer).toBe("Up"); // the draft is acted on
    await expect(runEpisodes({ client: ctx.client, sampler, tokenizer, cfg: config({ minResponseTokens: 200, refineTooLong: "fail" }) }, [{ seed: 5, group: 0, sim: true }], 1)).rejects.toThrow(
      /a refinement input has \d+ tokens, leaving -?\d+ of the 380-token context \(at least minResponseTokens = 200 needed\)/,
    );
  });
});
