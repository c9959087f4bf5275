/**
 * Runs the Python client's unittest suites (clients/python/tests) against a real
 * server started in-process: the sync and asyncio clients and the pip install
 * (needs Debian's python3-grpcio, python3-protobuf, python3-pip, python3-setuptools
 * under /usr/bin/python3), and the Gymnasium environments and vector env (also needs
 * gymnasium: `pip install --break-system-packages gymnasium`, which .ci/run does).
 * Each part is skipped, with a message, when what it needs is missing; android-web's
 * Gymnasium tests must pass when Chromium is present.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../env-server/logger.js";
import { startServer } from "../env-server/server.js";
import { hasChromium } from "./support/chromium.js";

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
const hasGymnasium = hasPython && spawnSync(PYTHON, ["-c", "import gymnasium, numpy, PIL"], { stdio: "ignore" }).status === 0;
if (hasPython && !hasGymnasium) {
  console.warn(
    `python-client.test.ts: the Gymnasium tests are SKIPPED — ${PYTHON} cannot import gymnasium, numpy and PIL ` +
      "(apt-get install -y python3-numpy python3-pil && pip install --break-system-packages gymnasium).",
  );
}
// Looked up, not imported: importing setuptools after pip's distutils fails.
const PIP_PROBE = "import importlib.util as u, sys; sys.exit(any(u.find_spec(m) is None for m in ('pip', 'setuptools', 'wheel')))";
const hasPip = hasPython && spawnSync(PYTHON, ["-c", PIP_PROBE], { stdio: "ignore" }).status === 0;
if (hasPython && !hasPip) {
  console.warn(
    `python-client.test.ts: the pip-install test is SKIPPED — ${PYTHON} lacks pip, setuptools or wheel ` +
      "(apt-get install -y python3-pip python3-setuptools python3-wheel).",
  );
}
if (hasGymnasium && !hasChromium) {
  console.warn("python-client.test.ts: no Chromium — the Python android-web Gymnasium tests are skipped (apt-get install -y chromium).");
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

  /** Runs `python -m unittest discover` over the files matching `pattern` in clients/python/tests. */
  async function suite(pattern: string): Promise<string> {
    const env: NodeJS.ProcessEnv = { ...process.env, DYNAMIND_ADDRESS: server!.address, PYTHONDONTWRITEBYTECODE: "1" };
    delete env.DYNAMIND_TOKEN;
    delete env.PYTHONPATH;
    if (token) env.DYNAMIND_TOKEN = token;
    if (hasChromium) env.DYNAMIND_REQUIRE_ANDROID_WEB = "1";
    // From clients/python, so `-m unittest` imports dynamind_env from the source tree.
    const { code, output } = await run(PYTHON, ["-m", "unittest", "discover", "-s", "tests", "-p", pattern, "-v"], env, join(ROOT, "clients/python"));
    if (code !== 0) console.error(output);
    expect(code, `Python suite ${pattern} failed:\n${output}`).toBe(0);
    expect(output).not.toMatch(/skipped 'set DYNAMIND_ADDRESS/);
    return output;
  }

  it(
    "passes the client, asyncio and pip-install suites",
    async () => {
      // Every file but test_gym.py (fnmatch pattern).
      const output = await suite("test_[!g]*.py");
      if (hasPip) expect(output).toMatch(/test_pip_install_then_import_without_the_source_tree\b.*\.\.\. ok/);
      expect(output).toMatch(/test_reset_step_clone_restore_fork_expand\b.*\.\.\. ok/);
      expect(output).toMatch(/test_sync_client_rebuilds_full_observations\b.*\.\.\. ok/);
      expect(output).toMatch(/test_asyncio_client_rebuilds_full_observations\b.*\.\.\. ok/);
    },
    TIMEOUT_MS * 2,
  );

  it.skipIf(!hasGymnasium)(
    "passes the Gymnasium suite (check_env on every env, seeding, render, vector env) — needs gymnasium",
    async () => {
      const output = await suite("test_gym.py");
      expect(output).not.toMatch(/skipped 'gymnasium is not installed/);
      expect(output).toMatch(/test_check_env_passes_without_warnings_for_every_env\b.*\.\.\. ok/);
    },
    TIMEOUT_MS * 3,
  );
});
