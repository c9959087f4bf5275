/**
 * Search over the real dynamics with Expand: at each step, every action sequence of length `depth`
 * from the current state runs in one round trip (the session does not move); the first action of the
 * best branch (highest return, then the shortest way to the end, then at random) is played.
 *   npx tsx examples/ts/tree-search.ts --env sokoban --config '{"preset":"6x6-1box"}' --depth 3
 */
import { EnvClient, type Step } from "dynamind/client";
import { flags } from "./args.js";

const opts = flags({ address: "127.0.0.1:50051", env: "sokoban", config: "{}", episodes: "1", "max-steps": "30", seed: "0", depth: "3", width: "4" });

/** Every sequence of `depth` actions over the first `width` valid actions. */
function sequences(actions: readonly string[], depth: number): string[][] {
  let out: string[][] = [[]];
  for (let d = 0; d < depth; d++) out = out.flatMap((seq) => actions.map((a) => [...seq, a]));
  return out;
}

function score(steps: Step[]): [number, number] {
  return [steps.reduce((s, x) => s + x.reward, 0), steps.some((x) => x.terminated) ? -steps.length : -Infinity];
}

const client = new EnvClient(opts.address);
const session = await client.createSession(opts.env, { config: JSON.parse(opts.config) as Record<string, unknown> });
try {
  for (let episode = 0; episode < Number(opts.episodes); episode++) {
    let step = await session.reset(Number(opts.seed) + episode);
    let [total, nodes] = [0, 0];
    while (!step.terminated && !step.truncated && step.stepIndex < Number(opts["max-steps"])) {
      const seqs = sequences(step.observation.validActions.slice(0, Number(opts.width)), Number(opts.depth));
      const branches = await session.expand(seqs);
      nodes += branches.reduce((n, b) => n + b.steps.length, 0);
      const scores = branches.map((b) => score(b.steps));
      const top = scores.reduce((m, s) => (s[0] > m[0] || (s[0] === m[0] && s[1] > m[1]) ? s : m));
      const ties = seqs.filter((_, i) => scores[i]![0] === top[0] && scores[i]![1] === top[1]);
      step = await session.step(ties[Math.floor(Math.random() * ties.length)]![0]!);
      total += step.reward;
    }
    console.log(JSON.stringify({ episode, steps: step.stepIndex, return: Number(total.toFixed(3)), success: step.terminated, nodes }));
  }
} finally {
  await session.close();
  client.close();
}
