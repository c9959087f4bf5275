/**
 * A random agent through the Gymnasium-style `Env`: each step takes one of the valid actions at random.
 *   npx tsx examples/ts/random-agent.ts --address 127.0.0.1:50051 --env sokoban --episodes 3
 */
import { Env, EnvClient } from "dynamind/client";
import { flags } from "./args.js";

const opts = flags({ address: "127.0.0.1:50051", env: "sokoban", config: "{}", episodes: "3", "max-steps": "50", seed: "0" });
const client = new EnvClient(opts.address);
const env = await Env.make(client, opts.env, { config: JSON.parse(opts.config) as Record<string, unknown> });
try {
  for (let episode = 0; episode < Number(opts.episodes); episode++) {
    let [obs] = await env.reset({ seed: Number(opts.seed) + episode });
    let total = 0;
    let steps = 0;
    let done = false;
    while (!done && steps < Number(opts["max-steps"])) {
      const action = obs.validActions[Math.floor(Math.random() * obs.validActions.length)]!;
      const [next, reward, terminated, truncated] = await env.step(action);
      [obs, total, steps, done] = [next, total + reward, steps + 1, terminated || truncated];
    }
    console.log(JSON.stringify({ episode, steps, return: Number(total.toFixed(3)), done }));
  }
} finally {
  await env.close();
  client.close();
}
