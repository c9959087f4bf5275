/**
 * Does a one-step student use the real outcome SimRollout shows it? On held-out ReSim
 * states (a collection that records every first action's outcome, `firstSteps`), each
 * first action the search tried is shown as the draft's executed plan, and the student
 * answers the refinement input greedily. Reported per checkpoint, beside the student's own
 * greedy answer to the plain prompt (what it does without the outcome):
 *
 * - how often the refined answer keeps the shown action, when its outcome is as good as
 *   the search's choice ("keep" inputs) and when it is worse ("switch" inputs);
 * - how often the plain response's predicted next state is exactly the real one (what a
 *   one-step outcome could correct);
 * - the refined answer's value minus that of the student's plain answer on the same state:
 *   what the shown outcome adds to what the student would do without it;
 * - the same on the inputs whose shown action is the student's own plain answer: SimRollout's
 *   case, where the draft is the policy's answer and the refinement decides whether to leave it;
 * - the first-step value (share of the search's trajectories through the answer's next
 *   state that succeeded) of the refined answer minus the shown action's: what refining a
 *   draft of that action gains, with a 95% interval clustered by state.
 *
 * With --lookahead, each input also says how many of the search's random trajectories
 * through the shown action reached the goal (`sft --refine-lookahead`'s line); with
 * --lookahead every-action, through every first action (`sft --refine-lookahead every-action`).
 *
 * --temperature T samples every answer at T (seeded) instead of greedily: RL samples at T = 1.
 *
 *   node --import tsx scripts/rl/outcome-probe.ts --data heldout.jsonl [--select valued] [--lookahead [every-action]] [--temperature T] <checkpoint>...
 */
import { selectBackend } from "../../agent/model/backend.js";
import { loadCheckpoint } from "../../agent/model/checkpoint.js";
import { parseResponse } from "../../agent/format/response.js";
import { actionText } from "../../agent/format/prompt.js";
import { ModelSampler } from "../../agent/rl/sampler.js";
import { loadChatJsonl } from "../../agent/train/dataset.js";
import { selectSteps, stepKey, type ExampleSelection } from "../../agent/resim/decisions.js";
import { firstStepRecords } from "../../agent/resim/dataset.js";
import { outcomeRefinementExamples } from "../../agent/train/world-model.js";
import { createLogger } from "../../env-server/logger.js";
import { DYNA_SOKOBAN_FIRST_STEP_SEARCH_HARD } from "../../agent/experiment/dyna-grpo-configs.js";

const args = process.argv.slice(2);
const value = (name: string): string | undefined => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const data = value("--data");
const selection = (value("--select") ?? "valued") as ExampleSelection;
const lookahead = !args.includes("--lookahead") ? undefined : value("--lookahead") === "every-action" ? "every-action" : "plan";
// Greedy by default; RL samples at T = 1, where a response may be malformed that greedy decoding never shows.
const temperature = Number(value("--temperature") ?? 0);
if (!(temperature >= 0 && temperature <= 10)) throw new Error(`--temperature must be 0–10, got ${value("--temperature")}`);
const takesValue = new Set(["--data", "--select", "--temperature", ...(lookahead === "every-action" ? ["--lookahead"] : [])]);
const checkpoints = args.filter((a, i) => !a.startsWith("--") && !takesValue.has(args[i - 1] ?? ""));
if (data === undefined || checkpoints.length === 0) throw new Error("usage: outcome-probe.ts --data heldout.jsonl [--select valued] [--lookahead [every-action]] [--temperature T] <checkpoint>...");

const states = selectSteps(await loadChatJsonl(data), selection, "--data");
const stateIndex = new Map(states.map((ex, k) => [stepKey(ex.metadata), k]));
const refine = outcomeRefinementExamples(states, lookahead === undefined ? {} : { lookahead }).examples;
if (refine.length === 0) throw new Error(`--data ${data}: no ${selection} step records its first actions' outcomes (metadata.firstSteps, written by resim since the twenty-fourth session)`);
// Each refinement input with its state (for the plain answer), the actions it names and the values to score answers by.
const cases = refine.map((r) => {
  const plain = stateIndex.get(stepKey(r.metadata))!;
  const values = new Map(firstStepRecords(states[plain]!.metadata)!.map((f) => [f.action, f.successes / f.visits]));
  return { values, shown: String(r.metadata!.shown), chosen: String(r.metadata!.chosen), keep: r.metadata!.refineTarget === "kept", plain };
});

await selectBackend({ logger: createLogger("probe", "warn") });
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
/**
 * Mean with a 95% interval clustered by state: the inputs of one state share its answer to
 * the plain prompt and its values, so they are not independent (a state's cluster sums, the
 * ratio estimator's standard error).
 */
