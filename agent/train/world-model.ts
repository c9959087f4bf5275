/**
 * World-model objectives (Dyna-Think's auxiliary SFT tasks): examples that teach the
 * model the environment's dynamics apart from the policy, mixed into its training data.
 *
 * - next-state: (state, action) → the real next state, in the response format's own
 *   `<state>` block, so the skill is the one a ReSim response uses.
 * - critique: given a state, a plan with predicted states and the real outcome, say
 *   step by step where the prediction was wrong and what really happens.
 * - refine: SimRollout's refinement input (agent/format/refinement.ts) — a draft whose
 *   plan states are the copy predictor's (or, in the "plan" form, no draft text), plus the
 *   real future of a plan — answered with the ReSim response. A small model never shown
 *   this input answers it worse than it drafts (docs/results/dyna-grpo.md); this teaches the format before Dyna-GRPO.
 *
 * Real transitions come for free: every plan in a ReSim example is a chain of real
 * states (the search executed it), and recordings hold every step a client took.
 * Nothing here names an environment: states are text, compared line by line.
 */
import type { ActionInput } from "../client/actions.js";
import { actionText } from "../format/prompt.js";
import { refinementMessages, type LookaheadScope, type RefineInputForm } from "../format/refinement.js";
import { parseResponse, writeFirstStepResponse, writePlan } from "../format/response.js";
import type { Recording } from "../record/format.js";
import { SeededRng } from "../model/rng.js";
import type { ChatExample } from "./dataset.js";
import { firstStepRecords, type FirstStepRecord } from "../resim/dataset.js";

export type WorldModelObjective = "next-state" | "critique" | "refine";
export const WORLD_MODEL_OBJECTIVES: readonly WorldModelObjective[] = ["next-state", "critique", "refine"];

/** One real transition; reward and done only where the source knows them (recordings). */
export interface Transition {
  state: string;
  action: ActionInput;
  next: string;
  reward?: number;
  done?: boolean;
}

/** A real chain from one state: the actions of a plan and the states they led to. */
export interface Chain {
  start: string;
  steps: { action: ActionInput; state: string }[];
}

const CURRENT = "Current observation:\n";

/** The state a ReSim prompt shows last (its current observation), or undefined. */
export function currentState(example: ChatExample): string | undefined {
  const user = [...example.messages].reverse().find((m) => m.role === "user");
  if (user === undefined) return undefined;
  const at = user.content.lastIndexOf(CURRENT);
  if (at < 0) return undefined;
  // The compact prompt ends with the state; the full one adds a blank line and the valid actions.
  const rest = user.content.slice(at + CURRENT.length);
  const end = rest.indexOf("\n\nValid actions:");
  return end < 0 ? rest : rest.slice(0, end);
}

/** The real chains in ReSim examples: each plan of each response, from the example's current state. */
export function chainsFromResim(examples: readonly ChatExample[]): Chain[] {
  const out: Chain[] = [];
  for (const ex of examples) {
    const start = currentState(ex);
    const reply = ex.messages.find((m) => m.role === "assistant");
    if (start === undefined || reply === undefined) continue;
    for (const plan of parseResponse(reply.content).plans) if (plan.steps.length > 0) out.push({ start, steps: plan.steps });
  }
  return out;
}

/** The chains a recording walked: one from each reset or restore, through the steps after it (refused steps change nothing). */
export function chainsFromRecording(rec: Recording): Chain[] {
  const out: Chain[] = [];
  let chain: Chain | undefined;
  for (const e of rec.events) {
    if (e.type === "reset" || e.type === "restore") out.push((chain = { start: e.result.observation.text, steps: [] }));
    else if (e.result !== undefined && chain !== undefined) chain.steps.push({ action: e.action, state: e.result.observation.text });
  }
  return out.filter((c) => c.steps.length > 0);
}

/** Transitions of recordings, with the reward and end flag each step really had. */
export function transitionsFromRecording(rec: Recording): Transition[] {
  const out: Transition[] = [];
  let state: string | undefined;
  for (const e of rec.events) {
    if (e.type === "reset" || e.type === "restore") state = e.result.observation.text;
    else if (e.result !== undefined && state !== undefined) {
      const next = e.result.observation.text;
      out.push({ state, action: e.action, next, reward: e.result.reward, done: e.result.terminated || e.result.truncated });
      state = next;
    }
  }
  return out;
}

/** Every (state, action) of the chains once, first seen first: trees share prefixes, so ReSim data repeats them. */
export function transitionsOf(chains: readonly Chain[]): Transition[] {
  const seen = new Set<string>();
  const out: Transition[] = [];
  for (const c of chains) {
    let state = c.start;
    for (const s of c.steps) {
      const key = `${state}\u0000${actionText(s.action)}`;
      if (!seen.has(key)) {
        seen.add(key);
        out.push({ state, action: s.action, next: s.state });
      }
      state = s.state;
    }
  }
  return out;
}

