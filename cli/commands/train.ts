import { Command, InvalidArgumentError, Option } from "commander";
import type { BackendPreference } from "../../agent/model/backend.js";
import { ALGOS, parseRlConfig, readRlConfigFile } from "../../agent/rl/config.js";
import { createLogger } from "../../env-server/logger.js";
import { connect } from "../connect.js";
import { addOperatorOptions } from "../operator-options.js";
import { jsonObject } from "../options.js";

/** Any finite number: ranges are the config schema's to check, so every bad value gets the same kind of message. */
function finite(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n)) throw new InvalidArgumentError(`expected a number, got "${value}"`);
  return n;
}

/** Flag name → config field; a flag given on the command line overrides --train-config. */
const FIELDS = {
  groupSize: "groupSize",
  groups: "groupsPerIteration",
  iterations: "iterations",
  nT: "nT",
  nPi: "nPi",
  rounds: "rounds",
  beta: "beta",
  clip: "clip",
  lr: "lr",
  weightDecay: "weightDecay",
  gradClip: "gradClip",
  epochs: "epochs",
  minibatchSize: "minibatchSize",
  stepWeighting: "stepWeighting",
  flatGroups: "flatGroups",
  temperature: "temperature",
  topP: "topP",
  maxSteps: "maxSteps",
  maxNewTokens: "maxNewTokens",
  history: "history",
  promptStyle: "promptStyle",
  planMaxActions: "planMaxActions",
  minResponseTokens: "minResponseTokens",
  refineTooLong: "refineTooLong",
  refineInput: "refineInput",
  lookaheadTries: "lookaheadTries",
  lookaheadHorizon: "lookaheadHorizon",
  lookaheadScope: "lookaheadScope",
  seed: "seed",
  seedStart: "seedStart",
  taskPool: "taskPool",
  checkpointEvery: "checkpointEvery",
  maxAgentSteps: "maxAgentSteps",
} as const;

