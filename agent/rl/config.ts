/**
 * The online-RL configuration (GRPO, RLOO, Dyna-GRPO), validated with zod wherever it
 * enters (the CLI's flags and `--train-config` file, a checkpoint's trainer.json), so a
 * bad value is refused before any model or session exists, with the field named.
 */
import { readFileSync } from "node:fs";
import { z } from "zod";
import { LOOKAHEAD_SCOPES, REFINE_INPUT_FORMS } from "../format/refinement.js";
import { PROMPT_STYLES } from "../format/prompt.js";

export const ALGOS = ["grpo", "rloo", "dyna-grpo"] as const;
export type Algo = (typeof ALGOS)[number];

const int = (min: number) => z.number().int().min(min);

/** Actions in each of SimRollout's random continuations when a config does not say (a ReSim collection's 16-step horizon less the drafted action). */
export const DEFAULT_LOOKAHEAD_HORIZON = 15;

export const RlConfigSchema = z
  .object({
    algo: z.enum(ALGOS),
    env: z.string().min(1).default("sokoban"),
    /** The environment's session config (e.g. `{"preset": "6x6-1box"}`). */
    envConfig: z.record(z.string(), z.unknown()).default({}),
    /** G: rollouts per task seed, all from the same start state. Dyna-GRPO splits it in halves. */
    groupSize: int(2).max(256).default(8),
    /** Task seeds (groups) per iteration. */
    groupsPerIteration: int(1).max(64).default(1),
    /** GRPO / RLOO: iterations (one update each). */
    iterations: int(0).default(10),
    /** Dyna-GRPO: simulation-improvement iterations per round (n_T). */
    nT: int(0).default(2),
    /** Dyna-GRPO: policy-improvement iterations per round (n_π). */
    nPi: int(0).default(2),
    /** Dyna-GRPO: rounds (N) of n_T then n_π iterations. */
    rounds: int(0).default(2),
    /** β: weight of the KL penalty to the frozen reference model. */
    beta: z.number().min(0).max(10).default(0.01),
    /** ε: the ratio is clipped to [1 − ε, 1 + ε]. */
    clip: z.number().gt(0).lt(1).default(0.2),
    lr: z.number().gt(0).max(1).default(1e-4),
    weightDecay: z.number().min(0).max(1).default(0),
    /** Global gradient-norm clip (0 = off). */
    gradClip: z.number().min(0).default(1),
    /** Passes over an iteration's samples (1 = on-policy, the ratio starts at 1). */
    epochs: int(1).max(16).default(1),
    /** Sequences per gradient step. */
    minibatchSize: int(1).max(1024).default(16),
    /**
     * How an episode's steps share the loss. "episode": each step weighs 1 / (its
     * episode's steps), so every episode counts once, and since a group's advantages
     * sum to zero, tokens every response shares (the answer markup) get no net push.
     * "step": every step counts 1, so long episodes, mostly failures in a step-capped
     * task, outweigh short successes and push the shared markup down; with a small
     * answers-only model that broke 23% of its greedy answers within 6,000 steps.
     */
    stepWeighting: z.enum(["episode", "step"]).default("episode"),
    /**
     * A group whose returns are all equal has zero advantages, so its samples could only
     * pull the policy toward the reference (the KL term). "skip" leaves them out of the
     * update, as DAPO's dynamic sampling does and as Dyna-GRPO's refinement update does
     * when no A_refine is 1: in a step-capped task an all-failed group is the costliest to
     * score and step through (every response of G full-length episodes) and teaches
     * nothing. "kl" keeps them (what every run before this option did).
     */
    flatGroups: z.enum(["skip", "kl"]).default("skip"),
    /** Sampling temperature of rollouts (the objective's log-probabilities are at temperature 1). */
    temperature: z.number().gt(0).max(10).default(1),
    topP: z.number().gt(0).max(1).default(1),
    /** Step cap per episode (below the environment's own budget). */
    maxSteps: int(1).max(10_000).default(20),
    /** Generation budget per response (less when the context leaves less). */
    maxNewTokens: int(1).default(400),
    /** Previous steps shown in each prompt. */
    history: int(0).max(100).default(0),
    promptStyle: z.enum(PROMPT_STYLES).default("compact"),
    /** Prompts ask for simulated plans (ReSim-style responses). */
    simulates: z.boolean().default(true),
    /** SimRollout executes at most this many actions of the response's plan (the paper: n ≤ 5). */
    planMaxActions: int(1).max(5).default(5),
    /**
     * A refinement input must leave at least this many tokens of context for the refined
     * response; one that does not is never cut: it is skipped (counted in the metrics) or fails.
     */
    minResponseTokens: int(1).default(32),
    refineTooLong: z.enum(["skip", "fail"]).default("skip"),
    /**
     * What the refinement input shows of the draft (agent/format/refinement.ts): "response",
     * the paper's, the whole draft; "plan", only its plan's real outcome, for a student whose
     * context cannot hold a draft and a refined response. Use the form the student was
     * taught (`sft --world-model refine --refine-input`).
     */
    refineInput: z.enum(REFINE_INPUT_FORMS).default("response"),
    /**
     * SimRollout also plays this many random continuations (lookaheadHorizon actions each,
     * one Expand) after the executed plan and tells the refinement how many reached the
     * goal (0 = off, the paper's SimRollout). A real-dynamics value a one-step plan cannot
     * show; use it with a student taught that line (`sft --refine-lookahead`).
     */
    lookaheadTries: int(0).max(64).default(0),
    lookaheadHorizon: int(1).max(100).default(DEFAULT_LOOKAHEAD_HORIZON),
    /**
     * Where the lookahead starts: "plan", after the executed plan; "every-action", after each
     * valid first action (lookaheadTries each; a one-step search at RL time), for a student
     * taught that line (`sft --refine-lookahead every-action`).
     */
    lookaheadScope: z.enum(LOOKAHEAD_SCOPES).default("plan"),
    /** Compute the exact Sim Score of responses that state plans (Expand calls). */
    simScore: z.boolean().default(true),
    /** First task seed; iteration k, group g uses seedStart + k · groupsPerIteration + g. */
    seedStart: int(0).default(0),
    /**
     * Task seeds cycle through this many, from seedStart (0 = every group a new seed). A
     * pool small enough to revisit asks whether the update raises success on the tasks it
     * trains on: if it cannot, more tasks would not help (a check of the machinery, not a
     * result about generalisation).
     */
    taskPool: int(0).default(0),
    /** Sampling seed (each generation call derives its own from it). */
    seed: int(0).default(0),
    /**
     * Stop after the iteration that brings the run's agent steps to this budget (0 = no budget):
     * how algorithms that spend steps differently are compared at equal cost.
     */
    maxAgentSteps: int(0).default(0),
    /** Checkpoint every n iterations (0 = only at the end). */
    checkpointEvery: int(0).default(1),
  })
  .strict()
  .refine((c) => c.algo !== "dyna-grpo" || c.groupSize % 2 === 0, {
    message: "dyna-grpo needs an even groupSize (G/2 SimRollouts + G/2 plain rollouts)",
    path: ["groupSize"],
  });

