/**
 * The transition model: what the `dream` environment asks for each next observation,
 * success judgment and (optionally) valid actions. It is given a prompt and returns
 * text in the reply format (reply.ts); generation is bounded by `maxTokens` and a
 * deadline. Implementations: `nearest-neighbour` here; an OpenAI-compatible endpoint and
 * the project's own checkpoint in models.ts (the one module that reaches into agent/).
 */
import type { MaybePromise } from "../contract.js";
import { formatReply } from "./reply.js";
import type { PromptStyle } from "./prompt.js";
import type { Neighbour } from "./retrieval.js";

export interface PromptMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

export interface TransitionRequest {
  /** The whole prompt (rules, reply format, retrieved real transitions, history, the action). */
  messages: readonly PromptMessage[];
  /** The same parts structured, for models that do not read text (retrieval-only ones). */
  state: string;
  action: string;
  neighbours: readonly Neighbour[];
  /** Most tokens to generate. */
  maxTokens: number;
  /** 0 = greedy. */
  temperature: number;
  /** Sampling seed, drawn from the episode's RNG, so a restored state samples the same. */
  seed: number;
  /** Epoch ms after which the answer is no longer wanted. */
  deadline: number;
}

export type TransitionModelKind = "nearest-neighbour" | "endpoint" | "checkpoint";

export interface TransitionModel {
  readonly kind: TransitionModelKind;
  /** The prompt it reads (prompt.ts); "full" when absent. */
  readonly prompt?: PromptStyle;
  /** A reply text (may be malformed: the environment parses it). Throws when no reply could be had. */
  generate(request: TransitionRequest): MaybePromise<string>;
  close?(): Promise<void> | void;
}

/**
 * The non-parametric baseline: the nearest real transition's next state, success and
 * valid actions, as its reply. Nothing is learned; it is what retrieval alone predicts
 * (exact where the buffer holds this very state and action, another state's outcome
 * otherwise). Deterministic, so it is the model tests and CI use.
 */
export class NearestNeighbourModel implements TransitionModel {
  readonly kind = "nearest-neighbour";

  generate(request: TransitionRequest): string {
    const best = request.neighbours[0];
    // With an empty buffer there is nothing to copy; an unparseable reply takes the
    // environment's defined fallback (the state stays) instead of an invented one.
    if (best === undefined) return "no real transition to copy";
    const t = best.transition;
    return formatReply({ nextState: t.next, success: t.success, validActions: [...t.nextValidActions] });
  }
}
