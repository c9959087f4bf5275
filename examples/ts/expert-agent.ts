/**
 * Follows the environment's expert (ExpertPlan: Sokoban's optimal solver, ALFWorld's planner),
 * asking again after every step; a privileged baseline, and a way to check an environment end to end.
 *   npx tsx examples/ts/expert-agent.ts --env sokoban --config '{"preset":"6x6-1box"}'
 */
import { EnvClient } from "dynamind/client";
import { flags } from "./args.js";

const opts = flags({ address: "127.0.0.1:50051", env: "sokoban", config: "{}", episodes: "1", "max-steps": "100", seed: "0" });
const client = new EnvClient(opts.address);
const session = await client.createSession(opts.env, { config: JSON.parse(opts.config) as Record<string, unknown> });
try {
  for (let episode = 0; episode < Number(opts.episodes); episode++) {
    let step = await session.reset(Number(opts.seed) + episode);
    let total = 0;
    while (!step.terminated && !step.truncated && step.stepIndex < Number(opts["max-steps"])) {
      const plan = await session.expertPlan();
      if (plan.actions.length === 0) break; // the expert has nothing to offer from here
      step = await session.step(plan.actions[0]!);
      total += step.reward;
    }
    console.log(JSON.stringify({ episode, steps: step.stepIndex, return: Number(total.toFixed(3)), success: step.terminated }));
  }
} finally {
  await session.close();
  client.close();
}
