/**
 * Where the server's time goes under one of the server bench's figures: runs the
 * server with `node --cpu-prof`, drives it with pre-encoded requests as the bench
 * does, and prints the profile of the timed window only (self time by layer, by
 * file inclusive, by function) beside the figure itself.
 * - `connect` (default): a Connect stream of one Step per message, window 256, 64 Sokoban sessions;
 * - `batch`: BatchStep of 256 Sokoban sessions, one call in flight (no echo run);
 * - `batch-lean`: the same with the lean observation options (server-figures.ts LEAN).
 * Run: npx tsx bench/profile-server.ts [connect|batch|batch-lean] [messages or calls]   (profile kept under /tmp)
 */
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LEAN, ServerFigures } from "./server-figures.js";
import { startServerProcess } from "./server-child.js";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  startTime: number;
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const fileOf = (url: string) => url.replace(/^.*node_modules\//, "").replace(/^file:\/\/.*?\/(env-server|gen|adapters|bench|agent)\//, "$1/");

/** Where a function lives, coarsely: the layers the breakdown names. */
function layerOf(f: ProfileNode["callFrame"]): string {
  const u = f.url;
  if (f.functionName === "(garbage collector)") return "garbage collector";
  if (f.functionName === "(idle)") return "idle";
  if (f.functionName === "(program)" || u === "") return "native / program";
  if (u.includes("@grpc/grpc-js")) return "grpc-js";
  if (u.includes("prom-client")) return "metrics (prom-client)";
  if (u.includes("@bufbuild/protobuf") || u.includes("/gen/ts/") || u.includes("fast-encode")) return "protobuf codec";
  if (u.includes("/env-server/grpc/")) return "server gRPC binding";
  if (u.includes("/env-server/core/")) return "engine";
  if (u.includes("/adapters/")) return "environment";
  if (u.startsWith("node:internal/http2") || u.startsWith("node:http2")) return "node http2";
  if (u.startsWith("node:")) return "node streams/events/other";
  return "other";
}

/** Samples with their time, from `from` to `to` (µs on the profile's clock), as self time per function and per layer. */
export function summariseProfile(profile: Profile, from = -Infinity, to = Infinity, top = 25) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<string, number>();
  const layers = new Map<string, number>();
  // Inclusive: a sample counts once for every stage on its stack (a stage is a file of ours).
  const stages = new Map<string, number>();
  let t = profile.startTime;
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    t += dt;
    if (t < from || t > to) return;
    const f = byId.get(id)!.callFrame;
    const key = `${f.functionName || "(anonymous)"} ${fileOf(f.url)}:${f.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + dt);
    layers.set(layerOf(f), (layers.get(layerOf(f)) ?? 0) + dt);
    const seen = new Set<string>();
    for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) {
      const m = /(env-server\/[^:]+|gen\/ts\/[^:]+|adapters\/[^:]+|prom-client)/.exec(fileOf(byId.get(n)!.callFrame.url))?.[1];
      if (m !== undefined) seen.add(m);
    }
    for (const st of seen) stages.set(st, (stages.get(st) ?? 0) + dt);
    total += dt;
  });
  const rows = (m: Map<string, number>, k: number) =>
    [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, k).map(([name, us]) => ({ name, ms: Math.round(us / 1000), share: Math.round((us / total) * 1000) / 10 }));
  return { totalMs: Math.round(total / 1000), functions: rows(self, top), layers: rows(layers, 20), inclusive: rows(stages, 20) };
}

const figure = process.argv[2] ?? "connect";
if (figure !== "connect" && figure !== "batch" && figure !== "batch-lean") throw new Error(`unknown figure ${JSON.stringify(figure)}: connect, batch or batch-lean`);
const count = Number(process.argv[3] ?? (figure === "connect" ? 60_000 : 1_500));
const dir = mkdtempSync(join(tmpdir(), `${figure}-prof-`));
const server = await startServerProcess(undefined, ["--cpu-prof", `--cpu-prof-dir=${dir}`]);
const figs = new ServerFigures(server.address, server.echoAddress);
// The profile's clock is the monotonic one process.hrtime reads, in µs.
const window: { start?: number; end?: number } = {};
try {
  const mark = (phase: "start" | "end") => (window[phase] = Number(process.hrtime.bigint() / 1000n));
  if (figure === "connect") {
    const r = await figs.streamSteps(64, count, 256, mark);
    console.log(JSON.stringify({ stepsPerSec: r.subject.perSec, serverCpuUsPerMessage: r.subject.serverCpuUsPerItem, echoStream: r.echo }, null, 0));
  } else {
    const loop = await figs.batchStepLoop(256, figure === "batch-lean" ? LEAN : undefined);
    await loop.run(100);
    const cpu0 = await figs.cpuUs();
    mark("start");
    const t0 = performance.now();
    await loop.run(count);
    const sec = (performance.now() - t0) / 1000;
    mark("end");
    const cpuUs = (await figs.cpuUs()) - cpu0;
    await loop.close();
    console.log(JSON.stringify({ envStepsPerSec: Math.round((256 * count) / sec), serverCpuUsPerStep: Math.round((cpuUs / (256 * count)) * 10) / 10 }));
  }
} finally {
  figs.close();
  await server.stop();
}
const file = readdirSync(dir).find((f) => f.endsWith(".cpuprofile"));
if (file === undefined) throw new Error(`no profile written under ${dir}`);
const summary = summariseProfile(JSON.parse(readFileSync(join(dir, file), "utf8")) as Profile, window.start, window.end);
console.log(`profile: ${join(dir, file)}; samples inside the timed window only: ${summary.totalMs} ms`);
console.log("self time by layer:");
for (const row of summary.layers) console.log(`${String(row.share).padStart(5)}%  ${String(row.ms).padStart(6)} ms  [${row.name}]`);
console.log("inclusive (a sample counts for every file of ours on its stack):");
for (const row of summary.inclusive) console.log(`${String(row.share).padStart(5)}%  ${String(row.ms).padStart(6)} ms  ${row.name}`);
console.log("self time by function:");
for (const row of summary.functions) console.log(`${String(row.share).padStart(5)}%  ${String(row.ms).padStart(6)} ms  ${row.name}`);