const ci = (xs: number[], states: number[]) => {
  const m = mean(xs);
  const sums = new Map<number, { s: number; n: number }>();
  xs.forEach((x, i) => {
    const c = sums.get(states[i]!) ?? { s: 0, n: 0 };
    c.s += x;
    c.n++;
    sums.set(states[i]!, c);
  });
  const k = sums.size;
  const nBar = xs.length / Math.max(1, k);
  const v = [...sums.values()].reduce((a, c) => a + (c.s - m * c.n) ** 2, 0) / (nBar * nBar * Math.max(1, k * (k - 1)));
  const half = 1.96 * Math.sqrt(v);
  return { mean: round(m), low: round(m - half), high: round(m + half), inputs: xs.length, states: k };
};
// The generation budget of the comparison these students serve (its evaluations and, the same, its RL sampling).
const MAX_NEW_TOKENS = DYNA_SOKOBAN_FIRST_STEP_SEARCH_HARD.maxNewTokens;
const round = (x: number) => Math.round(x * 1000) / 1000;
const report: Record<string, unknown>[] = [];
for (const dir of checkpoints) {
  const { model, tokenizer } = await loadCheckpoint(dir, { withOptimizer: false });
  const sampler = new ModelSampler(model, tokenizer, { maxNewTokens: MAX_NEW_TOKENS, temperature, topP: 1, minResponseTokens: 32 });
  // Each answer, and the next state the response predicted for the action it took first (one-step responses).
  const predicted: (string | undefined)[] = [];
  // Refined responses that used the whole generation budget: a response with no answer was cut, rather than derailed.
  const atBudget: boolean[] = [];
  const answersOf = async (prompts: number[][], keepPredictions = false): Promise<(string | undefined)[]> => {
    const out: (string | undefined)[] = [];
    for (let i = 0; i < prompts.length; i += 64) {
      const { completions } = await sampler.sample(prompts.slice(i, i + 64), 1 + i);
      for (const c of completions) {
        if (!keepPredictions) atBudget.push(c.length >= MAX_NEW_TOKENS);
        const parsed = parseResponse(tokenizer.decode(c));
        out.push(parsed.answer === undefined ? undefined : actionText(parsed.answer));
        if (keepPredictions) predicted.push(parsed.plans[0]?.steps[0]?.state);
      }
    }
    return out;
  };
  const plainAnswers = await answersOf(
    states.map((ex) => tokenizer.encodeChat(ex.messages.filter((m) => m.role !== "assistant"), true).ids),
    true,
  );
  // How often the plain response's predicted next state is the real one: what a one-step real outcome could correct.
  let exact = 0;
  let judged = 0;
  states.forEach((ex, k) => {
    const real = firstStepRecords(ex.metadata)?.find((f) => f.action === plainAnswers[k]);
    if (real === undefined || predicted[k] === undefined) return;
    judged++;
    if (predicted[k]!.trim() === real.state.trim()) exact++;
  });
  const refinedAnswers = await answersOf(refine.map((ex) => tokenizer.encodeChat(ex.messages.slice(0, -1), true).ids));
  const rows = (keep: boolean) => {
    const idx = cases.map((c, i) => ({ c, i })).filter(({ c }) => c.keep === keep);
    const v = (c: (typeof cases)[number], a: string | undefined) => (a === undefined ? 0 : c.values.get(a) ?? 0);
    const owner = idx.map(({ c }) => c.plain);
    return {
      inputs: idx.length,
      refinedKeepsShown: round(mean(idx.map(({ c, i }) => (refinedAnswers[i] === c.shown ? 1 : 0)))),
      refinedAnswersTarget: round(mean(idx.map(({ c, i }) => (refinedAnswers[i] === (keep ? c.shown : c.chosen) ? 1 : 0)))),
      plainAnswersShown: round(mean(idx.map(({ c }) => (plainAnswers[c.plain] === c.shown ? 1 : 0)))),
      refinedMinusShownValue: ci(idx.map(({ c, i }) => v(c, refinedAnswers[i]) - v(c, c.shown)), owner),
      plainMinusShownValue: ci(idx.map(({ c }) => v(c, plainAnswers[c.plain]) - v(c, c.shown)), owner),
      // Paired on the same input: what the shown outcome adds to the student's own answer.
      refinedMinusPlainValue: ci(idx.map(({ c, i }) => v(c, refinedAnswers[i]) - v(c, plainAnswers[c.plain])), owner),
      // The ceiling: the best first action's value against the plain answer's (all a refinement could gain here).
      bestMinusPlainValue: ci(idx.map(({ c }) => Math.max(...c.values.values()) - v(c, plainAnswers[c.plain])), owner),
      unparsedRefined: idx.filter(({ i }) => refinedAnswers[i] === undefined).length,
      unparsedRefinedAtBudget: idx.filter(({ i }) => refinedAnswers[i] === undefined && atBudget[i]).length,
      // SimRollout's own case: the shown draft is the action the student answers the plain prompt with.
      ownDraft: (() => {
        const own = idx.filter(({ c }) => plainAnswers[c.plain] === c.shown);
        return {
          inputs: own.length,
          refinedKeepsShown: round(mean(own.map(({ c, i }) => (refinedAnswers[i] === c.shown ? 1 : 0)))),
          refinedMinusPlainValue: ci(own.map(({ c, i }) => v(c, refinedAnswers[i]) - v(c, plainAnswers[c.plain])), own.map(({ c }) => c.plain)),
        };
      })(),
    };
  };
  report.push({ checkpoint: dir, states: states.length, plainAnswersChosen: round(mean(states.map((ex, k) => (plainAnswers[k] === String(ex.metadata!.action) ? 1 : 0)))), plainPredictedNextStateExact: { exact, of: judged }, keep: rows(true), switch: rows(false) });
}
console.log(JSON.stringify({ data, selection, lookahead, temperature, report }, null, 1));