export type RlConfig = z.output<typeof RlConfigSchema>;
export type RlConfigInput = z.input<typeof RlConfigSchema>;

/** Validates a configuration; the error names each bad field. */
export function parseRlConfig(value: unknown, where = "RL config"): RlConfig {
  const r = RlConfigSchema.safeParse(value);
  if (!r.success) throw new Error(`${where}: ${z.prettifyError(r.error).replace(/\n/g, "; ")}`);
  return r.data;
}

/** Reads a JSON object of RL config fields (partial: the CLI merges flags over it). */
export function readRlConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new Error(`RL config ${file} cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new Error(`RL config ${file} is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new Error(`RL config ${file}: expected a JSON object`);
  return value as Record<string, unknown>;
}

export type Phase = "policy" | "sim";

/** One iteration of the schedule. */
export interface ScheduledIteration {
  index: number;
  phase: Phase;
  /** Dyna-GRPO round (0 for GRPO / RLOO). */
  round: number;
}

/**
 * The whole run as a list, so resuming is "start at index k": GRPO / RLOO are
 * `iterations` policy iterations; Dyna-GRPO is N rounds of n_T simulation-improvement
 * iterations followed by n_π policy-improvement ones.
 */
export function schedule(cfg: RlConfig): ScheduledIteration[] {
  const out: ScheduledIteration[] = [];
  if (cfg.algo !== "dyna-grpo") {
    for (let i = 0; i < cfg.iterations; i++) out.push({ index: i, phase: "policy", round: 0 });
    return out;
  }
  for (let r = 0; r < cfg.rounds; r++) {
    for (let i = 0; i < cfg.nT; i++) out.push({ index: out.length, phase: "sim", round: r });
    for (let i = 0; i < cfg.nPi; i++) out.push({ index: out.length, phase: "policy", round: r });
  }
  return out;
}
