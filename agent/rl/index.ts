/** Online RL over the protocol: GRPO, RLOO and Dyna-GRPO (SimRollout). */
export { ALGOS, RlConfigSchema, parseRlConfig, readRlConfigFile, schedule, type Algo, type RlConfig, type RlConfigInput, type Phase, type ScheduledIteration } from "./config.js";
export { STEP_PENALTY, SUCCESS_REWARD, stepRewards, episodeReturn } from "./rewards.js";
export { grpoAdvantages, rlooAdvantages, refineAdvantage } from "./advantages.js";
export { clippedObjective, type ObjectiveInputs, type ObjectiveTensors } from "./objective.js";
export { policyUpdate, type Sample, type UpdateOptions, type UpdateStats } from "./update.js";
export { ModelSampler, type Sampler, type SampleResult, type ModelSamplerOptions } from "./sampler.js";
export { extractPlan, executePlan, refinementMessages, type ExtractedPlan, type RealFuture } from "./sim-rollout.js";
export { runEpisodes, type Episode, type EpisodeSpec, type Turn, type Refinement, type RolloutTiming, type RolloutContext } from "./rollouts.js";
export { runRl, iterationEpisodes, groupAdvantages, refinementSamples, type RlRunOptions, type RlResult, type IterationMetrics } from "./trainer.js";
