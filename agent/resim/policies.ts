/**
 * Rollout policies: who chooses the actions of the simulated futures. Any policy
 * works with any environment: actions come from the observation's valid actions
 * or the spec's discrete actions, never from env-specific knowledge.
 */
import type { ActionInput, RemoteSession, StateRef } from "../client/index.js";
import { ActionKind, type Observation } from "../../gen/ts/dynamind/env/v1/types_pb.js";
import type { ChatClient } from "../llm/client.js";
import { buildPrompt, type PromptStyle } from "../format/prompt.js";
import { parseResponse } from "../format/response.js";
import type { ResponsePolicy } from "../eval/policy.js";
import { SeededRandom } from "./seeded-random.js";

/** Where a rollout stands: the session it belongs to and, past the root, its saved state. */
export interface RolloutNode {
  session: RemoteSession;
  observation: Observation;
  /** Undefined at the root (the session's current state). */
  state: StateRef | undefined;
  /** The episode's goal in words, when its environment names one (see goalOf). */
  goal?: string;
}

export interface RolloutPolicy {
  readonly name: string;
  /** The next action at a node, for policies that react to what they see. */
  act(node: RolloutNode, rollout: number): Promise<ActionInput>;
}

/** Uniform over the valid actions (or the discrete actions), seeded. */
export class RandomPolicy implements RolloutPolicy {
  readonly name = "random";
  constructor(private readonly random: SeededRandom) {}

  async act(node: RolloutNode): Promise<ActionInput> {
    return randomValidAction(node, this.random);
  }
}

/**
 * Weighted toward the valid actions that share words with the episode's goal: weight
 * e^(strength × shared words). A prior of the kind an LLM brings (a goal "put a clean
 * apple in fridge" makes "take apple 1 from countertop 1" and "clean apple 1 with
 * sinkbasin 1" likelier than "go to toilet 1"), written as a rule so a machine without
 * an LLM still has a rollout policy that sometimes succeeds where random walks almost
 * never do. It reads only what any agent sees — the goal and the valid actions — and is
 * uniform where an environment names no goal or lists no actions.
 */
export class LexicalPolicy implements RolloutPolicy {
  readonly name = "lexical";
  constructor(
    private readonly random: SeededRandom,
    private readonly strength = LEXICAL_STRENGTH,
  ) {}

  async act(node: RolloutNode): Promise<ActionInput> {
    return lexicalAction(node, this.random, this.strength);
  }
}

/** The lexical policy's default strength: a shared word makes an action e² ≈ 7.4 times likelier. */
export const LEXICAL_STRENGTH = 2;

/** Words too common in goals and commands to say anything about the task. */
const FILLER = new Set(["the", "and", "some", "them", "with", "from", "its", "into", "then"]);

/** The lowercase words of three letters or more, less filler. */
export function contentWords(text: string): Set<string> {
  const words = new Set<string>();
  for (const w of text.toLowerCase().match(/[a-z]{3,}/g) ?? []) if (!FILLER.has(w)) words.add(w);
  return words;
}

/** Each command's weight under the lexical policy: e^(strength × its words shared with the goal). */
export function lexicalWeights(goalText: string, valid: readonly string[], strength = LEXICAL_STRENGTH): number[] {
  const goal = contentWords(goalText);
  return valid.map((a) => {
    let shared = 0;
    for (const w of contentWords(a)) if (goal.has(w)) shared++;
    return Math.exp(strength * shared);
  });
}

/** A valid action drawn with weight e^(strength × words shared with the goal). */
export function lexicalAction(node: RolloutNode, random: SeededRandom, strength = LEXICAL_STRENGTH): ActionInput {
  const valid = node.observation.validActions;
  const takesText = node.session.spec.actionSpec!.kinds.includes(ActionKind.ACTION_KIND_TEXT);
  if (node.goal === undefined || valid.length === 0 || !takesText) return randomValidAction(node, random);
  const weights = lexicalWeights(node.goal, valid, strength);
  let u = random.float() * weights.reduce((a, b) => a + b, 0);
  let i = 0;
  while (i < valid.length - 1 && u >= weights[i]!) u -= weights[i++]!;
  return valid[i]!;
}

/** The environment's expert (ExpertPlan), falling back to random where it has no plan. */
export class ExpertPolicy implements RolloutPolicy {
  readonly name = "expert";
  constructor(private readonly random: SeededRandom) {}

  async act(node: RolloutNode): Promise<ActionInput> {
    if (!node.session.spec.hasExpert) return randomValidAction(node, this.random);
    const plan = await node.session.expertPlan(node.state);
    return plan.actions[0] ?? randomValidAction(node, this.random);
  }
}

