/**
 * Scale-out figures (issue 16) → bench/results/scale.json: unary Step through the
 * shipped nginx config (deploy/nginx/dynamind.conf) versus straight to the servers
 * (the TypeScript client routing by itself), with 1, 2 and 3 server processes.
 *
 * Per server count and repetition, for each path (the order alternates between
 * repetitions, so drift in the machine's load does not favour one):
 * - latency: one session, back-to-back Steps (nothing else in flight): p50/p99; the
 *   proxy's added latency per call is proxy p50 minus direct p50 of that repetition;
 * - throughput: `concurrency` sessions each stepping back to back for `seconds`, spread
 *   over the servers: Steps/s and p50/p99 under that load.
 * Reported as median and min-max over the repetitions, with the 1-minute load average
 * seen at the start of each.
 *
 * Everything (client, nginx, servers) shares this machine's cores, so more servers
 * cannot add throughput beyond what the cores allow.
 */
import { cpus, loadavg } from "node:os";
import { EnvClient, type RemoteSession } from "../agent/client/index.js";
import { freePorts, nginxAvailable, SHIPPED_SERVERS, shippedConfig, startNginx } from "../test/support/nginx.js";
import { startServerProcess } from "./server-child.js";

export interface ScaleOptions {
  repetitions: number;
  /** Back-to-back Steps per latency sample. */
  latencyCalls: number;
  /** Length of each throughput run. */
  seconds: number;
  /** Sessions stepping at once in a throughput run (the same for every server count). */
  concurrency: number;
  log(msg: string): void;
}

interface Spread {
  median: number;
  min: number;
  max: number;
}

const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

function spread(xs: number[]): Spread {
  const s = [...xs].sort((a, b) => a - b);
  return { median: s[Math.floor((s.length - 1) / 2)]!, min: s[0]!, max: s[s.length - 1]! };
}

function quantileUs(samples: number[], q: number): number {
  const s = [...samples].sort((a, b) => a - b);
  return round(s[Math.min(s.length - 1, Math.floor(q * s.length))]! * 1000);
}

/** Moves that never end an episode (max steps off). */
const move = (i: number) => 5 + (i % 4);

async function sessions(client: EnvClient, n: number): Promise<RemoteSession[]> {
  const out: RemoteSession[] = [];
  // One at a time, so the proxy's least-connections choice spreads them over the servers.
  for (let i = 0; i < n; i++) {
    const s = await client.createSession("sokoban", { config: { preset: "6x6-1box", report_optimal: false }, maxSteps: 0 });
    await s.reset(i + 1);
    out.push(s);
  }
  return out;
}

async function latency(client: EnvClient, calls: number): Promise<{ p50Us: number; p99Us: number }> {
  const [s] = await sessions(client, 1);
  for (let i = 0; i < 300; i++) await s!.step(move(i));
  const samples: number[] = [];
  for (let i = 0; i < calls; i++) {
    const t = performance.now();
    await s!.step(move(i));
    samples.push(performance.now() - t);
  }
  await s!.close();
  return { p50Us: quantileUs(samples, 0.5), p99Us: quantileUs(samples, 0.99) };
}

async function throughput(client: EnvClient, concurrency: number, seconds: number): Promise<{ stepsPerSec: number; p50Us: number; p99Us: number }> {
  const all = await sessions(client, concurrency);
  const samples: number[] = [];
  const loop = async (s: RemoteSession, until: number, record: boolean) => {
    for (let i = 0; performance.now() < until; i++) {
      const t = performance.now();
      await s.step(move(i));
      if (record) samples.push(performance.now() - t);
    }
  };
  const warm = performance.now() + 500;
  await Promise.all(all.map((s) => loop(s, warm, false)));
  const t0 = performance.now();
  await Promise.all(all.map((s) => loop(s, t0 + seconds * 1000, true)));
  const sec = (performance.now() - t0) / 1000;
  await Promise.all(all.map((s) => s.close()));
  return { stepsPerSec: Math.round(samples.length / sec), p50Us: quantileUs(samples, 0.5), p99Us: quantileUs(samples, 0.99) };
}

