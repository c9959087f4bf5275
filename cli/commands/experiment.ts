import { join } from "node:path";
import { Command, InvalidArgumentError, Option } from "commander";
import { CONFIGS } from "../../agent/experiment/config.js";
import { DYNA_CONFIGS } from "../../agent/experiment/dyna-grpo-configs.js";
import { createLogger } from "../../env-server/logger.js";
import { connect } from "../connect.js";
import { int, positiveNumber, requireDirs } from "../options.js";
import { addOperatorOptions } from "../operator-options.js";

/** The operator's dream flags as given, for a report's command line: a model's name means nothing without them. */
function dreamFlagsText(opts: { dreamEndpoint?: string[]; dreamCheckpoint?: string[]; dreamCompactPrompt?: string[]; dreamRecordings?: string[] }): string {
  const flags: [string, string[] | undefined][] = [
    ["--dream-endpoint", opts.dreamEndpoint],
    ["--dream-checkpoint", opts.dreamCheckpoint],
    ["--dream-compact-prompt", opts.dreamCompactPrompt],
    ["--dream-recordings", opts.dreamRecordings],
  ];
  return flags.flatMap(([flag, values]) => (values ?? []).map((v) => ` ${flag} ${v}`)).join("");
}

/**
 * Comma-separated RL seeds: at most 16 distinct integers 0–99. RL seed k trains on rooms from
 * 10,000,000 + 100,000·k, so seeds from 100 on would reach other seed ranges (dream-data's).
 */
function seedList(value: string): number[] {
  const parts = value.split(",");
  const seeds = parts.map((x) => (/^\d{1,2}$/.test(x.trim()) ? Number(x.trim()) : NaN));
  if (parts.length > 16 || seeds.some((x) => Number.isNaN(x)) || new Set(seeds).size !== seeds.length) {
    throw new InvalidArgumentError("expected 1-16 distinct seeds from 0 to 99, comma-separated");
  }
  return seeds;
}

/** A report's file stem: a plain name, so it cannot point outside --docs. */
function reportName(value: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(value)) throw new InvalidArgumentError("expected a file name of letters, digits, '.', '_' or '-' (no folders)");
  return value;
}

/** The keys of SIM2REAL_CONFIGS (sim-to-real.ts loads TensorFlow.js; a test keeps the two equal). */
export const SIM2REAL_CONFIG_NAMES = ["sokoban", "sokoban-hard", "tiny"];