/**
 * Rollout 0 follows the expert, the others explore at random: the search then holds
 * a strong plan and contrasting ones, which is what the aggregated response compares.
 */
export class MixedPolicy implements RolloutPolicy {
  readonly name = "mixed";
  private readonly expert: ExpertPolicy;
  private readonly random: RandomPolicy;

  constructor(random: SeededRandom) {
    this.expert = new ExpertPolicy(random);
    this.random = new RandomPolicy(random);
  }

  async act(node: RolloutNode, rollout: number): Promise<ActionInput> {
    return rollout === 0 ? this.expert.act(node) : this.random.act(node);
  }
}

/**
 * An LLM behind an OpenAI-compatible endpoint chooses each rollout action from the
 * node's observation (prompted like the agent itself). An answer that is missing, or
 * not among the node's valid actions when those are known, is replaced by a random
 * valid one — and counted, so a run can report how often the LLM was usable.
 */
export class LlmRolloutPolicy implements RolloutPolicy {
  readonly name: string;
  fallbacks = 0;
  calls = 0;

  constructor(
    private readonly llm: ChatClient,
    private readonly random: SeededRandom,
    private readonly style: PromptStyle = "full",
    private readonly temperature = 1,
  ) {
    this.name = `llm(${llm.model})`;
  }

  async act(node: RolloutNode, rollout: number): Promise<ActionInput> {
    this.calls++;
    const messages = buildPrompt(node.session.spec, node.observation, [], false, this.style, node.goal);
    const r = await this.llm.chat(messages, { temperature: this.temperature, maxTokens: 64, seed: this.calls * 31 + rollout });
    return answerOrRandom(this, node, r.choices[0]?.text ?? "", this.random);
  }
}

/**
 * The answer in `text` when it is usable at `node` (present, and among the valid
 * actions when those are known), else a random valid action, counted as a fallback.
 */
function answerOrRandom(counter: { fallbacks: number }, node: RolloutNode, text: string, random: SeededRandom): ActionInput {
  const answer = parseResponse(text).answer;
  const valid = node.observation.validActions;
  if (answer !== undefined && (valid.length === 0 || valid.includes(typeof answer === "string" ? answer : JSON.stringify(answer)))) return answer;
  counter.fallbacks++;
  return randomValidAction(node, random);
}

export function randomValidAction(node: RolloutNode, random: SeededRandom): ActionInput {
  const valid = node.observation.validActions;
  const kinds = node.session.spec.actionSpec!.kinds;
  if (valid.length > 0) {
    const pick = random.pick(valid);
    if (kinds.includes(ActionKind.ACTION_KIND_TEXT)) return pick;
    if (kinds.includes(ActionKind.ACTION_KIND_JSON) && pick.startsWith("{")) return JSON.parse(pick) as Record<string, unknown>;
  }
  const n = node.session.spec.actionSpec!.discreteNames.length;
  if (n > 0) return random.int(n);
  throw new Error(`${node.session.spec.id}: no valid actions to choose from`);
}

/** Every action randomValidAction can draw from this node, in the observation's order. */
export function validActionInputs(node: RolloutNode): ActionInput[] {
  const valid = node.observation.validActions;
  const kinds = node.session.spec.actionSpec!.kinds;
  if (valid.length > 0) {
    if (kinds.includes(ActionKind.ACTION_KIND_TEXT)) return [...valid];
    if (kinds.includes(ActionKind.ACTION_KIND_JSON) && valid.every((v) => v.startsWith("{"))) return valid.map((v) => JSON.parse(v) as Record<string, unknown>);
  }
  const n = node.session.spec.actionSpec!.discreteNames.length;
  if (n > 0) return Array.from({ length: n }, (_, i) => i);
  throw new Error(`${node.session.spec.id}: no valid actions to choose from`);
}

/**
 * A response policy (the model under training, or any evaluated policy) as the
 * rollout policy: it is prompted as in evaluation and its answer is the action. An
 * unusable answer is replaced by a random valid action and counted.
 */
export class ResponseRolloutPolicy implements RolloutPolicy {
  readonly name: string;
  fallbacks = 0;
  calls = 0;

  constructor(
    private readonly policy: ResponsePolicy,
    private readonly random: SeededRandom,
    private readonly style: PromptStyle = "compact",
  ) {
    this.name = `model(${policy.name})`;
  }

  async act(node: RolloutNode): Promise<ActionInput> {
    this.calls++;
    const messages = buildPrompt(node.session.spec, node.observation, [], this.policy.simulates, this.style, node.goal);
    const r = await this.policy.respond(messages, { session: node.session, observation: node.observation, step: 0, goal: node.goal });
    return answerOrRandom(this, node, r.text, this.random);
  }
}
