/** The README's client examples, run as written against a real server, so the README stays true. */
import { execFile, spawnSync } from "node:child_process";
import { promisify } from "node:util";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { useTestServer } from "./support/server.js";

// Async: the server under test runs in this process, so a synchronous child would starve it.
const run = promisify(execFile);
const readme = readFileSync("README.md", "utf8");
const block = (lang: string): string => {
  const m = new RegExp("```" + lang + "\\n([\\s\\S]*?)```").exec(readme);
  if (!m) throw new Error(`README has no ${lang} block`);
  return m[1]!;
};
const ctx = useTestServer({ port: 0 });

const python = "/usr/bin/python3";
const hasPythonGrpc = spawnSync(python, ["-c", "import grpc, google.protobuf"]).status === 0;
const hasGymnasium = hasPythonGrpc && spawnSync(python, ["-c", "import gymnasium, numpy, PIL"]).status === 0;

describe("README examples", () => {
  it("the TypeScript client example runs", async () => {
    const code = block("ts")
      .replaceAll("127.0.0.1:50051", ctx.server.address)
      .replace('"dynamind/client"', JSON.stringify(resolve("agent/client/index.ts")));
    const dir = mkdtempSync(join(tmpdir(), "dynamind-readme-"));
    writeFileSync(join(dir, "example.mts"), code);
    const { stdout: out } = await run(process.execPath, ["--import", "tsx", join(dir, "example.mts")], { encoding: "utf8" });
    expect(out).toContain("Up");
  });

  it.skipIf(!hasPythonGrpc)("the Python client example runs (needs python3-grpcio, python3-protobuf)", async () => {
    const code = block("python").replaceAll("127.0.0.1:50051", ctx.server.address);
    const { stdout: out } = await run(python, ["-c", code], { encoding: "utf8", env: { ...process.env, PYTHONPATH: resolve("clients/python") } });
    expect(out).toContain("Up");
  });

  it.skipIf(!hasGymnasium)("the Gymnasium example runs (needs gymnasium, numpy, pillow)", async () => {
    const code = block("python gym").replaceAll("127.0.0.1:50051", ctx.server.address);
    const { stdout: out } = await run(python, ["-c", code], { encoding: "utf8", env: { ...process.env, PYTHONPATH: resolve("clients/python") } });
    expect(out).toMatch(/Discrete\(9\) \(\d+, \d+, 3\) \['Up', 'Down', 'Left', 'Right'\]/);
  });
});

if (hasPythonGrpc && !hasGymnasium) {
  console.warn("README Gymnasium example SKIPPED: /usr/bin/python3 cannot import gymnasium, numpy and PIL (pip install --break-system-packages gymnasium; apt-get install python3-numpy python3-pil)");
}
if (!hasPythonGrpc) console.warn("README Python example skipped: /usr/bin/python3 cannot import grpc (apt-get install python3-grpcio python3-protobuf)");
