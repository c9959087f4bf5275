/**
 * Prometheus metrics. Each server gets its own registry (several servers may
 * share a process in tests). Gauges that mirror engine state are computed at
 * scrape time instead of being updated on the hot path.
 */
import { Counter, Gauge, Registry, collectDefaultMetrics, type Metric } from "prom-client";
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
  const duration = new DurationHistogram(
    "dynamind_rpc_duration_seconds",
    "Server-side duration of EnvService calls (Connect stream: per request).",
    [25e-6, 50e-6, 100e-6, 200e-6, 500e-6, 1e-3, 2e-3, 5e-3, 0.01, 0.05, 0.1, 0.5, 1, 5],
  );
  registry.registerMetric(duration as unknown as Metric);
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
  return {
    registry,
    observe(method, seconds, reason) {
      duration.series(method).observe(seconds);
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

/** One method's series: counts per bucket (not cumulative), sum and count. */
class Series {
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(private readonly bounds: readonly number[]) {
    this.counts = new Float64Array(bounds.length);
  }

  observe(seconds: number): void {
    const b = this.bounds;
    for (let i = 0; i < b.length; i++) {
      if (seconds <= b[i]!) {
        this.counts[i]!++;
        break;
      }
    }
    this.sum += seconds;
    this.count++;
  }
}

/**
 * The RPC duration histogram, labelled by method. prom-client's Histogram builds and
 * validates a label hash on every observation, the largest cost of the server's own in
 * a Connect stream of one Step per message (bench/profile-server.ts); here a method's
 * series is a map lookup and an observation a bucket search and three additions. A
 * scrape gets the values prom-client's Histogram would give, in its format.
 */
class DurationHistogram {
  readonly type = "histogram";
  readonly aggregator = "sum";
  private readonly byMethod = new Map<string, Series>();

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly bounds: readonly number[],
  ) {}

  series(method: string): Series {
    let s = this.byMethod.get(method);
    if (s === undefined) this.byMethod.set(method, (s = new Series(this.bounds)));
    return s;
  }

  reset(): void {
    this.byMethod.clear();
  }

  async get() {
    const values: { labels: Record<string, string | number>; sharedLabels: { method: string }; value: number; metricName: string }[] = [];
    for (const [method, s] of this.byMethod) {
      const sharedLabels = { method };
      let acc = 0;
      this.bounds.forEach((le, i) => {
        acc += s.counts[i]!;
        values.push({ labels: { le }, sharedLabels, value: acc, metricName: `${this.name}_bucket` });
      });
      values.push({ labels: { le: "+Inf" }, sharedLabels, value: s.count, metricName: `${this.name}_bucket` });
      values.push({ labels: {}, sharedLabels, value: s.sum, metricName: `${this.name}_sum` });
      values.push({ labels: {}, sharedLabels, value: s.count, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }
}
