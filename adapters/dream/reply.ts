/**
 * The experience model's reply format, and its parser.
 *
 *   <think>optional reasoning, ignored</think>
 *   <next_state>
 *   the whole next observation text, as the real environment would show it
 *   </next_state>
 *   <success>yes | no</success>           the model's judgment: is the task now complete?
 *   <valid_actions>                        optional: the commands that make sense next, one per line
 *   Up
 *   </valid_actions>
 *
 * Reward is DreamGym's outcome reward: 1 when the model judges the task complete (the
 * episode then ends), 0 otherwise. A model's output is untrusted text: the parser reads
 * a bounded prefix, never throws, and says what was wrong in one short line, so the
 * environment can apply its defined fallback (see env.ts).
 */
import { clip } from "../kit/clip.js";

/** Text a prompt shows the model so that it answers in this format. */
export const REPLY_FORMAT_INSTRUCTIONS = [
  "Answer in exactly this format:",
  "<next_state>",
  "the full next observation, exactly as the environment would print it",
  "</next_state>",
  "<success>yes or no: is the task complete after this action?</success>",
  "<valid_actions>",
  "optional: the actions that make sense next, one per line",
  "</valid_actions>",
].join("\n");

export interface ParsedReply {
  nextState: string;
  success: boolean;
  /** Undefined when the reply gave no list (the environment then keeps its default). */
  validActions: string[] | undefined;
}

export type ReplyParse = { ok: true; reply: ParsedReply } | { ok: false; error: string };

export interface ReplyLimits {
  /** Longest next-state text kept; longer is malformed (a real observation is far shorter). */
  maxStateChars: number;
  /** Most valid actions kept, and the longest one. */
  maxValidActions: number;
  maxActionChars: number;
}

export const DEFAULT_REPLY_LIMITS: ReplyLimits = { maxStateChars: 8000, maxValidActions: 200, maxActionChars: 200 };

/** The body of the first `<tag>…</tag>`, or undefined (an unclosed tag is absent: a cut reply must not pass). */
function block(text: string, tag: string): string | undefined {
  const open = text.indexOf(`<${tag}>`);
  if (open < 0) return undefined;
  const start = open + tag.length + 2;
  const close = text.indexOf(`</${tag}>`, start);
  return close < 0 ? undefined : text.slice(start, close);
}

/** Strips one leading and one trailing newline, as the format puts the body on its own lines. */
function body(raw: string): string {
  return raw.replace(/^\r?\n/, "").replace(/\r?\n$/, "");
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

export function parseReply(reply: string, limits: ReplyLimits = DEFAULT_REPLY_LIMITS): ReplyParse {
  // Reasoning may mention the tags; only what follows it counts.
  const thinkEnd = reply.lastIndexOf("</think>");
  const text = thinkEnd >= 0 ? reply.slice(thinkEnd + 8) : reply;
  const state = block(text, "next_state");
  if (state === undefined) return { ok: false, error: `no <next_state>…</next_state> block in the model's reply (${JSON.stringify(clip(reply, 60))})` };
  const nextState = body(state);
  if (nextState.trim() === "") return { ok: false, error: "the model's <next_state> is empty" };
  if (nextState.length > limits.maxStateChars) return { ok: false, error: `the model's <next_state> is longer than ${limits.maxStateChars} characters` };
  if (CONTROL.test(nextState)) return { ok: false, error: "the model's <next_state> holds control characters" };
  const judged = block(text, "success")?.trim().toLowerCase();
  if (judged === undefined) return { ok: false, error: "no <success>yes|no</success> in the model's reply" };
  if (!["yes", "no", "true", "false"].includes(judged)) return { ok: false, error: `<success> must be yes or no, not ${JSON.stringify(clip(judged, 20))}` };
  const listed = block(text, "valid_actions");
  let validActions: string[] | undefined;
  if (listed !== undefined) {
    const lines = body(listed)
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l !== "");
    if (lines.length > limits.maxValidActions) return { ok: false, error: `more than ${limits.maxValidActions} valid actions in the model's reply` };
    if (lines.some((l) => l.length > limits.maxActionChars || CONTROL.test(l))) return { ok: false, error: "a valid action in the model's reply is too long or holds control characters" };
    validActions = [...new Set(lines)];
  }
  return { ok: true, reply: { nextState, success: judged === "yes" || judged === "true", validActions } };
}

/** The reply a model gives for a known outcome (how the nearest-neighbour model answers, and examples in prompts). */
export function formatReply(r: ParsedReply): string {
  const parts = [`<next_state>\n${r.nextState}\n</next_state>`, `<success>${r.success ? "yes" : "no"}</success>`];
  if (r.validActions !== undefined) parts.push(`<valid_actions>\n${r.validActions.join("\n")}\n</valid_actions>`);
  return parts.join("\n");
}
