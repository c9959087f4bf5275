/**
 * `npm run bench -- --only=server`: the server's figures → bench/results/server.json.
 * Each over-the-wire figure is the median and min–max of repetitions, each beside the
 * echo of the same bytes measured right after it (bench/server-figures.ts), with the
 * load average at the start and end; issue 12's targets are ratios to those references,
 * so they hold on a noisy machine. In-process figures run in this process.
 */
import { execFileSync } from "node:child_process";
import { cpus, loadavg } from "node:os";
import { builtinRegistry } from "../adapters/index.js";
import { EnvEngine } from "../env-server/core/engine.js";
import type { StepResult } from "../gen/ts/dynamind/env/v1/types_pb.js";
import { batchBreakdown, workerRoundTripUs } from "./breakdown.js";
import { LEAN, ServerFigures, type Paired } from "./server-figures.js";
import { startServerProcess } from "./server-child.js";
import { measureSokobanInProcess, measureSokobanStepWithObservation } from "./sokoban-inprocess.js";
import { round1, spread, type Spread } from "./wire-reference.js";

export interface ServerSuiteOptions {
  repetitions: number;
  /** Multiplies every count (0.1 for --quick). */
  scale: number;
  log: (msg: string) => void;
}

const load = () => Math.round(loadavg()[0]! * 100) / 100;

/** Server-side cost of a step with everything but the transport: engine, episode, observation. */
async function engineStep(steps: number): Promise<{ stepsPerSec: number }> {
  const engine = await EnvEngine.create(builtinRegistry(), {}, Buffer.alloc(32, 7));
  const { sessionId } = engine.createSession({ envId: "sokoban", configJson: '{"report_optimal":false}', observationKinds: [], maxSteps: 0 });
  await engine.reset({ sessionId, seed: 1, optionsJson: "" });
  const actions = [5, 6, 7, 8].map((index) => ({ kind: { $case: "index" as const, index } }));
  let sink = 0;
  const loop = (k: number) => {
    for (let i = 0; i < k; i++) sink += (engine.step({ sessionId, action: actions[i & 3] }) as { result: StepResult }).result.reward;
  };
  loop(50_000);
  const t0 = performance.now();
  loop(steps);
  const sec = (performance.now() - t0) / 1000;
  if (Number.isNaN(sink)) throw new Error("unreachable");
  return { stepsPerSec: Math.round(steps / sec) };
}

/** gym-sokoban measured by scripts/sokoban/gym_sokoban_steps.py under /usr/bin/python3, or why not. */
function gymSokoban(steps: number): Record<string, unknown> {
  try {
    const out = execFileSync("/usr/bin/python3", ["scripts/sokoban/gym_sokoban_steps.py", String(steps)], { encoding: "utf8", timeout: 600_000 });
    const r = JSON.parse(out.trim().split("\n").pop()!) as Record<string, unknown>;
    return r.available === true ? r : { available: false, reason: `unavailable: ${String(r.reason)}` };
  } catch (e) {
    return { available: false, reason: `unavailable: ${(e as Error).message.split("\n")[0]}` };
  }
}

/** A figure's repetitions: the subject, its echo and their ratio, each as median and range. */
interface Summary {
  measured: string;
  unit: string;
  subject: Spread;
  echoOfSameBytes: Spread;
  ratioToEcho: Spread;
  serverCpuUsPerItem: Spread;
  echoServerCpuUsPerItem: Spread;
  requestBytes: number;
  replyBytes: number;
  [extra: string]: unknown;
}

function summarise(measured: string, unit: string, reps: Paired[], extra: Record<string, unknown> = {}): Summary {
  return {
    measured,
    unit,
    subject: spread(reps.map((r) => r.subject.perSec)),
    echoOfSameBytes: spread(reps.map((r) => r.echo.perSec)),
    ratioToEcho: spread(reps.map((r) => r.subject.perSec / r.echo.perSec)),
    serverCpuUsPerItem: spread(reps.map((r) => r.subject.serverCpuUsPerItem)),
    echoServerCpuUsPerItem: spread(reps.map((r) => r.echo.serverCpuUsPerItem)),
    requestBytes: reps[0]!.requestBytes,
    replyBytes: reps[0]!.replyBytes,
    ...extra,
  };
}

/** BatchStep 256 on each of `figs`' servers at once, one caller each; env steps/s in all and server CPU µs per step. */
async function batchStepOnEach(figs: ServerFigures[], calls: number): Promise<{ perSec: number; serverCpuUsPerItem: number }> {
  const loops = await Promise.all(figs.map((f) => f.batchStepLoop(256)));
  await Promise.all(loops.map((l) => l.run(Math.min(20, calls))));
  const cpu0 = await Promise.all(figs.map((f) => f.cpuUs()));
  const t0 = performance.now();
  await Promise.all(loops.map((l) => l.run(calls)));
  const sec = (performance.now() - t0) / 1000;
  const cpu = (await Promise.all(figs.map((f) => f.cpuUs()))).reduce((a, c, i) => a + c - cpu0[i]!, 0);
  await Promise.all(loops.map((l) => l.close()));
  const steps = 256 * calls * figs.length;
  return { perSec: Math.round(steps / sec), serverCpuUsPerItem: round1(cpu / steps) };
}

