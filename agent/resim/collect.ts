/**
 * ReSim data collection over the protocol, written once for every environment.
 * At every real step: sample rollouts from the current state (Expand), value and
 * de-duplicate them, keep the best and b_train − 1 others, aggregate them into a
 * response that simulates the future, then execute the chosen action. Episodes
 * run in parallel on their own sessions (spread over every server the client has).
 */
import type { EnvClient, Step } from "../client/index.js";
import { actionText, buildPrompt, recent, type HistoryEntry, type PromptStyle } from "../format/prompt.js";
import { writeAnswerOnly } from "../format/response.js";
import { templateAggregate } from "./aggregate.js";
import { appendExamples, completedSeeds, type Example } from "./dataset.js";
import { ExpertPolicy, MixedPolicy, RandomPolicy, type RolloutPolicy } from "./policies.js";
import { sampleRollouts, succeeded } from "./rollouts.js";
import { SeededRandom } from "./seeded-random.js";
import { dedupe, keep } from "./select.js";
import { valueRollouts, type ValueFunction } from "./value.js";

export type PolicyName = "random" | "expert" | "mixed";

export interface ResimOptions {
  envId: string;
  config: Record<string, unknown>;
  episodes: number;
  seedStart: number;
  /** Rollouts per real step. */
  b: number;
  /** Rollout depth. */
  d: number;
  /** Rollouts kept in the response (the best + b_train − 1). */
  bTrain: number;
  gamma: number;
  policy: PolicyName;
  value: ValueFunction;
  /** Previous steps shown in the prompt. */
  history: number;
  /** Prompt layout (default "full"); evaluation must use the same. */
  promptStyle?: PromptStyle;
  /** Episodes in flight. */
  concurrency: number;
  out: string;
  /** Also write the action-only baseline dataset (same episodes, answers without simulation). */
  actionOnlyOut?: string;
  /** Called after every episode. */
  onEpisode?: (e: EpisodeSummary) => void;
}

export interface EpisodeSummary {
  seed: number;
  steps: number;
  success: boolean;
  nodes: number;
  calls: number;
}

export interface ResimSummary {
  episodes: number;
  skipped: number;
  successRate: number;
  meanSteps: number;
  examples: number;
  nodes: number;
  seconds: number;
  episodesPerMinute: number;
  nodesPerSecond: number;
}

function makePolicy(name: PolicyName, random: SeededRandom): RolloutPolicy {
  if (name === "random") return new RandomPolicy(random);
  if (name === "expert") return new ExpertPolicy(random);
  return new MixedPolicy(random);
}

export async function collectResim(client: EnvClient, opts: ResimOptions): Promise<ResimSummary> {
  if (opts.bTrain < 1 || opts.bTrain > opts.b) throw new Error(`b_train must be between 1 and b (${opts.b}), got ${opts.bTrain}`);
  if (opts.d < 1) throw new Error(`d must be at least 1, got ${opts.d}`);
  const done = await completedSeeds(opts.out, opts.envId);
  const seeds = Array.from({ length: opts.episodes }, (_, i) => opts.seedStart + i).filter((s) => !done.has(s));
  const started = performance.now();
  const results: EpisodeSummary[] = [];
  let examples = 0;
  let next = 0;
  const worker = async () => {
    while (next < seeds.length) {
      const seed = seeds[next++]!;
      const { summary, data, baseline } = await runEpisode(client, opts, seed);
      // Whole episodes at once, so the file is always resumable.
      await appendExamples(opts.out, data);
      if (opts.actionOnlyOut) await appendExamples(opts.actionOnlyOut, baseline);
      examples += data.length;
      results.push(summary);
      opts.onEpisode?.(summary);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.concurrency) }, worker));
  const seconds = (performance.now() - started) / 1000;
  const nodes = results.reduce((a, r) => a + r.nodes, 0);
  return {
    episodes: results.length,
    skipped: opts.episodes - seeds.length,
    successRate: results.length ? results.filter((r) => r.success).length / results.length : 0,
    meanSteps: results.length ? results.reduce((a, r) => a + r.steps, 0) / results.length : 0,
    examples,
    nodes,
    seconds,
    episodesPerMinute: results.length / (seconds / 60),
    nodesPerSecond: nodes / seconds,
  };
}

async function runEpisode(
  client: EnvClient,
  opts: ResimOptions,
  seed: number,
): Promise<{ summary: EpisodeSummary; data: Example[]; baseline: Example[] }> {
  const random = new SeededRandom(seed);
  const policy = makePolicy(opts.policy, random);
  const session = await client.createSession(opts.envId, { config: opts.config });
  const data: Example[] = [];
  // The action-only baseline: the same states and actions, without the simulation.
  const baseline: Example[] = [];
  const history: HistoryEntry[] = [];
  let nodes = 0;
  let calls = 0;
  try {
    let current: Step = await session.reset(seed);
    for (let t = 0; !current.terminated && !current.truncated; t++) {
      const { rollouts, stats } = await sampleRollouts(session, current.observation, policy, opts.b, opts.d);
      const { valued, expertCalls } = await valueRollouts(session, rollouts, opts.value, opts.gamma);
      nodes += stats.nodes;
      calls += stats.calls + expertCalls;
      const { best, kept } = keep(dedupe(valued), opts.bTrain, random);
      const aggregated = templateAggregate(best, kept, random);
      await client.release(rollouts.flatMap((r) => (r.leaf ? [r.leaf] : [])));
      const action = best.actions[0]!;
      const shown = recent(history, opts.history);
      baseline.push({
        messages: [...buildPrompt(session.spec, current.observation, t, shown, false, opts.promptStyle), { role: "assistant", content: writeAnswerOnly(action) }],
        metadata: { env: opts.envId, config: opts.config, seed, step: t, episodeEnd: false, action: actionText(action), responseKind: "action-only" },
      });
      data.push({
        messages: [...buildPrompt(session.spec, current.observation, t, shown, true, opts.promptStyle), { role: "assistant", content: aggregated.response }],
        metadata: {
          env: opts.envId,
          config: opts.config,
          seed,
          step: t,
          episodeEnd: false,
          action: actionText(action),
          chosenPlan: aggregated.chosenPlanId,
          tree: valued.map((r) => ({ actions: r.actions.map(actionText), value: r.value, leaf: r.steps.at(-1)?.observation.fingerprint ?? "" })),
          b: opts.b,
          d: opts.d,
          bTrain: opts.bTrain,
          policy: policy.name,
          value: opts.value,
          promptStyle: opts.promptStyle ?? "full",
        },
      });
      current = await session.step(action);
      history.push({ action, observation: current.observation.text });
    }
    const success = succeeded([current]);
    for (const set of [data, baseline]) {
      const last = set.at(-1);
      if (last) Object.assign(last.metadata, { episodeEnd: true, episodeSuccess: success });
    }
    return { summary: { seed, steps: current.stepIndex, success, nodes, calls }, data, baseline };
  } finally {
    await session.close().catch(() => undefined);
  }
}
