/**
 * Supervised examples for a transition model that `dream` will serve (DreamGym trains its
 * experience model by SFT on real transitions): each real step of an episode becomes the
 * very prompt DreamEnv builds at that step — the rules, the reply format, the neighbours
 * the buffer retrieves, the episode's first observation, its last steps, the state and
 * the action — answered by the reply format holding the real outcome.
 *
 * The prompt comes from the env's own builder (prompt.ts) and the neighbours from the same
 * ReplayBuffer, so a model trained on these sees at serving time exactly the kind of
 * prompt it saw in training; only the states differ (served, they are its own
 * predictions after the first step).
 */
import type { PromptMessage } from "./model.js";
import { buildPrompt, type HistoryEntry, type PromptStyle } from "./prompt.js";
import { formatReply } from "./reply.js";
import type { RealTransition, ReplayBuffer } from "./retrieval.js";

export interface ExampleSettings {
  baseId: string;
  /** The base env's instructions, as its spec gives them (what DreamEnv puts in the prompt). */
  instructions: string;
  /** Neighbours retrieved per step (the session's `k`). */
  k: number;
  /** Past steps shown (the session's `history`). */
  history: number;
  maxTextChars: number;
  /** The prompt style of the model to be trained (its operator entry's `prompt`). */
  style?: PromptStyle;
  /**
   * The answer lists the next state's valid actions. For a base env with a fixed action
   * set (Sokoban) DreamEnv keeps that set when a reply lists none, so leaving them out
   * shortens every answer without changing what the env does.
   */
  validActions: boolean;
}

export interface TransitionExample {
  /** The prompt's system and user messages, then the assistant's answer. */
  messages: PromptMessage[];
  /** The step's index in its episode. */
  step: number;
}

/** One example per transition of an episode (given in order, the first from the reset state). */
export function transitionExamples(episode: readonly RealTransition[], buffer: ReplayBuffer, s: ExampleSettings): TransitionExample[] {
  const start = episode[0]?.state;
  if (start === undefined) return [];
  const past: HistoryEntry[] = [];
  return episode.map((t, step) => {
    const history = s.history > 0 ? past.slice(-s.history) : [];
    const prompt = buildPrompt({
      baseId: s.baseId,
      instructions: s.instructions,
      neighbours: buffer.nearest(t.state, t.action, s.k),
      start,
      history,
      state: t.state,
      action: t.action,
      maxTextChars: s.maxTextChars,
      style: s.style,
    });
    const answer = formatReply({ nextState: t.next, success: t.success, validActions: s.validActions ? [...t.nextValidActions] : undefined });
    past.push({ action: t.action, observation: t.next });
    return { messages: [...prompt, { role: "assistant", content: answer }], step };
  });
}