/** The next-state prompt: the same "Current observation" layout the policy reads, then the action. */
export function nextStatePrompt(state: string, action: ActionInput): string {
  return `${CURRENT}${state}\nAction: ${actionText(action)}\nPredict the next observation.`;
}

export function nextStateExample(t: Transition): ChatExample {
  const extra = t.reward === undefined ? "" : `\n<reward>${t.reward}</reward>\n<done>${t.done ? "yes" : "no"}</done>`;
  return {
    messages: [
      { role: "user", content: nextStatePrompt(t.state, t.action) },
      { role: "assistant", content: `<state>\n${t.next}\n</state>${extra}` },
    ],
    metadata: { objective: "next-state" },
  };
}

/** Predicts the states of a chain; the critique objective teaches the model to correct such predictions. */
export type Predictor = (start: string, actions: readonly ActionInput[]) => string[];

/**
 * The trivial simulator: nothing changes. Its mistakes are exactly the cells or lines an
 * action changes, so critiques of it point at what each action does.
 */
export const copyPredictor: Predictor = (start, actions) => actions.map(() => start);

/**
 * Critique text, line by line: where each predicted state differs from the real one.
 * Deterministic (the critique is a target, not a model's guess), bounded by the states.
 */
export function critique(chain: Chain, predicted: readonly string[]): string {
  const lines: string[] = [];
  let wrong = 0;
  chain.steps.forEach((s, k) => {
    const real = s.state.split("\n");
    const guess = (predicted[k] ?? "").split("\n");
    const diffs: string[] = [];
    for (let i = 0; i < Math.max(real.length, guess.length); i++) {
      if (real[i] === guess[i]) continue;
      diffs.push(`line ${i + 1} is "${real[i] ?? ""}", not "${guess[i] ?? ""}"`);
    }
    const head = `Step ${k + 1} (${actionText(s.action)}):`;
    if (diffs.length === 0) lines.push(`${head} predicted correctly.`);
    else {
      wrong++;
      lines.push(`${head} wrong: ${diffs.join("; ")}.`);
    }
  });
  lines.push(wrong === 0 ? "The plan was simulated correctly." : `${wrong} of ${chain.steps.length} predicted states were wrong.`);
  return lines.join("\n");
}

export function critiqueExample(chain: Chain, predicted: readonly string[]): ChatExample {
  const plan = chain.steps.map((s, k) => `<action>${actionText(s.action)}</action>\n<state>\n${predicted[k] ?? ""}\n</state>`).join("\n");
  const real = chain.steps.map((s) => `<state>\n${s.state}\n</state>`).join("\n");
  return {
    messages: [
      { role: "user", content: `${CURRENT}${chain.start}\nA plan and its predicted states:\n${plan}\nWhat really happened:\n${real}\nSay what the prediction got wrong.` },
      { role: "assistant", content: critique(chain, predicted) },
    ],
    metadata: { objective: "critique" },
  };
}

/** World-model examples of the chosen objectives from real chains (critiques of `predictor`'s predictions). */
export function worldModelExamples(chains: readonly Chain[], objectives: readonly WorldModelObjective[], predictor: Predictor = copyPredictor): ChatExample[] {
  const out: ChatExample[] = [];
  if (objectives.includes("next-state")) for (const t of transitionsOf(chains)) out.push(nextStateExample(t));
  if (objectives.includes("critique")) {
    for (const c of chains) out.push(critiqueExample(c, predictor(c.start, c.steps.map((s) => s.action))));
  }
  return out;
}

/**
 * How each plan of a template-aggregated ReSim response ended, from its assessment line
 * ("Plan 2: value 1.00, it reaches the goal in 1 step."), so a taught refinement input
 * marks a terminal state as SimRollout's real one does. Plans whose line says nothing
 * of an end (or responses another aggregator wrote) are taken as not ended.
 */
export function planEndings(response: string): Map<number, "success" | "failure" | "cut"> {
  const out = new Map<number, "success" | "failure" | "cut">();
  for (const m of response.matchAll(/^Plan (\d+): value [-\d.]+, (it reaches the goal|the episode ends without success|it runs out of steps)/gm)) {
    out.set(Number(m[1]), m[2] === "it reaches the goal" ? "success" : m[2] === "it runs out of steps" ? "cut" : "failure");
  }
  return out;
}

