/**
 * The trainer end to end on a tiny distilled Sokoban policy: determinism, resume,
 * clear errors for bad checkpoints and configs, and `dynamind train` for each algorithm.
 */
import { appendFileSync, copyFileSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseRlConfig, type RlConfigInput } from "../../../agent/rl/config.js";
import { keepMetricsThrough, runRl, type IterationMetrics, type RlRunOptions } from "../../../agent/rl/trainer.js";
import { SeededRng } from "../../../agent/model/rng.js";
import { trainCommand } from "../../../cli/commands/train.js";
import { useTestServer } from "../../support/server.js";
import { tinyPolicy } from "./fixture.js";
import { DYNA_CONFIGS, DYNA_SOKOBAN_ACTION, DYNA_SOKOBAN_ACTION_HARD, DYNA_TINY, runName } from "../../../agent/experiment/dyna-grpo-configs.js";
import { TRAIN_SEED_BASE, runConfig, runDynaGrpoExperiment } from "../../../agent/experiment/dyna-grpo-experiment.js";
import { createLogger } from "../../../env-server/logger.js";
import { SIM2REAL_TINY, runSimToRealExperiment } from "../../../agent/experiment/sim-to-real.js";
import { hasChromium } from "../../support/chromium.js";


const ctx = useTestServer();
const root = mkdtempSync(path.join(tmpdir(), "rl-train-"));
let from = "";
// Training the tiny start policy took over a minute on a loaded two-core machine (load 13): a generous bound, not a race.
beforeAll(async () => {
  from = await tinyPolicy(ctx.client, 80);
}, 300_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

let n = 0;
const fresh = () => path.join(root, `run-${n++}`);
const config = (over: Partial<RlConfigInput> = {}) =>
  parseRlConfig({ algo: "grpo", envConfig: { preset: "6x6-1box" }, groupSize: 4, iterations: 2, maxSteps: 3, maxNewTokens: 96, lr: 1e-3, seedStart: 1, temperature: 0.5, ...over });
const train = async (outDir: string, over: Partial<RlConfigInput> = {}, resume = true, sampler?: RlRunOptions["sampler"]) => {
  const r = await runRl({ config: config(over), from, outDir, client: ctx.client, progress: false, resume, sampler });
  r.model.dispose();
  return r;
};
/** Answers a seeded random move, in the checkpoint's tokenizer (the model still scores and learns). */
const randomAnswers: RlRunOptions["sampler"] = (model, tokenizer) => ({
  maxSeqLen: model.config.maxSeqLen,
  async sample(prompts, seed) {
    const rng = new SeededRng(seed);
    return { completions: prompts.map(() => [...tokenizer.encode(`<answer>${["Up", "Down", "Left", "Right"][rng.int(4)]}</answer>`), tokenizer.end]) };
  },
});
/** Everything but wall-clock figures. */
const timeless = (m: IterationMetrics) => ({ ...m, timing: undefined, elapsedSec: undefined });
const metricsOf = (dir: string) => readFileSync(path.join(dir, "metrics.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as IterationMetrics);

describe("runRl", () => {
  it("gives the same metrics (generated tokens included) for the same seed", async () => {
    const a = await train(fresh(), { iterations: 1 });
    const b = await train(fresh(), { iterations: 1 });
    expect(b.history.map(timeless)).toEqual(a.history.map(timeless));
    const m = a.history[0]!;
    expect(m.update.samples).toBe(m.flatSkipped ? 0 : m.episodes * m.steps);
    expect(m.generatedTokens).toBeGreaterThan(0);
    // The per-group figures add up to the iteration's.
    expect(m.groups.map((g) => g.seed)).toEqual(m.seeds);
    expect(m.groups.reduce((a, g) => a + g.episodes, 0)).toBe(m.episodes);
    expect(m.groups.reduce((a, g) => a + g.successes, 0)).toBe(Math.round(m.success * m.episodes));
    expect(m.groups.reduce((a, g) => a + g.return * g.episodes, 0) / m.episodes).toBeCloseTo(m.return, 9);
    expect(m.timing.generateShare + m.timing.envShare + m.timing.updateShare).toBeLessThanOrEqual(1.0001);
  });

  it("leaves a group whose returns are all equal out of the update (flatGroups skip, the default), or keeps it for the KL term (kl)", async () => {
    // Every rollout answers the same move, so the group's episodes and returns are identical.
    const same: RlRunOptions["sampler"] = (model, tokenizer) => ({
      maxSeqLen: model.config.maxSeqLen,
      async sample(prompts) {
        return { completions: prompts.map(() => [...tokenizer.encode("<answer>Left</answer>"), tokenizer.end]) };
      },
    });
    const skip = (await train(fresh(), { iterations: 1 }, true, same)).history[0]!;
    expect(skip.flatSkipped).toBe(skip.episodes);
    expect([skip.update.samples, skip.update.gradientSteps, skip.kl]).toEqual([0, 0, null]);
    const kl = (await train(fresh(), { iterations: 1, flatGroups: "kl" }, true, same)).history[0]!;
    expect(kl.flatSkipped).toBe(0);
    expect(kl.update.samples).toBe(kl.episodes * kl.steps);
    expect(kl.update.gradientSteps).toBeGreaterThan(0);
  });

  it("resumes where it stopped: the same metrics as a run that was never interrupted", async () => {
    // Random answers (seeded) give the group mixed outcomes on seed 1 (solved by Up), so updates move the policy.
    const over = { groupSize: 6, maxSteps: 3, seedStart: 1 };
    const a = await train(fresh(), over, true, randomAnswers);
    expect(a.history[0]!.update.gradNorm).toBeGreaterThan(0);
    expect(a.history[1]!.update.kl).toBeGreaterThan(0); // the first update moved the policy off the reference
    const dir = fresh();
    const first = await train(dir, { ...over, iterations: 1 }, true, randomAnswers);
    expect(first.iterations).toBe(1);
    // A run stopped between checkpoints had logged an iteration the checkpoint does not hold: the resume runs it again, once.
    appendFileSync(path.join(dir, "metrics.jsonl"), JSON.stringify({ ...first.history[0], iteration: 2 }) + "\n");
    const resumed = await train(dir, over, true, randomAnswers);
    expect(resumed.startIteration).toBe(1);
    // A metrics file that is not the trainer's is refused by line, not parsed into a crash or silently cut.
    const bad = path.join(root, "foreign-metrics.jsonl");
    writeFileSync(bad, '{"iteration": 1}\nnot json\n');
    expect(() => keepMetricsThrough(bad, 0)).toThrow(/foreign-metrics\.jsonl:2: not an iteration's metrics line/);
    expect(readFileSync(bad, "utf8")).toBe('{"iteration": 1}\nnot json\n');
    expect(resumed.history.map(timeless)).toEqual([timeless(a.history[1]!)]);
    // The interrupted run's first line says "of 1": it was told one iteration.
    expect(metricsOf(dir).map((m) => ({ ...timeless(m), of: undefined }))).toEqual(a.history.map((m) => ({ ...timeless(m), of: undefined })));
    const trainer = JSON.parse(readFileSync(path.join(dir, "checkpoint", "trainer.json"), "utf8"));
    expect(trainer).toMatchObject({ kind: "rl", iteration: 2, reference: { path: path.resolve(from) }, config: { algo: "grpo" } });
    expect([trainer.totalEnvSteps, trainer.totalAgentSteps]).toEqual([a.history[1]!.totalEnvSteps, a.history[1]!.totalAgentSteps]);
    expect(a.history[1]!.totalAgentSteps).toBe(a.history.reduce((s, m) => s + m.agentSteps, 0));
  });

  it("branches a Dyna-GRPO ablation from the iterations its settings share, and refuses a branch that would rewrite the past", async () => {
    const dyna = { algo: "dyna-grpo" as const, groupSize: 4, maxSteps: 3, seedStart: 1, rounds: 1, refineInput: "plan" as const };
    const whole = await train(fresh(), { ...dyna, nT: 2, nPi: 1 }, true, randomAnswers);
    expect(whole.history.map((m) => m.phase)).toEqual(["sim", "sim", "policy"]);
    // n_T = 1, n_π = 0 runs the one iteration n_T = 2 begins with; n_T = 2 then resumes from it.
    const dir = fresh();
    await train(dir, { ...dyna, nT: 1, nPi: 0 }, true, randomAnswers);
    const branched = await train(dir, { ...dyna, nT: 2, nPi: 1 }, true, randomAnswers);
    expect(branched.startIteration).toBe(1);
    expect(metricsOf(dir).map((m) => ({ ...timeless(m), of: undefined }))).toEqual(whole.history.map((m) => ({ ...timeless(m), of: undefined })));
    // A finished n_T = 2 run's second iteration was a simulation one: n_T = 1 would make it a policy one.
    await expect(train(dir, { ...dyna, nT: 1, nPi: 2 }, true, randomAnswers)).rejects.toThrow(/trained with nT 2 and nPi 1; with nT 1 and nPi 2, its iteration 2 would have had another phase/);
  });

  it("stops at the agent-step budget", async () => {
    const r = await train(fresh(), { iterations: 5, maxAgentSteps: 10 }, true, randomAnswers);
    const totals = r.history.map((m) => m.totalAgentSteps);
    expect(totals.at(-1)!).toBeGreaterThanOrEqual(10);
    expect(totals.slice(0, -1).every((t) => t < 10)).toBe(true);
    expect(r.history.length).toBeLessThan(5);
  });

  it("refuses bad checkpoints with a clear error", async () => {
    const missing = path.join(root, "nowhere");
    await expect(runRl({ config: config(), from: missing, outDir: fresh(), client: ctx.client, progress: false })).rejects.toThrow(/checkpoint directory .*nowhere does not exist/);
    const corrupt = path.join(root, "corrupt");
    cpSync(from, corrupt, { recursive: true });
    const bin = readFileSync(path.join(corrupt, "weights.bin"));
    bin[0] = bin[0]! ^ 0xff;
    writeFileSync(path.join(corrupt, "weights.bin"), bin);
    await expect(runRl({ config: config(), from: corrupt, outDir: fresh(), client: ctx.client, progress: false })).rejects.toThrow(/weights\.bin is corrupt: SHA-256/);

    // An RL run in progress: another algorithm, a broken trainer state, a changed reference.
    const ref = path.join(root, "ref");
    cpSync(from, ref, { recursive: true });
    const dir = fresh();
    const r = await runRl({ config: config({ iterations: 1 }), from: ref, outDir: dir, client: ctx.client, progress: false });
    r.model.dispose();
    await expect(runRl({ config: config({ algo: "rloo" }), from: ref, outDir: dir, client: ctx.client, progress: false })).rejects.toThrow(/trained with --algo grpo, not rloo/);
    // Other settings than the run's are refused (how long it runs may change: iterations).
    await expect(runRl({ config: config({ iterations: 3, groupSize: 6, lr: 1e-2 }), from: ref, outDir: dir, client: ctx.client, progress: false })).rejects.toThrow(/trained with groupSize 4, not 6; lr 0\.001, not 0\.01; resume with the same settings/);
    await expect(runRl({ config: config({ taskPool: 2 }), from: ref, outDir: dir, client: ctx.client, progress: false })).rejects.toThrow(/taskPool 0, not 2/);
    const trainerFile = path.join(dir, "checkpoint", "trainer.json");
    const saved = readFileSync(trainerFile, "utf8");
    writeFileSync(trainerFile, JSON.stringify({ step: 3 }));
    await expect(runRl({ config: config(), from: ref, outDir: dir, client: ctx.client, progress: false })).rejects.toThrow(/trainer\.json is not an RL trainer state/);
    writeFileSync(trainerFile, JSON.stringify({ ...JSON.parse(saved), config: { algo: "grpo", groupSize: -1 } }));
    await expect(runRl({ config: config(), from: ref, outDir: dir, client: ctx.client, progress: false })).rejects.toThrow(/trainer\.json: config: .*groupSize/);
    writeFileSync(trainerFile, saved);
    copyFileSync(path.join(corrupt, "weights.json"), path.join(ref, "weights.json"));
    writeFileSync(path.join(ref, "weights.json"), readFileSync(path.join(ref, "weights.json"), "utf8").replace(/"sha256": "[0-9a-f]{8}/, '"sha256": "00000000'));
    await expect(runRl({ config: config(), from: ref, outDir: dir, client: ctx.client, progress: false })).rejects.toThrow(/reference checkpoint .* changed since training started/);
  });
});

describe("dynamind train", () => {
  const cli = (args: string[]) => trainCommand().exitOverride().configureOutput({ writeErr: () => {}, writeOut: () => {} }).parseAsync(args, { from: "user" });
  const common = () => ["--from", from, "--env", "sokoban", "--preset", "6x6-1box", "--group-size", "4", "--max-steps", "2", "--max-new-tokens", "96", "--backend", "wasm", "--no-progress", "-a", ctx.server.address];

  it("trains each algorithm for a couple of iterations and writes metrics and a checkpoint", async () => {
    for (const [algo, extra, phases] of [
      ["grpo", ["--iterations", "2"], ["policy", "policy"]],
      ["rloo", ["--iterations", "1"], ["policy"]],
      ["dyna-grpo", ["--n-t", "1", "--n-pi", "1", "--rounds", "1", "--refine-input", "plan", "--lookahead-tries", "4", "--lookahead-horizon", "6", "--lookahead-scope", "every-action"], ["sim", "policy"]],
    ] as const) {
      const out = fresh();
      await cli(["--algo", algo, "--out", out, ...common(), ...extra]);
      const m = metricsOf(out);
      expect(m.map((x) => x.phase)).toEqual(phases);
      expect(m.every((x) => x.algo === algo)).toBe(true);
      expect(existsSync(path.join(out, "checkpoint", "optimizer.bin"))).toBe(true);
      if (algo === "dyna-grpo") {
        expect(m[0]!.refinementGain).not.toBeNull();
        expect(JSON.parse(readFileSync(path.join(out, "checkpoint", "trainer.json"), "utf8")).config.refineInput).toBe("plan");
        expect(m[0]!.refined + m[0]!.refineSkippedTooLong + m[0]!.refineNothingToExecute).toBe(m[0]!.agentSteps / 2);
        // The lookahead flags reach the run's config (the tiny policy drafts nothing executable, so
        // none is played here: sim-rollout.test.ts plays them with a scripted sampler, and
        // units.test.ts checks the metrics' counts).
        expect(JSON.parse(readFileSync(path.join(out, "checkpoint", "trainer.json"), "utf8")).config).toMatchObject({ lookaheadTries: 4, lookaheadHorizon: 6, lookaheadScope: "every-action" });
      }
    }
  }, 60_000);

  it("gives short clear errors for malformed configs and checkpoints", async () => {
    const out = fresh();
    const bad = path.join(root, "bad.json");
    writeFileSync(bad, "{ groupSize: 4 ");
    await expect(cli(["--algo", "grpo", "--out", out, ...common(), "--train-config", bad])).rejects.toThrow(/RL config .*bad\.json is not valid JSON/);
    writeFileSync(bad, JSON.stringify({ groupSize: 4, nT: -1, betta: 0.1 }));
    await expect(cli(["--algo", "dyna-grpo", "--out", out, ...common(), "--train-config", bad])).rejects.toThrow(/train config \(.*bad\.json and flags\): .*(nT|betta)/);
    await expect(cli(["--algo", "dyna-grpo", "--out", out, ...common(), "--group-size", "3"])).rejects.toThrow(/even groupSize/);
    await expect(cli(["--algo", "grpo", "--out", out, ...common(), "--clip", "2"])).rejects.toThrow(/clip/);
    await expect(cli(["--algo", "grpo", "--out", out, ...common(), "--beta", "x"])).rejects.toThrow(/expected a number, got "x"/);
    await expect(cli(["--algo", "ppo", "--out", out, ...common()])).rejects.toThrow(/--algo.*ppo.*invalid/);
    await expect(cli(["--algo", "grpo", "--out", out, ...common(), "--flat-groups", "drop"])).rejects.toThrow(/--flat-groups.*drop.*invalid/);
    await expect(cli(["--algo", "dyna-grpo", "--out", out, ...common(), "--refine-input", "draft"])).rejects.toThrow(/--refine-input.*draft.*invalid/);
    await expect(cli(["--algo", "dyna-grpo", "--out", out, ...common(), "--lookahead-scope", "all"])).rejects.toThrow(/--lookahead-scope.*all.*invalid/);
    const notCk = path.join(root, "not-a-checkpoint");
    cpSync(from, notCk, { recursive: true });
    writeFileSync(path.join(notCk, "config.json"), '{"format": "something-else"}');
    await expect(cli(["--algo", "grpo", "--out", out, ...common(), "--from", notCk])).rejects.toThrow(/config\.json is malformed/);
  });
});

describe("dynamind experiment dyna-grpo (tiny)", () => {
  it("names runs so that a learning-rate sweep or an n_T ablation never resumes another setting's run", () => {
    expect(runName(DYNA_SOKOBAN_ACTION, "grpo", 0)).toBe("grpo seed 0");
    const swept = { ...DYNA_SOKOBAN_ACTION, rl: { ...DYNA_SOKOBAN_ACTION.rl, lr: 3e-5 }, lrInRunNames: true };
    expect(runName(swept, "rloo", 2)).toBe("rloo lr=0.00003 seed 2");
    expect(runName({ ...swept, dyna: { nT: 5, nPi: 3 } }, "dyna-grpo", 1)).toBe("dyna-grpo n_T=5 n_pi=3 lr=0.00003 seed 1");
    // SimRollout's random lookahead is in Dyna-GRPO's name; GRPO never refines, so its run is the same.
    const lookahead = DYNA_CONFIGS["sokoban-first-step-lookahead-hard"]!;
    expect(runName(lookahead, "dyna-grpo", 0)).toBe("dyna-grpo n_T=3 n_pi=3 lookahead=8x15 seed 0");
    expect(runName(lookahead, "grpo", 0)).toBe(runName(DYNA_CONFIGS["sokoban-first-step-hard"]!, "grpo", 0));
    expect(runConfig(lookahead, "dyna-grpo", 0, lookahead.budget)).toEqual({ ...runConfig(DYNA_CONFIGS["sokoban-first-step-hard"]!, "dyna-grpo", 0, lookahead.budget), lookaheadTries: 8, lookaheadHorizon: 15 });
    // The lookahead after every first action is another Dyna-GRPO run, never resumed as the drafted action's.
    const search = DYNA_CONFIGS["sokoban-first-step-search-hard"]!;
    expect(runName(search, "dyna-grpo", 0)).toBe("dyna-grpo n_T=3 n_pi=3 lookahead=every-action-8x15 seed 0");
    expect(runName(search, "grpo", 0)).toBe(runName(lookahead, "grpo", 0));
    expect(runConfig(search, "dyna-grpo", 0, search.budget)).toEqual({ ...runConfig(lookahead, "dyna-grpo", 0, search.budget), lookaheadScope: "every-action" });
  });

  it("sokoban-action-hard trains on hard rooms of its own seeds and draws its curve on the hard split", () => {
    expect(DYNA_CONFIGS["sokoban-action-hard"]).toBe(DYNA_SOKOBAN_ACTION_HARD);
    const c = runConfig(DYNA_SOKOBAN_ACTION_HARD, "rloo", 1, 30_000);
    expect(c.envConfig).toEqual({ preset: "6x6-1box", min_solution_length: 5 });
    expect([c.algo, c.lr, c.simulates, c.maxAgentSteps, c.seedStart]).toEqual(["rloo", 3e-5, false, 30_000, TRAIN_SEED_BASE + 100_000]);
    expect(DYNA_SOKOBAN_ACTION_HARD.splits.map((s) => [s.name, s.seedStart])).toEqual([["hard", 2_000_000], ["ID", 1_000_000]]);
  });

  it("sokoban-first-step-hard compares GRPO with Dyna-GRPO from a simulating student, showing it the one-step plan form it was taught", () => {
    const cfg = DYNA_CONFIGS["sokoban-first-step-hard"]!;
    const c = runConfig(cfg, "dyna-grpo", 0, cfg.budget);
    expect(c.envConfig).toEqual({ preset: "6x6-1box", min_solution_length: 5 });
    expect([c.algo, c.simulates, c.refineInput, c.planMaxActions, c.maxAgentSteps, c.lr]).toEqual(["dyna-grpo", true, "plan", 1, 10_000, 3e-5]);
    expect(cfg.algos).toEqual(["grpo", "dyna-grpo"]);
    // Sampled at the training temperature beside greedy, three RL seeds; its ID twin stays as the nineteenth session ran it.
    expect([cfg.sampledEval, cfg.seeds]).toEqual([1, [0, 1, 2]]);
    expect([DYNA_CONFIGS["sokoban-first-step"]!.sampledEval, DYNA_CONFIGS["sokoban-first-step"]!.seeds]).toEqual([undefined, [0]]);
    // Its ID-room twin trains where a weak simulating student's groups are mixed, and draws its curve there.
    const id = DYNA_CONFIGS["sokoban-first-step"]!;
    expect(runConfig(id, "grpo", 0, id.budget).envConfig).toEqual({ preset: "6x6-1box" });
    expect(id.splits.map((s) => s.name)).toEqual(["ID", "hard"]);
    expect(runConfig(id, "dyna-grpo", 0, id.budget).refineInput).toBe("plan");
  });

  it.skipIf(!hasChromium)("trains GRPO, RLOO and Dyna-GRPO to the same budget, evaluates every row with intervals and plots training (needs chromium)", async () => {
    const dir = fresh();
    const r = await runDynaGrpoExperiment(ctx.client, DYNA_TINY, { work: path.join(dir, "work"), docs: path.join(dir, "docs"), from }, "test", createLogger("test", "silent"));
    // The tiny configuration also evaluates every checkpoint sampled at T = 1, beside greedy.
    const s = (m: string) => [m, `${m}, sampled T=1`];
    const methods = ["random policy", ...s("start checkpoint (SFT)"), ...s("grpo seed 0"), ...s("rloo seed 0"), ...s("dyna-grpo n_T=1 n_pi=1 seed 0")];
    expect([...new Set(r.rows.map((x) => x.method))]).toEqual(methods);
    expect(r.rows.filter((x) => x.method === "grpo seed 0, sampled T=1").map((x) => x.split)).toEqual(["ID", "OOD"]);
    for (const p of r.curves) expect(p.sampledSuccess).toBeGreaterThanOrEqual(0);
    // Every run's row is paired with the start's on the same episodes, decoded alike; the baselines' rows are not.
    for (const row of r.rows) expect(row.vsStart === undefined).toBe(row.method.startsWith("random") || row.method.startsWith("start"));
    expect(r.rows.filter((x) => x.method === "grpo seed 0").map((x) => x.split)).toEqual(["ID", "OOD"]);
    for (const row of r.rows) expect(row.success.ci.low).toBeLessThanOrEqual(row.success.rate);
    // The other algorithms are also paired with GRPO of their seed on the same episodes, each split, greedy and sampled.
    const vs = (run: string) => [
      [run, "grpo seed 0", "ID", undefined],
      [run, "grpo seed 0", "OOD", undefined],
      [`${run}, sampled T=1`, "grpo seed 0, sampled T=1", "ID", 1],
      [`${run}, sampled T=1`, "grpo seed 0, sampled T=1", "OOD", 1],
    ];
    expect(r.versusGrpo!.map((x) => [x.run, x.grpo, x.split, x.sampled])).toEqual([...vs("rloo seed 0"), ...vs("dyna-grpo n_T=1 n_pi=1 seed 0")]);
    for (const x of r.versusGrpo!) expect(x.paired.onlyA + x.paired.onlyB).toBeLessThanOrEqual(DYNA_TINY.evalEpisodes);
    // Each run reaches the budget; every run's curve starts at the start checkpoint.
    for (const run of ["grpo seed 0", "rloo seed 0", "dyna-grpo n_T=1 n_pi=1 seed 0"]) {
      const pts = r.curves.filter((p) => p.run === run);
      expect(pts[0]!.agentSteps).toBe(0);
      expect(pts.at(-1)!.agentSteps).toBeGreaterThanOrEqual(DYNA_TINY.budget);
    }
    const md = readFileSync(path.join(dir, "docs", "dyna-grpo.md"), "utf8");
    expect(md).toMatch(/\| dyna-grpo n_T=1 n_pi=1 seed 0 \| OOD \| \d+\.\d% \[/);
    expect(md).toMatch(/\| dyna-grpo n_T=1 n_pi=1 seed 0 \| grpo seed 0 \| OOD \| greedy \| [+−]\d+\.\d \[/);
    expect(md).toMatch(/\| dyna-grpo n_T=1 n_pi=1 seed 0, sampled T=1 \| grpo seed 0, sampled T=1 \| OOD \| sampled T=1 \| [+−]\d+\.\d \[/);
    for (const png of ["dyna-grpo-success.png", "dyna-grpo-sim.png"]) expect(readFileSync(path.join(dir, "docs", png)).subarray(1, 4).toString()).toBe("PNG");
    // A second process on the same work directory skips the baseline rows; everything it needs is saved, so it trains and evaluates nothing.
    const part = await runDynaGrpoExperiment(ctx.client, { ...DYNA_TINY, algos: ["dyna-grpo"] }, { work: path.join(dir, "work"), docs: path.join(dir, "part"), from }, "test", createLogger("test", "silent"), false);
    expect([...new Set(part.rows.map((x) => x.method))]).toEqual(s("dyna-grpo n_T=1 n_pi=1 seed 0"));
    expect(part.rows).toEqual(r.rows.filter((x) => x.method.startsWith("dyna-grpo")));
  }, 180_000);
});

describe.skipIf(!hasChromium)("dynamind experiment sim-to-real (tiny) (needs chromium for its plots)", () => {
  it("trains GRPO in the real env, in dream and in dream then real, and evaluates each in the real env with the real transitions counted", async () => {
    const dir = fresh();
    const r = await runSimToRealExperiment(ctx.client, SIM2REAL_TINY, { work: path.join(dir, "work"), docs: path.join(dir, "docs"), from }, "test", createLogger("test", "silent"));
    const arms = ["GRPO real, seed 0", "GRPO dream, seed 0", "GRPO dream → real, seed 0"];
    expect([...new Set(r.rows.map((x) => x.method))]).toEqual(["random policy", "start checkpoint (SFT)", ...arms]);
    expect(r.bufferTransitions).toBeGreaterThan(0);
    const [real, dream, warm] = r.runs;
    expect(real).toMatchObject({ arm: "real", dreamAgentSteps: 0 });
    expect(real!.realAgentSteps).toBeGreaterThanOrEqual(SIM2REAL_TINY.realBudget);
    // The dream arm's only real interaction is its buffer; the warm arm adds its real training on top.
    expect(dream).toMatchObject({ arm: "dream", realAgentSteps: 0, realTransitions: r.bufferTransitions });
    expect(dream!.dreamAgentSteps).toBeGreaterThanOrEqual(SIM2REAL_TINY.dreamBudget);
    expect(warm!.dreamAgentSteps).toBe(dream!.dreamAgentSteps);
    expect(warm!.realAgentSteps).toBeGreaterThanOrEqual(SIM2REAL_TINY.realBudget);
    expect(warm!.realTransitions).toBeGreaterThanOrEqual(r.bufferTransitions);
    for (const row of r.rows) expect(row.success.ci.low).toBeLessThanOrEqual(row.success.rate);
    const md = readFileSync(path.join(dir, "docs", "sim-to-real.md"), "utf8");
    expect(md).toMatch(/\| GRPO dream → real, seed 0 \| ID \| \d+\.\d% \[/);
    expect(readFileSync(path.join(dir, "docs", "sim-to-real.png")).subarray(1, 4).toString()).toBe("PNG");
    // A rerun resumes: every run and evaluation is read back, nothing retrains.
    const again = await runSimToRealExperiment(ctx.client, SIM2REAL_TINY, { work: path.join(dir, "work"), docs: path.join(dir, "docs"), from }, "test", createLogger("test", "silent"));
    expect(again.rows).toEqual(r.rows);
    expect(again.runs).toEqual(r.runs);
    // A trained transition model's data is real interaction too: counted in both dream arms, under the report's own name.
    const learned = await runSimToRealExperiment(ctx.client, { ...SIM2REAL_TINY, modelTransitions: 500 }, { work: path.join(dir, "work"), docs: path.join(dir, "docs"), from, report: "sim-to-real-learned" }, "test", createLogger("test", "silent"));
    expect(learned.runs.map((x) => x.realTransitions)).toEqual(r.runs.map((x) => x.realTransitions + (x.arm === "real" ? 0 : 500)));
    expect(readFileSync(path.join(dir, "docs", "sim-to-real-learned.md"), "utf8")).toContain("(trained on 500 real transitions)");
  }, 180_000);
});
