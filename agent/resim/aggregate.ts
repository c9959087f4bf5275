/**
 * Steps 5 and 6 of ReSim: each kept rollout becomes a plan stating the real
 * future states it reaches, and the plans are aggregated into one response that
 * compares them and commits to the best plan's first action. The default
 * aggregator is a deterministic template; the plans are listed in a shuffled
 * order so that a model cannot learn "the first plan wins".
 */
import type { ChatClient } from "../llm/client.js";
import { actionText, type ChatMessage } from "../format/prompt.js";
import { parseResponse, writePlan, writeResponse, type SimulatedPlan } from "../format/response.js";
import type { SeededRandom } from "./seeded-random.js";
import type { ValuedRollout } from "./value.js";

export interface Aggregated {
  response: string;
  /** The id the chosen plan has in the response. */
  chosenPlanId: number;
  plans: SimulatedPlan[];
}

export function toPlan(r: ValuedRollout, id: number): SimulatedPlan {
  return { id, value: r.value, steps: r.actions.slice(0, r.steps.length).map((action, i) => ({ action, state: r.steps[i]!.observation.text })) };
}

function describe(r: ValuedRollout): string {
  const v = `value ${r.value.toFixed(2)}`;
  const last = r.steps.at(-1);
  if (last?.terminated && last.reward > 0) return `${v}, it reaches the goal in ${r.steps.length} ${r.steps.length === 1 ? "step" : "steps"}`;
  if (last?.truncated) return `${v}, it runs out of steps`;
  if (last?.terminated) return `${v}, the episode ends without success`;
  if (r.visits !== undefined) return `${v}, ${r.successes} of ${r.visits} rollouts through its last state reached the goal`;
  if (r.stepsToGoal !== undefined) return `${v}, the goal is ${r.stepsToGoal} ${r.stepsToGoal === 1 ? "step" : "steps"} away`;
  return `${v}, no sign of reaching the goal`;
}

export function templateAggregate(best: ValuedRollout, kept: ValuedRollout[], random: SeededRandom): Aggregated {
  const order = random.shuffle([...kept]);
  const plans = order.map((r, i) => toPlan(r, i + 1));
  const chosenPlanId = order.indexOf(best) + 1;
  const lines = order.map((r, i) => `Plan ${i + 1}: ${describe(r)}.`);
  const tied = order.flatMap((r, i) => (r !== best && r.value === best.value ? [i + 1] : []));
  const verdict =
    kept.length === 1
      ? `Only plan ${chosenPlanId} is left after removing duplicates; I follow it.`
      : best.value <= 0
        ? `No plan shows progress; plan ${chosenPlanId} is as good as any, so I take its first action.`
        : tied.length > 0
          ? `Plan ${chosenPlanId} ties with plan${tied.length > 1 ? "s" : ""} ${tied.join(" and ")} for the highest value; I take its first action.`
          : `Plan ${chosenPlanId} has the highest value, so I take its first action.`;
  const answer = best.actions[0]!;
  return { response: writeResponse(plans, [...lines, verdict].join("\n"), answer), chosenPlanId, plans };
}

/**
 * The LLM aggregator: the plans (with their real states and values) are shown to an
 * LLM, which writes the comparison and picks an action. The plans in the response
 * are always the real ones; the LLM's pick is kept only when it is the first action
 * of a kept plan, otherwise the best plan's action is used.
 */
export async function llmAggregate(
  llm: ChatClient,
  prompt: ChatMessage[],
  best: ValuedRollout,
  kept: ValuedRollout[],
  random: SeededRandom,
): Promise<Aggregated & { llmChoiceUsed: boolean }> {
  const order = random.shuffle([...kept]);
  const plans = order.map((r, i) => toPlan(r, i + 1));
  const question: ChatMessage = {
    role: "user",
    content:
      `${prompt.at(-1)!.content}\n\nThese plans were simulated in the real environment:\n${plans.map(writePlan).join("\n")}\n\n` +
      "Compare the plans in a few sentences, then give the first action of the best one as <answer>ACTION</answer>.",
  };
  const r = await llm.chat([...prompt.slice(0, -1), question], { temperature: 0, maxTokens: 256 });
  const text = r.choices[0]?.text ?? "";
  const picked = parseResponse(text).answer;
  const firsts = order.map((o) => actionText(o.actions[0]!));
  const llmChoiceUsed = picked !== undefined && firsts.includes(actionText(picked));
  const chosen = llmChoiceUsed ? order[firsts.indexOf(actionText(picked!))]! : best;
  const reasoning = text.replace(/<answer>[\s\S]*?<\/answer>/g, "").trim() || `Plan ${order.indexOf(best) + 1} has the highest value.`;
  return {
    response: writeResponse(plans, reasoning, chosen.actions[0]!),
    chosenPlanId: order.indexOf(chosen) + 1,
    plans,
    llmChoiceUsed,
  };
}
