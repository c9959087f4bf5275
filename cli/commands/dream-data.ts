/**
 * `dynamind dream-data`: SFT data for a transition model that `dream` serves
 * (`--dream-checkpoint`), from seeded random play in the real base env. An operator's
 * tool, run beside the server rather than through it: the prompts must be the ones the
 * env builds, with the neighbours of the live buffer the server would fill, so it uses the
 * env's own modules in-process (adapters/dream/training-data.ts).
 */
import { createWriteStream } from "node:fs";
import { once } from "node:events";
import { Command, Option } from "commander";
import { builtinRegistry } from "../../adapters/index.js";
import { parseDreamOperatorConfig } from "../../adapters/dream/config.js";
import { fillLive, MAX_PROMPT_TEXT, playRandom } from "../../adapters/dream/definition.js";
import { ReplayBuffer } from "../../adapters/dream/retrieval.js";
import { transitionExamples } from "../../adapters/dream/training-data.js";
import { int, jsonObject } from "../options.js";

export function dreamDataCommand(): Command {
  const defaults = parseDreamOperatorConfig({});
  return new Command("dream-data")
    .description("Chat JSONL for training a dream transition model (dynamind sft): every step of seeded random play in the real env, as the prompt dream builds for it, answered with the real outcome.")
    .requiredOption("--out <file>", "the JSONL to write")
    .option("--base <env>", "the real env dream will wrap", "sokoban")
    .option("--base-config <json>", "its config (dream's base_config)", jsonObject, {})
    .option("--episodes <n>", "episodes of random play", int, 1000)
    .option("--seed-start <n>", "first reset seed (consecutive after it); keep it apart from evaluation and RL seeds", int, 20_000_000)
    .option("--max-steps <n>", "most steps per episode (the env's own limit also holds)", int, 40)
    .option("--k <n>", "neighbours per prompt: the dream sessions' k", int, 3)
    .option("--history <n>", "past steps per prompt: the dream sessions' history", int, 4)
    .addOption(new Option("--prompt <style>", "the prompt style the model will be served with (its operator entry's prompt; --dream-compact-prompt NAME)").choices(["full", "compact"]).default("full"))
    .option("--live-episodes <n>", "the server's live_episodes (its live buffer gives the neighbours)", int, defaults.live_episodes)
    .option("--live-max-steps <n>", "the server's live_max_steps", int, defaults.live_max_steps)
    .action(async (opts) => {
      if (opts.k > 8 || opts.history > 32) throw new Error("--k is at most 8 and --history at most 32, as in a dream session's config");
      if (opts.episodes < 1 || opts.maxSteps < 1) throw new Error("--episodes and --max-steps must be at least 1");
      if (opts.base === "dream") throw new Error("--base is a real env, not dream");
      const registry = builtinRegistry();
      if (!registry.has(opts.base)) throw new Error(`unknown env "${opts.base}"`);
      const def = await registry.get(opts.base);
      const baseConfig = def.parseConfig(opts.baseConfig);
      const spec = def.describe(baseConfig);
      const buffer = new ReplayBuffer(fillLive(def, baseConfig, opts.liveEpisodes, opts.liveMaxSteps));
      const settings = {
        baseId: opts.base,
        instructions: spec.instructions,
        k: opts.k,
        history: opts.history,
        maxTextChars: MAX_PROMPT_TEXT,
        validActions: spec.action.discreteNames.length === 0,
        style: opts.prompt as "full" | "compact",
      };
      const out = createWriteStream(opts.out);
      const started = Date.now();
      let examples = 0;
      let changed = 0;
      let successes = 0;
      for (let e = 0; e < opts.episodes; e++) {
        const seed = opts.seedStart + e;
        const episode = playRandom(def, baseConfig, seed, opts.maxSteps);
        for (const ex of transitionExamples(episode, buffer, settings)) {
          const t = episode[ex.step]!;
          if (t.next !== t.state) changed++;
          if (t.success) successes++;
          examples++;
          if (!out.write(`${JSON.stringify({ messages: ex.messages, metadata: { base: opts.base, seed, step: ex.step } })}\n`)) await once(out, "drain");
        }
      }
      out.end();
      await once(out, "finish");
      console.log(
        `${opts.out}: ${examples} examples from ${opts.episodes} episodes (seeds ${opts.seedStart}–${opts.seedStart + opts.episodes - 1}); ` +
          `${changed} change the state, ${successes} complete the task; neighbours from a live buffer of ${buffer.size} transitions; ${((Date.now() - started) / 1000).toFixed(1)} s`,
      );
    });
}
