/**
 * Every agent in examples/ runs, as written, against a real server for a short episode: the
 * TypeScript ones under tsx, the Python ones under /usr/bin/python3 (skipped, loudly, without
 * python3-grpcio), and the LLM agents against this project's own OpenAI-compatible model server
 * (an untrained tiny model: it answers nonsense, which the agents count as invalid and replace).
 */
import { execFile, spawnSync } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startModelServer, type ModelServer } from "../agent/llm/server.js";
import { selectBackend } from "../agent/model/backend.js";
import { ByteTokenizer } from "../agent/model/tokenizer.js";
import { TransformerLM } from "../agent/model/transformer.js";
import { useTestServer } from "./support/server.js";

const exec = promisify(execFile);
const ctx = useTestServer();
const python = "/usr/bin/python3";
const hasPythonGrpc = spawnSync(python, ["-c", "import grpc, google.protobuf"]).status === 0;
if (!hasPythonGrpc) console.warn("examples/python skipped: /usr/bin/python3 cannot import grpc (apt-get install python3-grpcio python3-protobuf)");

let llm: ModelServer;
beforeAll(async () => {
  await selectBackend({ prefer: "wasm" });
  const tokenizer = new ByteTokenizer();
  const model = new TransformerLM({ vocabSize: tokenizer.vocabSize, dModel: 16, nLayers: 1, nHeads: 2, dFF: 32, maxSeqLen: 4096 }, { seed: 1 });
  llm = await startModelServer({ model, tokenizer, modelId: "tiny", port: 0, defaultMaxTokens: 4 });
});
afterAll(async () => {
  await llm?.close();
});

const SOKOBAN = ["--env", "sokoban", "--config", '{"preset":"6x6-1box"}', "--episodes", "1"];

/** Runs an example and returns the JSON line of each episode it printed. */
async function run(cmd: string, args: string[]): Promise<Record<string, unknown>[]> {
  const { stdout } = await exec(cmd, args, { encoding: "utf8", timeout: 120_000 });
  return stdout.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
}

const CASES: { name: string; args: () => string[]; expect: Record<string, unknown> }[] = [
  { name: "random agent", args: () => [...SOKOBAN, "--max-steps", "5"], expect: { episode: 0 } },
  { name: "expert agent", args: () => [...SOKOBAN, "--seed", "1"], expect: { success: true } },
  { name: "tree search with Expand", args: () => [...SOKOBAN, "--seed", "1", "--depth", "2"], expect: { success: true } },
  { name: "LLM agent", args: () => [...SOKOBAN, "--max-steps", "1", "--llm-url", `${llm.url}/v1`, "--model", "tiny", "--max-tokens", "4"], expect: { steps: 1 } },
];
const FILE: Record<string, [ts: string, py: string]> = {
  "random agent": ["random-agent", "random_agent"],
  "expert agent": ["expert-agent", "expert_agent"],
  "tree search with Expand": ["tree-search", "tree_search"],
  "LLM agent": ["llm-agent", "llm_agent"],
};

describe("examples/ts", () => {
  for (const c of CASES) {
    it(`the ${c.name} plays an episode`, async () => {
      const out = await run(process.execPath, ["--import", "tsx", `examples/ts/${FILE[c.name]![0]}.ts`, "--address", ctx.server.address, ...c.args()]);
      expect(out).toEqual([expect.objectContaining(c.expect)]);
    });
  }
});

describe("examples/python", () => {
  for (const c of CASES) {
    it.skipIf(!hasPythonGrpc)(`the ${c.name} plays an episode (needs python3-grpcio)`, async () => {
      const out = await run(python, [`examples/python/${FILE[c.name]![1]}.py`, "--address", ctx.server.address, ...c.args()]);
      expect(out).toEqual([expect.objectContaining(c.expect)]);
    });
  }
});
