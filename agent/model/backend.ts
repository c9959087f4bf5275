/**
 * Backend selection at start-up. Order: tfjs-node-gpu (CUDA machines, where the
 * optional package installs with its native binding) → tfjs-node (native CPU;
 * scripts/tfjs-native/setup.sh builds it where its own download cannot run) →
 * wasm (SIMD; what tests and this repo's CPU numbers use) → cpu (pure JS).
 * A native package that is present but whose binding failed to download throws
 * on import: that counts as unavailable, and the next one is tried.
 *
 * "auto" takes the native CPU backend for training only. Its per-op cost (an eager
 * TensorFlow call per op) outweighs its faster kernels in token-by-token generation
 * of this project's small models (bench/results/agent.json: 1.2 k against 2.1 k tokens/s
 * with the KV cache; one evaluation of 16 Sokoban episodes took 15.4 s against 4.1 s),
 * while training takes ~3.5× less CPU per token (5.7 k against 1.6 k tokens per
 * CPU-second). `prefer: "node"` still forces it.
 */
import * as tf from "@tensorflow/tfjs";
import { createRequire } from "node:module";
import path from "node:path";
import type { Logger } from "pino";

export type BackendName = "tensorflow-gpu" | "tensorflow" | "wasm" | "cpu";
export type BackendPreference = "auto" | "gpu" | "node" | "wasm" | "cpu";
/** What the process mostly does with the model: gradient steps, or sampling tokens. */
export type BackendWorkload = "train" | "generate";

export interface SelectBackendOptions {
  /** "auto" (default) walks the chain for the workload; otherwise start the chain at that backend. Env DYNAMIND_BACKEND overrides. */
  prefer?: BackendPreference;
  /** Default "generate": "auto" then skips the native CPU backend (see above). */
  workload?: BackendWorkload;
  logger?: Logger;
}

const ORDER: BackendPreference[] = ["gpu", "node", "wasm", "cpu"];

/** The backends tried, in order, for a preference and a workload. */
export function backendChain(prefer: BackendPreference, workload: BackendWorkload = "generate"): BackendPreference[] {
  if (prefer === "auto") return workload === "train" ? ORDER : ORDER.filter((k) => k !== "node");
  const start = ORDER.indexOf(prefer);
  if (start < 0) throw new Error(`unknown backend "${String(prefer)}" (expected auto, gpu, node, wasm or cpu)`);
  return ORDER.slice(start);
}
let selected: Promise<BackendName> | undefined;
let selectedFor: string | undefined;

/** The directory of the wasm binaries inside node_modules, with a trailing slash. */
export function wasmDistDir(): string {
  const require = createRequire(import.meta.url);
  return path.dirname(require.resolve("@tensorflow/tfjs-backend-wasm/package.json")) + path.sep + "dist" + path.sep;
}

/** Why backends before the chosen one were passed over: not installed (the usual case), or installed but failing. */
export interface BackendProbe {
  absent: string[];
  failed: string[];
}

const PACKAGE: Partial<Record<BackendPreference, string>> = { gpu: "@tensorflow/tfjs-node-gpu", node: "@tensorflow/tfjs-node" };

/** True when `err` says that `pkg` itself is not installed (not that something inside it failed to load). */
function isAbsent(err: unknown, pkg: string): boolean {
  const e = err as { code?: string; message?: string };
  return (e.code === "ERR_MODULE_NOT_FOUND" || e.code === "MODULE_NOT_FOUND") && (e.message ?? "").includes(`'${pkg}'`);
}

/** The probe in one line, e.g. "not installed: @tensorflow/tfjs-node-gpu, @tensorflow/tfjs-node". */
export function describeProbe(probe: BackendProbe): string {
  const parts = [];
  if (probe.absent.length > 0) parts.push(`not installed: ${probe.absent.join(", ")}`);
  if (probe.failed.length > 0) parts.push(`failed: ${probe.failed.join("; ")}`);
  return parts.join("; ");
}

async function tryBackend(kind: BackendPreference, probe: BackendProbe): Promise<BackendName | undefined> {
  try {
    if (kind === "gpu" || kind === "node") {
      const pkg = PACKAGE[kind]!;
      // The package registers the "tensorflow" backend with the shared tfjs-core.
      await import(/* @vite-ignore */ pkg);
      if (!(await tf.setBackend("tensorflow"))) throw new Error("setBackend(tensorflow) returned false");
      return kind === "gpu" ? "tensorflow-gpu" : "tensorflow";
    }
    if (kind === "wasm") {
      const wasm = await import("@tensorflow/tfjs-backend-wasm");
      wasm.setWasmPaths(wasmDistDir());
      if (!(await tf.setBackend("wasm"))) throw new Error("setBackend(wasm) returned false");
      return "wasm";
    }
    if (!(await tf.setBackend("cpu"))) throw new Error("setBackend(cpu) returned false");
    return "cpu";
  } catch (err) {
    const pkg = PACKAGE[kind];
    if (pkg !== undefined && isAbsent(err, pkg)) probe.absent.push(pkg);
    else probe.failed.push(`${kind}: ${((err as Error).message ?? String(err)).split("\n")[0]}`);
    return undefined;
  }
}

/**
 * Picks and activates the best available backend once per process (later calls
 * return the same answer) and logs the choice with the reasons others failed.
 */
export function selectBackend(opts: SelectBackendOptions = {}): Promise<BackendName> {
  const prefer = ((process.env.DYNAMIND_BACKEND as BackendPreference | undefined) ?? opts.prefer ?? "auto") as BackendPreference;
  const chain = backendChain(prefer, opts.workload);
  const key = chain.join(",");
  if (selected && selectedFor === key) return selected;
  selectedFor = key;
  selected = (async () => {
    const probe: BackendProbe = { absent: [], failed: [] };
    for (const kind of chain) {
      const name = await tryBackend(kind, probe);
      if (name) {
        await tf.ready();
        const passed = describeProbe(probe);
        opts.logger?.info({ backend: name, ...probe }, `tensorflow.js backend: ${name}${passed ? ` (${passed})` : ""}`);
        return name;
      }
    }
    throw new Error(`no tensorflow.js backend could start: ${describeProbe(probe)}`);
  })();
  return selected;
}
