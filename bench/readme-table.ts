/**
 * The README's server figures, made from bench/results/server.json so the two cannot
 * disagree: `npx tsx bench/readme-table.ts --write` rewrites the block between the
 * markers in README.md; test/bench/readme-table.test.ts checks the block matches.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

export const BEGIN = "<!-- server-figures:begin (bench/readme-table.ts writes this block from bench/results/server.json) -->";
export const END = "<!-- server-figures:end -->";

interface Spread {
  median: number;
  min: number;
  max: number;
}
interface Figure {
  subject: Spread;
  echoOfSameBytes: Spread;
  ratioToEcho: Spread;
  serverCpuUsPerItem: Spread;
  echoServerCpuUsPerItem: Spread;
  p50Us?: Spread;
  echoP50Us?: Spread;
}
interface ServerReport {
  generatedAt: string;
  command: string;
  results: {
    repetitions: number;
    loadAverage1m: { atStart: number; atEnd: number };
    inProcess: {
      sokoban6x6: { stepsPerSec: number };
      sokoban10x10: { cloneRestoreNs: number };
      sokoban6x6StepWithServerObservation: { stepsPerSec: number };
      /** Absent from files written before it was measured. */
      sokoban6x6StepWithLeanObservation?: { stepsPerSec: number };
      gymSokoban6x6: { available: boolean; reason?: string; stepsPerSec_raw?: number; stepsPerSec_tiny_rgb_array?: number };
    };
    overTheWire: Record<string, Figure> & { alfworldExpand16x5Bytes: { defaultBytesPerNode: number; validActionsWhenChangedBytesPerNode: number; withDeltasBytesPerNode?: number } };
    workers: {
      cores: number;
      oneProcessTwoCallers: { envStepsPerSec: Spread; envStepsPerServerCpuSecond: Spread };
      twoProcessesOneCallerEach: { envStepsPerSec: Spread; envStepsPerServerCpuSecond: Spread };
      ratioTwoProcessesToOne: Spread;
    };
  };
  targets: Record<string, { measured: Spread | number; met: boolean }>;
}

/** 51234 → "51.2 k", 1234567 → "1.23 M"; small numbers as they are. */
export function num(x: number): string {
  if (x >= 1e6) return `${(x / 1e6).toFixed(2)} M`;
  if (x >= 1e4) return `${(x / 1e3).toFixed(1)} k`;
  if (x >= 1e3) return `${(x / 1e3).toFixed(2)} k`;
  return String(x);
}
const sp = (s: Spread, f: (x: number) => string = num) => `${f(s.median)} (${f(s.min)}–${f(s.max)})`;
const r2 = (x: number) => x.toFixed(2);
const us = (x: number) => `${x} µs`;
const met = (ok: boolean) => (ok ? "met" : "not met");