/**
 * Refinement examples from ReSim examples; the target is always the ReSim response itself.
 *
 * - "response" form: the draft is the response with every plan's states replaced by the
 *   copy predictor's, and the real future is the plan starting with the answer (as
 *   SimRollout picks it), so the draft and the target agree on the action.
 * - "plan" form: no draft text, and the executed plan is drawn uniformly (seeded) among
 *   the response's plans, so the model also sees a worse plan's real outcome and must
 *   answer with the better one the response chooses.
 *
 * Examples without a plan are skipped, and in the "response" form, examples whose plans
 * were not written by writePlan (no faithful draft can be made).
 *
 * With `firstStep`, the target is firstStepResponse (a first-step student's answer) and
 * only the executed plan's first step is shown, as SimRollout shows such a student's draft.
 */
export function refinementExamples(examples: readonly ChatExample[], form: RefineInputForm = "response", seed = 0, firstStep = false): ChatExample[] {
  const out: ChatExample[] = [];
  const rng = new SeededRng(seed + 31);
  for (const ex of examples) {
    const start = currentState(ex);
    const k = ex.messages.findIndex((m) => m.role === "assistant");
    if (start === undefined || k < 0) continue;
    const response = ex.messages[k]!.content;
    const parsed = parseResponse(response);
    const plans = parsed.plans.filter((p) => p.steps.length > 0);
    if (plans.length === 0) continue;
    const answer = parsed.answer === undefined ? undefined : actionText(parsed.answer);
    const target = firstStep ? firstStepResponse(response) : response;
    if (target === undefined) continue;
    let draft = "";
    if (form === "response") {
      if (firstStep) draft = target.replace(/<state>\n[\s\S]*?\n<\/state>/, () => `<state>\n${start}\n</state>`);
      else {
        draft = response;
        for (const p of plans) draft = draft.replace(writePlan(p), writePlan({ ...p, steps: p.steps.map((s) => ({ ...s, state: start })) }));
      }
      if (draft === target) continue;
    }
    const executed = form === "plan" ? plans[rng.int(plans.length)]! : (plans.find((p) => actionText(p.steps[0]!.action) === answer) ?? plans[0]!);
    const ending = planEndings(response).get(executed.id);
    // A first-step student's draft is a one-step plan, and SimRollout executes just that step.
    const steps = firstStep ? executed.steps.slice(0, 1) : executed.steps;
    const states = steps.map((s, i) => {
      const end = i === executed.steps.length - 1 ? ending : undefined;
      return { action: s.action, text: s.state, terminated: end === "success" || end === "failure", truncated: end === "cut", success: end === "success" };
    });
    out.push({ messages: [...refinementMessages(ex.messages.slice(0, k), draft, { rejected: false, states }, form), { role: "assistant", content: target }], metadata: { objective: "refine" } });
  }
  return out;
}

/**
 * A ReSim response cut to a one-step simulation: the first action of the plan the answer
 * follows, the real state it leads to, then the answer. The shortest response that still
 * states a future before acting (~20% of a two-plan, depth-2 response's tokens), so a small
 * student can be trained and sampled by RL on two cores, and SimRollout has a plan to check.
 * Undefined when no stated plan starts with the answer.
 */
export function firstStepResponse(response: string): string | undefined {
  const { plans, answer } = parseResponse(response);
  if (answer === undefined) return undefined;
  const text = actionText(answer);
  const plan = plans.find((p) => p.steps.length > 0 && actionText(p.steps[0]!.action) === text);
  if (plan === undefined) return undefined;
  return writeFirstStepResponse(text, plan.steps[0]!.state);
}

/**
 * Refinement examples whose target depends on the outcome shown, for first-step students:
 * every first action the search tried is shown with its real next state (as SimRollout
 * shows a sampled draft's), and the target keeps that action when its outcome is as good
 * as the chosen action's (it changed the state, did not end the episode in failure, and
 * as large a share of the trajectories through it succeeded), else it answers with the
 * search's choice. The "search" target (refinementExamples) answers with the search's
 * choice whatever is shown, so a model can learn it while ignoring the real outcome.
 *
 * With `lookahead`, the input also says how many of the search's trajectories through the
 * shown action reached the goal ("Random play from there reached the goal in s of n tries."):
 * with a random rollout policy (`resim --policy random`) that is what SimRollout's random
 * lookahead (RL `lookaheadTries`) reports live, and it is what the target's rule compares.
 * With `lookahead` "every-action", every first action's count is shown (RL `lookaheadScope`),
 * and where some count is above 0 the target follows them: the shown action when it is among
 * the best usable ones (it changed the state and did not end the episode in failure), else the
 * best one (the search's choice among ties). Metadata `chosen` is the action a switch answers.
 *
 * Needs the collection's `firstSteps` metadata (ReSim data collected since it was
 * recorded); examples without it, or whose answer the search did not try, are skipped.
 * Each example's metadata names its source step (seed, step) and the shown and chosen actions.
 */
