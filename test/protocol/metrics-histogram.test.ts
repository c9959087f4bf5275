/**
 * The server's RPC duration histogram is its own (observing through prom-client's cost
 * more than a Sokoban step per Connect message); a scrape must read exactly as
 * prom-client's Histogram would for the same observations.
 */
import { Histogram, Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { createMetrics } from "../../env-server/grpc/metrics.js";

const engine = {
  sessions: { countByEnv: () => new Map() },
  counters: { steps: 0, resets: 0, expandNodes: 0 },
  states: { evictions: 0, size: 0, bytes: 0 },
} as never;

describe("dynamind_rpc_duration_seconds", () => {
  it("scrapes exactly as prom-client's Histogram with the same buckets and observations", async () => {
    const metrics = createMetrics(engine);
    const reference = new Registry();
    const h = new Histogram({
      name: "dynamind_rpc_duration_seconds",
      help: "Server-side duration of EnvService calls (Connect stream: per request).",
      labelNames: ["method"],
      buckets: [25e-6, 50e-6, 100e-6, 200e-6, 500e-6, 1e-3, 2e-3, 5e-3, 0.01, 0.05, 0.1, 0.5, 1, 5],
      registers: [reference],
    });
    // Bucket edges, values between them, above the last bucket, and a method seen once.
    const values = [1e-5, 25e-6, 3e-5, 0.0007, 0.003, 0.2, 5, 7, 0, 1e-3, 0.05];
    const methods = ["Step", "Connect.step", "BatchStep"];
    values.forEach((v, i) => {
      const method = methods[i % 3]!;
      metrics.observe(method, v, undefined);
      h.labels(method).observe(v);
    });
    metrics.observe("Reset", 0.004, undefined);
    h.labels("Reset").observe(0.004);
    const ours = (await metrics.registry.metrics()).split("\n").filter((l) => l.includes("dynamind_rpc_duration_seconds")).join("\n");
    expect(ours).toBe((await reference.metrics()).trim());
  });
});
