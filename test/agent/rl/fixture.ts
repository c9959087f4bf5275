/**
 * A tiny Sokoban policy for the RL tests: a few ReSim-format examples built from real
 * states (the expert's next actions as the plan, with the real states after them),
 * distilled by `runSft` into a one-layer model for a few dozen steps. It writes
 * parseable plans and answers, which is all the tests need of it.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { EnvClient } from "../../../agent/client/index.js";
import { buildPrompt } from "../../../agent/format/prompt.js";
import { writeResponse } from "../../../agent/format/response.js";
import { selectBackend } from "../../../agent/model/backend.js";
import type { ChatExample } from "../../../agent/train/dataset.js";
import { runSft } from "../../../agent/train/sft.js";

export const TINY_MODEL = { dModel: 32, nLayers: 1, nHeads: 2, dFF: 64, maxSeqLen: 384 };

export async function sokobanExamples(client: EnvClient, seeds: number[]): Promise<ChatExample[]> {
  const out: ChatExample[] = [];
  const session = await client.createSession("sokoban", { config: { preset: "6x6-1box" } });
  try {
    for (const seed of seeds) {
      let step = await session.reset(seed);
      for (let t = 0; t < 3 && !step.terminated; t++) {
        const plan = (await session.expertPlan()).actions.slice(0, 2);
        const [branch] = await session.expand([plan]);
        const steps = branch!.steps.map((s, i) => ({ action: plan[i]!, state: s.observation.text }));
        const messages = buildPrompt(session.spec, step.observation, [], true, "compact");
        out.push({ messages: [...messages, { role: "assistant", content: writeResponse([{ id: 1, value: 0.9, steps }], "Plan 1 is best.", plan[0]!) }] });
        step = await session.step(plan[0]!);
      }
    }
  } finally {
    await session.close();
  }
  return out;
}

/** Trains the tiny policy; returns its checkpoint directory. */
export async function tinyPolicy(client: EnvClient, steps = 40): Promise<string> {
  await selectBackend({ prefer: "wasm" });
  const dir = mkdtempSync(path.join(tmpdir(), "rl-policy-"));
  const train = await sokobanExamples(client, [0, 1, 2, 3, 4, 5]);
  const r = await runSft({ train, eval: [], outDir: dir, model: TINY_MODEL, steps, batchSize: 8, lr: 1e-2, warmupSteps: 2, evalEvery: 0, progress: false, workers: 1, seed: 1 });
  r.model.dispose();
  return path.join(dir, "checkpoint");
}