export function outcomeRefinementExamples(examples: readonly ChatExample[], opts: { lookahead?: LookaheadScope } = {}): { examples: ChatExample[]; kept: number; switched: number } {
  const out: ChatExample[] = [];
  let kept = 0;
  let switched = 0;
  for (const ex of examples) {
    const steps = firstStepRecords(ex.metadata);
    const k = ex.messages.findIndex((m) => m.role === "assistant");
    if (steps === undefined || k < 0) continue;
    const answer = parseResponse(ex.messages[k]!.content).answer;
    const chosen = answer === undefined ? undefined : steps.find((f) => f.action === actionText(answer));
    if (chosen === undefined) continue;
    const share = (f: FirstStepRecord) => f.successes / f.visits;
    const usable = (f: FirstStepRecord) => f.changed && !(f.terminated && !f.success);
    // Shown every action's count, the answer must follow the counts, or the student learns to
    // look past them: the best usable action by count (the search's choice, or else the first
    // recorded, among ties); with no count above 0, the rule below.
    const top = Math.max(0, ...steps.filter(usable).map(share));
    const best = opts.lookahead === "every-action" && top > 0 ? steps.filter((f) => usable(f) && share(f) === top) : [];
    const switchTo = best.length === 0 ? chosen : best.includes(chosen) ? chosen : best[0]!;
    for (const shown of steps) {
      const keep = best.length > 0 ? best.includes(shown) : shown === chosen || (usable(shown) && share(shown) >= share(chosen));
      const to = keep ? shown : switchTo;
      const target = writeFirstStepResponse(to.action, to.state);
      if (keep) kept++;
      else switched++;
      // The search's trajectories through the shown action continued at random (the collection's
      // rollout policy): the same quantity SimRollout's random lookahead measures live.
      // "every-action" shows every first action's count whatever the shown one did, as SimRollout does.
      const ended = shown.terminated || shown.truncated;
      const lookahead =
        opts.lookahead === "every-action"
          ? { tries: shown.visits, successes: shown.successes, byAction: steps.map((f) => ({ action: f.action, tries: f.visits, successes: f.successes })) }
          : opts.lookahead === "plan" && !ended
            ? { tries: shown.visits, successes: shown.successes }
            : undefined;
      const future = { rejected: false, states: [{ action: shown.action, text: shown.state, terminated: shown.terminated, truncated: shown.truncated, success: shown.success }], ...(lookahead ? { lookahead } : {}) };
      out.push({ messages: [...refinementMessages(ex.messages.slice(0, k), "", future, "plan"), { role: "assistant", content: target }], metadata: { objective: "refine", refineTarget: keep ? "kept" : "switched", seed: ex.metadata?.seed, step: ex.metadata?.step, shown: shown.action, chosen: switchTo.action } });
    }
  }
  return { examples: out, kept, switched };
}

/** ReSim examples with their responses cut to firstStepResponse (examples it cannot cut are dropped). */
export function firstStepExamples(examples: readonly ChatExample[]): ChatExample[] {
  const out: ChatExample[] = [];
  for (const ex of examples) {
    const k = ex.messages.findIndex((m) => m.role === "assistant");
    const cut = k < 0 ? undefined : firstStepResponse(ex.messages[k]!.content);
    if (cut === undefined) continue;
    out.push({ ...ex, messages: ex.messages.map((m, i) => (i === k ? { ...m, content: cut } : m)) });
  }
  return out;
}

/**
 * The policy examples plus auxiliary ones making up `fraction` of the result (0 ≤ f < 1),
 * drawn by a seeded shuffle (repeating the auxiliary set only when it is too small).
 */
export function mixExamples(policy: readonly ChatExample[], aux: readonly ChatExample[], fraction: number, seed: number): { examples: ChatExample[]; auxUsed: number } {
  if (!(fraction >= 0 && fraction < 1)) throw new Error(`the auxiliary fraction must be in [0, 1), got ${fraction}`);
  if (fraction === 0 || aux.length === 0) return { examples: [...policy], auxUsed: 0 };
  const want = Math.round((policy.length * fraction) / (1 - fraction));
  const rng = new SeededRng(seed + 29);
  const picked: ChatExample[] = [];
  while (picked.length < want) {
    const order = rng.shuffle(aux.map((_, i) => i));
    for (const i of order) {
      if (picked.length === want) break;
      picked.push(aux[i]!);
    }
  }
  return { examples: [...policy, ...picked], auxUsed: picked.length };
}
