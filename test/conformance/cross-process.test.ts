/** Same seed, same episode — in another process too (no per-process hashing or global RNG). */
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { describe, expect, it } from "vitest";
import { builtinRegistry } from "../../adapters/index.js";
import { EnvClient, type ActionInput, type Step } from "../../agent/client/index.js";
import { randomAction, testRandom } from "../support/actions.js";
import { runnableEnvs } from "../support/runnable.js";
import { useTestServer } from "../support/server.js";

const local = useTestServer();

async function remoteServer(): Promise<{ address: string; stop(): void }> {
  const child = spawn(process.execPath, ["--import", "tsx", "test/support/server-process.ts"], { stdio: ["ignore", "pipe", "inherit"] });
  const address = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once("line", resolve);
    child.once("exit", (code) => reject(new Error(`child server exited with ${code}`)));
  });
  return { address, stop: () => child.kill("SIGTERM") };
}

const { ids } = await runnableEnvs(builtinRegistry());

describe.each(ids)("environment %s", (envId) => {
  it("plays the same episode for the same seed in another process", async () => {
    const remote = await remoteServer();
    const client = new EnvClient(remote.address);
    try {
      for (const seed of [3, 1234567, 2 ** 40 + 17]) {
        const here = await local.client.createSession(envId);
        const there = await client.createSession(envId);
        let a: Step = await here.reset(seed);
        let b: Step = await there.reset(seed);
        expect(b.observation).toEqual(a.observation);
        const rand = testRandom(seed % 1000);
        for (let i = 0; i < 30 && !a.terminated && !a.truncated; i++) {
          const action: ActionInput = randomAction(here.spec, a, rand);
          a = await here.step(action);
          b = await there.step(action);
          expect([b.observation, b.reward, b.terminated, b.truncated]).toEqual([a.observation, a.reward, a.terminated, a.truncated]);
        }
      }
    } finally {
      client.close();
      remote.stop();
    }
  });
});
