import { readFileSync } from "node:fs";
import { Command, Option } from "commander";
import { createLogger } from "../../env-server/logger.js";
import { DEFAULT_LIMITS } from "../../env-server/core/limits.js";
import { checkServerId } from "../../env-server/core/server-id.js";
import type { Logger } from "../../env-server/logger.js";
import { DEFAULT_SERVER_LIMITS, startServer } from "../../env-server/server.js";
import { addOperatorOptions, operatorResourcesFrom } from "../operator-options.js";
import { int } from "../options.js";
import { runWorkers } from "./serve-workers.js";

const MB = 1024 * 1024;

/** The bearer token from --token-file, DYNAMIND_TOKEN or --token (warned: a flag shows in the process list). */
function resolveToken(opts: { token?: string; tokenFile?: string }, command: Command, logger: Logger): string | undefined {
  // An empty DYNAMIND_TOKEN means none (a token of "" would lock every client out).
  if (opts.token === "") opts.token = undefined;
  if (opts.tokenFile !== undefined) {
    if (opts.token !== undefined) throw new Error("give --token-file or --token/DYNAMIND_TOKEN, not both");
    const token = readFileSync(opts.tokenFile, "utf8").split(/\r?\n/)[0]!.trim();
    if (token.length === 0) throw new Error(`--token-file ${opts.tokenFile} holds no token on its first line`);
    return token;
  }
  if (opts.token !== undefined && command.getOptionValueSource("token") === "cli") {
    logger.warn("--token is visible to every user in the process list; prefer DYNAMIND_TOKEN or --token-file");
  }
  return opts.token;
}

function warnIfSecretOnCommandLine(command: Command, logger: Logger): void {
  if (command.getOptionValueSource("stateKey") === "cli") {
    logger.warn("--state-key is visible to every user in the process list; prefer DYNAMIND_STATE_KEY");
  }
}

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
    .addOption(
      new Option("--token <token>", "require `authorization: Bearer <token>` on every call but health (prefer DYNAMIND_TOKEN or --token-file: a flag is visible in the process list)").env(
        "DYNAMIND_TOKEN",
      ),
    )
    .option("--token-file <file>", "read the bearer token from this file (first line)")
    .option("--tls-cert <file>", "PEM certificate chain: serve TLS")
    .option("--tls-key <file>", "PEM private key for --tls-cert")
    .addOption(
      new Option("--server-id <id>", "this server's name in its session and state ids, which a proxy routes on (a DNS label, e.g. the pod name; random when absent)").env(
        "DYNAMIND_SERVER_ID",
      ),
    )
    .addOption(new Option("--state-key <key>", "key sealing portable states (servers sharing it accept each other's states)").env("DYNAMIND_STATE_KEY"))
    .option("--max-sessions <n>", "most sessions at once", int, DEFAULT_LIMITS.maxSessions)
    .option("--max-sessions-per-client <n>", "most sessions one client (peer address) may hold", int, DEFAULT_LIMITS.maxSessionsPerClient)
    .option("--idle-timeout <seconds>", "close sessions unused this long (0 = never)", int, 600)
    .option("--unstarted-idle-timeout <seconds>", "close sessions never reset after this long unused", int, DEFAULT_LIMITS.unstartedIdleTimeoutMs / 1000)
    .option("--max-receive-mb <mb>", "largest request accepted", int, DEFAULT_SERVER_LIMITS.maxReceiveMessageBytes / MB)
    .option("--max-send-mb <mb>", "largest reply sent (Expand replies are budgeted below it)", int, DEFAULT_SERVER_LIMITS.maxSendMessageBytes / MB)
    .option("--max-concurrent-streams <n>", "concurrent calls per connection", int, DEFAULT_SERVER_LIMITS.maxConcurrentStreams)
    .option("--request-timeout <seconds>", "a unary request must arrive within this long", int, DEFAULT_SERVER_LIMITS.requestTimeoutMs / 1000)
    .option("--stream-idle-timeout <seconds>", "close streams with no message either way for this long", int, DEFAULT_SERVER_LIMITS.streamIdleTimeoutMs / 1000)
    .option("--keepalive <seconds>", "ping each connection this often; drop it when no answer comes in 20 s", int, DEFAULT_SERVER_LIMITS.keepaliveMs / 1000)
    .option("--connection-idle-timeout <seconds>", "close connections with no call for this long", int, DEFAULT_SERVER_LIMITS.connectionIdleTimeoutMs / 1000)
    .option("--state-ttl <seconds>", "lifetime of saved states", int, 600)
    .option("--state-budget-mb <mb>", "memory budget of saved states; least recently used are evicted", int, 512)
    .option("--drain-seconds <s>", "on SIGTERM, wait this long for calls in flight", int, 10)
    .option("--workers <n>", "server processes on consecutive ports from --port (one per core)", int, 1)
    .action(async (opts, command: Command) => {
      const logger = createLogger();
      if (!!opts.tlsCert !== !!opts.tlsKey) throw new Error("--tls-cert and --tls-key go together");
      const token = resolveToken(opts, command, logger);
      // Checked before any worker starts, so a bad id fails once; an empty DYNAMIND_SERVER_ID means none.
      if (opts.serverId === "") opts.serverId = undefined;
      if (opts.serverId !== undefined) checkServerId(opts.workers > 1 ? `${opts.serverId}-${opts.workers - 1}` : opts.serverId);
      warnIfSecretOnCommandLine(command, logger);
      // Built (data sets listed) before any worker starts, so a bad path fails once, early.
      const resources = operatorResourcesFrom(opts);
      if (opts.workers > 1) {
        // Secrets travel to the workers in their environment, never on their command lines.
        const forwarded = forwardedOptions(command, ["port", "workers", "stateKey", "token", "tokenFile", "serverId"]);
        return runWorkers(opts.workers, opts.port, forwarded, { stateKey: opts.stateKey, token }, opts.serverId, logger);
      }
      const server = await startServer({
        host: opts.host,
        port: opts.port,
        serverId: opts.serverId,
        metricsPort: opts.metricsPort,
        token,
        stateKey: opts.stateKey,
        tls: opts.tlsCert ? { cert: readFileSync(opts.tlsCert), key: readFileSync(opts.tlsKey) } : undefined,
        maxReceiveMessageBytes: opts.maxReceiveMb * MB,
        maxSendMessageBytes: opts.maxSendMb * MB,
        maxConcurrentStreams: opts.maxConcurrentStreams,
        requestTimeoutMs: opts.requestTimeout * 1000,
        streamIdleTimeoutMs: opts.streamIdleTimeout * 1000,
        keepaliveMs: opts.keepalive * 1000,
        connectionIdleTimeoutMs: opts.connectionIdleTimeout * 1000,
        resources,
        limits: {
          maxSessions: opts.maxSessions,
          maxSessionsPerClient: opts.maxSessionsPerClient,
          idleTimeoutMs: opts.idleTimeout * 1000,
          unstartedIdleTimeoutMs: opts.unstartedIdleTimeout * 1000,
          stateTtlMs: opts.stateTtl * 1000,
          maxStateBytes: opts.stateBudgetMb * 1024 * 1024,
        },
        logger,
      });
      const shutdown = (signal: string): void => {
        logger.info({ signal }, "shutting down");
        // Non-zero when the drain period ended with calls still open: a supervisor sees that work was cut.
        void server.stop(opts.drainSeconds * 1000).then(({ cut }) => process.exit(cut > 0 ? 1 : 0));
      };
      process.once("SIGTERM", () => shutdown("SIGTERM"));
      process.once("SIGINT", () => shutdown("SIGINT"));
    });
}
