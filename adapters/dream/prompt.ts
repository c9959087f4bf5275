/**
 * The experience model's prompt: the base environment's rules, the reply format, the
 * retrieved real transitions, the episode so far (its first observation, which states
 * the task, and the last few steps) and the action. Every part is cut to a bound, so a
 * long episode or a long observation never makes an unbounded prompt.
 *
 * Two styles. "full" is for a model that has to be told the game (an LLM behind an
 * endpoint). "compact" leaves out the system message (rules and reply format, ~400 of a
 * Sokoban prompt's ~560 tokens) for a model trained on this env's transitions, which
 * learned both from its data: its training and every step then cost a fraction as much.
 */
import { clip } from "../kit/clip.js";
import type { PromptMessage } from "./model.js";
import { REPLY_FORMAT_INSTRUCTIONS } from "./reply.js";
import type { Neighbour } from "./retrieval.js";

export interface HistoryEntry {
  action: string;
  /** The observation the action led to. */
  observation: string;
}

export type PromptStyle = "full" | "compact";

export interface PromptInput {
  baseId: string;
  instructions: string;
  neighbours: readonly Neighbour[];
  /** The episode's first observation (real). */
  start: string;
  /** The last steps, oldest first (already cut to the history bound). */
  history: readonly HistoryEntry[];
  state: string;
  action: string;
  /** Longest observation text shown; longer ones are cut with an ellipsis. */
  maxTextChars: number;
  /** Default "full". */
  style?: PromptStyle;
}

export function buildPrompt(p: PromptInput): PromptMessage[] {
  const cut = (t: string) => clip(t, p.maxTextChars);
  const system = [
    `You are the experience model of the "${p.baseId}" environment: given a state and an action, you predict what the real environment shows next, and judge whether the task is then complete.`,
    "The environment's rules, as its agents are told them:",
    cut(p.instructions),
    "",
    REPLY_FORMAT_INSTRUCTIONS,
  ].join("\n");
  const parts: string[] = [];
  if (p.neighbours.length > 0) {
    parts.push("Real transitions of this environment that resemble the current one:");
    p.neighbours.forEach((n, i) => {
      const t = n.transition;
      parts.push(`[${i + 1}] State:\n${cut(t.state)}\nAction: ${t.action}\nNext state:\n${cut(t.next)}\nTask complete: ${t.success ? "yes" : "no"}`);
    });
    parts.push("");
  }
  parts.push(`The episode's first observation:\n${cut(p.start)}`);
  if (p.history.length > 0) {
    parts.push("The last steps:");
    for (const h of p.history) parts.push(`Action: ${h.action}\nObservation:\n${cut(h.observation)}`);
  }
  parts.push("", `Current state:\n${cut(p.state)}`, `Action: ${p.action}`, "Predict the next state.");
  const user: PromptMessage = { role: "user", content: parts.join("\n") };
  return p.style === "compact" ? [user] : [{ role: "system", content: system }, user];
}
