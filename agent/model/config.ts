/**
 * Serialised model configuration (config.json), kept apart from the runtime
 * model object. Validated with zod wherever it enters: CLI files, checkpoints.
 */
import { z } from "zod";

export const ModelConfigSchema = z
  .object({
    vocabSize: z.number().int().positive(),
    dModel: z.number().int().positive(),
    nLayers: z.number().int().positive(),
    nHeads: z.number().int().positive(),
    dFF: z.number().int().positive(),
    maxSeqLen: z.number().int().positive(),
    dropout: z.number().min(0).max(0.9).default(0),
    /** Scale of the normal initialisation of weight matrices. */
    initStd: z.number().positive().default(0.02),
    /**
     * How attention knows where a token is. "learned": a position table added to the
     * embeddings (GPT-2; checkpoints without this field). "rotary": queries and keys
     * rotated by position (RoPE), so attention sees only relative offsets and a prompt
     * longer than any training example reaches no untrained parameters.
     */
    positions: z.enum(["learned", "rotary"]).default("learned"),
  })
  .strict()
  .refine((c) => c.dModel % c.nHeads === 0, { message: "dModel must be a multiple of nHeads" })
  .refine((c) => c.positions !== "rotary" || (c.dModel / c.nHeads) % 2 === 0, { message: "rotary positions need an even head size (dModel / nHeads)" });

export type ModelConfig = z.output<typeof ModelConfigSchema>;
export type ModelConfigInput = z.input<typeof ModelConfigSchema>;

/**
 * A small default that trains on 2 CPU cores in minutes. Its context takes every
 * compact-prompt ReSim example measured with the fitted tokenizer (Sokoban and
 * ALFWorld, d = 5: at most 665 tokens) and full-prompt Sokoban ones (975); SFT
 * refuses longer examples rather than cutting them. Attention costs what the
 * examples use, not maxSeqLen; only the position table grows with it.
 */
export const DEFAULT_MODEL_CONFIG: Omit<ModelConfig, "vocabSize"> = {
  dModel: 128,
  nLayers: 4,
  nHeads: 4,
  dFF: 512,
  maxSeqLen: 1024,
  dropout: 0,
  initStd: 0.02,
  positions: "learned",
};

export function parseModelConfig(value: unknown, where = "model config"): ModelConfig {
  const r = ModelConfigSchema.safeParse(value);
  if (!r.success) throw new Error(`${where}: ${z.prettifyError(r.error)}`);
  return r.data;
}
