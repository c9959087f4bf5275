import { readFileSync } from "node:fs";
import { Command, Option } from "commander";
import { createLogger } from "../../env-server/logger.js";
import { startServer } from "../../env-server/server.js";
import { addOperatorOptions, operatorResourcesFrom } from "../operator-options.js";
import { int } from "../options.js";
import { runWorkers } from "./serve-workers.js";

/** The options the user gave on the command line, as flags, minus `omit`. */
function forwardedOptions(command: Command, omit: string[]): string[] {
  const out: string[] = [];
  for (const option of command.options) {
    const key = option.attributeName();
    if (omit.includes(key) || command.getOptionValueSource(key) !== "cli") continue;
    const value: unknown = command.getOptionValue(key);
    // Repeatable options (--data) are given once per value.
    for (const v of Array.isArray(value) ? value : [value]) out.push(option.long!, ...(v === true ? [] : [String(v)]));
  }
  return out;
}

export function serveCommand(): Command {
  return addOperatorOptions(new Command("serve"))
    .description("Serve every embedded environment over gRPC (health, reflection and metrics included).")
    .option("--host <host>", "interface to bind (0.0.0.0 to accept remote agents)", "127.0.0.1")
    .option("-p, --port <port>", "gRPC port (0 = any free port)", int, 50051)
    .option("--metrics-port <port>", "serve Prometheus metrics at http://host:port/metrics", int)
    .addOption(new Option("--token <token>", "require `authorization: Bearer <token>` on every call").env("DYNAMIND_TOKEN"))
    .option("--tls-cert <file>", "PEM certificate chain: serve TLS")
    .option("--tls-key <file>", "PEM private key for --tls-cert")
    .addOption(new Option("--state-key <key>", "key sealing portable states (servers sharing it accept each other's states)").env("DYNAMIND_STATE_KEY"))
    .option("--max-sessions <n>", "most sessions at once", int, 4096)
    .option("--idle-timeout <seconds>", "close sessions unused this long (0 = never)", int, 600)
    .option("--state-ttl <seconds>", "lifetime of saved states", int, 600)
    .option("--state-budget-mb <mb>", "memory budget of saved states; least recently used are evicted", int, 512)
    .option("--drain-seconds <s>", "on SIGTERM, wait this long for calls in flight", int, 10)
    .option("--workers <n>", "server processes on consecutive ports from --port (one per core)", int, 1)
    .action(async (opts, command: Command) => {
      const logger = createLogger();
      if (!!opts.tlsCert !== !!opts.tlsKey) throw new Error("--tls-cert and --tls-key go together");
      // Built (data sets listed) before any worker starts, so a bad path fails once, early.
      const resources = operatorResourcesFrom(opts);
      if (opts.workers > 1) {
        const forwarded = forwardedOptions(command, ["port", "workers", "stateKey"]);
        return runWorkers(opts.workers, opts.port, forwarded, opts.stateKey, logger);
      }
      const server = await startServer({
        host: opts.host,
        port: opts.port,
        metricsPort: opts.metricsPort,
        token: opts.token,
        stateKey: opts.stateKey,
        tls: opts.tlsCert ? { cert: readFileSync(opts.tlsCert), key: readFileSync(opts.tlsKey) } : undefined,
        resources,
        limits: {
          maxSessions: opts.maxSessions,
          idleTimeoutMs: opts.idleTimeout * 1000,
          stateTtlMs: opts.stateTtl * 1000,
          maxStateBytes: opts.stateBudgetMb * 1024 * 1024,
        },
        logger,
      });
      const shutdown = (signal: string): void => {
        logger.info({ signal }, "shutting down");
        void server.stop(opts.drainSeconds * 1000).then(() => process.exit(0));
      };
      process.once("SIGTERM", () => shutdown("SIGTERM"));
      process.once("SIGINT", () => shutdown("SIGINT"));
    });
}
