/** The ReSim comparison at small scale: what is collected, trained and evaluated, with fixed seeds. */
import type { ModelConfigInput } from "../model/index.js";

export interface ExperimentConfig {
  env: string;
  /** Training and in-distribution config; out-of-distribution is harder (bigger rooms, more boxes). */
  idConfig: Record<string, unknown>;
  oodConfig: Record<string, unknown>;
  trainEpisodes: number;
  trainSeedStart: number;
  evalEpisodes: number;
  idSeedStart: number;
  oodSeedStart: number;
  resim: { b: number; d: number; bTrain: number; gamma: number };
  sft: { steps: number; batchSize: number; lr: number; model: Partial<Omit<ModelConfigInput, "vocabSize">> };
  maxNewTokens: { resim: number; actionOnly: number };
  /** Step cap per evaluation episode, below the environment's budget (quick runs). */
  evalMaxSteps?: number;
  seed: number;
}

/**
 * Small enough for two CPU cores in about 40 minutes: training runs at ~1k tokens/s
 * on wasm here, and a ReSim response is ~450 generated tokens per step, so the
 * evaluation is capped at 20 steps per episode (6×6 rooms need 3–12).
 */
export const SMALL: ExperimentConfig = {
  env: "sokoban",
  idConfig: { preset: "6x6-1box" },
  oodConfig: { preset: "8x8-2box" },
  trainEpisodes: 300,
  trainSeedStart: 0,
  evalEpisodes: 10,
  idSeedStart: 1_000_000,
  oodSeedStart: 2_000_000,
  resim: { b: 4, d: 2, bTrain: 2, gamma: 0.9 },
  sft: { steps: 250, batchSize: 8, lr: 2e-3, model: { dModel: 96, nLayers: 3, nHeads: 4, dFF: 384, maxSeqLen: 672 } },
  // Above the longest ReSim response in the data (~580 bytes), or answers get cut off.
  maxNewTokens: { resim: 640, actionOnly: 24 },
  evalMaxSteps: 20,
  seed: 7,
};

/** The CI configuration: every stage runs, on a handful of examples. */
export const TINY: ExperimentConfig = {
  ...SMALL,
  trainEpisodes: 6,
  evalEpisodes: 2,
  sft: { steps: 4, batchSize: 4, lr: 1e-3, model: { dModel: 32, nLayers: 1, nHeads: 2, dFF: 64, maxSeqLen: 768 } },
  maxNewTokens: { resim: 64, actionOnly: 12 },
  evalMaxSteps: 4,
};
