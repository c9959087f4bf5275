/**
 * How a checkpoint answers SimRollout's refinement input, before any RL: for N start
 * states of the RL tasks it samples a draft (as a rollout does), executes the draft's
 * plan from a clone, builds the refinement input, samples the refined response, and
 * counts what Dyna-GRPO would get, with the Sim Score of the refined responses beside
 * their drafts' (and each beside copying the current state). A model that was never shown refinement inputs
 * (a DISTILL(ReSim) student) writes malformed refined responses; this says how often.
 * With `--data <ReSim JSONL>` it also scores ReSim responses teacher-forced, after their
 * own prompt and after a refinement input built from them (nats per response token):
 * where the refined responses go wrong, when the two differ.
 *
 *   node --import tsx scripts/rl/refine-probe.ts <checkpoint> [--states 32] [--seed-start 10000000] [--max-new-tokens 400] [--temperature 1] [--refine-input response|plan] [--data resim.jsonl --examples 16]
 */
import { connect } from "../../cli/connect.js";
import { selectBackend } from "../../agent/model/backend.js";
import { loadCheckpoint } from "../../agent/model/checkpoint.js";
import { buildPrompt } from "../../agent/format/prompt.js";
import { parseResponse } from "../../agent/format/response.js";
import { ModelSampler } from "../../agent/rl/sampler.js";
import { executePlan, extractPlan, refinementMessages } from "../../agent/rl/sim-rollout.js";
import { createLogger } from "../../env-server/logger.js";
import { loadChatJsonl } from "../../agent/train/dataset.js";
import { simScore } from "../../agent/eval/sim-score.js";
import { refinementExamples } from "../../agent/train/world-model.js";
import type { ChatMessage } from "../../agent/format/prompt.js";

const args = process.argv.slice(2);
const flag = (name: string, dflt: number): number => {
  if (!args.includes(name)) return dflt;
  const v = Number(args[args.indexOf(name) + 1]);
  if (!Number.isFinite(v) || v < 0 || v > 10_000_000) throw new Error(`${name} takes a number from 0 to 10,000,000`);
  return v;
};
const checkpoint = args.find((a, i) => !a.startsWith("--") && !args[i - 1]?.startsWith("--"));
if (!checkpoint) throw new Error("usage: refine-probe.ts <checkpoint> [--states N] [--seed-start S] [--max-new-tokens T] [--temperature t] [--refine-input response|plan] [--data resim.jsonl --examples N]");
const states = flag("--states", 32);
const seedStart = flag("--seed-start", 10_000_000);
const form = args.includes("--refine-input") ? args[args.indexOf("--refine-input") + 1] : "response";
if (form !== "response" && form !== "plan") throw new Error("--refine-input takes response or plan");

