import { Command, Option } from "commander";
import { evaluate } from "../../agent/eval/evaluate.js";
import { PROMPT_STYLES } from "../../agent/format/prompt.js";
import { ANSWER_MODES, type ResponsePolicy } from "../../agent/eval/policy.js";
import { RandomResponsePolicy } from "../../agent/eval/random-policy.js";
import { SearchPolicy } from "../../agent/eval/search-policy.js";
import { createLogger } from "../../env-server/logger.js";
import { EndpointPolicy } from "../../agent/eval/endpoint-policy.js";
import { connect } from "../connect.js";
import { addOperatorOptions } from "../operator-options.js";
import { addLlmOptions, llmFromOptions } from "../llm-options.js";
import { int, jsonObject, nonNegative, requireDirs } from "../options.js";

export function evalCommand(): Command {
  return addOperatorOptions(addLlmOptions(new Command("eval")))
    .description("Evaluate a policy over the protocol: success, steps, tokens per step, exact Sim Score.")
    .requiredOption("--env <id>", "environment id")
    .option("--preset <name>", "shorthand for --config '{\"preset\":\"<name>\"}'")
    .option("--config <json>", "environment config (e.g. an out-of-distribution split)", jsonObject)
    .option("--episodes <n>", "episodes", int, 20)
    .option("--seed-start <n>", "first seed (use seeds unseen in training)", int, 1_000_000)
    .addOption(new Option("--policy <kind>", "what to evaluate").choices(["checkpoint", "endpoint", "search", "random", "lexical"]).default("checkpoint"))
    .option("--checkpoint <dir>", "a checkpoint from `dynamind sft`")
    .option("--action-only", "the checkpoint answers without simulated plans")
    .option("--max-new-tokens <n>", "generation budget per step", int, 512)
    .option("--temperature <t>", "checkpoint: 0 = greedy; above 0, sampled from a stream seeded by the episode's seed and step", nonNegative, 0)
    .addOption(
      new Option("--answers <mode>", "checkpoint: write the answer, or pick it among the state's valid actions by the model's likelihood (greedy, or sampled at --temperature)")
        .choices([...ANSWER_MODES])
        .default("write"),
    )
    .addOption(new Option("--prompt-style <style>", "the prompt layout it was trained with").choices([...PROMPT_STYLES]).default("full"))
    .option("--max-steps <n>", "cap on steps per episode", int)
    .option("--history <n>", "previous steps shown in each prompt (as the policy was trained)", int, 0)
    .option("--concurrency <n>", "episodes in flight (a checkpoint policy batches their prompts into one generation)", int, 1)
    .option("--b <n>", "search: trajectories per step", int, 8)
    .option("--d <n>", "search: steps each plan shows", int, 3)
    .option("--horizon <n>", "search: steps each trajectory is followed for its outcome", int, 20)
    .addOption(new Option("--search-value <fn>", "search: Monte-Carlo (the paper's) or the solver's distance (privileged)").choices(["mc", "solver"]).default("mc"))
    .addOption(new Option("--search-rollout <policy>", "search: rollout policy (expert and mixed are privileged)").choices(["random", "lexical", "expert", "mixed"]).default("random"))
    .option("-a, --address <host:port...>", "servers to use (default: an embedded server)")
    .option("--record <dir>", "write every episode played to DIR as JSONL, frames as PNG (see `dynamind replay`, `dynamind view`)")
    .action(async (opts) => {
      let policy: ResponsePolicy;
      if (opts.answers !== "write" && opts.policy !== "checkpoint") throw new Error(`--answers ${opts.answers} applies to --policy checkpoint only`);
      if (opts.policy === "checkpoint") {
        if (!opts.checkpoint) throw new Error("--policy checkpoint needs --checkpoint DIR");
        requireDirs({ "--checkpoint": opts.checkpoint });
        // TensorFlow.js loads only for a checkpoint, and only once the arguments are known to be good.
        const [{ selectBackend }, { CheckpointPolicy }] = await Promise.all([import("../../agent/model/backend.js"), import("../../agent/eval/model-policy.js")]);
        await selectBackend({ logger: createLogger("dynamind") });
        policy = await CheckpointPolicy.load(opts.checkpoint, {
          simulates: !opts.actionOnly,
          maxNewTokens: opts.maxNewTokens,
          temperature: opts.temperature,
          answers: opts.answers,
          ...(opts.temperature > 0 || opts.answers !== "write"
            ? { name: `checkpoint(${opts.checkpoint}${opts.temperature > 0 ? `, temperature ${opts.temperature}` : ""}${opts.answers === "valid" ? ", answers among valid actions" : ""})` }
            : {}),
        });
      } else if (opts.policy === "endpoint") {
        const llm = llmFromOptions(opts);
        if (!llm) throw new Error("--policy endpoint needs --llm-url and --llm-model");
        policy = new EndpointPolicy(llm, { simulates: !opts.actionOnly, maxTokens: opts.maxNewTokens });
      } else if (opts.policy === "random" || opts.policy === "lexical") {
        policy = new RandomResponsePolicy(opts.seedStart, opts.policy);
      } else {
        policy = new SearchPolicy({
          b: opts.b,
          d: opts.d,
          horizon: opts.horizon,
          bTrain: 2,
          gamma: 0.9,
          value: opts.searchValue,
          rollout: opts.searchRollout,
          seed: opts.seedStart,
        });
      }
      const { client, close } = await connect(opts.address, opts);
      try {
        const config = { ...(opts.config ?? {}), ...(opts.preset ? { preset: opts.preset } : {}) };
        const seeds = Array.from({ length: opts.episodes }, (_, i) => opts.seedStart + i);
        const r = await evaluate(client, policy, {
          envId: opts.env,
          config,
          seeds,
          history: opts.history,
          concurrency: opts.concurrency,
          simScore: true,
          promptStyle: opts.promptStyle,
          maxSteps: opts.maxSteps,
        });
        console.log(JSON.stringify(r, null, 2));
      } finally {
        await close();
      }
    });
}
