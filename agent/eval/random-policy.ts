/**
 * The trivial baseline every method is reported beside: a uniformly random valid
 * action at every step (seeded), answered in the format every policy uses.
 */
import type { ChatMessage } from "../format/prompt.js";
import { actionText } from "../format/prompt.js";
import { writeAnswerOnly } from "../format/response.js";
import { randomValidAction } from "../resim/policies.js";
import { SeededRandom } from "../resim/seeded-random.js";
import type { PolicyContext, PolicyResponse, ResponsePolicy } from "./policy.js";

export class RandomResponsePolicy implements ResponsePolicy {
  readonly name = "random policy";
  readonly simulates = false;
  private readonly random: SeededRandom;

  constructor(seed: number) {
    this.random = new SeededRandom(seed);
  }

  async respond(_messages: ChatMessage[], { session, observation }: PolicyContext): Promise<PolicyResponse> {
    const text = writeAnswerOnly(randomValidAction({ session, observation, state: undefined }, this.random));
    return { text, tokens: actionText(text).length };
  }
}
