/**
 * The ReSim response format: simulated plans with the state after each action,
 * then one answer. Writing and parsing live together so they cannot drift.
 *
 *   <think>
 *   <plan id=1>
 *   <action>Up</action>
 *   <state>
 *   ...the observation expected after Up...
 *   </state>
 *   <value>0.81</value>
 *   </plan>
 *   ...more plans...
 *   Plan 1 has the highest value (0.81): it reaches the goal in 3 steps. I take its first action.
 *   </think>
 *   <answer>Up</answer>
 *
 * Each plan's value comes after its states: a model writes the future first and
 * judges it from what it wrote, as the paper's responses do, and the value cannot
 * be copied from anything stated before the simulation.
 */
import type { ActionInput } from "../client/actions.js";
import { actionText, parseActionText } from "./prompt.js";

/**
 * The markup of the response format, each of which a fitted tokenizer keeps as
 * one token (`<plan` is open: its attributes follow). `<value>…</value>` is not
 * written by this module yet; it is listed so a value or refinement format that
 * uses it gets single tokens too. A checkpoint stores its own copy of the list,
 * so changing it here never changes an existing checkpoint's ids.
 */
export const RESPONSE_MARKUP = [
  "<think>",
  "</think>",
  "<plan",
  "</plan>",
  "<action>",
  "</action>",
  "<state>",
  "</state>",
  "<answer>",
  "</answer>",
  "<value>",
  "</value>",
] as const;

export interface SimulatedPlan {
  id: number;
  value: number;
  steps: { action: ActionInput; state: string }[];
}

export interface ParsedResponse {
  plans: SimulatedPlan[];
  /** The answer, or undefined when the response has none. */
  answer: ActionInput | undefined;
}

/** The markup of the format, each a natural single token for a tokenizer. */
export const RESPONSE_TAGS = ["<think>", "</think>", "<plan", "</plan>", "<action>", "</action>", "<state>", "</state>", "<value>", "</value>", "<answer>", "</answer>"] as const;

export function writePlan(plan: SimulatedPlan): string {
  const body = plan.steps.map((s) => `<action>${actionText(s.action)}</action>\n<state>\n${s.state}\n</state>`).join("\n");
  return `<plan id=${plan.id}>\n${body}\n<value>${plan.value.toFixed(2)}</value>\n</plan>`;
}

export function writeResponse(plans: SimulatedPlan[], reasoning: string, answer: ActionInput): string {
  return `<think>\n${plans.map(writePlan).join("\n")}\n${reasoning}\n</think>\n<answer>${actionText(answer)}</answer>`;
}

/**
 * A one-step response (a first-step student's): one plan of one step, no value or comparison,
 * the same action as the answer. The shortest response that states a future before acting.
 */
export function writeFirstStepResponse(action: string, state: string): string {
  return `<think>\n<plan id=1>\n<action>${action}</action>\n<state>\n${state}\n</state>\n</plan>\n</think>\n<answer>${action}</answer>`;
}

/** An action-only response (the distillation baseline). */
export function writeAnswerOnly(answer: ActionInput): string {
  return `<answer>${actionText(answer)}</answer>`;
}

const PLAN = /<plan id=(\d+)(?: value=(-?[\d.]+))?>([\s\S]*?)<\/plan>/g;
const VALUE = /<value>(-?[\d.]+)<\/value>/;
const STEP = /<action>([\s\S]*?)<\/action>\s*<state>\n?([\s\S]*?)\n?<\/state>/g;
const ANSWER = /<answer>([\s\S]*?)<\/answer>/;

/** Parses whatever a model wrote; malformed parts are skipped, never thrown on. */
export function parseResponse(text: string): ParsedResponse {
  const plans: SimulatedPlan[] = [];
  for (const m of text.matchAll(PLAN)) {
    const steps: SimulatedPlan["steps"] = [];
    for (const s of m[3]!.matchAll(STEP)) {
      try {
        steps.push({ action: parseActionText(s[1]!), state: s[2]! });
      } catch {
        // an unparseable action ends what can be checked of this plan
        break;
      }
    }
    // The value after the states (older data: an attribute of <plan>).
    const value = VALUE.exec(m[3]!)?.[1] ?? m[2];
    plans.push({ id: Number(m[1]), value: value === undefined ? NaN : Number(value), steps });
  }
  const a = ANSWER.exec(text);
  let answer: ActionInput | undefined;
  if (a && a[1]!.trim() !== "") {
    try {
      answer = parseActionText(a[1]!);
    } catch {
      answer = undefined;
    }
  }
  return { plans, answer };
}
