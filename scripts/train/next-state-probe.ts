/**
 * Next-state accuracy of checkpoints on held-out real transitions: the transitions of the
 * plans in a ReSim collection the checkpoints never trained on, each asked in the
 * next-state objective's prompt and answered greedily (agent/eval/next-state-probe.ts),
 * beside copying the current state. Prints one JSON line per predictor.
 *
 *   node --import tsx scripts/train/next-state-probe.ts --data heldout-resim.jsonl [--limit N] <checkpoint>...
 */
import { selectBackend } from "../../agent/model/backend.js";
import { CheckpointPolicy } from "../../agent/eval/model-policy.js";
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
if (data === undefined || !(limit > 0)) throw new Error("usage: next-state-probe.ts --data <ReSim JSONL> [--limit N] <checkpoint>...");

const transitions = transitionsOf(chainsFromResim(await loadChatJsonl(data))).slice(0, limit);
const show = (name: string, r: Awaited<ReturnType<typeof probeNextState>>) =>
  console.log(JSON.stringify({ predictor: name, ...r }));

show("copy the current state", await probeNextState(transitions, copyCurrentState));
if (args.length > 0) await selectBackend({ prefer: "auto" });
for (const dir of args) {
  const policy = await CheckpointPolicy.load(dir, { simulates: false, maxNewTokens: 96, maxBatch: 32 });
  const predict: NextStatePredictor = async (queries) => {
    const replies = await Promise.all(queries.map((q) => policy.respond([{ role: "user", content: q.prompt }])));
    return replies.map((r) => stateOfReply(r.text));
  };
  const started = Date.now();
  show(dir, await probeNextState(transitions, predict));
  console.error(`${dir}: ${((Date.now() - started) / 1000).toFixed(0)} s`);
}
