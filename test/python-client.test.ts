/**
 * Runs the Python client's unittest suite (clients/python/tests) against a real
 * server started in-process. Needs Debian's python3-grpcio and python3-protobuf
 * under /usr/bin/python3; skipped, with a message, when they are missing.
 */
import { spawn, spawnSync } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../env-server/logger.js";
import { startServer } from "../env-server/server.js";

const PYTHON = "/usr/bin/python3";
const ROOT = fileURLToPath(new URL("..", import.meta.url));
const TIMEOUT_MS = 60_000;

function pythonGrpcAvailable(): boolean {
  const probe = spawnSync(PYTHON, ["-c", "import grpc, google.protobuf"], { stdio: "ignore" });
  return probe.status === 0;
}

const hasPython = pythonGrpcAvailable();
if (!hasPython) {
  console.warn(
    `python-client.test.ts: skipped — ${PYTHON} cannot import grpc and google.protobuf ` +
      "(apt-get install -y python3-grpcio python3-protobuf).",
  );
}

/** Runs a command without blocking the event loop (the server lives in this process). */
function run(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  cwd = ROOT,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output }));
  });
}

const cases = [
  { name: "without auth", token: undefined },
  { name: "with a bearer token", token: "python-client-test-token" },
] as const;

describe.skipIf(!hasPython).each(cases)("Python client (clients/python) against a real server, $name", ({ token }) => {
  let server: Awaited<ReturnType<typeof startServer>> | undefined;

  beforeAll(async () => {
    server = await startServer({ host: "127.0.0.1", port: 0, logger: createLogger("dynamind", "warn"), ...(token ? { token } : {}) });
  }, TIMEOUT_MS);

  afterAll(async () => {
    await server?.stop();
  }, TIMEOUT_MS);

  it(
    "passes the unittest suite",
    async () => {
      const env: NodeJS.ProcessEnv = { ...process.env, DYNAMIND_ADDRESS: server!.address, PYTHONDONTWRITEBYTECODE: "1" };
      delete env.DYNAMIND_TOKEN;
      if (token) env.DYNAMIND_TOKEN = token;
      // From clients/python, so `-m unittest` imports dynamind_env from the source tree.
      const { code, output } = await run(PYTHON, ["-m", "unittest", "discover", "-s", "tests", "-v"], env, join(ROOT, "clients/python"));
      if (code !== 0) console.error(output);
      expect(code, `Python suite failed:\n${output}`).toBe(0);
      expect(output).not.toMatch(/skipped 'set DYNAMIND_ADDRESS/);
    },
    TIMEOUT_MS,
  );
});
