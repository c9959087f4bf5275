/**
 * An agent behind any OpenAI-compatible chat endpoint (vLLM, llama.cpp, OpenAI, or this project's
 * `dynamind serve-model`): the environment's own instructions as the system prompt, the observation
 * and valid actions as the user turn; the first valid action named in the reply is played (a random
 * one when the reply names none, counted as invalid).
 *   npx tsx examples/ts/llm-agent.ts --llm-url http://127.0.0.1:8000/v1 --model my-model --env alfworld
 */
import { EnvClient } from "dynamind/client";
import { flags } from "./args.js";

const opts = flags({
  address: "127.0.0.1:50051", env: "sokoban", config: "{}", episodes: "1", "max-steps": "20", seed: "0",
  "llm-url": "http://127.0.0.1:8000/v1", model: "default", "api-key": process.env.OPENAI_API_KEY ?? "none", "max-tokens": "64",
});

async function chat(messages: { role: string; content: string }[]): Promise<string> {
  const res = await fetch(`${opts["llm-url"].replace(/\/$/, "")}/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${opts["api-key"]}` },
    body: JSON.stringify({ model: opts.model, messages, max_tokens: Number(opts["max-tokens"]), temperature: 0 }),
  });
  if (!res.ok) throw new Error(`the endpoint answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
  const body = (await res.json()) as { choices: { message: { content: string | null } }[] };
  return body.choices[0]?.message.content ?? "";
}

/** The valid action the reply names (the longest match, so "go to cabinet 10" beats "go to cabinet 1"). */
function pick(reply: string, valid: readonly string[]): string | undefined {
  return [...valid].sort((a, b) => b.length - a.length).find((a) => reply.includes(a));
}

const client = new EnvClient(opts.address);
const session = await client.createSession(opts.env, { config: JSON.parse(opts.config) as Record<string, unknown> });
try {
  for (let episode = 0; episode < Number(opts.episodes); episode++) {
    let step = await session.reset(Number(opts.seed) + episode);
    let [total, invalid] = [0, 0];
    while (!step.terminated && !step.truncated && step.stepIndex < Number(opts["max-steps"])) {
      const valid = step.observation.validActions;
      const reply = await chat([
        { role: "system", content: session.spec.instructions },
        { role: "user", content: `${step.observation.text}\n\nValid actions:\n${valid.join("\n")}\n\nAnswer with one valid action.` },
      ]);
      const chosen = pick(reply, valid);
      if (chosen === undefined) invalid++;
      step = await session.step(chosen ?? valid[Math.floor(Math.random() * valid.length)]!);
      total += step.reward;
    }
    console.log(JSON.stringify({ episode, steps: step.stepIndex, return: Number(total.toFixed(3)), success: step.terminated, invalid }));
  }
} finally {
  await session.close();
  client.close();
}
