/**
 * `npm run bench`: the environment server's figures, written to
 * bench/results/server.json with the targets of issue #2 beside them.
 * In-process figures run here; over-the-wire figures talk to a server in a
 * child process (one core each on a 2-core machine), next to the grpc-js
 * round-trip floor measured in the same run.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { EnvClient } from "../agent/client/index.js";
import { expandNodes } from "./grpc-bench.js";
import { runAlfworldBench } from "./alfworld.js";
import { runAndroidWebBench } from "./android.js";
import { runAndroidGrpcBench } from "./android-grpc.js";
import { runResimBench } from "./resim.js";
import { runAgentModelBench } from "./agent-model.js";
import { runRlBench } from "./rl.js";
import { runDreamBench } from "./dream.js";
import { runServerSuite } from "./server-suite.js";
import { startServerProcess } from "./server-child.js";
import { runIsolationBench } from "./isolation.js";
import { runScaleBench } from "./scale.js";
import { existsSync, readFileSync } from "node:fs";

const quick = process.argv.includes("--quick");
const only = process.argv.find((a) => a.startsWith("--only="))?.slice("--only=".length);
const scale = quick ? 0.1 : 1;
// --reps=N: repetitions of each server figure (default 3, 1 with --quick).
const repsArg = process.argv.find((a) => a.startsWith("--reps="))?.slice("--reps=".length);
const reps = repsArg === undefined ? (quick ? 1 : 3) : Math.max(1, Number.parseInt(repsArg, 10) || 1);
const n = (x: number) => Math.max(1, Math.round(x * scale));

function log(msg: string): void {
  process.stderr.write(`[bench] ${msg}\n`);
}

/** Issue 2 and 12 figures → bench/results/server.json (bench/server-suite.ts). */
async function serverSuite(): Promise<void> {
  const { targets, results } = await runServerSuite({ repetitions: reps, scale, log });
  const file = quick ? "bench/results/server.quick.json" : "bench/results/server.json";
  // The isolation suite writes its own section of this file (--only=isolation); a server-only run keeps it.
  const previous = existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as { targets?: Record<string, unknown>; results?: Record<string, unknown> }) : {};
  const kept = previous.results?.isolation === undefined ? {} : { isolation: previous.results.isolation };
  const keptTarget = previous.targets?.otherClientStepP99UnderWorstCallMs === undefined ? {} : { otherClientStepP99UnderWorstCallMs: previous.targets.otherClientStepP99UnderWorstCallMs };
  const report = {
    generatedAt: new Date().toISOString(),
    command: `npm run bench -- --only=server${quick ? " --quick" : ""}${repsArg === undefined ? "" : ` --reps=${reps}`}`,
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, node: process.version, loadAverage1m: Math.round(loadavg()[0]! * 100) / 100 },
    quick,
    targets: { ...targets, ...keptTarget },
    results: { ...results, ...kept },
  };
  mkdirSync("bench/results", { recursive: true });
  writeFileSync(file, JSON.stringify(report, null, 2) + "\n");
  console.log(JSON.stringify(targets, null, 2));
  log(`wrote ${file}`);
}

/**
 * Issue 8 figure → the `isolation` section of bench/results/server.json (the rest of the
 * file is kept): another client's Step latency while one client makes the worst calls.
 */
async function isolationSuite(): Promise<void> {
  const isolation = await runIsolationBench({ repetitions: quick ? 1 : 3, seconds: quick ? 3 : 8, log });
  const under = isolation.underLoad as Record<string, { bStepP99Ms: { median: number; max: number } }>;
  const worstP99 = Math.max(...Object.values(under).map((x) => x.bStepP99Ms.max));
  const file = quick ? "bench/results/server.quick.json" : "bench/results/server.json";
  const report = existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as { targets?: Record<string, unknown>; results?: Record<string, unknown> }) : {};
  report.targets = {
    ...report.targets,
    otherClientStepP99UnderWorstCallMs: { target: "< 50 (every heavy call type, every repetition)", measured: worstP99, met: worstP99 < 50 },
  };
  report.results = { ...report.results, isolation: { command: `npm run bench -- --only=isolation${quick ? " --quick" : ""}`, ...isolation } };
  mkdirSync("bench/results", { recursive: true });
  writeFileSync(file, JSON.stringify(report, null, 2) + "\n");
  console.log(JSON.stringify({ worstP99, bAlone: isolation.bAlone, underLoad: Object.fromEntries(Object.entries(under).map(([k, v]) => [k, v.bStepP99Ms])) }, null, 2));
  log(`wrote the isolation section of ${file}`);
}