export function experimentCommand(): Command {
  const experiment = new Command("experiment").description("Run a Dyna-Mind experiment end to end and write its report.");
  experiment
    .command("resim")
    .description(
      "The random policy, DISTILL(action-only) (equal examples and equal tokens), DISTILL(ReSim) and the ReSim teacher on every split, with 95% intervals (docs/results/resim.md + PNG).",
    )
    .addOption(new Option("--config <name>", "full: Sokoban and ALFWorld; sokoban: Sokoban only; tiny: every stage on a handful of examples (CI)").choices(Object.keys(CONFIGS)).default("sokoban"))
    .option("--tiny", "the same as --config tiny")
    .addOption(
      new Option("--eval-order <order>", "reverse: start from the last evaluation (run a second process on the same --work to use another core)")
        .choices(["forward", "reverse"])
        .default("forward"),
    )
    .option("--work <dir>", "datasets and checkpoints", "runs/resim-experiment")
    .option("--docs <dir>", "where the report goes", "docs/results")
    .option("-a, --address <host:port...>", "servers to use (default: an embedded server)")
    .option("--report-only", "rebuild resim.md and resim.png from the resim.json in --docs")
    .action(async (opts) => {
      // TensorFlow.js loads only once the command is known to be good (resim-experiment.ts imports it).
      const { rewriteReport, runResimExperiment } = await import("../../agent/experiment/resim-experiment.js");
      if (opts.reportOnly) return rewriteReport(opts.docs);
      const { selectBackend } = await import("../../agent/model/backend.js");
      await selectBackend({ logger: createLogger("dynamind") });
      const cfg = { ...CONFIGS[opts.tiny ? "tiny" : opts.config]!, evalOrder: opts.evalOrder };
      const { client, close } = await connect(opts.address);
      try {
        const command = `dynamind experiment resim --config ${cfg.name}`;
        const r = await runResimExperiment(client, cfg, { work: opts.work, docs: opts.docs }, command, createLogger("experiment"));
        for (const e of r.envs) {
          for (const row of e.rows) {
            const sim = row.changed ? `Sim changed ${row.changed.mean.toFixed(3)} (copy ${row.copyBaseline?.mean.toFixed(3) ?? "—"})` : "";
            console.log(`${e.env.padEnd(9)} ${row.split.padEnd(5)} ${row.method.padEnd(36)} success ${row.success.rate.toFixed(3)}  ${sim}`);
          }
        }
        console.log(`report: ${opts.docs}/resim.md`);
      } finally {
        await close();
      }
    });
  experiment
    .command("dyna-grpo")
    .description(
      "GRPO vs RLOO vs Dyna-GRPO from one SFT checkpoint at the same agent-step budget, on Sokoban ID (6x6-1box), hard (optimal ≥ 5 steps) and OOD (8x8-2box), beside the random policy and the start checkpoint, with 95% intervals and success / Sim Score over training (dyna-grpo.md + PNGs).",
    )
    .requiredOption("--from <dir>", "the starting checkpoint (e.g. DISTILL(ReSim) from `experiment resim`)")
    .addOption(new Option("--config <name>", "sokoban: 200 episodes per split, 3 seeds per algorithm, from a DISTILL(ReSim) checkpoint; sokoban-short: the same from a DISTILL(ReSim) checkpoint at 1,500 agent steps, 1 seed, ID and hard; sokoban-short-plan: sokoban-short with the \"plan\" refinement input (for a student taught it by sft --refine-input plan); sokoban-action: from a DISTILL(action-only) checkpoint (answers only), 1 seed; sokoban-action-hard: the same trained on hard rooms (optimal ≥ 5 steps) for 30,000 agent steps, 3 seeds, hard and ID; sokoban-first-step-hard: GRPO against Dyna-GRPO on hard rooms from a one-step-simulation student (sft --first-step --world-model refine --refine-input plan), 10,000 agent steps, 1 seed; sokoban-first-step-lookahead-hard: the same with SimRollout's random lookahead (8 random continuations after the draft's action, for a student taught sft --refine-lookahead); sokoban-first-step-search-hard: the lookahead after every valid first action instead (a one-step search at RL time, for a student taught sft --refine-lookahead every-action); sokoban-first-step: the same trained on ID rooms (where such a student's groups are mixed), ID and hard; tiny: every stage on a handful of steps (CI)").choices(Object.keys(DYNA_CONFIGS)).default("sokoban"))
    .option("--n-t <n>", "Dyna-GRPO's simulation-improvement iterations per round (the n_T ablation: 0, 5, 10)", int)
    .option("--n-pi <n>", "Dyna-GRPO's policy-improvement iterations per round", int)
    .option("--algos <list>", "comma-separated subset of grpo,rloo,dyna-grpo (e.g. dyna-grpo alone for the ablation)")
    .option("--splits <list>", "comma-separated subset of the configuration's evaluation splits (e.g. ID; the first, where the curve points are, is required): a rerun with more splits adds their rows")
    .option("--seeds <list>", "comma-separated RL seeds, 0-99 (default: the configuration's); a rerun with more seeds resumes the finished ones", seedList)
    .option("--lr <lr>", "learning rate of every run (default: the configuration's); in the runs' names, so a sweep never resumes another rate's run", positiveNumber)
    .option("--budget <n>", "agent steps per run (default: the configuration's); a rerun with a larger budget continues the runs", int)
    .option("--no-baselines", "skip the random-policy and start-checkpoint rows: run a second process with other --algos on the same --work while the first evaluates them, then rerun with every algorithm for the whole report")
    .option("--work <dir>", "training runs and saved evaluations (a rerun resumes them)", "runs/dyna-grpo-experiment")
    .option("--docs <dir>", "where the report goes (default docs/results/dyna-grpo/<config>: docs/results/dyna-grpo.md is the curated page that links the reports)")
    .option("-a, --address <host:port...>", "servers to use (default: an embedded server)")
    .action(async (opts) => {
      const algoNames = opts.algos === undefined ? undefined : String(opts.algos).split(",");
      for (const a of algoNames ?? []) if (!["grpo", "rloo", "dyna-grpo"].includes(a)) throw new Error(`--algos: unknown algorithm "${a}" (grpo, rloo, dyna-grpo)`);
      const seeds = opts.seeds as number[] | undefined;
      const base = DYNA_CONFIGS[opts.config]!;
      const splitNames = opts.splits === undefined ? undefined : String(opts.splits).split(",");
      for (const n of splitNames ?? []) {
        if (!base.splits.some((s) => s.name === n)) throw new Error(`--splits: "${n.slice(0, 20)}" is not a split of --config ${base.name} (${base.splits.map((s) => s.name).join(", ")})`);
      }
      if (splitNames !== undefined && !splitNames.includes(base.splits[0]!.name)) throw new Error(`--splits must include ${base.splits[0]!.name}: the curve points are evaluated there`);
      if (opts.budget !== undefined && opts.budget < 1) throw new Error("--budget must be at least 1 agent step");
      const [{ runDynaGrpoExperiment }, { selectBackend }] = await Promise.all([
        import("../../agent/experiment/dyna-grpo-experiment.js"),
        import("../../agent/model/backend.js"),
      ]);
      const algos = algoNames === undefined ? base.algos : (algoNames as typeof base.algos);
      await selectBackend({ logger: createLogger("dynamind") });
      const cfg = {
        ...base,
        algos,
        seeds: seeds ?? base.seeds,
        dyna: { nT: opts.nT ?? base.dyna.nT, nPi: opts.nPi ?? base.dyna.nPi },
        budget: opts.budget ?? base.budget,
        rl: { ...base.rl, lr: opts.lr ?? base.rl.lr },
        lrInRunNames: opts.lr !== undefined,
        splits: splitNames === undefined ? base.splits : base.splits.filter((s) => splitNames.includes(s.name)),
      };
      const { client, close } = await connect(opts.address);
      try {
        const extra = [opts.nT !== undefined ? `--n-t ${opts.nT}` : "", opts.nPi !== undefined ? `--n-pi ${opts.nPi}` : "", opts.algos ? `--algos ${opts.algos}` : "", seeds ? `--seeds ${seeds.join(",")}` : "", opts.lr !== undefined ? `--lr ${opts.lr}` : "", opts.budget !== undefined ? `--budget ${opts.budget}` : "", opts.splits ? `--splits ${opts.splits}` : ""].filter(Boolean).join(" ");
        const command = `dynamind experiment dyna-grpo --from ${opts.from} --config ${cfg.name}${extra ? ` ${extra}` : ""}`;
        opts.docs ??= join("docs", "results", "dyna-grpo", cfg.name);
        const r = await runDynaGrpoExperiment(client, cfg, { work: opts.work, docs: opts.docs, from: opts.from }, command, createLogger("experiment"), opts.baselines !== false);
        for (const row of r.rows) console.log(`${row.split.padEnd(4)} ${row.method.padEnd(28)} success ${row.success.rate.toFixed(3)}  ${row.simScore ? `Sim ${row.simScore.mean.toFixed(3)}` : ""}`);
        console.log(`report: ${opts.docs}/dyna-grpo.md`);
      } finally {
        await close();
      }
    });
  addOperatorOptions(
    experiment
      .command("sim-to-real")
      .description(
        "Does RL in the learned dream env help in the real one? From one SFT checkpoint: GRPO in the real env, GRPO in dream, and GRPO in dream then in the real env, each evaluated in the real env beside the random policy and the start, with 95% intervals and the real transitions each arm used, dream's buffer included (sim-to-real.md + PNG).",
      ),
  )
    .requiredOption("--from <dir>", "the starting checkpoint (an SFT student)")
    .addOption(new Option("--config <name>", "sokoban: 200 real episodes per split (ID, hard), from an answers-only student (DISTILL(action-only)), 3,000 agent steps per arm; sokoban-hard: trained on hard rooms (optimal ≥ 5 steps) at lr 3e-5, 10,000 agent steps per arm, where real-env GRPO moves that student; tiny: every stage on a handful of steps (CI)").choices(SIM2REAL_CONFIG_NAMES).default("sokoban"))
    .option("--model <name>", "dream's transition model (nearest-neighbour, or one granted by --dream-endpoint / --dream-checkpoint)")
    .option("--buffer <name>", "dream's replay buffer: live, or one granted by --dream-recordings")
    .option("--k <n>", "dream's neighbours per step (default: the configuration's)", int)
    .option("--history <n>", "dream's steps of history per prompt (default: the session default)", int)
    .option("--max-tokens <n>", "most tokens dream's model generates per transition (default: the session default)", int)
    .option("--model-transitions <n>", "real transitions the transition model was trained on (dream-data's count), added to the dream arms' real interaction", int, 0)
    .option("--seeds <list>", "comma-separated RL seeds, 0-99 (default: the configuration's); a rerun with more seeds resumes the finished ones", seedList)
    .option("--real-budget <n>", "agent steps of GRPO in the real env (default: the configuration's)", int)
    .option("--dream-budget <n>", "agent steps of GRPO in dream (default: the configuration's)", int)
    .option("--work <dir>", "training runs and saved evaluations (a rerun resumes them)", "runs/sim-to-real")
    .option("--docs <dir>", "where the report goes", "docs/results")
    .option("--report <name>", "the report's file name, without .md (its JSON and PNG take the same name)", reportName, "sim-to-real")
    .option("-a, --address <host:port...>", "servers to use (default: an embedded server)")
    .action(async (opts) => {
      for (const k of ["realBudget", "dreamBudget"] as const) if (opts[k] !== undefined && opts[k] < 1) throw new Error("--real-budget and --dream-budget must be at least 1 agent step");
      requireDirs({ "--from": opts.from });
      const [{ SIM2REAL_CONFIGS, runSimToRealExperiment }, { selectBackend }] = await Promise.all([import("../../agent/experiment/sim-to-real.js"), import("../../agent/model/backend.js")]);
      const base = SIM2REAL_CONFIGS[opts.config]!;
      const cfg = {
        ...base,
        realBudget: opts.realBudget ?? base.realBudget,
        dreamBudget: opts.dreamBudget ?? base.dreamBudget,
        seeds: opts.seeds ?? base.seeds,
        dream: {
          ...base.dream,
          ...(opts.model ? { model: String(opts.model) } : {}),
          ...(opts.buffer ? { buffer: String(opts.buffer) } : {}),
          ...(opts.k !== undefined ? { k: opts.k } : {}),
          ...(opts.history !== undefined ? { history: opts.history } : {}),
          ...(opts.maxTokens !== undefined ? { max_tokens: opts.maxTokens } : {}),
        },
        modelTransitions: opts.modelTransitions,
      };
      await selectBackend({ logger: createLogger("dynamind") });
      const { client, close } = await connect(opts.address, opts);
      try {
        const extra = [
          opts.model ? `--model ${opts.model}` : "",
          opts.buffer ? `--buffer ${opts.buffer}` : "",
          opts.k !== undefined ? `--k ${opts.k}` : "",
          opts.history !== undefined ? `--history ${opts.history}` : "",
          opts.maxTokens !== undefined ? `--max-tokens ${opts.maxTokens}` : "",
          opts.modelTransitions ? `--model-transitions ${opts.modelTransitions}` : "",
          opts.seeds !== undefined ? `--seeds ${opts.seeds.join(",")}` : "",
          opts.realBudget !== undefined ? `--real-budget ${opts.realBudget}` : "",
          opts.dreamBudget !== undefined ? `--dream-budget ${opts.dreamBudget}` : "",
          opts.report !== "sim-to-real" ? `--report ${opts.report}` : "",
        ].filter(Boolean).join(" ");
        const command = `dynamind experiment sim-to-real${dreamFlagsText(opts)} --from ${opts.from} --config ${cfg.name}${extra ? ` ${extra}` : ""}`;
        const r = await runSimToRealExperiment(client, cfg, { work: opts.work, docs: opts.docs, from: opts.from, report: opts.report }, command, createLogger("experiment"));
        for (const row of r.rows) console.log(`${row.split.padEnd(4)} ${row.method.padEnd(30)} success ${row.success.rate.toFixed(3)}`);
        console.log(`report: ${opts.docs}/${opts.report}.md`);
      } finally {
        await close();
      }
    });
  addOperatorOptions(
    experiment
      .command("dream-fidelity")
      .description(
        "How faithful the learned dream env is to the real one: a dream and a real session from the same seeds take the same random actions; exact match, accuracy on what changed and episode-end agreement per depth, beside a simulator that never changes the start state (dream.md).",
      ),
  )
    .option("--bases <list>", "comma-separated base envs (their default configs; sokoban plays 6x6-1box)", "sokoban,alfworld")
    .option("--model <name>", "dream's transition model (nearest-neighbour, or one granted by --dream-endpoint / --dream-checkpoint)", "nearest-neighbour")
    .option("--buffer <name>", "the dream env's replay buffer: live, or one granted by --dream-recordings", "live")
    .option("--k <n>", "dream's neighbours per step (default: the session default)", int)
    .option("--history <n>", "dream's steps of history per prompt (default: the session default)", int)
    .option("--max-tokens <n>", "most tokens dream's model generates per transition (default: the session default)", int)
    .option("--episodes <n>", "episodes per base", int, 200)
    .option("--depth <n>", "random actions per episode (the open-loop depth)", int, 10)
    .option("--concurrency <n>", "episodes played at once (a checkpoint model batches their steps); results do not depend on it", int, 16)
    .option("--seed-start <n>", "first reset seed (held out: the live buffer plays seeds from 1,000,000,007)", int, 5_000_000)
    .option("--docs <dir>", "where the report goes", "docs/results")
    .option("--report <name>", "the report's file name, without .md (its plots are NAME-fidelity-BASE.png)", reportName, "dream")
    .option("-a, --address <host:port...>", "servers to use (default: an embedded server)")
    .action(async (opts) => {
      if (opts.episodes < 1 || opts.depth < 1) throw new Error("--episodes and --depth must be at least 1");
      const { measureFidelity, writeFidelityReport } = await import("../../agent/experiment/dream-fidelity.js");
      const bases = String(opts.bases).split(",").filter((b) => b !== "");
      const { client, close } = await connect(opts.address, opts);
      const results = [];
      try {
        for (const base of bases) {
          const baseConfig = base === "sokoban" ? { preset: "6x6-1box" } : {};
          const result = await measureFidelity(client, { base, baseConfig, model: opts.model, buffer: opts.buffer, k: opts.k, history: opts.history, maxTokens: opts.maxTokens, episodes: opts.episodes, depth: opts.depth, seedStart: opts.seedStart, seed: 0, concurrency: Math.max(1, opts.concurrency) });
          const window = `${opts.k !== undefined ? ` --k ${opts.k}` : ""}${opts.history !== undefined ? ` --history ${opts.history}` : ""}${opts.maxTokens !== undefined ? ` --max-tokens ${opts.maxTokens}` : ""}`;
          const command = `dynamind experiment dream-fidelity${dreamFlagsText(opts)} --bases ${base} --model ${opts.model} --buffer ${opts.buffer}${window} --episodes ${opts.episodes} --depth ${opts.depth} --seed-start ${opts.seedStart}${opts.report !== "dream" ? ` --report ${opts.report}` : ""}`;
          results.push({ result, command });
          const d1 = result.rows[0];
          if (d1) console.log(`${base}: depth 1 exact ${(100 * d1.exact.rate).toFixed(1)}% (copy ${(100 * d1.copyExact.rate).toFixed(1)}%), changed ${d1.changed?.mean.toFixed(3)} (copy ${d1.copyChanged?.mean.toFixed(3)})`);
        }
      } finally {
        await close();
      }
      console.log(`report: ${await writeFidelityReport(results, opts.docs, true, opts.report)}`);
    });
  return experiment;
}
