/**
 * The Dyna-GRPO comparison's configurations: plain data, importable without TensorFlow.js
 * (the CLI checks a command's flags against them before any model code loads).
 */
import { DEFAULT_LOOKAHEAD_HORIZON, type Algo, type RlConfigInput } from "../rl/config.js";
import { SOKOBAN_SPLITS, type SplitConfig } from "./config.js";

export interface DynaGrpoExperimentConfig {
  name: string;
  env: string;
  /** The training tasks (session config); splits use seeds training never sees. */
  trainConfig: Record<string, unknown>;
  splits: SplitConfig[];
  /** Episodes per split in the final table. */
  evalEpisodes: number;
  /** Evaluations over training (equal fractions of the budget), on the first split. */
  curvePoints: number;
  curveEpisodes: number;
  evalMaxSteps: number;
  maxNewTokens: number;
  /** Agent steps each algorithm trains for. */
  budget: number;
  /** RL seeds per algorithm. */
  seeds: number[];
  algos: Algo[];
  /** Shared RL settings (groupSize, maxSteps, beta, clip, lr, temperature, …). */
  rl: Partial<RlConfigInput>;
  /** Dyna-GRPO's n_T and n_π. */
  dyna: { nT: number; nPi: number };
  /**
   * The start checkpoint writes simulated plans (a DISTILL(ReSim) model; default) or
   * answers only (a DISTILL(action-only) model: SimRollout then executes the answer,
   * a one-action plan, and there is no Sim Score).
   */
  simulates?: boolean;
  /** The learning rate is in each run's name (set when a sweep overrides it): runs at different rates never share a directory. */
  lrInRunNames?: boolean;
  /**
   * Also evaluate every checkpoint sampled at this temperature (the policy RL trains and
   * samples from), beside greedy: rows and curve points marked "sampled". Each answer is
   * drawn from a stream seeded by the episode's seed and step, so the rows reproduce.
   */
  sampledEval?: number;
}


/** The powered comparison: 200 evaluation episodes per split, 3 RL seeds per algorithm. Many hours on two cores. */
export const DYNA_SOKOBAN: DynaGrpoExperimentConfig = {
  name: "sokoban",
  env: "sokoban",
  trainConfig: { preset: "6x6-1box" },
  splits: [...SOKOBAN_SPLITS],
  evalEpisodes: 200,
  curvePoints: 5,
  curveEpisodes: 50,
  evalMaxSteps: 20,
  maxNewTokens: 400,
  budget: 20_000,
  seeds: [0, 1, 2],
  algos: ["grpo", "rloo", "dyna-grpo"],
  rl: { groupSize: 8, maxSteps: 20, maxNewTokens: 400, beta: 0.01, clip: 0.2, lr: 1e-5, temperature: 1, minibatchSize: 8 },
  dyna: { nT: 5, nPi: 5 },
};

/** The CI configuration: every stage runs, on a handful of steps and episodes. */
export const DYNA_TINY: DynaGrpoExperimentConfig = {
  ...DYNA_SOKOBAN,
  name: "tiny",
  splits: SOKOBAN_SPLITS.filter((s) => s.name !== "hard"),
  evalEpisodes: 2,
  curvePoints: 2,
  curveEpisodes: 2,
  evalMaxSteps: 2,
  maxNewTokens: 96,
  budget: 8,
  seeds: [0],
  rl: { groupSize: 2, maxSteps: 2, maxNewTokens: 96, lr: 1e-4, minibatchSize: 8 },
  dyna: { nT: 1, nPi: 1 },
  sampledEval: 1,
};

/**
 * From a DISTILL(action-only) checkpoint (answers only, no plans): what two cores can run
 * while no DISTILL(ReSim) checkpoint beats the random policy (docs/results/resim.md).
 * GRPO and RLOO by default: the ReSim experiment's action-only students have a 128-token
 * learned position table, which cannot hold a refinement input (state, draft and real next
 * state, ~200 tokens), so SimRollout would skip every refinement. A student with rotary
 * positions and a longer context can: `--algos grpo,dyna-grpo` from it. There is no Sim
 * Score to report: no response states a future. lr 1e-5: at 1e-4 both algorithms lost
 * ground within 1,500 agent steps (docs/results/dyna-grpo.md).
 */
export const DYNA_SOKOBAN_ACTION: DynaGrpoExperimentConfig = {
  ...DYNA_SOKOBAN,
  name: "sokoban-action",
  simulates: false,
  evalEpisodes: 200,
  curvePoints: 4,
  curveEpisodes: 100,
  maxNewTokens: 24,
  budget: 6_000,
  seeds: [0],
  algos: ["grpo", "rloo"],
  rl: { groupSize: 8, groupsPerIteration: 4, maxSteps: 20, maxNewTokens: 24, beta: 0.01, clip: 0.2, lr: 1e-5, temperature: 1, minibatchSize: 32 },
  dyna: { nT: 3, nPi: 3 },
};

