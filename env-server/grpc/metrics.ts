/**
 * Prometheus metrics. Each server gets its own registry (several servers may
 * share a process in tests). Gauges that mirror engine state are computed at
 * scrape time instead of being updated on the hot path.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { EnvEngine } from "../core/engine.js";

export interface RpcMetrics {
  registry: Registry;
  /** Records one call; returns nothing so that the hot path stays a few property reads. */
  observe(method: string, seconds: number, reason: string | undefined): void;
}

const NON_COUNTER_TOTALS = ["nodejs_active_handles_total", "nodejs_active_requests_total", "nodejs_active_resources_total"];

export function createMetrics(engine: EnvEngine): RpcMetrics {
  const registry = new Registry();
  // Process and Node.js metrics under their standard names (process_cpu_seconds_total,
  // process_resident_memory_bytes, nodejs_eventloop_lag_seconds, ...), so stock dashboards work.
  collectDefaultMetrics({ register: registry });
  // prom-client's nodejs_active_{handles,requests,resources}_total are gauges named like counters
  // (`promtool check metrics` refuses them); each is the sum of its labelled nodejs_active_* twin.
  for (const name of NON_COUNTER_TOTALS) registry.removeSingleMetric(name);
  const duration = new Histogram({
    name: "dynamind_rpc_duration_seconds",
    help: "Server-side duration of EnvService calls (Connect stream: per request).",
    labelNames: ["method"],
    buckets: [25e-6, 50e-6, 100e-6, 200e-6, 500e-6, 1e-3, 2e-3, 5e-3, 0.01, 0.05, 0.1, 0.5, 1, 5],
    registers: [registry],
  });
  const errors = new Counter({
    name: "dynamind_rpc_errors_total",
    help: "Failed EnvService calls by reason.",
    labelNames: ["method", "reason"],
    registers: [registry],
  });
  new Gauge({
    name: "dynamind_sessions",
    help: "Open sessions by environment.",
    labelNames: ["env"],
    registers: [registry],
    collect() {
      this.reset();
      for (const [env, n] of engine.sessions.countByEnv()) this.set({ env }, n);
    },
  });
  mirror(registry, "dynamind_env_steps_total", "Environment steps taken (Step, BatchStep, Connect).", () => engine.counters.steps);
  mirror(registry, "dynamind_env_resets_total", "Episodes started.", () => engine.counters.resets);
  mirror(registry, "dynamind_expand_nodes_total", "Tree nodes produced by Expand.", () => engine.counters.expandNodes);
  mirror(registry, "dynamind_state_evictions_total", "Saved states evicted under the state budget.", () => engine.states.evictions);
  new Gauge({
    name: "dynamind_states_held",
    help: "Saved states held by the server.",
    registers: [registry],
    collect() {
      this.set(engine.states.size);
    },
  });
  new Gauge({
    name: "dynamind_state_bytes",
    help: "Estimated bytes of saved states held.",
    registers: [registry],
    collect() {
      this.set(engine.states.bytes);
    },
  });
  const children = new Map<string, Histogram.Internal<"method">>();
  return {
    registry,
    observe(method, seconds, reason) {
      let child = children.get(method);
      if (child === undefined) children.set(method, (child = duration.labels(method)));
      child.observe(seconds);
      if (reason !== undefined) errors.inc({ method, reason });
    },
  };
}

function mirror(registry: Registry, name: string, help: string, read: () => number): void {
  new Counter({
    name,
    help,
    registers: [registry],
    collect() {
      this.reset();
      this.inc(read());
    },
  });
}
