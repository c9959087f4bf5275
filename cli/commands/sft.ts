import { readFileSync } from "node:fs";
import { Command, InvalidArgumentError, Option } from "commander";
import type { BackendPreference } from "../../agent/model/backend.js";
import type { ExampleSelection } from "../../agent/resim/decisions.js";
import { LOOKAHEAD_SCOPES, type LookaheadScope } from "../../agent/format/refinement.js";
import { createLogger } from "../../env-server/logger.js";
import { int, nonNegative as num, requireDirs, requireFiles } from "../options.js";

/** A token-group loss weight, checked as it is parsed so a typo fails before any data is read. */
function extraWeight(value: string): number {
  const w = Number(value);
  if (!(w >= 1 && w <= 100)) throw new InvalidArgumentError("expected a number from 1 to 100");
  return w;
}

export function sftCommand(): Command {
  return new Command("sft")
    .description("Supervised fine-tuning of the agent's transformer on a chat JSONL dataset (loss on assistant messages only).")
    .requiredOption("--data <file>", 'JSONL, one {"messages":[{"role","content"},...],"metadata":{...}} per line')
    .requiredOption("--out <dir>", "output: checkpoint/ (resumable) and metrics.jsonl")
    .option("--eval-data <file>", "held-out JSONL (default: --eval-fraction of --data)")
    .option("--eval-fraction <f>", "fraction of --data held out when no --eval-data", num, 0.05)
    .option("--config <file>", "model architecture JSON (dModel, nLayers, nHeads, dFF, maxSeqLen, dropout, positions: learned or rotary)")
    .addOption(new Option("--tokenizer <kind>", "tokenizer of a new model: fitted to the training split, or byte-level (resuming and --init use the checkpoint's)").choices(["fitted", "byte"]).default("fitted"))
    .option("--tokenizer-pieces <n>", "most pieces a fitted tokenizer keeps", int, 2048)
    .option("--init <dir>", "start from this checkpoint's weights")
    .option("--max-seq-len <n>", "with --init: grow the checkpoint's context to n tokens, e.g. to fit SimRollout's refinement inputs (new rows of a learned position table start untrained)", int)
    .option("--no-resume", "start afresh even if --out has a checkpoint")
    .option("--steps <n>", "optimizer steps", int, 1000)
    .option("--batch-size <n>", "examples per batch", int, 8)
    .option("--max-batch-tokens <n>", "cap on padded tokens per batch", int)
    .option("--micro-batch-tokens <n>", "most padded tokens in one forward and backward pass: a larger batch is computed in several passes with the same gradient (lower it if the wasm backend aborts; default 8192)", int)
    .option("--lr <lr>", "peak learning rate", num, 3e-4)
    .option("--min-lr <lr>", "final learning rate (default lr/10)", num)
    .option("--warmup <n>", "warm-up steps (default min(100, steps/10))", int)
    .option("--weight-decay <w>", "AdamW decoupled weight decay", num, 0.1)
    .option("--grad-clip <norm>", "global gradient-norm clip (0 = off)", num, 1.0)
    .option("--prompt-loss-weight <w>", "loss weight of prompt tokens, 0–1 (0: responses only; the held-out loss is always on responses)", num, 0)
    .option("--answer-loss-weight <w>", "loss weight of the final answer's tokens (from its <answer> tag), 1–100 (in a one-step response the answer copies the action stated first: see --decision-loss-weight)", extraWeight, 1)
    .option("--decision-loss-weight <w>", "loss weight of the tokens of the response's first stated action (its plan's first <action>, else its <answer>), 1–100: a simulating response spends most tokens on states, few on the decision", extraWeight, 1)
    .option("--position-shift", "start each batch at a random position so every row of the position table trains (for prompts longer than any training example)")
    .option("--eval-every <n>", "evaluate every n steps (0 = only at the end)", int, 100)
    .option("--checkpoint-every <n>", "checkpoint every n steps (0 = only at the end)", int, 500)
    .option("--seed <n>", "initialisation and data-order seed", int, 0)
    .option("--workers <n>", "data-parallel replicas, one thread each (default: one per core on wasm/cpu; 1 = single thread)", int)
    .addOption(new Option("--backend <name>", "tensorflow.js backend (auto: tfjs-node-gpu, tfjs-node, wasm, cpu: the first that starts)").choices(["auto", "gpu", "node", "wasm", "cpu"]).default("auto"))
    .option(
      "--world-model <objectives>",
      "mix in world-model examples derived from the training split's plans (Dyna-Think's auxiliary objectives): next-state, critique, refine (SimRollout's refinement input, for Dyna-GRPO), comma-separated",
    )
    .addOption(
      new Option("--refine-input <form>", "the refine objective's input: response (the paper's: the whole draft, then its plan's real outcome) or plan (only the plan's real outcome, for a small context)")
        .choices(["response", "plan"])
        .default("response"),
    )
    .addOption(
      new Option(
        "--refine-target <target>",
        "what a refine example answers: search (the search's choice whatever plan is shown) or outcome (with --first-step: the shown action when its real outcome is as good as the choice's, else the choice; needs ReSim data that records every first action's outcome)",
      )
        .choices(["search", "outcome"])
        .default("search"),
    )
    .addOption(
      new Option(
        "--refine-lookahead [scope]",
        "with --refine-target outcome: each refine input also says how many of the search's random trajectories reached the goal, through the shown action (plan, the default) or through every first action (every-action, where the target then follows the counts: the shown action when among the best usable ones, else the best); what Dyna-GRPO's --lookahead-tries with that --lookahead-scope shows live; needs data collected with resim --policy random",
      )
        .choices([...LOOKAHEAD_SCOPES])
        .preset("plan"),
    )
    .option(
      "--resim-data <file>",
      "the ReSim JSONL of the same collection as action-only --data (paired by metadata seed and step): --select reads its search trees and --world-model takes its chains from its plans",
    )
    .option(
      "--first-step",
      "ReSim --data only: train on one-step simulations, each response cut to the first action of the plan it follows, that action's real next state and the answer (short responses for a small student and for RL on CPUs)",
    )
    .option("--world-model-fraction <f>", "fraction of the training examples that are world-model examples, 0–1", num, 0.3)
    .addOption(
      new Option("--select <steps>", "ReSim data (or action-only data with --resim-data) only: train (and hold out) only the steps where the search valued some first action above 0 (valued: decided or tied) or one above the rest (decided), as `experiment resim` does")
        .choices(["all", "valued", "decided"])
        .default("all"),
    )
    .option("--no-progress", "no progress bar")
    .action(async (opts) => {
      requireFiles({ "--data": opts.data, "--eval-data": opts.evalData, "--config": opts.config, "--resim-data": opts.resimData });
      requireDirs({ "--init": opts.init });
      if (opts.refineTarget === "outcome" && (!opts.firstStep || opts.refineInput !== "plan" || !String(opts.worldModel ?? "").split(",").map((x: string) => x.trim()).includes("refine"))) {
        throw new Error("--refine-target outcome teaches one-step refinement: it needs --world-model refine, --first-step and --refine-input plan");
      }
      if (opts.refineLookahead && opts.refineTarget !== "outcome") throw new Error("--refine-lookahead adds to the outcome target's refine input: it needs --refine-target outcome");
      if (opts.maxSeqLen !== undefined && !opts.init) throw new Error("--max-seq-len grows a checkpoint's context and needs --init (a new model takes maxSeqLen from --config)");
      if (opts.maxSeqLen !== undefined && !(opts.maxSeqLen >= 1 && opts.maxSeqLen <= 65_536)) throw new Error(`--max-seq-len must be 1–65536 tokens, got ${opts.maxSeqLen}`);
      let model: Record<string, unknown> | undefined;
      if (opts.config) {
        try {
          model = JSON.parse(readFileSync(opts.config, "utf8")) as Record<string, unknown>;
        } catch (err) {
          throw new Error(`--config ${opts.config}: ${(err as Error).message}`);
        }
        if (typeof model !== "object" || model === null || Array.isArray(model)) throw new Error(`--config ${opts.config}: expected a JSON object`);
      }
      // TensorFlow.js loads only now, once the arguments are known to be good.
      const [{ selectBackend }, { loadChatJsonl }, { runSft }] = await Promise.all([
        import("../../agent/model/backend.js"),
        import("../../agent/train/dataset.js"),
        import("../../agent/train/sft.js"),
      ]);
      const logger = createLogger("dynamind-sft");
      await selectBackend({ prefer: opts.backend as BackendPreference, workload: "train", logger });
      let train = await loadChatJsonl(opts.data);
      let evalSet = opts.evalData ? await loadChatJsonl(opts.evalData) : undefined;
      const chainsFrom = opts.resimData !== undefined ? await loadChatJsonl(opts.resimData) : undefined;
      if (opts.select !== "all") {
        const { selectSteps, stepKey } = await import("../../agent/resim/decisions.js");
        const paired = chainsFrom && new Map(chainsFrom.map((x) => [stepKey(x.metadata), x.metadata ?? {}]));
        const before = train.length;
        train = selectSteps(train, opts.select as ExampleSelection, "--data", paired);
        if (evalSet) evalSet = selectSteps(evalSet, opts.select as ExampleSelection, "--eval-data", paired);
        logger.info({ selection: opts.select, kept: train.length, of: before }, "steps selected by the search's decision");
      }
      const firstStep = Boolean(opts.firstStep);
      if (opts.worldModel !== undefined) {
        const { withWorldModel } = await import("../../agent/train/world-model-mix.js");
        // The held-out split is the one a run without world-model data holds out, and it stays policy-only.
        const mixed = withWorldModel(train, evalSet, { objectives: opts.worldModel, fraction: opts.worldModelFraction, refineInput: opts.refineInput as "response" | "plan", refineTarget: opts.refineTarget as "search" | "outcome", refineLookahead: opts.refineLookahead as LookaheadScope | undefined, evalFraction: opts.evalFraction, seed: opts.seed, chainsFrom, firstStep });
        logger.info(mixed.report, "world-model examples mixed in");
        train = mixed.train;
        evalSet = mixed.eval;
      } else if (firstStep) {
        const { firstStepExamples } = await import("../../agent/train/world-model.js");
        const before = train.length;
        train = firstStepExamples(train);
        if (evalSet) evalSet = firstStepExamples(evalSet);
        if (train.length === 0) throw new Error("--first-step: no --data response states a plan that starts with its answer (it needs ReSim data)");
        logger.info({ kept: train.length, of: before }, "responses cut to their first step");
      }
      const result = await runSft({
        train,
        eval: evalSet,
        evalFraction: opts.evalFraction,
        outDir: opts.out,
        model,
        tokenizer: opts.tokenizer as "fitted" | "byte",
        tokenizerPieces: opts.tokenizerPieces,
        init: opts.init,
        initMaxSeqLen: opts.maxSeqLen,
        resume: opts.resume,
        steps: opts.steps,
        batchSize: opts.batchSize,
        maxBatchTokens: opts.maxBatchTokens,
        microBatchTokens: opts.microBatchTokens,
        lr: opts.lr,
        minLr: opts.minLr,
        warmupSteps: opts.warmup,
        weightDecay: opts.weightDecay,
        gradClip: opts.gradClip,
        promptLossWeight: opts.promptLossWeight,
        answerLossWeight: opts.answerLossWeight,
        decisionLossWeight: opts.decisionLossWeight,
        positionShift: Boolean(opts.positionShift),
        evalEvery: opts.evalEvery,
        checkpointEvery: opts.checkpointEvery,
        seed: opts.seed,
        workers: opts.workers,
        progress: opts.progress === false ? false : undefined,
        logger,
      });
      result.model.dispose();
    });
}
