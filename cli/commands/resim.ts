import { mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import { Command, Option } from "commander";
import { SingleBar, Presets } from "cli-progress";
import { collectResim } from "../../agent/resim/collect.js";
import { PROMPT_STYLES } from "../../agent/format/prompt.js";
import { connect } from "../connect.js";
import { addOperatorOptions } from "../operator-options.js";
import { addLlmOptions, llmFromOptions } from "../llm-options.js";
import { int, jsonObject, requireDirs } from "../options.js";

function fraction(value: string): number {
  const n = Number(value);
  if (!(n > 0 && n <= 1)) throw new Error(`expected a number in (0, 1], got "${value}"`);
  return n;
}

export function resimCommand(): Command {
  return addOperatorOptions(addLlmOptions(new Command("resim")))
    .description("Collect ReSim data: search trees over real rollouts, aggregated into responses that simulate the future (JSONL).")
    .requiredOption("--env <id>", "environment id (see `dynamind envs`)")
    .option("--preset <name>", "shorthand for --config '{\"preset\":\"<name>\"}'")
    .option("--config <json>", "environment config as a JSON object", jsonObject)
    .option("--episodes <n>", "episodes to collect", int, 20)
    .option("--seed-start <n>", "first episode seed (episodes use consecutive seeds)", int, 0)
    .option("--b <n>", "trajectories sampled per real step (they form a tree)", int, 8)
    .option("--d <n>", "steps each plan shows", int, 3)
    .option("--horizon <n>", "steps each trajectory is followed for its Monte-Carlo outcome", int, 20)
    .option("--b-train <n>", "plans kept in each response (best + b_train − 1)", int, 2)
    .option("--gamma <g>", "discount of the value function", fraction, 0.9)
    .option("--avoid-self-loops", "never show or choose a plan whose first action leaves the state unchanged (e.g. walking into a wall) while another plan exists: a depth-d search can value such a plan above every real move")
    .addOption(
      new Option(
        "--policy <name>",
        "rollout policy: random, lexical (valid actions sharing words with the goal are likelier), an LLM endpoint, a checkpoint (--rollout-checkpoint), or the privileged expert/mixed",
      )
        .choices(["random", "lexical", "llm", "model", "expert", "mixed"])
        .default("random"),
    )
    .option("--rollout-checkpoint <dir>", "the model under training as the rollout policy (with --policy model)")
    .addOption(new Option("--aggregator <who>", "who writes the comparison of plans").choices(["template", "llm"]).default("template"))
    .addOption(new Option("--value <fn>", "value function: the paper's Monte-Carlo success fraction, or the solver's distance (privileged)").choices(["mc", "solver"]).default("mc"))
    .option("--history <n>", "previous steps shown in each prompt", int, 0)
    .addOption(new Option("--prompt-style <style>", "full: the env's instructions too; compact: the state only (small models); compact-actions: the state and its valid actions").choices([...PROMPT_STYLES]).default("full"))
    .option("--concurrency <n>", "episodes in flight", int, 4)
    .option("--max-steps <n>", "cap on steps per collected episode (default: the environment's own limit)", int)
    .option("-a, --address <host:port...>", "servers to use (default: an embedded server)")
    .option("--record <dir>", "write every episode played to DIR as JSONL, frames as PNG (see `dynamind replay`, `dynamind view`)")
    .option("-o, --out <file>", "dataset file (appended; a rerun resumes)", "data/resim.jsonl")
    .option("--action-only-out <file>", "also write the action-only baseline dataset from the same episodes")
    .action(async (opts) => {
      requireDirs({ "--rollout-checkpoint": opts.rolloutCheckpoint });
      // TensorFlow.js loads only for a rollout checkpoint. It samples (temperature 1): greedy, the b
      // rollouts of a search would all be the same trajectory.
      const rolloutModel = opts.rolloutCheckpoint
        ? await (await import("../../agent/eval/model-policy.js")).CheckpointPolicy.load(opts.rolloutCheckpoint, {
            simulates: false,
            maxNewTokens: 24,
            temperature: 1,
            name: "rollout model",
          })
        : undefined;
      const { client, close } = await connect(opts.address, opts);
      const config = { ...(opts.config ?? {}), ...(opts.preset ? { preset: opts.preset } : {}) };
      const bar = new SingleBar({ format: "resim {bar} {value}/{total} episodes | success {success}% | {nodes} nodes", noTTYOutput: false }, Presets.shades_classic);
      let successes = 0;
      let done = 0;
      let nodes = 0;
      await mkdir(dirname(opts.out), { recursive: true });
      try {
        if (process.stderr.isTTY) bar.start(opts.episodes, 0, { success: 0, nodes: 0 });
        const summary = await collectResim(client, {
          envId: opts.env,
          config,
          episodes: opts.episodes,
          seedStart: opts.seedStart,
          b: opts.b,
          d: opts.d,
          horizon: opts.horizon,
          bTrain: opts.bTrain,
          gamma: opts.gamma,
          avoidSelfLoops: Boolean(opts.avoidSelfLoops),
          policy: opts.policy,
          value: opts.value,
          history: opts.history,
          promptStyle: opts.promptStyle,
          llm: llmFromOptions(opts),
          rolloutModel,
          aggregator: opts.aggregator,
          concurrency: opts.concurrency,
          ...(opts.maxSteps !== undefined ? { maxEpisodeSteps: opts.maxSteps } : {}),
          out: opts.out,
          actionOnlyOut: opts.actionOnlyOut,
          onEpisode: (e) => {
            done++;
            nodes += e.nodes;
            if (e.success) successes++;
            if (process.stderr.isTTY) bar.update(done, { success: Math.round((100 * successes) / done), nodes });
          },
        });
        if (process.stderr.isTTY) bar.stop();
        console.log(JSON.stringify({ out: opts.out, ...summary }, null, 2));
      } finally {
        await close();
      }
    });
}