export async function runServerSuite(o: ServerSuiteOptions): Promise<{ targets: Record<string, unknown>; results: Record<string, unknown> }> {
  const n = (x: number) => Math.max(1, Math.round(x * o.scale));
  const reps = o.repetitions;
  const loadAtStart = load();

  o.log("in-process Sokoban");
  const raw6 = await measureSokobanInProcess("6x6-1box", n(5_000_000), n(2_000_000));
  const raw10 = await measureSokobanInProcess("10x10-4box", n(5_000_000), n(2_000_000));
  const withObservation = measureSokobanStepWithObservation("6x6-1box", n(1_000_000));
  const withLeanObservation = measureSokobanStepWithObservation("6x6-1box", n(1_000_000), false);
  o.log("gym-sokoban (scripts/sokoban/gym_sokoban_steps.py)");
  const gym = gymSokoban(n(100_000));
  const inProcess = {
    sokoban6x6: raw6,
    sokoban10x10: raw10,
    sokoban6x6StepWithServerObservation: {
      measured: "SokobanEnv.step then observe(text): the grid text and the fingerprint every Step reply carries",
      ...withObservation,
    },
    sokoban6x6StepWithLeanObservation: {
      measured: "SokobanEnv.step then observe(text) without the fingerprint: what a session with the lean options renders",
      ...withLeanObservation,
    },
    gymSokoban6x6: gym,
    engineStepWithObservation: await engineStep(n(500_000)),
    batchStepServerCost: await batchBreakdown(n(400)),
    workerThreadRoundTripUs: await workerRoundTripUs(n(5000)),
  };

  o.log("starting the server processes");
  const server = await startServerProcess();
  const second = await startServerProcess();
  const figs = new ServerFigures(server.address, server.echoAddress);
  const figs2 = new ServerFigures(second.address, second.echoAddress);
  const r: Record<string, Paired[]> = {};
  const add = (k: string, p: Paired) => (r[k] ??= []).push(p);
  const extra: Record<string, unknown[]> = {};
  const workers: Record<string, { perSec: number; serverCpuUsPerItem: number }[]> = { oneProcessTwoCallers: [], twoProcessesOneCallerEach: [] };
  let alfworldBytes: Awaited<ReturnType<ServerFigures["alfworldExpandBytes"]>>;
  try {
    for (let rep = 0; rep < reps; rep++) {
      o.log(`repetition ${rep + 1}/${reps} (load ${load()})`);
      const u = await figs.unaryStep(n(3000));
      add("unaryStep", u);
      (extra.unaryP50 ??= []).push({ p50Us: u.p50Us, echoP50Us: u.echoP50Us });
      add("batchStep256", await figs.batchStep(256, 1, n(200)));
      add("batchStep256Lean", await figs.batchStep(256, 1, n(200), LEAN));
      add("connectStream1StepPerMessageWindow256", await figs.streamSteps(64, n(30_000), 256));
      add("connectStreamBatchStep256PerMessageWindow4", await figs.streamBatches(256, n(300), 4));
      add("expand16x5FullObservations", await figs.expand(16, 5, 1, n(600), false));
      add("expand16x5LeafObservationsOnly", await figs.expand(16, 5, 1, n(600), true));
      add("expand16x5LeafObservationsOnly4Callers", await figs.expand(16, 5, 4, n(600), true));
      // --workers N runs N whole server processes: compare them at equal calls in flight (2).
      const two = await figs.batchStep(256, 2, n(200));
      add("batchStep256TwoCallersOneProcess", two);
      workers.oneProcessTwoCallers!.push(two.subject);
      workers.twoProcessesOneCallerEach!.push(await batchStepOnEach([figs, figs2], n(200)));
    }
    alfworldBytes = await figs.alfworldExpandBytes();
  } finally {
    figs.close();
    figs2.close();
    await Promise.all([server.stop(), second.stop()]);
  }

  const s = (k: string, measured: string, unit: string, more: Record<string, unknown> = {}) => summarise(measured, unit, r[k]!, more);
  const overTheWire = {
    unaryStep: s("unaryStep", "unary Step, Sokoban 6x6, one call in flight; echo: unary echo of the same request and reply sizes", "steps/s", {
      p50Us: spread(extra.unaryP50!.map((x) => (x as { p50Us: number }).p50Us)),
      echoP50Us: spread(extra.unaryP50!.map((x) => (x as { echoP50Us: number }).echoP50Us)),
    }),
    batchStep256: s("batchStep256", "BatchStep of 256 Sokoban 6x6 sessions, default observation, one call in flight", "env steps/s"),
    batchStep256Lean: s("batchStep256Lean", "the same with the lean options (no fingerprint, no info, valid actions only when changed)", "env steps/s"),
    connectStream1StepPerMessage: s("connectStream1StepPerMessageWindow256", "Connect stream, one Step per message, 64 sessions, 256 messages in flight; echo: bidi stream of the same message sizes, same window", "steps/s"),
    batchStep256InsideConnectStream: s("connectStreamBatchStep256PerMessageWindow4", "Connect stream, one BatchStep of 256 sessions per message, 4 messages in flight; echo: bidi stream of the same sizes", "env steps/s"),
    expand16x5FullObservations: s("expand16x5FullObservations", "Expand 16 sequences x 5 moves from one Sokoban 6x6 state, every node's observation, one call in flight", "tree nodes/s"),
    expand16x5LeafObservationsOnly: s("expand16x5LeafObservationsOnly", "the same Expand with observations on leaf nodes only", "tree nodes/s"),
    expand16x5LeafOnly4Callers: s("expand16x5LeafObservationsOnly4Callers", "the leaf-only Expand with 4 callers (4 calls in flight)", "tree nodes/s"),
    batchStep256TwoCallersOneProcess: s("batchStep256TwoCallersOneProcess", "BatchStep 256 with 2 callers (2 calls in flight) on one server process", "env steps/s"),
    alfworldExpand16x5Bytes: { measured: "ALFWorld Expand 16x5 reply bytes per tree node, full observations", ...alfworldBytes },
  };
  const perCore = (xs: { serverCpuUsPerItem: number }[]) => spread(xs.map((x) => Math.round(1e6 / x.serverCpuUsPerItem)));
  const workerComparison = {
    measured:
      "BatchStep 256 at 2 calls in flight: one server process with 2 callers, against two server processes (what serve --workers 2 runs) with one caller each; client and servers share this machine's cores",
    cores: cpus().length,
    oneProcessTwoCallers: { envStepsPerSec: spread(workers.oneProcessTwoCallers!.map((x) => x.perSec)), envStepsPerServerCpuSecond: perCore(workers.oneProcessTwoCallers!) },
    twoProcessesOneCallerEach: { envStepsPerSec: spread(workers.twoProcessesOneCallerEach!.map((x) => x.perSec)), envStepsPerServerCpuSecond: perCore(workers.twoProcessesOneCallerEach!) },
    ratioTwoProcessesToOne: spread(workers.twoProcessesOneCallerEach!.map((x, i) => x.perSec / workers.oneProcessTwoCallers![i]!.perSec)),
  };

  const w = overTheWire;
  const target = (t: string, measured: Spread | number, met: boolean, beside?: string) => ({ target: t, measured, met, ...(beside ? { beside } : {}) });
  const targets = {
    batchStep256ToEcho: target(">= 0.6 (throughput / echo of the same bytes)", w.batchStep256.ratioToEcho, w.batchStep256.ratioToEcho.median >= 0.6),
    batchStep256ServerCpuUsPerStep: target("<= 2 (default observation)", w.batchStep256.serverCpuUsPerItem, w.batchStep256.serverCpuUsPerItem.median <= 2, `echo of the same bytes: ${w.batchStep256.echoServerCpuUsPerItem.median} µs per item`),
    batchStep256LeanServerCpuUsPerStep: target("<= 1.3 (lean options)", w.batchStep256Lean.serverCpuUsPerItem, w.batchStep256Lean.serverCpuUsPerItem.median <= 1.3, `echo of the same bytes: ${w.batchStep256Lean.echoServerCpuUsPerItem.median} µs per item`),
    expand16x5FullToLeafOnly: (() => {
      const ratio = spread(r.expand16x5FullObservations!.map((x, i) => x.subject.perSec / r.expand16x5LeafObservationsOnly![i]!.subject.perSec));
      return target(">= 0.8 (full observations / leaf only, one caller each)", ratio, ratio.median >= 0.8);
    })(),
    connectStream1StepToEchoStream: target(">= 0.8", w.connectStream1StepPerMessage.ratioToEcho, w.connectStream1StepPerMessage.ratioToEcho.median >= 0.8),
    alfworldExpandBytesPerNodeValidActionsWhenChanged: target("<= 250", alfworldBytes.validActionsWhenChangedBytesPerNode, alfworldBytes.validActionsWhenChangedBytesPerNode <= 250, `default view: ${alfworldBytes.defaultBytesPerNode} B`),
    alfworldExpandBytesPerNodeWithDeltas: target("<= 250", alfworldBytes.withDeltasBytesPerNode, alfworldBytes.withDeltasBytesPerNode <= 250, "valid actions when changed, text and lists as line deltas of the parent node"),
    inProcessStepsPerSec: target(">= 2000000 (bare step)", raw6.stepsPerSec, raw6.stepsPerSec >= 2e6),
    cloneRestoreNs: target("<= 1000", raw10.cloneRestoreNs, raw10.cloneRestoreNs <= 1000),
  };
  return {
    targets,
    results: {
      repetitions: reps,
      loadAverage1m: { atStart: loadAtStart, atEnd: load() },
      method:
        "Over-the-wire figures: a server in a child process; this process sends pre-encoded requests and leaves replies undecoded, as the echo client does; each figure is followed in the same repetition by the echo of the same request and reply sizes (unary or bidi stream, same calls or messages in flight) on a bare grpc-js service in the server's process. Server CPU is process.cpuUsage() of the server process over the timed window, per env step / tree node / message.",
      inProcess,
      overTheWire,
      workers: workerComparison,
    },
  };
}
