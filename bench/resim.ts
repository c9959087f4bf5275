/** ReSim collection rate on Sokoban 6×6 against a server in another process: episodes/min and search nodes/s. */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EnvClient } from "../agent/client/index.js";
import { collectResim } from "../agent/resim/collect.js";
import { startServerProcess } from "./server-child.js";

export async function runResimBench(episodes: number): Promise<Record<string, unknown>> {
  const server = await startServerProcess();
  const client = new EnvClient(server.address);
  const dir = mkdtempSync(join(tmpdir(), "resim-bench-"));
  try {
    const out: Record<string, unknown> = {};
    for (const policy of ["random", "mixed"] as const) {
      const s = await collectResim(client, {
        envId: "sokoban",
        config: { preset: "6x6-1box" },
        episodes,
        seedStart: 0,
        b: 4,
        d: 5,
        bTrain: 2,
        gamma: 0.9,
        policy,
        value: "solver",
        history: 0,
        concurrency: 8,
        out: join(dir, `${policy}.jsonl`),
      });
      out[`sokoban6x6_b4_d5_${policy}`] = {
        episodes: s.episodes,
        successRate: s.successRate,
        meanSteps: Math.round(s.meanSteps * 10) / 10,
        episodesPerMinute: Math.round(s.episodesPerMinute),
        nodesPerSecond: Math.round(s.nodesPerSecond),
      };
    }
    return out;
  } finally {
    client.close();
    server.stop();
  }
}
