/**
 * Checkpoints: one directory holding
 *
 * - `config.json`    — format tag, model class name and its config, tokenizer class
 * - `tokenizer.json` — the tokenizer (saved with every checkpoint): `byte`, or `fitted` with its vocabulary
 * - `weights.json` + `weights.bin` — manifest (name, shape, dtype, byte offset and
 *   length per tensor, total size, SHA-256) and the raw little-endian float32 data
 * - optional `optimizer.json` + `optimizer.bin` — optimizer moments, same layout,
 *   with the optimizer's own metadata
 * - optional `trainer.json` — training step and anything else needed to resume
 *
 * Saving writes a sibling temporary directory and renames it into place, so a
 * crash never leaves a half-written checkpoint. Loading validates every file and
 * throws an Error that names the file at fault.
 */
import * as tf from "@tensorflow/tfjs";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { ModelConfigSchema, type ModelConfig } from "./config.js";
import { TOKENIZER_CLASSES, tokenizerFromJSON, type Tokenizer } from "./tokenizer.js";
import { MODEL_CLASSES, TransformerLM } from "./transformer.js";

export const CHECKPOINT_FORMAT = "dynamind-checkpoint";

const ConfigFileSchema = z.object({
  format: z.literal(CHECKPOINT_FORMAT),
  version: z.literal(1),
  modelClass: z.string(),
  model: ModelConfigSchema,
  /** `ByteTokenizer` or `FittedTokenizer`; must agree with tokenizer.json's `type`. */
  tokenizerClass: z.enum([TOKENIZER_CLASSES.byte, TOKENIZER_CLASSES.fitted]),
  createdAt: z.string().optional(),
});

const TensorEntrySchema = z.object({
  name: z.string(),
  shape: z.array(z.number().int().nonnegative()),
  dtype: z.literal("float32"),
  offset: z.number().int().nonnegative(),
  length: z.number().int().nonnegative(),
});

const TensorManifestSchema = z.object({
  byteLength: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  tensors: z.array(TensorEntrySchema),
  meta: z.record(z.string(), z.unknown()).optional(),
});
export type TensorManifest = z.infer<typeof TensorManifestSchema>;

export interface SavedTensors {
  tensors: Map<string, tf.Tensor>;
  meta: Record<string, unknown>;
}

export interface CheckpointContents {
  model: TransformerLM;
  tokenizer: Tokenizer;
  config: ModelConfig;
  /** Optimizer moments and metadata, when the checkpoint has them (the caller disposes the tensors). */
  optimizer?: SavedTensors;
  /** Free-form training state (step, options), when present. */
  trainer?: Record<string, unknown>;
}

export interface SaveCheckpointInput {
  model: TransformerLM;
  tokenizer: Tokenizer;
  optimizer?: SavedTensors;
  trainer?: Record<string, unknown>;
}

async function writeTensors(dir: string, base: string, tensors: Map<string, tf.Tensor>, meta?: Record<string, unknown>): Promise<void> {
  const entries: z.infer<typeof TensorEntrySchema>[] = [];
  const chunks: Buffer[] = [];
  let offset = 0;
  for (const [name, t] of tensors) {
    const data = (await t.data()) as Float32Array;
    const buf = Buffer.from(new Float32Array(data).buffer);
    entries.push({ name, shape: [...t.shape], dtype: "float32", offset, length: buf.byteLength });
    chunks.push(buf);
    offset += buf.byteLength;
  }
  const bin = Buffer.concat(chunks);
  const manifest: TensorManifest = {
    byteLength: bin.byteLength,
    sha256: createHash("sha256").update(bin).digest("hex"),
    tensors: entries,
    ...(meta ? { meta } : {}),
  };
  await writeFile(path.join(dir, `${base}.bin`), bin);
  await writeFile(path.join(dir, `${base}.json`), JSON.stringify(manifest, null, 1));
}

