/**
 * ReSim data collection over the protocol, written once for every environment.
 * At every real step: sample rollouts from the current state (Expand), value and
 * de-duplicate them, keep the best and b_train − 1 others, aggregate them into a
 * response that simulates the future, then execute the chosen action. Episodes
 * run in parallel on their own sessions (spread over every server the client has).
 */
import type { EnvClient, Step } from "../client/index.js";
import { actionText, buildPrompt, goalOf, recent, type HistoryEntry, type PromptStyle } from "../format/prompt.js";
import type { ChatClient } from "../llm/client.js";
import { parseResponse, writeAnswerOnly } from "../format/response.js";
import { llmAggregate, templateAggregate } from "./aggregate.js";
import { appendExamples, completedSeeds, type Example, type FirstStepRecord } from "./dataset.js";
import type { ResponsePolicy } from "../eval/policy.js";
import { ExpertPolicy, LexicalPolicy, LlmRolloutPolicy, MixedPolicy, RandomPolicy, ResponseRolloutPolicy, type RolloutPolicy } from "./policies.js";
import { succeeded } from "./rollouts.js";
import { SeededRandom } from "./seeded-random.js";
import { dedupe, keep, withoutSelfLoops } from "./select.js";
import { searchTree, type TreeNode } from "./tree.js";
import { valueRollouts, type ValueFunction } from "./value.js";

export type PolicyName = "random" | "lexical" | "expert" | "mixed" | "llm" | "model";

/** Steps a trajectory is followed past the root for its Monte-Carlo outcome, unless told otherwise. */
export const DEFAULT_HORIZON = 20;

export interface ResimOptions {
  envId: string;
  config: Record<string, unknown>;
  episodes: number;
  seedStart: number;
  /** Trajectories sampled per real step. */
  b: number;
  /** Steps each plan shows. */
  d: number;
  /** Steps a trajectory is followed for its Monte-Carlo outcome (≥ d; default 20). */
  horizon?: number;
  /** Rollouts kept in the response (the best + b_train − 1). */
  bTrain: number;
  gamma: number;
  /**
   * Leave out of the response the rollouts whose first action did not change the state
   * (select.ts withoutSelfLoops), while any other rollout exists. Off by default: the
   * collections in docs/results were made without it.
   */
  avoidSelfLoops?: boolean;
  policy: PolicyName;
  value: ValueFunction;
  /** Step budget of each collected episode (below the env's own; a weak teacher would fill the data with long failures). */
  maxEpisodeSteps?: number;
  /** Previous steps shown in the prompt. */
  history: number;
  /** Prompt layout (default "full"); evaluation must use the same. */
  promptStyle?: PromptStyle;
  /** The model under training (any response policy) for policy "model". */
  rolloutModel?: ResponsePolicy;
  /** An OpenAI-compatible endpoint for policy "llm" and aggregator "llm". */
  llm?: ChatClient;
  /** Sampling temperature of the LLM rollout policy (default 1: diverse rollouts). */
  llmTemperature?: number;
  /** Who writes the comparison: the deterministic template (default) or the LLM. */
  aggregator?: "template" | "llm";
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
  /** LLM rollout decisions asked for, and how many were unusable (replaced by a random valid action). */
  llmCalls: number;
  llmFallbacks: number;
  /** Steps where the LLM aggregator's own pick was used. */
  llmChoicesUsed: number;
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
  llmCalls: number;
  llmFallbacks: number;
  llmChoicesUsed: number;
}

function makePolicy(name: PolicyName, random: SeededRandom, opts: ResimOptions): RolloutPolicy {
  if (name === "llm") {
    if (!opts.llm) throw new Error("policy llm needs an endpoint (--llm-url and --llm-model)");
    return new LlmRolloutPolicy(opts.llm, random, opts.promptStyle, opts.llmTemperature ?? 1);
  }
  if (name === "model") {
    if (!opts.rolloutModel) throw new Error("policy model needs a checkpoint (--rollout-checkpoint DIR)");
    return new ResponseRolloutPolicy(opts.rolloutModel, random, opts.promptStyle ?? "compact");
  }
  if (name === "random") return new RandomPolicy(random);
  if (name === "lexical") return new LexicalPolicy(random);
  if (name === "expert") return new ExpertPolicy(random);
  return new MixedPolicy(random);
}