/**
 * From a DISTILL(action-only) checkpoint, trained where the signal is: on hard rooms (optimal
 * solution ≥ 5 steps). From the ID rooms the action-only students solve ~70% greedily, and
 * most groups of 8 sampled episodes all succeed, so their advantages are zero and the update
 * skips them; on hard rooms a sampled group is mixed far more often. The curve is on the hard
 * split (first), the table adds ID. A budget five times sokoban-action's, 3 RL seeds, and
 * lr 3e-5, untuned, between the two rates sokoban-action tried (1e-5 stayed, 1e-4 lost ground).
 * Every checkpoint is also evaluated sampled at the training temperature: after 7,500 agent
 * steps of the first run, sampled success on hard rooms had risen from 34.5% to 48.5% while
 * greedy stayed at 30–33%, so greedy alone would hide what RL changed.
 * OOD is left out: these students solve 0% of 8×8 rooms (docs/results/world-model.md).
 */
export const DYNA_SOKOBAN_ACTION_HARD: DynaGrpoExperimentConfig = {
  ...DYNA_SOKOBAN_ACTION,
  name: "sokoban-action-hard",
  trainConfig: { preset: "6x6-1box", min_solution_length: 5 },
  splits: [SOKOBAN_SPLITS.find((s) => s.name === "hard")!, SOKOBAN_SPLITS.find((s) => s.name === "ID")!],
  curvePoints: 4,
  curveEpisodes: 100,
  budget: 30_000,
  seeds: [0, 1, 2],
  rl: { ...DYNA_SOKOBAN_ACTION.rl, lr: 3e-5 },
  sampledEval: 1,
};

/**
 * The paper's comparison from the DISTILL(ReSim) checkpoint at what two CPU cores run in
 * about two hours (both processes of a split run side by side): one RL seed, 1,500 agent
 * steps, the ID and hard splits. OOD is left out: the learned-position start solves 0.5%
 * of 8×8 rooms (docs/results/resim.md), so every run would spend ~15 minutes to confirm
 * ~0%. n_T = n_π = 3 gives about two rounds inside the budget. lr 3e-5, one untuned choice
 * between the two rates tried from the action-only student: 1e-5 left it where it started
 * after as many gradient steps, 1e-4 lost ground (docs/results/dyna-grpo.md).
 */
export const DYNA_SOKOBAN_SHORT: DynaGrpoExperimentConfig = {
  ...DYNA_SOKOBAN,
  name: "sokoban-short",
  splits: SOKOBAN_SPLITS.filter((s) => s.name !== "OOD"),
  curvePoints: 3,
  curveEpisodes: 50,
  budget: 1_500,
  seeds: [0],
  rl: { ...DYNA_SOKOBAN.rl, lr: 3e-5 },
  dyna: { nT: 3, nPi: 3 },
};

/**
 * sokoban-short for a student taught the "plan" refinement input (`sft --world-model refine
 * --refine-input plan`, agent/format/refinement.ts): RL must show it the form it learned.
 */
export const DYNA_SOKOBAN_SHORT_PLAN: DynaGrpoExperimentConfig = {
  ...DYNA_SOKOBAN_SHORT,
  name: "sokoban-short-plan",
  rl: { ...DYNA_SOKOBAN_SHORT.rl, refineInput: "plan" },
};

/**
 * The paper's comparison at the smallest response that still simulates: a student trained
 * on one-step simulations (`sft --first-step --world-model refine --refine-input plan`):
 * each response states the next state of the action it takes, ~66 tokens against a
 * two-plan ReSim response's ~340, and it was taught SimRollout's refinement input in the
 * "plan" form, with the executed one-step plan drawn among the search's plans. The recipe
 * that made RL learn from the action-only student (hard rooms, G = 8 × 4, lr 3e-5,
 * GRPO against Dyna-GRPO, at a budget two cores run in under an hour with both runs side
 * by side. n_T = n_π = 3, as sokoban-short. Two curve points of 50 rooms: every answer now
 * costs ~66 generated tokens, not ~5, and a pilot generated ~600 tokens/s, so action-hard's
 * 4 × 100 curve rooms would take longer than the training. Sampled at T = 1 beside greedy:
 * from models/sokoban-first-step-noloop, RL seed 0 (run before this configuration asked for
 * sampled rows, and evaluated sampled with `dynamind eval --temperature 1` on the same rooms)
 * raised sampled hard success by 19.5 points while greedy fell.
 */
export const DYNA_SOKOBAN_FIRST_STEP_HARD: DynaGrpoExperimentConfig = {
  ...DYNA_SOKOBAN_ACTION_HARD,
  name: "sokoban-first-step-hard",
  simulates: true,
  sampledEval: 1,
  curvePoints: 2,
  curveEpisodes: 50,
  maxNewTokens: 80,
  budget: 10_000,
  seeds: [0, 1, 2],
  algos: ["grpo", "dyna-grpo"],
  rl: { ...DYNA_SOKOBAN_ACTION_HARD.rl, maxNewTokens: 80, refineInput: "plan", planMaxActions: 1 },
  dyna: { nT: 3, nPi: 3 },
};

