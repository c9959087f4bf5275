/**
 * What is evaluated: anything that turns a prompt into a response. A trained
 * checkpoint, an OpenAI-compatible endpoint, or ReSim's search itself (which also
 * sees the live session, to search over real rollouts).
 */
import type { RemoteSession } from "../client/index.js";
import type { Observation } from "../../gen/ts/dynamind/env/v1/types_pb.js";
import type { ChatMessage } from "../format/prompt.js";

export interface PolicyContext {
  session: RemoteSession;
  /** The step about to be taken. */
  step: number;
  /** The observation the prompt was built from. */
  observation: Observation;
  /**
   * The seed the episode was reset with, when the caller knows it: a stochastic policy draws
   * from it so that an episode's actions do not depend on which episodes run beside it.
   */
  episodeSeed?: number;
  /** The episode's goal in words, when its environment names one (see goalOf). */
  goal?: string;
}

export interface PolicyResponse {
  text: string;
  /** Tokens generated for it (the policy's own tokenizer; characters when it has none). */
  tokens: number;
}

export interface ResponsePolicy {
  readonly name: string;
  /** Whether prompts ask for simulated plans (ReSim-style) or just an answer. */
  readonly simulates: boolean;
  respond(messages: ChatMessage[], context: PolicyContext): Promise<PolicyResponse>;
}

/** How a checkpoint gives its answer: writes it, or picks it among the valid actions (see CheckpointPolicyOptions). */
export type AnswerMode = "write" | "valid";
export const ANSWER_MODES = ["write", "valid"] as const satisfies readonly AnswerMode[];
