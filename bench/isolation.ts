/**
 * Isolation figure (issue 8): while client A repeats the worst call a client may
 * make, how long does client B wait for a unary Step on its own session?
 *
 * The server runs in its own process (bench/server-process.ts), A in another
 * (bench/isolation-load.ts, its own connection), B here. Per heavy call type and
 * repetition, B steps back to back from A's first call until A's last one ends;
 * B's latencies are summarised per repetition, then as median and min-max over
 * the repetitions, beside B alone (no load) measured the same way in the same run.
 */
import { spawn } from "node:child_process";
import { loadavg } from "node:os";
import { createInterface } from "node:readline";
import { EnvClient, type RemoteSession } from "../agent/client/index.js";
import { HEAVY_CALLS, type HeavyKind } from "./isolation-calls.js";
import { startServerProcess } from "./server-child.js";

export interface IsolationOptions {
  repetitions: number;
  /** How long A keeps starting calls, per repetition (its last call may run past it). */
  seconds: number;
  log(msg: string): void;
}

interface StepLatency {
  steps: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

interface Spread {
  median: number;
  min: number;
  max: number;
}

const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;
const load1m = () => round(loadavg()[0]!);

function latency(samples: number[]): StepLatency {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => round(s[Math.min(s.length - 1, Math.floor(q * s.length))]!);
  return { steps: s.length, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: round(s[s.length - 1]!) };
}

function spread(xs: number[]): Spread {
  const s = [...xs].sort((a, b) => a - b);
  return { median: s[Math.floor((s.length - 1) / 2)]!, min: s[0]!, max: s[s.length - 1]! };
}

/** B's unary Steps, back to back, until `stop` resolves. */
async function stepUntil(s: RemoteSession, stop: Promise<unknown>): Promise<number[]> {
  let stopped = false;
  void stop.finally(() => (stopped = true));
  const samples: number[] = [];
  while (!stopped) {
    const t = performance.now();
    await s.step(5 + (samples.length % 4));
    samples.push(performance.now() - t);
  }
  return samples;
}

/** Starts client A; resolves `ready` once its session is set up and `done` with its report. */
function startLoad(address: string, kind: HeavyKind, seconds: number): { ready: Promise<void>; done: Promise<LoadReport> } {
  const child = spawn(process.execPath, ["--import", "tsx", "bench/isolation-load.ts", address, kind, String(seconds)], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const lines = createInterface({ input: child.stdout! });
  let markReady!: () => void;
  const ready = new Promise<void>((r) => (markReady = r));
  const done = new Promise<LoadReport>((resolve, reject) => {
    lines.on("line", (line) => {
      const msg = JSON.parse(line) as { ready?: boolean } & LoadReport;
      if (msg.ready) markReady();
      else resolve(msg);
    });
    child.once("exit", (code) => (code === 0 ? undefined : reject(new Error(`isolation load exited with ${code}`))));
  });
  return { ready, done };
}

interface LoadReport {
  calls: number;
  outcomes: Record<string, number>;
  callMs: number[];
}

export async function runIsolationBench(opts: IsolationOptions): Promise<Record<string, unknown>> {
  const loadAtStart = load1m();
  const server = await startServerProcess();
  const client = new EnvClient(server.address);
  const b = await client.createSession("sokoban", { config: { report_optimal: false }, maxSteps: 0 });
  await b.reset(1);
  for (let i = 0; i < 500; i++) await b.step(5 + (i % 4));
  const byCall: Record<string, unknown> = {};
  try {
    opts.log("isolation: B alone");
    const alone: StepLatency[] = [];
    for (let r = 0; r < opts.repetitions; r++) {
      alone.push(latency(await stepUntil(b, new Promise((res) => setTimeout(res, opts.seconds * 1000)))));
    }
    for (const kind of Object.keys(HEAVY_CALLS) as HeavyKind[]) {
      opts.log(`isolation: B while A repeats ${kind}`);
      const reps: (StepLatency & { loadAverage1m: number; aCalls: number; aOutcomes: Record<string, number>; aCallMedianMs: number })[] = [];
      for (let r = 0; r < opts.repetitions; r++) {
        // A's start-up (a process under tsx) is not part of the window: it begins once A is ready.
        const load = startLoad(server.address, kind, opts.seconds);
        await load.ready;
        const samples = await stepUntil(b, load.done);
        const report = await load.done;
        reps.push({
          ...latency(samples),
          loadAverage1m: load1m(),
          aCalls: report.calls,
          aOutcomes: report.outcomes,
          aCallMedianMs: spread(report.callMs).median,
        });
      }
      byCall[kind] = {
        aCall: HEAVY_CALLS[kind].description,
        bStepP50Ms: spread(reps.map((x) => x.p50Ms)),
        bStepP99Ms: spread(reps.map((x) => x.p99Ms)),
        bStepMaxMs: spread(reps.map((x) => x.maxMs)),
        repetitions: reps,
      };
    }
    return {
      generatedAt: new Date().toISOString(),
      measured:
        "Client B (this process) sends unary Steps back to back on its own 6x6 Sokoban session to a server in a child process, " +
        "while client A (another process, own connection) repeats one heavy call; B's window runs from A's first call until A's " +
        `last call ends (A starts calls for ${opts.seconds} s). Figures per heavy call: B's Step latency p50/p99/max, median and ` +
        `min-max over ${opts.repetitions} repetitions; bAlone is B with no other client, measured the same way in the same run.`,
      loadAverage1m: { atStart: loadAtStart, atEnd: load1m() },
      bAlone: { bStepP50Ms: spread(alone.map((x) => x.p50Ms)), bStepP99Ms: spread(alone.map((x) => x.p99Ms)), bStepMaxMs: spread(alone.map((x) => x.maxMs)), repetitions: alone },
      underLoad: byCall,
    };
  } finally {
    client.close();
    server.stop();
  }
}
