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
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DynamindError, EnvClient, routeOf, type RemoteSession } from "../agent/client/index.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const NGINX = process.env.DYNAMIND_NGINX ?? "/usr/sbin/nginx";
const PYTHON = "/usr/bin/python3";
const SERVER_IDS = ["dynamind-0", "dynamind-1", "dynamind-2"];
const STARTUP_MS = 60_000;

const hasNginx = existsSync(NGINX) && spawnSync(NGINX, ["-v"], { stdio: "ignore" }).status === 0;
if (!hasNginx) console.warn(`scale-out.test.ts: skipped — no nginx at ${NGINX} (apt-get install -y nginx, or set DYNAMIND_NGINX).`);
const hasPython = hasNginx && spawnSync(PYTHON, ["-c", "import grpc, google.protobuf"], { stdio: "ignore" }).status === 0;
if (hasNginx && !hasPython) console.warn(`scale-out.test.ts: the Python half is SKIPPED — ${PYTHON} cannot import grpc (apt-get install -y python3-grpcio python3-protobuf).`);

/** Free loopback ports, all held open at once so none is handed out twice. */
async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: n }, () => new Promise<ReturnType<typeof createServer>>((resolve) => {
      const s = createServer();
      s.listen(0, "127.0.0.1", () => resolve(s));
    })),
  );
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}

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

/** The shipped config with its three server ports and its listen port replaced; fails if any is missing. */
function shippedConfig(serverPorts: number[], listenPort: number): string {
  let text = readFileSync(join(ROOT, "deploy/nginx/dynamind.conf"), "utf8");
  const swap = (from: string, to: string, times: number): void => {
    const parts = text.split(from);
    expect(parts.length - 1, `deploy/nginx/dynamind.conf mentions ${from}`).toBe(times);
    text = parts.join(to);
  };
  // Each server appears in its own upstream and in dynamind_any.
  serverPorts.forEach((p, i) => swap(`127.0.0.1:${50051 + i};`, `127.0.0.1:${p};`, 2));
  swap("listen 127.0.0.1:50050 ", `listen 127.0.0.1:${listenPort} `, 1);
  return text;
}

/** nginx in the foreground as this user, with everything (pid, logs, temp files) in `dir`. */
function startNginx(dir: string, site: string): ChildProcess {
  writeFileSync(join(dir, "dynamind.conf"), site);
  // As root, nginx would switch its workers to `nobody`, who cannot write the temp dir.
  const user = process.getuid?.() === 0 ? `user ${userInfo().username};` : "";
  const temp = ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"].map((t) => `${t}_temp_path ${join(dir, t)};`).join("\n  ");
  writeFileSync(
    join(dir, "nginx.conf"),
    `${user}
worker_processes 1;
pid ${join(dir, "nginx.pid")};
error_log ${join(dir, "error.log")} warn;
events { worker_connections 1024; }
http {
  access_log off;
  ${temp}
  include ${join(dir, "dynamind.conf")};
}
`,
  );
  const test = spawnSync(NGINX, ["-t", "-p", dir, "-e", join(dir, "error.log"), "-c", join(dir, "nginx.conf")], { encoding: "utf8" });
  expect(test.status, `nginx -t: ${test.stderr}`).toBe(0);
  return spawn(NGINX, ["-p", dir, "-e", join(dir, "error.log"), "-c", join(dir, "nginx.conf"), "-g", "daemon off;"], { stdio: "ignore" });
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
  let dir = "";
  let servers: ChildProcess[] = [];
  let nginx: ChildProcess | undefined;
  let proxy = "";
  let client: EnvClient;
  const bySession = new Map<string, RemoteSession[]>();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "dynamind-nginx-"));
    const [listen, ...ports] = await freePorts(4);
    const stateKey = randomBytes(32).toString("hex");
    servers = await Promise.all(SERVER_IDS.map((id, i) => startServe(ports[i]!, id, stateKey)));
    nginx = startNginx(dir, shippedConfig(ports, listen!));
    proxy = `127.0.0.1:${listen}`;
    client = new EnvClient({ addresses: proxy, timeoutMs: 20_000 });
    // nginx is up once a call goes through it; a refused connection is retried by the loop.
    for (let i = 0; ; i++) {
      try {
        await client.listEnvs();
        break;
      } catch (err) {
        if (i >= 100) throw new Error(`nginx never answered: ${readFileSync(join(dir, "error.log"), "utf8").slice(-2000)}`, { cause: err });
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }, STARTUP_MS);

  afterAll(async () => {
    client?.close();
    for (const child of [nginx, ...servers]) child?.kill("SIGTERM");
    await Promise.all([nginx, ...servers].map((c) => (c ? exited(c) : undefined)));
    if (dir) rmSync(dir, { recursive: true, force: true });
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