type PathFigures = { latency: { p50Us: number; p99Us: number }; throughput: { stepsPerSec: number; p50Us: number; p99Us: number } };

async function measure(client: EnvClient, o: ScaleOptions): Promise<PathFigures> {
  return { latency: await latency(client, o.latencyCalls), throughput: await throughput(client, o.concurrency, o.seconds) };
}

function summary(runs: PathFigures[]) {
  return {
    latencyP50Us: spread(runs.map((r) => r.latency.p50Us)),
    latencyP99Us: spread(runs.map((r) => r.latency.p99Us)),
    throughputStepsPerSec: spread(runs.map((r) => r.throughput.stepsPerSec)),
    underLoadP50Us: spread(runs.map((r) => r.throughput.p50Us)),
    underLoadP99Us: spread(runs.map((r) => r.throughput.p99Us)),
  };
}

export async function runScaleBench(o: ScaleOptions): Promise<Record<string, unknown> | undefined> {
  if (!nginxAvailable()) {
    o.log("scale: skipped — no nginx (apt-get install -y nginx)");
    return undefined;
  }
  const servers = [];
  try {
    for (let i = 0; i < SHIPPED_SERVERS; i++) servers.push(await startServerProcess(`dynamind-${i}`));
    const ports = servers.map((s) => Number(s.address.slice(s.address.lastIndexOf(":") + 1)));
    const byServers: Record<string, unknown> = {};
    for (let n = 1; n <= SHIPPED_SERVERS; n++) {
      const [listen] = await freePorts(1);
      const nginx = await startNginx(shippedConfig(ports.slice(0, n), listen!), listen!);
      const direct: PathFigures[] = [];
      const proxied: PathFigures[] = [];
      const loads: number[] = [];
      try {
        for (let rep = 0; rep < o.repetitions; rep++) {
          loads.push(round(loadavg()[0]!, 2));
          o.log(`scale: ${n} server(s), repetition ${rep + 1}/${o.repetitions}, load ${loads[rep]}`);
          const order = rep % 2 === 0 ? (["direct", "proxy"] as const) : (["proxy", "direct"] as const);
          for (const path of order) {
            const client = path === "direct" ? new EnvClient({ addresses: servers.slice(0, n).map((s) => s.address) }) : new EnvClient(nginx.address);
            try {
              (path === "direct" ? direct : proxied).push(await measure(client, o));
            } finally {
              client.close();
            }
          }
        }
      } finally {
        await nginx.stop();
      }
      byServers[String(n)] = {
        direct: summary(direct),
        proxy: summary(proxied),
        proxyAddedP50Us: spread(proxied.map((p, i) => round(p.latency.p50Us - direct[i]!.latency.p50Us))),
        loadAverage1mAtEachRepetition: loads,
      };
    }
    return {
      method: {
        proxy: "nginx with deploy/nginx/dynamind.conf (ports changed; servers beyond n dropped), one worker process",
        direct: "the TypeScript client given every server's address, routing by itself",
        latency: `one session, ${o.latencyCalls} back-to-back unary Steps after 300 warm-up`,
        throughput: `${o.concurrency} sessions stepping back to back for ${o.seconds} s (after 0.5 s warm-up), spread over the servers`,
        env: "sokoban 6x6-1box, max steps off",
        repetitions: o.repetitions,
        statistics: "median and min-max over the repetitions",
      },
      caveat:
        `client, nginx and up to ${SHIPPED_SERVERS} server processes share ${cpus().length} cores on this machine, which also ran other work ` +
        "(see loadAverage1mAtEachRepetition): more servers here cannot add throughput beyond the cores; the figures say what the proxy costs per call, " +
        "not how a fleet of machines scales",
      byServers,
    };
  } finally {
    for (const s of servers) s.stop();
  }
}
