/** Supervised fine-tuning: datasets, AdamW, schedule, the training loop. */
export {
  ChatExampleSchema,
  parseChatJsonl,
  loadChatJsonl,
  tokenizeExamples,
  tokenStats,
  chatTexts,
  lengthBuckets,
  batchForStep,
  makeBatch,
  splitHeldOut,
  type ChatExample,
  type TokenizedExample,
  type TokenStats,
  type BatchTensors,
} from "./dataset.js";
export { AdamW, clipByGlobalNorm, DEFAULT_ADAMW, type AdamWConfig } from "./optimizer.js";
export { learningRate, type LrSchedule } from "./schedule.js";
export { runSft, evaluateLoss, type SftOptions, type SftResult, type SftCallbacks, type StepMetrics, type EvalMetrics } from "./sft.js";
export { DataParallelTrainer, defaultWorkers, shardRows, batchArrays, type DataParallelOptions, type DataParallelStep } from "./data-parallel.js";
export {
  chainsFromResim,
  chainsFromRecording,
  transitionsFromRecording,
  transitionsOf,
  worldModelExamples,
  mixExamples,
  critique,
  copyPredictor,
  WORLD_MODEL_OBJECTIVES,
  type Chain,
  type Transition,
  type Predictor,
  type WorldModelObjective,
} from "./world-model.js";
export { withWorldModel, parseObjectives, type WorldModelMix } from "./world-model-mix.js";
