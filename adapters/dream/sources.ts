/**
 * Where the dream environment's parts come from, on the operator's word only: the
 * transition models (an OpenAI-compatible endpoint, the project's own checkpoint) and
 * replay buffers read from recording files. Built once, when the definition loads (server
 * start), never from a client's config.
 *
 * This is the one module of adapters/dream that reaches into agent/ (the chat client,
 * the TensorFlow.js model, the recording format): environments otherwise depend on the
 * contract alone. Each is imported only when the operator configures something that
 * needs it, so a server without dream models never loads TensorFlow.js.
 */
import { EnvError, type EnvDefinition } from "../contract.js";
import { listDataSet, readDataFile } from "../kit/data-files.js";
import type { DreamOperatorConfig, ModelEntry } from "./config.js";
import type { TransitionModel, TransitionRequest } from "./model.js";
import { MicroBatcher } from "./micro-batcher.js";
import type { RealTransition } from "./retrieval.js";

/** Most concurrent steps one checkpoint generation serves (a GRPO iteration's sessions fit). */
export const MAX_BATCH = 32;
/**
 * Most padded tokens (rows × the longest prompt plus reply) in one batched generation: 32
 * compact Sokoban steps (~250 tokens each) fit; full byte-level prompts of ~2,000 tokens go
 * 4 at a time (as SFT's default --micro-batch-tokens bounds a training pass).
 */
export const MAX_BATCH_TOKENS = 8192;

/** The environment variable an endpoint's API key is read from when its entry names none. */
export const DEFAULT_API_KEY_ENV = "DYNAMIND_DREAM_API_KEY";

export async function buildModel(name: string, entry: ModelEntry, operator: DreamOperatorConfig): Promise<TransitionModel> {
  if ("endpoint" in entry) {
    const { ChatClient } = await import("../../agent/llm/client.js");
    const client = new ChatClient({
      baseUrl: entry.endpoint,
      model: entry.model,
      apiKey: process.env[entry.api_key_env ?? DEFAULT_API_KEY_ENV] || undefined,
      timeoutMs: entry.timeout_ms ?? operator.timeout_ms,
      // One retry: the step's deadline bounds the whole call anyway.
      maxRetries: 1,
    });
    return {
      kind: "endpoint",
      prompt: entry.prompt ?? "full",
      async generate(req: TransitionRequest): Promise<string> {
        const r = await client.chat(req.messages, { temperature: req.temperature, maxTokens: req.maxTokens, seed: req.seed });
        return r.choices[0]?.text ?? "";
      },
    };
  }
  const [{ selectBackend }, { loadCheckpoint }] = await Promise.all([import("../../agent/model/backend.js"), import("../../agent/model/checkpoint.js")]);
  await selectBackend();
  let loaded;
  try {
    loaded = await loadCheckpoint(entry.checkpoint);
  } catch (err) {
    throw new Error(`dream model ${name}: cannot load the checkpoint ${entry.checkpoint}: ${(err as Error).message}`);
  }
  const { model, tokenizer } = loaded;
  const context = model.config.maxSeqLen;
  /** One request's prompt ids, or why it cannot run; checked before it joins a batch. */
  const encode = (req: TransitionRequest): number[] => {
    const ids = tokenizer.encodeChat(req.messages, true).ids;
    // Generation would keep only the prompt's end, dropping the rules and the retrieved
    // transitions without a word: refuse instead, as the OpenAI-compatible server does.
    if (ids.length + req.maxTokens > context) {
      throw new EnvError(
        "CAPACITY",
        `dream model ${name}: the prompt is ${ids.length} tokens and the reply may take ${req.maxTokens}, more than the checkpoint's context of ${context}; lower k, history or max_tokens, or serve a model with a longer context`,
      );
    }
    if (req.deadline - Date.now() <= 0) throw new EnvError("DEADLINE", "no time left for the transition model", true);
    return ids;
  };
  const expired = () => new EnvError("DEADLINE", `dream model ${name}: the step's time ran out during generation`, true);
  // Concurrent steps (a trainer's BatchStep over its group) share one batched generation;
  // each row samples from its own seed, so what it generates does not depend on its batch.
  const batcher = new MicroBatcher<{ req: TransitionRequest; ids: number[] }, string>(
    async (jobs) => {
      const deadlines = jobs.map((j) => j.req.deadline);
      const late = new Set<number>();
      const r = await model.generate(
        jobs.map((j) => j.ids),
        {
          maxNewTokens: jobs[0]!.req.maxTokens,
          temperature: jobs[0]!.req.temperature,
          rowSeeds: jobs.map((j) => j.req.seed),
          stopTokens: [tokenizer.end],
          // A row past its own deadline ends now; the others go on.
          onStep: (tokens) => {
            const now = Date.now();
            const end: number[] = [];
            for (const t of tokens) {
              if (now <= deadlines[t.row]! || late.has(t.row)) continue;
              late.add(t.row);
              end.push(t.row);
            }
            return end;
          },
          signal: AbortSignal.timeout(Math.max(1, Math.max(...deadlines) - Date.now())),
        },
      );
      return jobs.map((_, i) => (late.has(i) || r.finishReasons[i] === "abort" ? { ok: false, error: expired() } : { ok: true, value: tokenizer.decode(r.tokens[i]!) }));
    },
    (j) => `${j.req.maxTokens}\u0000${j.req.temperature}`,
    MAX_BATCH,
    { sizeOf: (j) => j.ids.length + j.req.maxTokens, max: MAX_BATCH_TOKENS },
  );
  return {
    kind: "checkpoint",
    prompt: entry.prompt ?? "full",
    generate(req: TransitionRequest): Promise<string> {
      try {
        return batcher.submit({ req, ids: encode(req) });
      } catch (err) {
        return Promise.reject(err);
      }
    },
    close: () => model.dispose(),
  };
}