async function readJson(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    throw new Error(`checkpoint file ${file} cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new Error(`checkpoint file ${file} is not valid JSON: ${(err as Error).message}`);
  }
}

function parseWith<T extends z.ZodType>(schema: T, value: unknown, file: string): z.output<T> {
  const r = schema.safeParse(value);
  if (!r.success) throw new Error(`checkpoint file ${file} is malformed: ${z.prettifyError(r.error)}`);
  return r.data;
}

async function readTensors(dir: string, base: string): Promise<SavedTensors> {
  const manifestFile = path.join(dir, `${base}.json`);
  const binFile = path.join(dir, `${base}.bin`);
  const manifest = parseWith(TensorManifestSchema, await readJson(manifestFile), manifestFile);
  let bin: Buffer;
  try {
    bin = await readFile(binFile);
  } catch (err) {
    throw new Error(`checkpoint file ${binFile} cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  if (bin.byteLength !== manifest.byteLength) {
    throw new Error(`checkpoint file ${binFile} has ${bin.byteLength} bytes, ${manifestFile} says ${manifest.byteLength} (truncated or replaced)`);
  }
  const digest = createHash("sha256").update(bin).digest("hex");
  if (digest !== manifest.sha256) throw new Error(`checkpoint file ${binFile} is corrupt: SHA-256 ${digest} != ${manifest.sha256} in ${manifestFile}`);
  const tensors = new Map<string, tf.Tensor>();
  for (const e of manifest.tensors) {
    const count = e.shape.reduce((a, b) => a * b, 1);
    if (e.length !== count * 4 || e.offset + e.length > bin.byteLength || e.offset % 4 !== 0) {
      tf.dispose([...tensors.values()]);
      throw new Error(`checkpoint file ${manifestFile}: tensor ${e.name} (shape [${e.shape}], offset ${e.offset}, length ${e.length}) does not fit ${binFile}`);
    }
    const data = new Float32Array(bin.buffer.slice(bin.byteOffset + e.offset, bin.byteOffset + e.offset + e.length));
    tensors.set(e.name, tf.tensor(data, e.shape, "float32"));
  }
  return { tensors, meta: manifest.meta ?? {} };
}

/** Writes a checkpoint to `dir` atomically (replacing an older one there). */
export async function saveCheckpoint(dir: string, input: SaveCheckpointInput): Promise<void> {
  if (input.model.config.vocabSize !== input.tokenizer.vocabSize) {
    throw new Error(`cannot save a checkpoint to ${dir}: the model's vocabSize ${input.model.config.vocabSize} differs from its ${input.tokenizer.type} tokenizer's ${input.tokenizer.vocabSize}`);
  }
  const target = path.resolve(dir);
  const tmp = `${target}.tmp-${process.pid}-${Date.now()}`;
  await mkdir(tmp, { recursive: true });
  try {
    const config = {
      format: CHECKPOINT_FORMAT,
      version: 1,
      modelClass: TransformerLM.className,
      model: input.model.config,
      tokenizerClass: TOKENIZER_CLASSES[input.tokenizer.type],
      createdAt: new Date().toISOString(),
    };
    await writeFile(path.join(tmp, "config.json"), JSON.stringify(config, null, 2));
    await writeFile(path.join(tmp, "tokenizer.json"), JSON.stringify(input.tokenizer.toJSON(), null, 2));
    await writeTensors(tmp, "weights", input.model.params);
    if (input.optimizer) await writeTensors(tmp, "optimizer", input.optimizer.tensors, input.optimizer.meta);
    if (input.trainer) await writeFile(path.join(tmp, "trainer.json"), JSON.stringify(input.trainer, null, 2));
    const old = `${target}.old-${process.pid}-${Date.now()}`;
    if (existsSync(target)) await rename(target, old);
    await rename(tmp, target);
    await rm(old, { recursive: true, force: true });
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
}

/** True when `dir` looks like a checkpoint (has config.json). */
export function isCheckpoint(dir: string): boolean {
  return existsSync(path.join(dir, "config.json"));
}

/** Loads and validates a checkpoint; the caller owns the returned model (dispose it). */
export async function loadCheckpoint(dir: string, opts: { withOptimizer?: boolean } = {}): Promise<CheckpointContents> {
  if (!existsSync(dir)) throw new Error(`checkpoint directory ${dir} does not exist`);
  const configFile = path.join(dir, "config.json");
  const cfg = parseWith(ConfigFileSchema, await readJson(configFile), configFile);
  const cls = (MODEL_CLASSES as Record<string, typeof TransformerLM>)[cfg.modelClass];
  if (!cls) throw new Error(`checkpoint file ${configFile}: unknown model class "${cfg.modelClass}" (known: ${Object.keys(MODEL_CLASSES).join(", ")})`);
  const tokFile = path.join(dir, "tokenizer.json");
  let tokenizer: Tokenizer;
  try {
    tokenizer = tokenizerFromJSON(await readJson(tokFile));
  } catch (err) {
    throw new Error((err as Error).message.startsWith("checkpoint file") ? (err as Error).message : `checkpoint file ${tokFile}: ${(err as Error).message}`);
  }
  if (TOKENIZER_CLASSES[tokenizer.type] !== cfg.tokenizerClass) {
    throw new Error(`checkpoint file ${configFile}: tokenizerClass ${cfg.tokenizerClass} does not match ${tokFile}, a ${tokenizer.type} tokenizer (${TOKENIZER_CLASSES[tokenizer.type]})`);
  }
  if (cfg.model.vocabSize !== tokenizer.vocabSize) {
    throw new Error(`checkpoint file ${configFile}: vocabSize ${cfg.model.vocabSize} does not match the tokenizer's ${tokenizer.vocabSize}`);
  }
  const weights = await readTensors(dir, "weights");
  const model = new cls(cfg.model);
  try {
    const wfile = path.join(dir, "weights.json");
    for (const name of weights.tensors.keys()) if (!model.params.has(name)) throw new Error(`checkpoint file ${wfile}: unexpected tensor ${name}`);
    for (const [name, v] of model.params) {
      const w = weights.tensors.get(name);
      if (!w) throw new Error(`checkpoint file ${wfile}: missing tensor ${name}`);
      if (w.shape.join(",") !== v.shape.join(",")) throw new Error(`checkpoint file ${wfile}: tensor ${name} has shape [${w.shape}], the config needs [${v.shape}]`);
    }
    model.setWeights(weights.tensors);
  } catch (err) {
    model.dispose();
    throw err;
  } finally {
    tf.dispose([...weights.tensors.values()]);
  }
  const out: CheckpointContents = { model, tokenizer, config: cfg.model };
  try {
    if ((opts.withOptimizer ?? true) && existsSync(path.join(dir, "optimizer.json"))) out.optimizer = await readTensors(dir, "optimizer");
    const trainerFile = path.join(dir, "trainer.json");
    if (existsSync(trainerFile)) {
      const t = await readJson(trainerFile);
      if (typeof t !== "object" || t === null || Array.isArray(t)) throw new Error(`checkpoint file ${trainerFile} is malformed: expected a JSON object`);
      out.trainer = t as Record<string, unknown>;
    }
  } catch (err) {
    model.dispose();
    if (out.optimizer) tf.dispose([...out.optimizer.tensors.values()]);
    throw err;
  }
  return out;
}