/** Issue #3 figures → bench/results/alfworld.json: in-process speed and Expand over gRPC. */
async function alfworldSuite(): Promise<void> {
  log("ALFWorld in-process");
  const inProcess = await runAlfworldBench({ steps: n(200_000), resets: n(5_000), clones: n(200_000) });
  log("ALFWorld Expand over gRPC");
  const server = await startServerProcess();
  const client = new EnvClient(server.address);
  let expand;
  try {
    const target = { envId: "alfworld" };
    expand = {
      fullObservations: await expandNodes(client, n(1000), 16, 5, 1, false, target),
      leafObservationsOnly: await expandNodes(client, n(1000), 16, 5, 1, true, target),
      leafOnly4Concurrent: await expandNodes(client, n(1000), 16, 5, 4, true, target),
    };
  } finally {
    client.close();
    server.stop();
  }
  const { stepsPerSec, resetMs, cloneRestoreUs } = inProcess as { stepsPerSec: number; resetMs: number; cloneRestoreUs: number };
  const report = {
    generatedAt: new Date().toISOString(),
    command: `npm run bench${quick ? " -- --quick" : ""}`,
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, node: process.version, loadAverage1m: Math.round(loadavg()[0]! * 100) / 100 },
    quick,
    targets: {
      stepsPerSec: { target: ">= 20000 (step + admissible commands)", measured: stepsPerSec, met: stepsPerSec >= 20_000 },
      resetMs: { target: "<= 2", measured: resetMs, met: resetMs <= 2 },
      cloneRestoreUs: { target: "<= 20", measured: cloneRestoreUs, met: cloneRestoreUs <= 20 },
    },
    speedVsOriginal: { originalStepsPerSec: "10-15 (TextWorld, per environment)", factor: Math.round(stepsPerSec / 15) },
    results: { inProcess, expandOverGrpc16x5: expand },
  };
  const file = quick ? "bench/results/alfworld.quick.json" : "bench/results/alfworld.json";
  writeFileSync(file, JSON.stringify(report, null, 2) + "\n");
  console.log(JSON.stringify(report.targets, null, 2));
  log(`wrote ${file}`);
}

/**
 * Issue #5 figures → bench/results/agent.json: ReSim collection rate (and, when the
 * model bench is present, training and generation speed beside PyTorch).
 */
async function agentSuite(): Promise<void> {
  log("ReSim collection");
  const resim = await runResimBench(n(200));
  log("model training and generation (wasm) beside PyTorch CPU");
  const model = await runAgentModelBench({ quick });
  const report = {
    generatedAt: new Date().toISOString(),
    command: `npm run bench${quick ? " -- --quick" : ""}`,
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, node: process.version, loadAverage1m: Math.round(loadavg()[0]! * 100) / 100 },
    quick,
    results: { resimCollection: resim, model },
  };
  const file = quick ? "bench/results/agent.quick.json" : "bench/results/agent.json";
  writeFileSync(file, JSON.stringify(report, null, 2) + "\n");
  console.log(JSON.stringify(report.results, null, 2));
  log(`wrote ${file}`);
}

/** Issue #4 figures → bench/results/android.json: the browser-hosted device's step, clone and reset. */
async function androidSuite(): Promise<void> {
  log("android-web (Chromium)");
  const results = await runAndroidWebBench({ quick });
  const overGrpc = await runAndroidGrpcBench({ quick, log });
  const report = {
    generatedAt: new Date().toISOString(),
    command: `npm run bench${quick ? " -- --quick" : ""}`,
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, node: process.version, loadAverage1m: Math.round(loadavg()[0]! * 100) / 100 },
    quick,
    ...results,
    overGrpc,
  };
  const file = quick ? "bench/results/android.quick.json" : "bench/results/android.json";
  writeFileSync(file, JSON.stringify(report, null, 2) + "\n");
  log(`wrote ${file}`);
}

/** Issue 10 figures → bench/results/rl.json: RL throughput and where the wall time goes. */
async function rlSuite(): Promise<void> {
  const results = await runRlBench({ quick, log });
  const report = {
    generatedAt: new Date().toISOString(),
    command: `npm run bench -- --only=rl${quick ? " --quick" : ""}`,
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, node: process.version, loadAverage1m: Math.round(loadavg()[0]! * 100) / 100 },
    quick,
    ...results,
  };
  mkdirSync("bench/results", { recursive: true });
  const file = quick ? "bench/results/rl.quick.json" : "bench/results/rl.json";
  writeFileSync(file, JSON.stringify(report, null, 2) + "\n");
  console.log(JSON.stringify(results.results, null, 2));
  log(`wrote ${file}`);
}

/** Issue 16 figures → bench/results/scale.json: Step through the nginx proxy versus direct, 1-3 servers. */
async function scaleSuite(): Promise<void> {
  const results = await runScaleBench({
    repetitions: quick ? 1 : 3,
    latencyCalls: n(3000),
    seconds: quick ? 1 : 4,
    concurrency: 16,
    log,
  });
  if (results === undefined) return;
  const report = {
    generatedAt: new Date().toISOString(),
    command: `npm run bench -- --only=scale${quick ? " --quick" : ""}`,
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, node: process.version, loadAverage1m: Math.round(loadavg()[0]! * 100) / 100 },
    quick,
    results,
  };
  mkdirSync("bench/results", { recursive: true });
  const file = quick ? "bench/results/scale.quick.json" : "bench/results/scale.json";
  writeFileSync(file, JSON.stringify(report, null, 2) + "\n");
  console.log(JSON.stringify(results.byServers, null, 2));
  log(`wrote ${file}`);
}

/** Issue 15 figures → bench/results/dream.json: dream-env steps/s per transition model, beside the real env's. */
async function dreamSuite(): Promise<void> {
  const results = await runDreamBench({ quick, log });
  const report = { generatedAt: new Date().toISOString(), command: `npm run bench -- --only=dream${quick ? " --quick" : ""}`, quick, ...results };
  mkdirSync("bench/results", { recursive: true });
  const file = quick ? "bench/results/dream.quick.json" : "bench/results/dream.json";
  writeFileSync(file, JSON.stringify(report, null, 2) + "\n");
  console.log(JSON.stringify(results.results, null, 2));
  log(`wrote ${file}`);
}

const suites: Record<string, () => Promise<void>> = {
  server: serverSuite,
  isolation: isolationSuite,
  alfworld: alfworldSuite,
  android: androidSuite,
  agent: agentSuite,
  rl: rlSuite,
  scale: scaleSuite,
  dream: dreamSuite,
};
for (const [name, suite] of Object.entries(suites)) if (only === undefined || only === name) await suite();