export function trainCommand(): Command {
  return addOperatorOptions(new Command("train"))
    .description("Online RL from an SFT checkpoint over the protocol: GRPO, RLOO, or Dyna-GRPO (SimRollout + GRPO). Writes checkpoint/ (resumable) and metrics.jsonl.")
    .addOption(new Option("--algo <name>", "the algorithm").choices([...ALGOS]).makeOptionMandatory())
    .requiredOption("--from <dir>", "the starting checkpoint (from `dynamind sft`); also the frozen KL reference")
    .requiredOption("--out <dir>", "output: checkpoint/ (resumable) and metrics.jsonl")
    .option("--env <id>", "environment id (default sokoban)")
    .option("--preset <name>", "shorthand for --config '{\"preset\":\"<name>\"}'")
    .option("--config <json>", "environment config", jsonObject)
    .option("--train-config <file>", "JSON of RL config fields (groupSize, nT, beta, …); flags override it")
    .option("--group-size <G>", "rollouts per task seed (same start state)", finite)
    .option("--groups <n>", "task seeds (groups) per iteration", finite)
    .option("--iterations <n>", "grpo/rloo: iterations", finite)
    .option("--n-t <n>", "dyna-grpo: simulation-improvement iterations per round", finite)
    .option("--n-pi <n>", "dyna-grpo: policy-improvement iterations per round", finite)
    .option("--rounds <n>", "dyna-grpo: rounds", finite)
    .option("--beta <b>", "KL penalty weight (k3 estimator)", finite)
    .option("--clip <eps>", "ratio clip ε", finite)
    .option("--lr <lr>", "AdamW learning rate (constant)", finite)
    .option("--weight-decay <w>", "AdamW decoupled weight decay", finite)
    .option("--grad-clip <norm>", "global gradient-norm clip (0 = off)", finite)
    .option("--epochs <n>", "passes over each iteration's samples", finite)
    .option("--minibatch-size <n>", "sequences per gradient step", finite)
    .addOption(new Option("--step-weighting <how>", "episode: each episode's steps share one weight (default); step: every step weighs 1").choices(["episode", "step"]))
    .addOption(new Option("--flat-groups <what>", "a group whose returns are all equal (zero advantages): skip leaves it out of the update (default); kl keeps it for the KL term alone").choices(["skip", "kl"]))
    .option("--temperature <t>", "sampling temperature of rollouts", finite)
    .option("--top-p <p>", "nucleus sampling mass", finite)
    .option("--max-steps <n>", "step cap per episode", finite)
    .option("--max-new-tokens <n>", "generation budget per response", finite)
    .option("--history <n>", "previous steps shown in prompts", finite)
    .addOption(new Option("--prompt-style <style>", "the prompt layout the checkpoint was trained with").choices(["compact", "full"]))
    .option("--plan-max-actions <n>", "dyna-grpo: plan actions executed by SimRollout (≤ 5)", finite)
    .option("--min-response-tokens <n>", "least context a prompt or refinement input must leave for the response", finite)
    .addOption(new Option("--refine-too-long <what>", "dyna-grpo: a refinement input that does not fit is skipped or fails the run (never cut)").choices(["skip", "fail"]))
    .addOption(new Option("--refine-input <form>", "dyna-grpo: the refinement input shows the whole draft (response, the paper's) or only its plan's real outcome (plan); use the form the checkpoint was taught").choices(["response", "plan"]))
    .option("--lookahead-tries <n>", "dyna-grpo: random continuations SimRollout plays after the executed plan, reported in the refinement input as how many reached the goal (0 = off; for a student taught it by sft --refine-lookahead)", finite)
    .option("--lookahead-horizon <n>", "dyna-grpo: actions in each random continuation", finite)
    .addOption(new Option("--lookahead-scope <scope>", "dyna-grpo: continue after the executed plan (plan) or after each valid first action, --lookahead-tries each (every-action: a one-step search at RL time; for a student taught it by sft --refine-lookahead every-action)").choices(["plan", "every-action"]))
    .option("--seed <n>", "sampling seed", finite)
    .option("--seed-start <n>", "first task seed", finite)
    .option("--task-pool <n>", "task seeds cycle through this many from --seed-start (0 = a new seed for every group); a small pool checks that training raises success on the tasks it trains on", finite)
    .option("--max-agent-steps <n>", "stop once the run has taken this many agent steps (0 = no budget)", finite)
    .option("--checkpoint-every <n>", "checkpoint every n iterations (0 = only at the end)", finite)
    .option("--no-sim-score", "skip the exact Sim Score of responses (saves Expand calls)")
    .option("--no-simulates", "the checkpoint answers without simulated plans (a DISTILL(action-only) model): prompts do not ask for plans, and SimRollout executes the answer")
    .option("--no-resume", "start afresh even if --out has a checkpoint")
    .addOption(new Option("--backend <name>", "tensorflow.js backend (auto: tfjs-node-gpu, wasm, cpu; the native CPU backend, slower at generating small models, only when named: node)").choices(["auto", "gpu", "node", "wasm", "cpu"]).default("auto"))
    .option("-a, --address <host:port...>", "servers to use (default: an embedded server)")
    .option("--no-progress", "no progress bar")
    .action(async (opts) => {
      const file = opts.trainConfig ? readRlConfigFile(opts.trainConfig) : {};
      const merged: Record<string, unknown> = { ...file, algo: opts.algo };
      for (const [flag, field] of Object.entries(FIELDS)) if (opts[flag] !== undefined) merged[field] = opts[flag];
      if (opts.env !== undefined) merged.env = opts.env;
      if (opts.simScore === false) merged.simScore = false;
      if (opts.simulates === false) merged.simulates = false;
      if (opts.config !== undefined || opts.preset !== undefined) {
        const base = typeof file.envConfig === "object" && file.envConfig !== null ? (file.envConfig as Record<string, unknown>) : {};
        merged.envConfig = { ...base, ...(opts.config ?? {}), ...(opts.preset ? { preset: opts.preset } : {}) };
      }
      const config = parseRlConfig(merged, opts.trainConfig ? `train config (${opts.trainConfig} and flags)` : "train config");
      // TensorFlow.js loads only now, once the configuration is known to be good.
      const [{ selectBackend }, { runRl }] = await Promise.all([import("../../agent/model/backend.js"), import("../../agent/rl/trainer.js")]);
      const logger = createLogger("dynamind-train");
      await selectBackend({ prefer: opts.backend as BackendPreference, logger });
      const { client, close } = await connect(opts.address, opts);
      try {
        const r = await runRl({ config, from: opts.from, outDir: opts.out, client, resume: opts.resume, progress: opts.progress === false ? false : undefined, logger });
        r.model.dispose();
        const last = r.history.at(-1);
        console.log(
          JSON.stringify({
            algo: config.algo,
            iterations: r.iterations,
            resumedFrom: r.startIteration,
            checkpoint: r.checkpointDir,
            ...(last ? { lastIteration: { return: last.return, success: last.success, simScore: last.simScore, kl: last.kl, totalAgentSteps: last.totalAgentSteps, totalEnvSteps: last.totalEnvSteps } } : {}),
          }),
        );
      } finally {
        await close();
      }
    });
}
