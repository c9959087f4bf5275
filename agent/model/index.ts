/** The agent's language model: backend selection, tokenizer, transformer, checkpoints. */
export { selectBackend, wasmDistDir, type BackendName, type BackendPreference, type SelectBackendOptions } from "./backend.js";
export { ModelConfigSchema, DEFAULT_MODEL_CONFIG, parseModelConfig, type ModelConfig, type ModelConfigInput } from "./config.js";
export {
  ByteTokenizer,
  FittedTokenizer,
  tokenizerFromJSON,
  pretokenize,
  SPECIAL_TOKENS,
  PRETOKENIZER,
  DEFAULT_FIT,
  TOKENIZER_CLASSES,
  TokenizerJsonSchema,
  type Tokenizer,
  type TokenizerType,
  type FitOptions,
  type ChatMessage,
  type ChatRole,
  type EncodedChat,
  type TokenizerJson,
} from "./tokenizer.js";
export {
  TransformerLM,
  MODEL_CLASSES,
  disposeKV,
  logSoftmaxAt,
  sampleToken,
  type ForwardOptions,
  type GenerateOptions,
  type GenerateResult,
  type LayerKV,
} from "./transformer.js";
export { saveCheckpoint, loadCheckpoint, isCheckpoint, CHECKPOINT_FORMAT, type CheckpointContents, type SaveCheckpointInput, type SavedTensors } from "./checkpoint.js";
export { SeededRng } from "./rng.js";