/**
 * sokoban-first-step-hard trained on ID rooms, its curve drawn there: the first one-step
 * student solved 2.0% of hard rooms (the random policy 3.0%) and 49.0% of ID rooms, so on
 * hard rooms nearly every group of 8 fails alike and carries no signal (in the first five
 * Dyna-GRPO iterations there, 0–3 of 32 episodes succeeded), while on ID rooms they are mixed.
 */
export const DYNA_SOKOBAN_FIRST_STEP: DynaGrpoExperimentConfig = {
  ...DYNA_SOKOBAN_FIRST_STEP_HARD,
  name: "sokoban-first-step",
  trainConfig: { preset: "6x6-1box" },
  // As the nineteenth session ran it: one seed, greedy only.
  sampledEval: undefined,
  seeds: [0],
  splits: [SOKOBAN_SPLITS.find((s) => s.name === "ID")!, SOKOBAN_SPLITS.find((s) => s.name === "hard")!],
};

/**
 * sokoban-first-step-hard with SimRollout's random lookahead: after the drafted action, 8
 * random continuations of 15 actions (one Expand) and the refinement told how many reached
 * the goal. The one-step real outcome alone carried nothing the outcome-target student did
 * not already predict (its next state was exact in 303 of 318 held-out states); whether that
 * state still leads to the goal is what it gets wrong. For a student taught the line
 * (`sft --refine-target outcome --refine-lookahead`); GRPO never refines, so its arm is
 * sokoban-first-step-hard's.
 */
export const DYNA_SOKOBAN_FIRST_STEP_LOOKAHEAD_HARD: DynaGrpoExperimentConfig = {
  ...DYNA_SOKOBAN_FIRST_STEP_HARD,
  name: "sokoban-first-step-lookahead-hard",
  rl: { ...DYNA_SOKOBAN_FIRST_STEP_HARD.rl, lookaheadTries: 8, lookaheadHorizon: 15 },
};

/**
 * sokoban-first-step-lookahead-hard with the lookahead after every valid first action (8
 * continuations of 15 actions each, one Expand of 32 sequences): a one-step search at RL
 * time. Knowing that the drafted action leads nowhere did not tell the lookahead student
 * which other action does; this line says it. For a student taught it (`sft --refine-target
 * outcome --refine-lookahead every-action`).
 */
export const DYNA_SOKOBAN_FIRST_STEP_SEARCH_HARD: DynaGrpoExperimentConfig = {
  ...DYNA_SOKOBAN_FIRST_STEP_LOOKAHEAD_HARD,
  name: "sokoban-first-step-search-hard",
  rl: { ...DYNA_SOKOBAN_FIRST_STEP_LOOKAHEAD_HARD.rl, lookaheadScope: "every-action" },
};

/**
 * A training run's name, which is also its directory: n_T and n_π are in Dyna-GRPO's
 * name and an overridden learning rate in every name, so an ablation or a sweep never
 * resumes another setting's checkpoint.
 */
export function runName(cfg: Pick<DynaGrpoExperimentConfig, "dyna" | "rl" | "lrInRunNames">, algo: Algo, seed: number): string {
  const lr = cfg.lrInRunNames ? ` lr=${cfg.rl.lr}` : "";
  const tries = cfg.rl.lookaheadTries ?? 0;
  const scope = cfg.rl.lookaheadScope === "every-action" ? "every-action-" : "";
  const lookahead = tries > 0 ? ` lookahead=${scope}${tries}x${cfg.rl.lookaheadHorizon ?? DEFAULT_LOOKAHEAD_HORIZON}` : "";
  return algo === "dyna-grpo" ? `dyna-grpo n_T=${cfg.dyna.nT} n_pi=${cfg.dyna.nPi}${lookahead}${lr} seed ${seed}` : `${algo}${lr} seed ${seed}`;
}

export const DYNA_CONFIGS: Record<string, DynaGrpoExperimentConfig> = { sokoban: DYNA_SOKOBAN, "sokoban-short": DYNA_SOKOBAN_SHORT, "sokoban-short-plan": DYNA_SOKOBAN_SHORT_PLAN, "sokoban-action": DYNA_SOKOBAN_ACTION, "sokoban-action-hard": DYNA_SOKOBAN_ACTION_HARD, "sokoban-first-step-hard": DYNA_SOKOBAN_FIRST_STEP_HARD, "sokoban-first-step-lookahead-hard": DYNA_SOKOBAN_FIRST_STEP_LOOKAHEAD_HARD, "sokoban-first-step-search-hard": DYNA_SOKOBAN_FIRST_STEP_SEARCH_HARD, "sokoban-first-step": DYNA_SOKOBAN_FIRST_STEP, tiny: DYNA_TINY };