export async function collectResim(client: EnvClient, opts: ResimOptions): Promise<ResimSummary> {
  if (opts.bTrain < 1 || opts.bTrain > opts.b) throw new Error(`b_train must be between 1 and b (${opts.b}), got ${opts.bTrain}`);
  if (opts.d < 1) throw new Error(`d must be at least 1, got ${opts.d}`);
  if ((opts.policy === "llm" || opts.aggregator === "llm") && !opts.llm) throw new Error("an llm policy or aggregator needs an endpoint (--llm-url and --llm-model)");
  const done = await completedSeeds(opts.out, opts.envId);
  const seeds = Array.from({ length: opts.episodes }, (_, i) => opts.seedStart + i).filter((s) => !done.has(s));
  const started = performance.now();
  const results: EpisodeSummary[] = [];
  let examples = 0;
  let next = 0;
  // Episodes finish in an order that depends on timing. They are written whole (so the file is
  // always resumable) and in seed order: the dataset is then the same bytes in every run, and a
  // resumed file the same as an uninterrupted one. Appends are chained so that they land in
  // the order they were queued.
  const finished = new Map<number, { data: Example[]; baseline: Example[] }>();
  let written = 0;
  let writes: Promise<void> = Promise.resolve();
  const worker = async () => {
    while (next < seeds.length) {
      const index = next++;
      const { summary, data, baseline } = await runEpisode(client, opts, seeds[index]!);
      finished.set(index, { data, baseline });
      while (finished.has(written)) {
        const episode = finished.get(written)!;
        finished.delete(written++);
        writes = writes.then(async () => {
          await appendExamples(opts.out, episode.data);
          if (opts.actionOnlyOut) await appendExamples(opts.actionOnlyOut, episode.baseline);
        });
      }
      await writes;
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
    llmCalls: results.reduce((a, r) => a + r.llmCalls, 0),
    llmFallbacks: results.reduce((a, r) => a + r.llmFallbacks, 0),
    llmChoicesUsed: results.reduce((a, r) => a + r.llmChoicesUsed, 0),
  };
}

async function runEpisode(
  client: EnvClient,
  opts: ResimOptions,
  seed: number,
): Promise<{ summary: EpisodeSummary; data: Example[]; baseline: Example[] }> {
  const random = new SeededRandom(seed);
  const policy = makePolicy(opts.policy, random, opts);
  const session = await client.createSession(opts.envId, { config: opts.config, maxSteps: opts.maxEpisodeSteps });
  const data: Example[] = [];
  // The action-only baseline: the same states and actions, without the simulation.
  const baseline: Example[] = [];
  const history: HistoryEntry[] = [];
  let nodes = 0;
  let calls = 0;
  let llmChoicesUsed = 0;
  try {
    let current: Step = await session.reset(seed);
    const goal = goalOf(current.info);
    for (let t = 0; !current.terminated && !current.truncated; t++) {
      const search = await searchTree(session, current.observation, policy, { b: opts.b, d: opts.d, horizon: opts.horizon ?? DEFAULT_HORIZON, gamma: opts.gamma, goal });
      let valued = search.plans;
      if (opts.value === "solver") {
        const solved = await valueRollouts(session, valued, "solver", opts.gamma);
        valued = solved.valued;
        calls += solved.expertCalls;
      }
      nodes += search.nodes;
      calls += search.calls;
      const unique = dedupe(valued);
      const { best, kept } = keep(opts.avoidSelfLoops === true ? withoutSelfLoops(unique, current.observation.fingerprint) : unique, opts.bTrain, random);
      const shown = recent(history, opts.history);
      const prompt = buildPrompt(session.spec, current.observation, shown, true, opts.promptStyle, goal);
      const aggregated = opts.aggregator === "llm" ? await llmAggregate(opts.llm!, prompt, best, kept, random) : templateAggregate(best, kept, random);
      if ("llmChoiceUsed" in aggregated && aggregated.llmChoiceUsed) llmChoicesUsed++;
      await client.release(search.handles);
      const action = parseResponse(aggregated.response).answer!;
      baseline.push({
        messages: [...buildPrompt(session.spec, current.observation, shown, false, opts.promptStyle, goal), { role: "assistant", content: writeAnswerOnly(action) }],
        metadata: { env: opts.envId, config: opts.config, seed, step: t, episodeEnd: false, action: actionText(action), responseKind: "action-only" },
      });
      data.push({
        messages: [...prompt, { role: "assistant", content: aggregated.response }],
        metadata: {
          env: opts.envId,
          config: opts.config,
          seed,
          step: t,
          episodeEnd: false,
          action: actionText(action),
          chosenPlan: aggregated.chosenPlanId,
          tree: valued.map((r) => ({
            actions: r.actions.map(actionText),
            value: r.value,
            visits: r.visits,
            successes: r.successes,
            leaf: r.steps.at(-1)?.observation.fingerprint ?? "",
          })),
          firstSteps: firstStepsFound(search.root, current.observation.fingerprint),
          searchSuccess: search.successes / search.trajectories,
          b: opts.b,
          d: opts.d,
          horizon: opts.horizon ?? DEFAULT_HORIZON,
          bTrain: opts.bTrain,
          ...(opts.avoidSelfLoops === true ? { avoidSelfLoops: true } : {}),
          policy: policy.name,
          aggregator: opts.aggregator ?? "template",
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
    const llm = policy instanceof LlmRolloutPolicy ? { llmCalls: policy.calls, llmFallbacks: policy.fallbacks } : { llmCalls: 0, llmFallbacks: 0 };
    return { summary: { seed, steps: current.stepIndex, success, nodes, calls, ...llm, llmChoicesUsed }, data, baseline };
  } finally {
    await session.close().catch(() => undefined);
  }
}

/**
 * The root's children as the search found them: each first action's real next state and
 * the Monte-Carlo outcome of the trajectories through it. A refinement example can then
 * show any first action's real outcome, not only those of the plans the response keeps
 * (agent/train/world-model.ts, the "outcome" target).
 */
function firstStepsFound(root: TreeNode, rootFingerprint: string): FirstStepRecord[] {
  return [...root.children.values()].map((c) => ({
    action: actionText(c.action!),
    state: c.observation.text,
    changed: c.observation.fingerprint !== rootFingerprint,
    terminated: c.step!.terminated,
    truncated: c.step!.truncated,
    success: succeeded([c.step!]),
    visits: c.visits,
    successes: c.successes,
  }));
}
