/** Expand over the wire through the ordinary client (the ALFWorld suite); the server suite's figures are in server-figures.ts. */
import type { EnvClient } from "../agent/client/index.js";

export interface Latency {
  p50Us: number;
  p90Us: number;
  p99Us: number;
  callsPerSec: number;
}

function summarise(samples: number[], wallMs: number): Latency {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => Math.round(s[Math.min(s.length - 1, Math.floor(q * s.length))]! * 1000 * 10) / 10;
  return { p50Us: at(0.5), p90Us: at(0.9), p99Us: at(0.99), callsPerSec: Math.round(samples.length / (wallMs / 1000)) };
}

/**
 * Expand calls of `sequences` × `depth` actions from one state; tree nodes/s.
 * Actions come from the root's valid actions (text envs) or the move indices (Sokoban).
 */
export async function expandNodes(
  client: EnvClient,
  calls: number,
  sequences: number,
  depth: number,
  concurrency: number,
  leafOnly: boolean,
  target: { envId: string; config?: Record<string, unknown> } = { envId: "sokoban", config: { preset: "6x6-1box", report_optimal: false } },
): Promise<{ nodesPerSec: number; callP50Us: number }> {
  const sessions = await Promise.all(
    Array.from({ length: concurrency }, async () => {
      const s = await client.createSession(target.envId, { config: target.config, maxSteps: 0 });
      const root = await s.reset(1);
      return { s, valid: root.observation.validActions };
    }),
  );
  const seqsFor = (valid: readonly string[]) =>
    Array.from({ length: sequences }, (_, i) =>
      Array.from({ length: depth }, (_, j) => (valid.length > 0 && target.envId !== "sokoban" ? valid[(i * 7 + j * 3) % valid.length]! : 1 + ((i * 7 + j * 3) % 8))),
    );
  const samples: number[] = [];
  let nodes = 0;
  const run = (n: number, record: boolean) =>
    Promise.all(
      sessions.map(async ({ s, valid }) => {
        const seqs = seqsFor(valid);
        for (let i = 0; i < n; i++) {
          const t = performance.now();
          const branches = await s.expand(seqs, { leafObservationsOnly: leafOnly });
          if (record) {
            samples.push(performance.now() - t);
            for (const b of branches) nodes += b.steps.length;
          }
        }
      }),
    );
  await run(20, false);
  const t0 = performance.now();
  await run(Math.ceil(calls / concurrency), true);
  const sec = (performance.now() - t0) / 1000;
  await Promise.all(sessions.map(({ s }) => s.close()));
  return { nodesPerSec: Math.round(nodes / sec), callP50Us: summarise(samples, sec * 1000).p50Us };
}