/** The block's lines: a table of the server figures, plain case first. */
export function serverFiguresBlock(report: ServerReport): string {
  const { results: r, targets: t } = report;
  const w = r.overTheWire;
  const row = (what: string, f: Figure, unit: string, target: string) =>
    `| ${what} | ${sp(f.subject)} ${unit} | ${sp(f.echoOfSameBytes)} | ${sp(f.ratioToEcho, r2)} | ${sp(f.serverCpuUsPerItem, us)} (echo ${us(f.echoServerCpuUsPerItem.median)}) | ${target} |`;
  const gym = r.inProcess.gymSokoban6x6;
  const lean = r.inProcess.sokoban6x6StepWithLeanObservation;
  const lines = [
    `Server figures from \`${report.command}\` (${report.generatedAt.slice(0, 10)}, ${r.repetitions} repetitions, load average ${r.loadAverage1m.atStart} at the start and ${r.loadAverage1m.atEnd} at the end): median (min–max). Each figure stands beside the echo of the same request and reply sizes measured right after it on a bare grpc-js service in the server's process (same calls or messages in flight); server CPU is the server process's, per env step, tree node or message.`,
    "",
    "| what was measured | measured | echo of the same bytes | ratio to the echo | server CPU per item | target |",
    "|---|---|---|---|---|---|",
    `| unary \`Step\`, Sokoban 6×6, one call in flight, p50 | ${sp(w.unaryStep!.p50Us!, us)} | ${sp(w.unaryStep!.echoP50Us!, us)} | ${sp(w.unaryStep!.ratioToEcho, r2)} (calls/s) | ${sp(w.unaryStep!.serverCpuUsPerItem, us)} (echo ${us(w.unaryStep!.echoServerCpuUsPerItem.median)}) | — |`,
    row("`BatchStep` of 256 sessions, default observation, one call in flight", w.batchStep256!, "env steps/s", `ratio ≥ 0.6 (${met(t.batchStep256ToEcho!.met)}); CPU ≤ 2 µs (${met(t.batchStep256ServerCpuUsPerStep!.met)})`),
    row("the same with the lean options (no fingerprint, no info, valid actions when changed)", w.batchStep256Lean!, "env steps/s", `CPU ≤ 1.3 µs (${met(t.batchStep256LeanServerCpuUsPerStep!.met)})`),
    row("`Connect` stream, one `Step` per message, 256 in flight", w.connectStream1StepPerMessage!, "steps/s", `ratio ≥ 0.8 (${met(t.connectStream1StepToEchoStream!.met)})`),
    row("`BatchStep` of 256 inside a `Connect` stream, 4 messages in flight", w.batchStep256InsideConnectStream!, "env steps/s", "—"),
    row("`Expand` 16 × 5 from one Sokoban state, every node's observation, one caller", w.expand16x5FullObservations!, "nodes/s", `≥ 0.8 × leaf-only: ${sp(t.expand16x5FullToLeafOnly!.measured as Spread, r2)} (${met(t.expand16x5FullToLeafOnly!.met)})`),
    row("the same `Expand`, leaf observations only", w.expand16x5LeafObservationsOnly!, "nodes/s", "—"),
    row("the leaf-only `Expand` with 4 callers", w.expand16x5LeafOnly4Callers!, "nodes/s", "—"),
    row("`BatchStep` 256, 2 callers on one server process", w.batchStep256TwoCallersOneProcess!, "env steps/s", "—"),
    `| \`BatchStep\` 256, 2 calls in flight: two server processes (\`--workers 2\`) against one (${r.workers.cores} cores, shared with the client) | ${sp(r.workers.twoProcessesOneCallerEach.envStepsPerSec)} against ${sp(r.workers.oneProcessTwoCallers.envStepsPerSec)} env steps/s: ${sp(r.workers.ratioTwoProcessesToOne, r2)}× | — | — | per server CPU-second: ${num(r.workers.twoProcessesOneCallerEach.envStepsPerServerCpuSecond.median)} against ${num(r.workers.oneProcessTwoCallers.envStepsPerServerCpuSecond.median)} env steps | — |`,
    `| ALFWorld \`Expand\` 16 × 5, reply bytes per node | ${w.alfworldExpand16x5Bytes.validActionsWhenChangedBytesPerNode} B with valid actions when changed, ${w.alfworldExpand16x5Bytes.withDeltasBytesPerNode ?? "—"} B adding deltas, ${w.alfworldExpand16x5Bytes.defaultBytesPerNode} B by default | — | — | — | ≤ 250 B (${met(t.alfworldExpandBytesPerNodeValidActionsWhenChanged!.met)} when changed; ${t.alfworldExpandBytesPerNodeWithDeltas ? met(t.alfworldExpandBytesPerNodeWithDeltas.met) : "—"} with deltas) |`,
    `| Sokoban 6×6 in-process: bare step / step + the observation the server sends (text, fingerprint${lean ? "; text alone, as the lean options ask" : ""}) / gym-sokoban | ${num(r.inProcess.sokoban6x6.stepsPerSec)} / ${num(r.inProcess.sokoban6x6StepWithServerObservation.stepsPerSec)}${lean ? ` (${num(lean.stepsPerSec)})` : ""} steps/s / ${gym.available ? `${num(gym.stepsPerSec_raw!)} (raw), ${num(gym.stepsPerSec_tiny_rgb_array!)} (tiny_rgb_array)` : `unavailable (${gym.reason?.replace(/^unavailable: /, "")})`} | — | — | — | bare step ≥ 2 M (${met(t.inProcessStepsPerSec!.met)}) |`,
    `| Sokoban clone + restore, in-process | ${r.inProcess.sokoban10x10.cloneRestoreNs} ns | — | — | — | ≤ 1000 ns (${met(t.cloneRestoreNs!.met)}) |`,
  ];
  return lines.join("\n");
}

/** README text with its block replaced by `block`. */
export function withBlock(readme: string, block: string): string {
  const a = readme.indexOf(BEGIN);
  const b = readme.indexOf(END);
  if (a < 0 || b < a) throw new Error(`README.md lacks the markers ${BEGIN} … ${END}`);
  return readme.slice(0, a + BEGIN.length) + "\n" + block + "\n" + readme.slice(b);
}

export function readBlock(readme: string): string {
  const a = readme.indexOf(BEGIN);
  const b = readme.indexOf(END);
  if (a < 0 || b < a) throw new Error(`README.md lacks the markers ${BEGIN} … ${END}`);
  return readme.slice(a + BEGIN.length, b).trim();
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const report = JSON.parse(readFileSync(process.env.SERVER_JSON ?? "bench/results/server.json", "utf8")) as ServerReport;
  const block = serverFiguresBlock(report);
  if (process.argv.includes("--write")) {
    writeFileSync("README.md", withBlock(readFileSync("README.md", "utf8"), block));
    process.stderr.write("README.md: server figures rewritten from bench/results/server.json\n");
  } else console.log(block);
}
