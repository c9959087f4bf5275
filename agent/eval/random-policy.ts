/**
 * The trivial baselines every method is reported beside: a uniformly random valid
 * action at every step, or the lexical prior (valid actions weighted by the words they
 * share with the goal), seeded per episode and answered in the format every policy uses.
 */
import type { ChatMessage } from "../format/prompt.js";
import { actionText } from "../format/prompt.js";
import { writeAnswerOnly } from "../format/response.js";
import { lexicalAction, randomValidAction, type RolloutNode } from "../resim/policies.js";
import { SeededRandom } from "../resim/seeded-random.js";
import type { ActionInput } from "../client/index.js";
import type { PolicyContext, PolicyResponse, ResponsePolicy } from "./policy.js";

export class RandomResponsePolicy implements ResponsePolicy {
  readonly name: string;
  readonly simulates = false;
  private readonly random: SeededRandom;
  /** One stream per episode, when its seed is known: concurrent episodes would otherwise take draws in whatever order their calls return. */
  private readonly episodes = new WeakMap<PolicyContext["session"], SeededRandom>();
  private readonly choose: (node: RolloutNode, random: SeededRandom) => ActionInput;

  constructor(
    private readonly seed: number,
    kind: "random" | "lexical" = "random",
  ) {
    this.random = new SeededRandom(seed);
    this.name = kind === "random" ? "random policy" : "lexical policy";
    this.choose = kind === "random" ? randomValidAction : (node, random) => lexicalAction(node, random);
  }

  private randomFor(session: PolicyContext["session"], step: number, episodeSeed: number | undefined): SeededRandom {
    if (episodeSeed === undefined) return this.random;
    let r = this.episodes.get(session);
    if (r === undefined || step === 0) {
      r = new SeededRandom((Math.imul(this.seed ^ 0x9e3779b9, 0x85ebca6b) ^ episodeSeed) >>> 0);
      this.episodes.set(session, r);
    }
    return r;
  }

  async respond(_messages: ChatMessage[], { session, observation, step, episodeSeed, goal }: PolicyContext): Promise<PolicyResponse> {
    const text = writeAnswerOnly(this.choose({ session, observation, state: undefined, goal }, this.randomFor(session, step, episodeSeed)));
    return { text, tokens: actionText(text).length };
  }
}
