/**
 * Scale-out: three `dynamind serve` processes behind a real nginx on loopback, run
 * with the shipped deploy/nginx/dynamind.conf (only its ports changed). The
 * TypeScript and the Python client each reach every server through the one proxy
 * address and step, clone, restore, expand and fork there; stopping one server
 * makes its sessions fail with a retryable UNAVAILABLE (SERVER_UNREACHABLE) while
 * the others keep working and new sessions avoid it.
 *
 * Needs Debian's nginx (skipped with a message without it; .ci/run installs it) and,
 * for the Python half, /usr/bin/python3 with python3-grpcio and python3-protobuf.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DynamindError, EnvClient, routeOf, type RemoteSession } from "../agent/client/index.js";
import { NGINX, freePorts, nginxAvailable, shippedConfig, startNginx, type RunningNginx } from "./support/nginx.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const PYTHON = "/usr/bin/python3";
const SERVER_IDS = ["dynamind-0", "dynamind-1", "dynamind-2"];
const STARTUP_MS = 60_000;

const hasNginx = nginxAvailable();
if (!hasNginx) console.warn(`scale-out.test.ts: skipped — no nginx at ${NGINX} (apt-get install -y nginx, or set DYNAMIND_NGINX).`);
const hasPython = hasNginx && spawnSync(PYTHON, ["-c", "import grpc, google.protobuf"], { stdio: "ignore" }).status === 0;
if (hasNginx && !hasPython) console.warn(`scale-out.test.ts: the Python half is SKIPPED — ${PYTHON} cannot import grpc (apt-get install -y python3-grpcio python3-protobuf).`);

/** A `dynamind serve` process; resolves once its "listening" log line appears. */
function startServe(port: number, serverId: string, stateKey: string): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "cli/dynamind.ts", "serve", "--port", String(port), "--server-id", serverId, "--drain-seconds", "1"],
    { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, LOG_LEVEL: "info", DYNAMIND_STATE_KEY: stateKey } },
  );
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stderr! }).on("line", (line) => {
      if (line.includes("listening")) resolve(child);
    });
    child.once("exit", (code) => reject(new Error(`serve ${serverId} exited early with ${code}`)));
  });
}

function runPython(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, PYTHONPATH: join(ROOT, "clients/python"), PYTHONDONTWRITEBYTECODE: "1" };
    const child = spawn(PYTHON, [join(ROOT, "test/support/scale_out_client.py"), ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    child.stderr.on("data", (c: Buffer) => (err += c.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, out, err }));
  });
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null ? Promise.resolve() : new Promise((resolve) => child.once("exit", () => resolve()));
}

describe.skipIf(!hasNginx)("three servers behind nginx (deploy/nginx/dynamind.conf)", () => {
  let servers: ChildProcess[] = [];
  let nginx: RunningNginx | undefined;
  let proxy = "";
  let client: EnvClient;
  const bySession = new Map<string, RemoteSession[]>();

  beforeAll(async () => {
    const [listen, ...ports] = await freePorts(4);
    const stateKey = randomBytes(32).toString("hex");
    servers = await Promise.all(SERVER_IDS.map((id, i) => startServe(ports[i]!, id, stateKey)));
    nginx = await startNginx(shippedConfig(ports, listen!), listen!);
    proxy = nginx.address;
    client = new EnvClient({ addresses: proxy, timeoutMs: 20_000 });
    await client.listEnvs();
  }, STARTUP_MS);

  afterAll(async () => {
    client?.close();
    for (const child of servers) child.kill("SIGTERM");
    await Promise.all([nginx?.stop(), ...servers.map(exited)]);
  }, STARTUP_MS);

  it("spreads new sessions over every server and routes each later call to its session's server (TypeScript client)", async () => {
    for (let i = 0; i < 30 && bySession.size < SERVER_IDS.length; i++) {
      const s = await client.createSession("sokoban");
      const owner = routeOf(s.id)!;
      expect(SERVER_IDS).toContain(owner);
      bySession.set(owner, [...(bySession.get(owner) ?? []), s]);
    }
    expect([...bySession.keys()].sort()).toEqual(SERVER_IDS);
    // A session can also be made on a chosen server (e.g. the one owning an Android device).
    expect(routeOf((await client.createSession("sokoban", { route: "dynamind-2" })).id)).toBe("dynamind-2");

    for (const [owner, [s]] of bySession) {
      await s!.reset(5);
      await s!.step("Up");
      const saved = await s!.clone(true);
      expect(routeOf(saved.id)).toBe(owner);
      await s!.step("Left");
      expect((await s!.restore(saved)).stepIndex).toBe(1);
      const branches = await s!.expand([["Down"], ["Right", "Up"]], { returnLeafStates: true });
      expect(branches.map((b) => b.steps.length)).toEqual([1, 2]);
      expect((await s!.restore(branches[1]!.leaf!)).stepIndex).toBe(3);
      const child = await s!.fork();
      expect(routeOf(child.id)).toBe(owner);
      // Portable bytes work on whichever server the proxy picks: the fleet shares the state key.
      expect((await client.fork(saved.portable!)).initial!.stepIndex).toBe(1);
      expect(await client.release([saved, branches[1]!.leaf!])).toBe(2);
    }
    // One BatchStep per server behind the one address; results in input order.
    const firsts = [...bySession.values()].map((list) => list[0]!);
    const stepped = await client.batchStep(firsts.map((session) => ({ session, action: "Down" })));
    for (const r of stepped) expect(r).not.toBeInstanceOf(DynamindError);
  });

  it.skipIf(!hasPython)("does the same for the Python client (clients/python)", async () => {
    const { code, out, err } = await runPython(["play", proxy, SERVER_IDS.join(",")]);
    expect(code, err).toBe(0);
    const { sessions } = JSON.parse(out) as { sessions: Record<string, string[]> };
    expect(Object.keys(sessions).sort()).toEqual(SERVER_IDS);
  });

  it("answers a stopped server's sessions with a retryable UNAVAILABLE while the others keep working", async () => {
    const [gone, ...live] = SERVER_IDS.map((id) => bySession.get(id)![0]!);
    // A Python session on the stopped server too, to check that client's error.
    let pythonGone: string | undefined;
    while (hasPython && pythonGone === undefined) {
      const s = await client.createSession("sokoban");
      if (routeOf(s.id) === SERVER_IDS[0]) pythonGone = s.id;
    }
    const stopping = servers[0]!;
    stopping.kill("SIGTERM");
    await exited(stopping);

    const err = await gone!.step("Up").then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DynamindError);
    const failure = err as DynamindError;
    expect([failure.code, failure.reason, failure.retryable]).toEqual([14, "SERVER_UNREACHABLE", true]);
    for (const s of live) expect((await s!.step("Up")).stepIndex).toBeGreaterThan(0);
    for (let i = 0; i < 6; i++) expect(routeOf((await client.createSession("sokoban")).id)).not.toBe(SERVER_IDS[0]);

    if (hasPython) {
      const { code, err: stderr } = await runPython(["after-stop", proxy, pythonGone!, ...live.map((s) => s!.id)]);
      expect(code, stderr).toBe(0);
    }
  });
});