/** A recording's action as text: indices by the base env's discrete names, JSON as its text. */
function actionText(action: unknown, discreteNames: readonly string[]): string | undefined {
  if (typeof action === "string") return action.trim();
  if (typeof action === "number") return discreteNames[action];
  if (action !== null && typeof action === "object") return JSON.stringify(action);
  return undefined;
}

interface RecordedResultLike {
  observation: { text: string; validActions: string[] };
  reward: number;
  terminated: boolean;
}

/** Transitions of one buffer, grouped by `env id \0 config key`. */
export type RecordedTransitions = Map<string, RealTransition[]>;

/**
 * Reads a buffer's recording files (a file, or every .jsonl under a folder), replaying each
 * recording's restores so that every step starts from the state it really started from.
 * Recordings of envs dream does not wrap are skipped; a file that is not a recording stops
 * the server's start with its name (operator input).
 */
export async function loadRecordings(name: string, paths: readonly string[], bases: ReadonlyMap<string, EnvDefinition>, maxTransitions: number): Promise<RecordedTransitions> {
  const { parseRecording } = await import("../../agent/record/format.js");
  const out: RecordedTransitions = new Map();
  let count = 0;
  for (const path of paths) {
    const listing = listDataSet(`dream buffer ${name}`, path);
    for (const file of listing.files) {
      if (!file.rel.endsWith(".jsonl")) continue;
      const rec = parseRecording(readDataFile(file), `${name}/${file.rel}`);
      const def = bases.get(rec.header.env);
      if (!def) continue;
      let key: string;
      try {
        key = `${rec.header.env}\u0000${def.configKey(def.parseConfig(rec.header.config))}`;
      } catch (err) {
        throw new Error(`dream buffer ${name}: ${file.rel}: its ${rec.header.env} config is not valid here: ${(err as Error).message}`);
      }
      const names = def.describe(undefined).action.discreteNames;
      const after: RecordedResultLike[] = [];
      let cur: RecordedResultLike | undefined;
      const list = out.get(key) ?? [];
      out.set(key, list);
      for (const e of rec.events) {
        if (e.type === "reset") cur = e.result;
        else if (e.type === "restore") cur = after[e.to];
        else if (e.result && cur) {
          const r = e.result;
          const action = actionText(e.action, names);
          if (action !== undefined && count < maxTransitions) {
            list.push({
              state: cur.observation.text,
              action,
              next: r.observation.text,
              reward: r.reward,
              terminated: r.terminated,
              success: r.terminated && r.reward > 0,
              nextValidActions: [...r.observation.validActions],
            });
            count++;
          }
          cur = r;
        }
        // Event i's resulting state, which a later restore names (a refused step leaves it as it was).
        after.push(cur!);
      }
    }
  }
  return out;
}
