/**
 * Does a student choose what its teacher chose? On a ReSim collection the student never
 * trained on, at every step where the search valued some first action above 0, each
 * policy's probability of the teacher's action and of any action the search valued
 * highest, and its top-1 (ties broken at random): the random policy, the lexical policy
 * (agent/resim/policies.ts) and each checkpoint ranking the valid actions by its own
 * likelihood (as `eval --answers valid` does). Needs action-only data whose prompts list
 * the valid actions (`--prompt-style compact-actions` or `full`). Steps of one episode are
 * not independent, so the ± (1.96 standard errors over steps) understates the spread.
 *
 *   node --import tsx scripts/resim/teacher-agreement.ts --resim a.jsonl[,b.jsonl] --action-only a-only.jsonl[,b-only.jsonl] <checkpoint>...
 */
import { readFileSync } from "node:fs";
import { selectBackend } from "../../agent/model/backend.js";
import { loadCheckpoint } from "../../agent/model/checkpoint.js";
import { answerLogprobs } from "../../agent/eval/model-policy.js";
import { lexicalWeights } from "../../agent/resim/policies.js";
import type { ChatMessage } from "../../agent/format/prompt.js";

interface Row {
  messages: ChatMessage[];
  metadata: { seed: number; step: number; action: string; tree?: { actions: string[]; value: number }[] };
}

const args = process.argv.slice(2);
const take = (name: string): string => {
  const i = args.indexOf(name);
  if (i < 0 || args[i + 1] === undefined) throw new Error(`usage: teacher-agreement.ts --resim FILES --action-only FILES <checkpoint>... (missing ${name})`);
  return args.splice(i, 2)[1]!;
};
const read = (files: string): Row[] => files.split(",").flatMap((f) => readFileSync(f, "utf8").trim().split("\n").map((l) => JSON.parse(l) as Row));
const resim = read(take("--resim"));
const actionOnly = read(take("--action-only"));
const checkpoints = args;
const key = (m: Row["metadata"]) => `${m.seed}/${m.step}`;

// The first actions the search valued highest, at the steps where that value is above 0.
const best = new Map<string, Set<string>>();
for (const r of resim) {
  const v = new Map<string, number>();
  for (const t of r.metadata.tree ?? []) v.set(t.actions[0]!, Math.max(v.get(t.actions[0]!) ?? -Infinity, t.value));
  const top = Math.max(...v.values());
  if (top > 0) best.set(key(r.metadata), new Set([...v].filter(([, x]) => x === top).map(([a]) => a)));
}

interface Step {
  messages: ChatMessage[];
  valid: string[];
  teacher: string;
  top: Set<string>;
  goal: string;
}
const goals = new Map<number, string>();
const steps: Step[] = [];
for (const r of [...actionOnly].sort((a, b) => a.metadata.seed - b.metadata.seed || a.metadata.step - b.metadata.step)) {
  const prompt = r.messages.filter((m) => m.role !== "assistant");
  const text = prompt.at(-1)!.content;
  const goal = /Your task is to: (.*)\./.exec(text)?.[1] ?? /^Goal: (.*)$/m.exec(text)?.[1];
  if (goal !== undefined && !goals.has(r.metadata.seed)) goals.set(r.metadata.seed, goal);
  const top = best.get(key(r.metadata));
  if (top === undefined) continue;
  const list = /\nValid actions: (.*)$/.exec(text);
  if (!list) throw new Error(`seed ${r.metadata.seed} step ${r.metadata.step}: the prompt lists no valid actions (collect with --prompt-style compact-actions)`);
  steps.push({ messages: prompt, valid: list[1]!.split(", "), teacher: r.metadata.action, top, goal: goals.get(r.metadata.seed) ?? "" });
}
if (steps.length === 0) throw new Error("no valued steps in the data");

interface Agreement {
  teacher: number;
  top: number;
  hit: number;
}
/** Agreement of a policy that draws valid action i with probability ∝ weights[i]. */
function agreement(s: Step, weights: number[]): Agreement {
  const z = weights.reduce((a, b) => a + b, 0);
  const p = weights.map((w) => w / z);
  const m = Math.max(...weights);
  const argmax = s.valid.filter((_, i) => weights[i] === m);
  return {
    teacher: p[s.valid.indexOf(s.teacher)] ?? 0,
    top: s.valid.reduce((a, v, i) => a + (s.top.has(v) ? p[i]! : 0), 0),
    hit: argmax.includes(s.teacher) ? 1 / argmax.length : 0,
  };
}

function report(name: string, xs: Agreement[]): void {
  const stat = (f: (a: Agreement) => number): string => {
    const v = xs.map(f);
    const mean = v.reduce((a, b) => a + b, 0) / v.length;
    const se = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length / v.length);
    return `${mean.toFixed(3)} ± ${(1.96 * se).toFixed(3)}`;
  };
  console.log(`| ${name} | ${stat((a) => a.teacher)} | ${stat((a) => a.top)} | ${stat((a) => a.hit)} |`);
}

console.log(`${steps.length} valued steps of ${new Set(steps.map((s) => s.messages.at(-1)!.content)).size} distinct prompts\n`);
console.log("| policy | p(the teacher's action) | p(an action valued highest) | top-1 is the teacher's action |\n|---|---|---|---|");
report("random", steps.map((s) => agreement(s, s.valid.map(() => 1))));
report(
  "lexical",
  steps.map((s) => agreement(s, lexicalWeights(s.goal, s.valid))),
);
await selectBackend({ prefer: "wasm" });
for (const dir of checkpoints) {
  const { model, tokenizer } = await loadCheckpoint(dir);
  const out: Agreement[] = [];
  for (const s of steps) {
    const lp = await answerLogprobs(model, tokenizer, s.messages, "", s.valid);
    const top = Math.max(...lp);
    out.push(agreement(s, lp.map((x) => Math.exp(x - top))));
  }
  report(`checkpoint ${dir}`, out);
  model.dispose();
}
