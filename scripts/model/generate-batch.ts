/**
 * Generated tokens per second of a checkpoint at several batch sizes (greedy, KV cache,
 * a 150-token prompt, 100 new tokens, no stop tokens), each size measured twice in the
 * order given: what concurrent episodes gain by sharing one batched generation.
 *
 *   node --import tsx scripts/model/generate-batch.ts <checkpoint> [--sizes 1,8,32]
 */
import { loadavg } from "node:os";
import { selectBackend } from "../../agent/model/backend.js";
import { loadCheckpoint } from "../../agent/model/checkpoint.js";

const args = process.argv.slice(2);
const dir = args.find((a, i) => !a.startsWith("--") && args[i - 1] !== "--sizes");
if (!dir) throw new Error("usage: generate-batch.ts <checkpoint> [--sizes 1,8,32]");
const sizes = (args.includes("--sizes") ? args[args.indexOf("--sizes") + 1]! : "1,8,32").split(",").map(Number);
if (sizes.some((b) => !Number.isInteger(b) || b < 1 || b > 256)) throw new Error("--sizes takes batch sizes from 1 to 256, comma-separated");

const backend = await selectBackend({ prefer: "wasm" });
const { model } = await loadCheckpoint(dir, { withOptimizer: false });
const prompt = Array.from({ length: 150 }, (_, i) => 5 + (i % 40));
const rows: { batch: number; seconds: number; tokensPerSec: number }[] = [];
for (let rep = 0; rep < 2; rep++) {
  for (const batch of sizes) {
    const t = performance.now();
    await model.generate(Array.from({ length: batch }, () => prompt), { maxNewTokens: 100, temperature: 0, stopTokens: [] });
    const seconds = (performance.now() - t) / 1000;
    rows.push({ batch, seconds: +seconds.toFixed(3), tokensPerSec: Math.round((batch * 100) / seconds) });
  }
}
console.log(JSON.stringify({ checkpoint: dir, backend, params: model.parameterCount, loadAverage1m: loadavg()[0], rows }, null, 1));
model.dispose();
