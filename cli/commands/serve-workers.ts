/**
 * `serve --workers N`: N independent server processes on consecutive ports, one
 * per core. Sessions live in one process each; the TypeScript client spreads new
 * sessions over all the addresses and routes every call to its session's process.
 * The processes share one state key, so portable states move between them. Each
 * has its own server id (`<id>-<i>` when --server-id names the group), since ids
 * must tell a proxy which process holds a session.
 * Measured: a worker-thread round trip costs ~200 µs here while a Sokoban step
 * costs ~1 µs, so whole processes — not threads — are what pays.
 */
import { fork, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import type { Logger } from "../../env-server/logger.js";

export async function runWorkers(
  workers: number,
  basePort: number,
  forwarded: string[],
  secrets: { stateKey: string | undefined; token: string | undefined },
  serverId: string | undefined,
  logger: Logger,
): Promise<void> {
  if (basePort === 0) throw new Error("--workers needs a fixed --port (workers listen on consecutive ports from it)");
  const key = secrets.stateKey ?? randomBytes(32).toString("hex");
  const env: NodeJS.ProcessEnv = { ...process.env, DYNAMIND_STATE_KEY: key };
  // Without this, every worker would inherit one DYNAMIND_SERVER_ID and issue colliding routing keys.
  delete env.DYNAMIND_SERVER_ID;
  if (secrets.token !== undefined) env.DYNAMIND_TOKEN = secrets.token;
  // The script that is running now (dist/cli/dynamind.js, or the .ts source under tsx).
  const entry = process.argv[1]!;
  const children: ChildProcess[] = [];
  for (let i = 0; i < workers; i++) {
    children.push(
      fork(entry, ["serve", ...forwarded, "--port", String(basePort + i), "--workers", "1", ...(serverId === undefined ? [] : ["--server-id", `${serverId}-${i}`])], {
        env,
        execArgv: process.execArgv,
        stdio: "inherit",
      }),
    );
  }
  logger.info({ addresses: children.map((_, i) => `${basePort + i}`), workers }, "started server workers (one process per port)");
  const exits = children.map((c) => new Promise<number>((resolve) => c.once("exit", (code) => resolve(code ?? 1))));
  // Each child is signalled once: a server handles only its first SIGTERM (it drains), so a second one —
  // sent when the group stops after a sibling already exited — killed it mid-drain with exit code 1.
  const signalled = new Set<ChildProcess>();
  const stop = (signal: NodeJS.Signals) => {
    for (const c of children) {
      if (signalled.has(c) || c.exitCode !== null || c.signalCode !== null) continue;
      signalled.add(c);
      c.kill(signal);
    }
  };
  process.once("SIGTERM", () => stop("SIGTERM"));
  process.once("SIGINT", () => stop("SIGTERM"));
  // One worker dying takes the group down: a supervisor (systemd, k8s) restarts it whole.
  const first = await Promise.race(exits);
  stop("SIGTERM");
  const codes = await Promise.all(exits);
  process.exit(codes.every((c) => c === 0) ? 0 : first || 1);
}
