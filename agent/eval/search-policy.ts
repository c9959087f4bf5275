/**
 * ReSim with search at inference: the response is built from real rollouts of the
 * live environment, exactly as during data collection (the upper reference the
 * distilled models are compared with).
 */
import { templateAggregate } from "../resim/aggregate.js";
import { MixedPolicy, RandomPolicy, type RolloutPolicy } from "../resim/policies.js";
import { sampleRollouts } from "../resim/rollouts.js";
import { SeededRandom } from "../resim/seeded-random.js";
import { dedupe, keep } from "../resim/select.js";
import { valueRollouts, type ValueFunction } from "../resim/value.js";
import type { ChatMessage } from "../format/prompt.js";
import type { PolicyContext, PolicyResponse, ResponsePolicy } from "./policy.js";

export interface SearchPolicyOptions {
  b: number;
  d: number;
  bTrain: number;
  gamma: number;
  value: ValueFunction;
  rollout: "random" | "mixed";
  seed: number;
}

export class SearchPolicy implements ResponsePolicy {
  readonly name: string;
  readonly simulates = true;
  private readonly random: SeededRandom;
  private readonly rollout: RolloutPolicy;

  constructor(private readonly opts: SearchPolicyOptions) {
    this.name = `resim-search(b=${opts.b},d=${opts.d},${opts.rollout},${opts.value})`;
    this.random = new SeededRandom(opts.seed);
    this.rollout = opts.rollout === "random" ? new RandomPolicy(this.random) : new MixedPolicy(this.random);
  }

  async respond(_messages: ChatMessage[], { session, observation }: PolicyContext): Promise<PolicyResponse> {
    const { rollouts } = await sampleRollouts(session, observation, this.rollout, this.opts.b, this.opts.d);
    try {
      const { valued } = await valueRollouts(session, rollouts, this.opts.value, this.opts.gamma);
      const { best, kept } = keep(dedupe(valued), this.opts.bTrain, this.random);
      const { response } = templateAggregate(best, kept, this.random);
      return { text: response, tokens: response.length };
    } finally {
      await session.client.release(rollouts.flatMap((r) => (r.leaf ? [r.leaf] : [])));
    }
  }
}
