/**
 * A real nginx on loopback in front of local servers, run with the shipped
 * deploy/nginx/dynamind.conf: only its ports change, and the lines of servers beyond
 * the ones given are dropped. Used by test/scale-out.test.ts and bench/scale.ts.
 * nginx runs in the foreground as the current user, with pid, logs and temp files
 * in its own directory.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect, createServer } from "node:net";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const NGINX = process.env.DYNAMIND_NGINX ?? "/usr/sbin/nginx";
/** The servers the shipped file names: dynamind-<i> on port 50051 + i. */
export const SHIPPED_SERVERS = 3;

export function nginxAvailable(): boolean {
  return existsSync(NGINX) && spawnSync(NGINX, ["-v"], { stdio: "ignore" }).status === 0;
}

/** Free loopback ports, all held open at once so none is handed out twice. */
export async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<ReturnType<typeof createServer>>((resolve) => {
          const s = createServer();
          s.listen(0, "127.0.0.1", () => resolve(s));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}

/**
 * deploy/nginx/dynamind.conf for servers dynamind-0..n-1 on `serverPorts`, listening on
 * `listenPort`. Throws if the file no longer has the lines this relies on.
 */
export function shippedConfig(serverPorts: number[], listenPort: number): string {
  if (serverPorts.length < 1 || serverPorts.length > SHIPPED_SERVERS) throw new Error(`1 to ${SHIPPED_SERVERS} servers`);
  let text = readFileSync(join(ROOT, "deploy/nginx/dynamind.conf"), "utf8");
  for (let i = serverPorts.length; i < SHIPPED_SERVERS; i++) {
    const drop = [`dynamind-${i} dynamind_${i};`, `upstream dynamind_${i} `, `server 127.0.0.1:${50051 + i};`];
    text = text
      .split("\n")
      .filter((line) => !drop.some((d) => line.includes(d)))
      .join("\n");
  }
  const swap = (from: string, to: string, times: number): void => {
    const parts = text.split(from);
    if (parts.length - 1 !== times) throw new Error(`deploy/nginx/dynamind.conf mentions ${from} ${parts.length - 1} times, not ${times}`);
    text = parts.join(to);
  };
  // Each server appears in its own upstream and in dynamind_any.
  serverPorts.forEach((p, i) => swap(`127.0.0.1:${50051 + i};`, `127.0.0.1:${p};`, 2));
  swap("listen 127.0.0.1:50050 ", `listen 127.0.0.1:${listenPort} `, 1);
  return text;
}

export interface RunningNginx {
  address: string;
  dir: string;
  errorLog(): string;
  stop(): Promise<void>;
}

/** Checks `site` with nginx -t, then runs it; resolves once nginx accepts connections. */
export async function startNginx(site: string, listenPort: number): Promise<RunningNginx> {
  const dir = mkdtempSync(join(tmpdir(), "dynamind-nginx-"));
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
  const args = ["-p", dir, "-e", join(dir, "error.log"), "-c", join(dir, "nginx.conf")];
  const check = spawnSync(NGINX, ["-t", ...args], { encoding: "utf8" });
  if (check.status !== 0) throw new Error(`nginx -t failed: ${check.stderr.slice(-2000)}`);
  const child: ChildProcess = spawn(NGINX, [...args, "-g", "daemon off;"], { stdio: "ignore" });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const errorLog = () => (existsSync(join(dir, "error.log")) ? readFileSync(join(dir, "error.log"), "utf8").slice(-2000) : "");
  await waitForPort(listenPort, exited, errorLog);
  return {
    address: `127.0.0.1:${listenPort}`,
    dir,
    errorLog,
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Resolves when something accepts TCP connections on the port (polled; nginx binds within milliseconds). */
async function waitForPort(port: number, exited: Promise<void>, errorLog: () => string): Promise<void> {
  let gone = false;
  void exited.then(() => (gone = true));
  for (let i = 0; i < 200; i++) {
    if (gone) throw new Error(`nginx exited: ${errorLog()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, "127.0.0.1", () => {
        s.destroy();
        resolve(true);
      });
      s.once("error", () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nginx did not listen on ${port} within 10 s: ${errorLog()}`);
}
