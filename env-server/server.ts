/**
 * The environment server: the engine bound to gRPC, plus the health service,
 * server reflection (so grpcurl works), Prometheus metrics, housekeeping timers
 * and graceful drain.
 */
import { randomBytes } from "node:crypto";
import { createServer as createHttpServer, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { Server, ServerCredentials } from "@grpc/grpc-js";
import { loadSync } from "@grpc/proto-loader";
import { ReflectionService } from "@grpc/reflection";
import { HealthImplementation } from "grpc-health-check";
import { builtinRegistry } from "../adapters/index.js";
import type { OperatorConfig, OperatorResources } from "../adapters/operator-resources.js";
import type { EnvRegistry } from "../adapters/registry.js";
import { EnvServiceService } from "../gen/ts/dynamind/env/v1/env_service_pb.js";
import { EnvEngine, type EngineLimits } from "./core/engine.js";
import { CallGuard } from "./grpc/call-guard.js";
import { connectHandler } from "./grpc/connect-stream.js";
import { createMetrics } from "./grpc/metrics.js";
import { unaryHandlers } from "./grpc/unary-handlers.js";
import { createLogger, type Logger } from "./logger.js";
import { packageRoot } from "./package-root.js";

export const SERVICE_NAME = "dynamind.env.v1.EnvService";

export interface ServerOptions {
  /** Interface to bind; loopback unless told otherwise. */
  host?: string;
  /** Port; 0 picks a free one. Default 50051. */
  port?: number;
  registry?: EnvRegistry;
  /** What the operator grants sessions by name (data sets, Android devices); ignored with `registry`. */
  resources?: OperatorResources | OperatorConfig;
  limits?: Partial<EngineLimits>;
  /** Key sealing portable states; servers sharing it accept each other's states. Random when absent. */
  stateKey?: Buffer | string;
  /** Require `authorization: Bearer <token>` on every EnvService call. */
  token?: string;
  /** Serve TLS with this certificate chain and key (PEM). */
  tls?: { cert: Buffer; key: Buffer };
  /** Serve Prometheus metrics over HTTP on this port (0 = any free port); off when undefined. */
  metricsPort?: number;
  /** Largest request accepted, bytes. */
  maxReceiveMessageBytes?: number;
  /** Housekeeping period (idle sessions, expired states), ms. */
  sweepIntervalMs?: number;
  logger?: Logger;
}

export interface RunningServer {
  /** "host:port" to dial. */
  address: string;
  port: number;
  /** "http://host:port/metrics" when metrics are on. */
  metricsUrl: string | undefined;
  engine: EnvEngine;
  /** Stops taking new sessions, waits up to graceMs for calls in flight, then closes everything. */
  stop(graceMs?: number): Promise<void>;
}

export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const host = options.host ?? "127.0.0.1";
  const logger = options.logger ?? createLogger();
  const stateKey = resolveStateKey(options.stateKey, logger);
  const engine = await EnvEngine.create(options.registry ?? builtinRegistry(options.resources), options.limits ?? {}, stateKey);
  const guard = new CallGuard(options.token);
  const metrics = createMetrics(engine);

  const server = new Server({
    "grpc.max_receive_message_length": options.maxReceiveMessageBytes ?? 16 * 1024 * 1024,
    "grpc.max_send_message_length": 512 * 1024 * 1024,
    // Detect half-open connections; their sessions then go idle and are reaped.
    "grpc.keepalive_time_ms": 60_000,
    "grpc.keepalive_timeout_ms": 20_000,
    "grpc.keepalive_permit_without_calls": 1,
  });
  server.addService(EnvServiceService, { ...unaryHandlers(engine, guard, metrics), connect: connectHandler(engine, guard, metrics) });
  const health = new HealthImplementation({ "": "SERVING", [SERVICE_NAME]: "SERVING" });
  health.addToServer(server);
  const protoDir = join(packageRoot(), "proto");
  new ReflectionService(loadSync("dynamind/env/v1/env_service.proto", { includeDirs: [protoDir] })).addToServer(server);

  const credentials = options.tls
    ? ServerCredentials.createSsl(null, [{ cert_chain: options.tls.cert, private_key: options.tls.key }], false)
    : ServerCredentials.createInsecure();
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${host.includes(":") ? `[${host}]` : host}:${options.port ?? 50051}`, credentials, (err, p) => (err ? reject(err) : resolve(p))),
  );

  const sweepTimer = setInterval(() => {
    const { reapedSessions, expiredStates } = engine.sweep();
    if (reapedSessions.length > 0 || expiredStates > 0) logger.info({ reapedSessions: reapedSessions.length, expiredStates }, "housekeeping");
  }, options.sweepIntervalMs ?? 5_000);
  sweepTimer.unref();

  let metricsServer: HttpServer | undefined;
  let metricsUrl: string | undefined;
  if (options.metricsPort !== undefined) {
    metricsServer = createHttpServer((req, res) => {
      if (req.url !== "/metrics") {
        res.writeHead(404).end("see /metrics\n");
        return;
      }
      metrics.registry.metrics().then(
        (text) => res.writeHead(200, { "content-type": metrics.registry.contentType }).end(text),
        (err: Error) => res.writeHead(500).end(err.message),
      );
    });
    await new Promise<void>((resolve) => metricsServer!.listen(options.metricsPort, host, resolve));
    metricsUrl = `http://${host}:${(metricsServer.address() as AddressInfo).port}/metrics`;
  }

  const address = `${host.includes(":") ? `[${host}]` : host}:${port}`;
  logger.info({ address, envs: engine.listEnvs().envs.map((e) => e.id), tls: !!options.tls, auth: !!options.token, metricsUrl }, "dynamind env server listening");

  let stopping: Promise<void> | undefined;
  const stop = (graceMs = 10_000): Promise<void> =>
    (stopping ??= (async () => {
      logger.info({ graceMs }, "draining");
      engine.drain();
      health.setStatus("", "NOT_SERVING");
      health.setStatus(SERVICE_NAME, "NOT_SERVING");
      clearInterval(sweepTimer);
      await new Promise<void>((resolve) => {
        const force = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, graceMs);
        force.unref();
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      });
      await new Promise<void>((resolve) => (metricsServer ? metricsServer.close(() => resolve()) : resolve()));
      await engine.close();
      logger.info("stopped");
    })());

  return { address, port, metricsUrl, engine, stop };
}

function resolveStateKey(key: Buffer | string | undefined, logger: Logger): Buffer {
  const given = key ?? process.env.DYNAMIND_STATE_KEY;
  if (given === undefined || given.length === 0) {
    logger.debug("no state key given: portable states are accepted by this process only (set DYNAMIND_STATE_KEY to share)");
    return randomBytes(32);
  }
  const buf = typeof given === "string" ? Buffer.from(given, "utf8") : given;
  if (buf.length < 16) throw new Error("the state key must be at least 16 bytes");
  return buf;
}
