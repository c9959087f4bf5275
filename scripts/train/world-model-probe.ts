/**
 * World-model accuracy of checkpoints on held-out real chains: the plans of a ReSim
 * collection the checkpoints never trained on, asked in a world-model objective's own
 * prompt and answered greedily. Prints one JSON line per predictor.
 *
 * - next-state (default): each distinct transition; scored beside copying the current
 *   state (agent/eval/next-state-probe.ts).
 * - critique: each distinct plan with the copy predictor's states and the real outcome;
 *   scored beside the critic that calls every step wrong (agent/eval/critique-probe.ts).
 *
 *   node --import tsx scripts/train/world-model-probe.ts --data heldout-resim.jsonl [--objective critique] [--limit N] <checkpoint>...
 */
import { selectBackend } from "../../agent/model/backend.js";
import { CheckpointPolicy } from "../../agent/eval/model-policy.js";
import { distinctChains, everyStepWrong, probeCritique, type Critic } from "../../agent/eval/critique-probe.js";
import { copyCurrentState, probeNextState, stateOfReply, type NextStatePredictor } from "../../agent/eval/next-state-probe.js";
import { loadChatJsonl } from "../../agent/train/dataset.js";
import { chainsFromResim, transitionsOf } from "../../agent/train/world-model.js";

const args = process.argv.slice(2);
const take = (name: string): string | undefined => {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const value = args[i + 1];
  if (value === undefined) throw new Error(`${name} needs a value`);
  args.splice(i, 2);
  return value;
};
const data = take("--data");
const limit = Number(take("--limit") ?? Infinity);
const objective = take("--objective") ?? "next-state";
if (data === undefined || !(limit > 0) || !["next-state", "critique"].includes(objective)) {
  throw new Error("usage: world-model-probe.ts --data <ReSim JSONL> [--objective next-state|critique] [--limit N] <checkpoint>...");
}

const chains = chainsFromResim(await loadChatJsonl(data));
const show = (name: string, r: object) => console.log(JSON.stringify({ predictor: name, objective, ...r }));
const load = (dir: string, maxNewTokens: number) => CheckpointPolicy.load(dir, { simulates: false, maxNewTokens, maxBatch: 32 });
const replies = async (policy: CheckpointPolicy, prompts: readonly string[]): Promise<string[]> =>
  (await Promise.all(prompts.map((p) => policy.respond([{ role: "user", content: p }])))).map((r) => r.text);

if (objective === "next-state") {
  const transitions = transitionsOf(chains).slice(0, limit);
  show("copy the current state", await probeNextState(transitions, copyCurrentState));
  if (args.length > 0) await selectBackend({ prefer: "auto" });
  for (const dir of args) {
    const policy = await load(dir, 96);
    const predict: NextStatePredictor = async (queries) => (await replies(policy, queries.map((q) => q.prompt))).map(stateOfReply);
    const started = Date.now();
    show(dir, await probeNextState(transitions, predict));
    console.error(`${dir}: ${((Date.now() - started) / 1000).toFixed(0)} s`);
  }
} else {
  const distinct = distinctChains(chains).slice(0, limit);
  show("every step wrong", await probeCritique(distinct, everyStepWrong));
  if (args.length > 0) await selectBackend({ prefer: "auto" });
  for (const dir of args) {
    const policy = await load(dir, 256);
    const critic: Critic = (prompts) => replies(policy, prompts);
    const started = Date.now();
    show(dir, await probeCritique(distinct, critic));
    console.error(`${dir}: ${((Date.now() - started) / 1000).toFixed(0)} s`);
  }
}
