/**
 * ReSim with search at inference: the response is built from a search tree over
 * real rollouts of the live environment, exactly as during data collection (the
 * teacher's own figure, which the distilled models are compared with). With the
 * random or lexical rollout policy and Monte-Carlo values it uses no privileged information;
 * "solver" values and the "mixed"/"expert" rollout policies are privileged and say so
 * in the policy's name.
 */
import { templateAggregate } from "../resim/aggregate.js";
import { ExpertPolicy, LexicalPolicy, MixedPolicy, RandomPolicy, type RolloutPolicy } from "../resim/policies.js";
import { SeededRandom } from "../resim/seeded-random.js";
import { dedupe, keep } from "../resim/select.js";
import { searchTree } from "../resim/tree.js";
import { valueRollouts, type ValueFunction } from "../resim/value.js";
import type { ChatMessage } from "../format/prompt.js";
import type { PolicyContext, PolicyResponse, ResponsePolicy } from "./policy.js";

export interface SearchPolicyOptions {
  b: number;
  d: number;
  /** Steps each trajectory is followed for its Monte-Carlo outcome. */
  horizon: number;
  bTrain: number;
  gamma: number;
  value: ValueFunction;
  rollout: "random" | "lexical" | "mixed" | "expert";
  seed: number;
}

export class SearchPolicy implements ResponsePolicy {
  readonly name: string;
  readonly simulates = true;
  private readonly random: SeededRandom;
  private readonly rollout: RolloutPolicy;

  constructor(private readonly opts: SearchPolicyOptions) {
    const privileged = opts.value === "solver" || opts.rollout === "expert" || opts.rollout === "mixed";
    this.name = `resim-search(b=${opts.b},d=${opts.d},h=${opts.horizon},${opts.rollout},${opts.value}${privileged ? ",privileged" : ""})`;
    this.random = new SeededRandom(opts.seed);
    this.rollout =
      opts.rollout === "random"
        ? new RandomPolicy(this.random)
        : opts.rollout === "lexical"
          ? new LexicalPolicy(this.random)
          : opts.rollout === "expert"
            ? new ExpertPolicy(this.random)
            : new MixedPolicy(this.random);
  }

  async respond(_messages: ChatMessage[], { session, observation, goal }: PolicyContext): Promise<PolicyResponse> {
    const { b, d, horizon, gamma } = this.opts;
    const search = await searchTree(session, observation, this.rollout, { b, d, horizon, gamma, goal });
    try {
      const valued = this.opts.value === "solver" ? (await valueRollouts(session, search.plans, "solver", gamma)).valued : search.plans;
      const { best, kept } = keep(dedupe(valued), this.opts.bTrain, this.random);
      const { response } = templateAggregate(best, kept, this.random);
      return { text: response, tokens: response.length };
    } finally {
      await session.client.release(search.handles);
    }
  }
}
