/** A scripted SimRollout policy for the RL tests: one response to a state's prompt, another to a refinement input. */
import type { Tokenizer } from "../../../agent/model/tokenizer.js";
import type { Sampler } from "../../../agent/rl/sampler.js";
import { PLAN_FUTURE_HEADER, REFINE_HEADER } from "../../../agent/rl/sim-rollout.js";

/** Answers `draft` to a state's prompt and `refined` to a refinement input; records every prompt it was asked. */
export function draftThenRefine(tokenizer: Tokenizer, draft: string, refined: string, maxSeqLen = 4096): Sampler & { asked: string[] } {
  const asked: string[] = [];
  return {
    maxSeqLen,
    asked,
    async sample(prompts) {
      return {
        completions: prompts.map((p) => {
          const text = tokenizer.decode(p);
          asked.push(text);
          return [...tokenizer.encode(text.includes(REFINE_HEADER) || text.includes(PLAN_FUTURE_HEADER) ? refined : draft), tokenizer.end];
        }),
      };
    },
  };
}