await selectBackend({ logger: createLogger("probe", "warn") });
const { client, close } = await connect(undefined);
try {
  const { model, tokenizer } = await loadCheckpoint(checkpoint, { withOptimizer: false });
  const sampler = new ModelSampler(model, tokenizer, { maxNewTokens: flag("--max-new-tokens", 400), temperature: flag("--temperature", 1), topP: 1, minResponseTokens: 32 });
  const sessions = await Promise.all(Array.from({ length: states }, () => client.createSession("sokoban", { config: { preset: "6x6-1box" } })));
  const starts = await Promise.all(sessions.map((s, i) => s.reset(seedStart + i)));
  const messages = sessions.map((s, i) => buildPrompt(s.spec, starts[i]!.observation, [], true, "compact"));
  const prompts = messages.map((m) => tokenizer.encodeChat(m, true).ids);
  const drafts = (await sampler.sample(prompts, 1)).completions.map((c) => tokenizer.decode(c));
  const counts = { states, draftParsed: 0, executed: 0, fits: 0, refinedParsed: 0, refinedWithPlan: 0, answerChanged: 0 };
  const inputs: number[][] = [];
  const owners: number[] = [];
  const lengths: number[] = [];
  for (let i = 0; i < states; i++) {
    if (parseResponse(drafts[i]!).answer !== undefined) counts.draftParsed++;
    const plan = extractPlan(drafts[i]!, 5);
    if (plan.source === "none") continue;
    counts.executed++;
    const future = await executePlan(sessions[i]!, plan.actions);
    const input = tokenizer.encodeChat(refinementMessages(messages[i]!, drafts[i]!, future, form), true).ids;
    lengths.push(input.length);
    if (sampler.maxSeqLen - input.length < 32) continue;
    counts.fits++;
    inputs.push(input);
    owners.push(i);
  }
  const refined = inputs.length ? (await sampler.sample(inputs, 2)).completions.map((c) => tokenizer.decode(c)) : [];
  // The Sim Score of each refined response beside its draft's, on the states where both state
  // plans (the plans run from the same start state): does seeing the real future make the
  // refined response's predicted states more right?
  const sims = { pairs: 0, draft: 0, refined: 0, draftCopy: 0, refinedCopy: 0 };
  for (const [k, text] of refined.entries()) {
    const i = owners[k]!;
    const d = await simScore(sessions[i]!, drafts[i]!, { start: starts[i]!.observation.text });
    const r = await simScore(sessions[i]!, text, { start: starts[i]!.observation.text });
    if (d.changed === undefined || r.changed === undefined) continue;
    sims.pairs++;
    sims.draft += d.changed;
    sims.refined += r.changed;
    sims.draftCopy += d.copyBaseline!;
    sims.refinedCopy += r.copyBaseline!;
  }
  refined.forEach((text, k) => {
    const r = parseResponse(text);
    const d = parseResponse(drafts[owners[k]!]!);
    if (r.answer !== undefined) counts.refinedParsed++;
    if (r.plans.some((p) => p.steps.length > 0)) counts.refinedWithPlan++;
    if (JSON.stringify(r.answer) !== JSON.stringify(d.answer)) counts.answerChanged++;
  });
  lengths.sort((a, b) => a - b);
  let teacherForced: { examples: number; policyNatsPerToken: number; refineNatsPerToken: number } | undefined;
  const data = args.includes("--data") ? args[args.indexOf("--data") + 1] : undefined;
  if (data) {
    const all = await loadChatJsonl(data);
    const n = Math.min(flag("--examples", 16), all.length);
    const picked = Array.from({ length: n }, (_, k) => all[Math.floor((k * all.length) / n)]!);
    // Only examples with plans have a refinement input; both scores are over the same responses.
    const kept = picked.filter((e) => refinementExamples([e], form).length > 0);
    const refine = kept.flatMap((e, k) => refinementExamples([e], form, 7 + k));
    const pair = (m: readonly ChatMessage[]) => ({ prompt: tokenizer.encodeChat(m.slice(0, -1), true).ids, completion: [...tokenizer.encode(m.at(-1)!.content), tokenizer.end] });
    const nats = async (exs: readonly { messages: readonly ChatMessage[] }[]) => {
      const lps = await model.scoreCompletions(exs.map((e) => pair(e.messages)));
      return -lps.flat().reduce((a, b) => a + b, 0) / lps.flat().length;
    };
    teacherForced = { examples: refine.length, policyNatsPerToken: await nats(kept), refineNatsPerToken: await nats(refine) };
  }
  const room = lengths.map((l) => sampler.maxSeqLen - l);
  console.log(
    JSON.stringify(
      {
        checkpoint,
        refineInput: form,
        contextTokens: sampler.maxSeqLen,
        ...counts,
        refineInputTokens: lengths.length ? { min: lengths[0], median: lengths[Math.floor(lengths.length / 2)], max: lengths.at(-1) } : null,
        roomForRefinedResponse: room.length ? { min: Math.min(...room), median: room.sort((a, b) => a - b)[Math.floor(room.length / 2)] } : null,
        draftTokensMedian: prompts.length ? drafts.map((d) => tokenizer.encode(d).length).sort((a, b) => a - b)[Math.floor(states / 2)] : null,
        simScore: sims.pairs
          ? {
              pairs: sims.pairs,
              draft: sims.draft / sims.pairs,
              refined: sims.refined / sims.pairs,
              draftCopyBaseline: sims.draftCopy / sims.pairs,
              refinedCopyBaseline: sims.refinedCopy / sims.pairs,
            }
          : null,
        exampleRefined: refined[0]?.slice(0, 300),
        teacherForced,
      },
      null,
      1,
    ),
  );
} finally {
  await close();
}
