/**
 * World-model examples mixed into an SFT run's training split. They are derived from the
 * training split only, after the held-out examples are set aside exactly as a run
 * without them would set them aside: the held-out loss stays a policy loss over the same
 * examples, and no held-out state reaches training through a transition.
 */
import type { LookaheadScope, RefineInputForm } from "../format/refinement.js";
import { stepKey } from "../resim/decisions.js";
import { splitHeldOut, type ChatExample } from "./dataset.js";
import { chainsFromResim, firstStepExamples, mixExamples, outcomeRefinementExamples, refinementExamples, WORLD_MODEL_OBJECTIVES, worldModelExamples, type WorldModelObjective } from "./world-model.js";

export type RefineTarget = "search" | "outcome";

export interface WorldModelMixOptions {
  /** Comma-separated objectives (next-state, critique, refine). */
  objectives: string;
  /** Fraction of the resulting training examples that are world-model examples. */
  fraction: number;
  /** The refinement input's form for the refine objective (default "response", the paper's). */
  refineInput?: RefineInputForm;
  /**
   * What a refinement example answers (default "search"): the search's choice whatever plan
   * is shown, or ("outcome", first-step students, plan form) the shown action when its real
   * outcome is as good as the choice's, else the choice (outcomeRefinementExamples).
   */
  refineTarget?: RefineTarget;
  /** With the outcome target: show the search's random-play success through the shown action ("plan") or through every first action ("every-action") too. */
  refineLookahead?: LookaheadScope;
  /** The run's held-out fraction, used when no held-out set is given. */
  evalFraction: number;
  seed: number;
  /**
   * ReSim examples of the same real steps as the policy data (paired by seed and step),
   * whose plans give the chains: an action-only student can then learn the world model
   * from the search's real rollouts. Only the pairs of training-split steps are read.
   */
  chainsFrom?: readonly ChatExample[];
  /**
   * Train on one-step simulations (firstStepExamples): the policy examples, held-out ones
   * and refinement targets are cut; next-state, critique and the refinement inputs' executed
   * plans still come from the full responses, so the refine objective shows other plans too.
   */
  firstStep?: boolean;
}

export interface WorldModelMix {
  train: ChatExample[];
  eval: ChatExample[];
  report: { objectives: WorldModelObjective[]; policy: number; paired?: number; chains: number; available: number; refineTargets?: { kept: number; switched: number }; mixed: number; fraction: number };
}

export function parseObjectives(text: string): WorldModelObjective[] {
  const names = text.split(",").map((s) => s.trim()).filter((s) => s !== "");
  const bad = names.filter((n) => !(WORLD_MODEL_OBJECTIVES as readonly string[]).includes(n));
  if (names.length === 0 || bad.length > 0) {
    throw new Error(`--world-model takes ${WORLD_MODEL_OBJECTIVES.join(", ")} (comma-separated), got ${JSON.stringify(text.slice(0, 80))}`);
  }
  return [...new Set(names)] as WorldModelObjective[];
}

export function withWorldModel(data: readonly ChatExample[], heldOut: readonly ChatExample[] | undefined, opts: WorldModelMixOptions): WorldModelMix {
  const objectives = parseObjectives(opts.objectives);
  if (opts.firstStep === true && opts.chainsFrom !== undefined) throw new Error("--first-step cuts the responses of ReSim --data; with --resim-data the policy data is action-only");
  const split = heldOut !== undefined ? { train: [...data], eval: [...heldOut] } : splitHeldOut(data, opts.evalFraction, opts.seed);
  let source: readonly ChatExample[] = split.train;
  if (opts.chainsFrom !== undefined) {
    const training = new Set(split.train.map((x) => stepKey(x.metadata)));
    source = opts.chainsFrom.filter((x) => training.has(stepKey(x.metadata)));
    if (source.length === 0) throw new Error("--resim-data has no example of a training step (examples pair by metadata seed and step)");
  }
  const chains = chainsFromResim(source);
  if (chains.length === 0) {
    throw new Error(
      opts.chainsFrom === undefined
        ? "--world-model needs training examples whose responses hold plans with states (ReSim data), or --resim-data; this data has none"
        : "--resim-data's examples hold no plans with states (not ReSim data)",
    );
  }
  const aux = worldModelExamples(chains, objectives);
  let refineTargets: { kept: number; switched: number } | undefined;
  if (objectives.includes("refine")) {
    if (opts.chainsFrom !== undefined) throw new Error("the refine objective answers with the policy's own ReSim responses: it needs ReSim --data, not --resim-data");
    if (opts.refineTarget === "outcome") {
      if (opts.firstStep !== true || opts.refineInput !== "plan") throw new Error("--refine-target outcome is written for one-step students: it needs --first-step and --refine-input plan");
      const outcome = outcomeRefinementExamples(split.train, opts.refineLookahead === undefined ? {} : { lookahead: opts.refineLookahead });
      if (outcome.examples.length === 0) throw new Error("--refine-target outcome needs ReSim data that records each first action's real outcome (metadata firstSteps, collected by this version's resim); this data has none");
      aux.push(...outcome.examples);
      refineTargets = { kept: outcome.kept, switched: outcome.switched };
    } else if (opts.refineLookahead !== undefined) throw new Error("--refine-lookahead shows the outcome target's random-play success: it needs --refine-target outcome");
    else aux.push(...refinementExamples(split.train, opts.refineInput ?? "response", opts.seed, opts.firstStep === true));
  }
  const policy = opts.firstStep === true ? firstStepExamples(split.train) : split.train;
  const { examples, auxUsed } = mixExamples(policy, aux, opts.fraction, opts.seed);
  return {
    train: examples,
    eval: opts.firstStep === true ? firstStepExamples(split.eval) : split.eval,
    report: { objectives, policy: policy.length, ...(opts.chainsFrom !== undefined ? { paired: source.length } : {}), chains: chains.length, available: aux.length, ...(refineTargets !== undefined ? { refineTargets } : {}), mixed: auxUsed, fraction: opts.fraction },
  };
}
