/**
 * The environment server: the engine bound to gRPC, plus the health service,
 * server reflection (so grpcurl works), Prometheus metrics, housekeeping timers
 * and graceful drain. Every limit has a default chosen for a server open to
 * strangers, and an option (and a `dynamind serve` flag) to change it.
 */
import { randomBytes } from "node:crypto";
import { createServer as createHttpServer, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { Server, ServerCredentials } from "@grpc/grpc-js";
import { loadSync } from "@grpc/proto-loader";
import { ReflectionService } from "@grpc/reflection";
import { HealthImplementation, protoPath as healthProtoPath } from "grpc-health-check";
import { builtinRegistry } from "../adapters/index.js";
import type { OperatorConfig, OperatorResources } from "../adapters/operator-resources.js";
import type { EnvRegistry } from "../adapters/registry.js";
import {
  EnvServiceService,
  type BatchStepResponse,
  type ConnectResponse,
  type ResetResponse,
  type RestoreStateResponse,
  type StepResponse,
} from "../gen/ts/dynamind/env/v1/env_service_pb.js";
import { EnvEngine, type EngineLimits } from "./core/engine.js";
import { CallGuard } from "./grpc/call-guard.js";
import { CallRegister, callPolicy } from "./grpc/call-policy.js";
import { connectHandler } from "./grpc/connect-stream.js";
import { withSafeDecoding } from "./grpc/decoding.js";
import { requestPrechecks } from "./grpc/request-counts.js";
import { readRawExpand, serializeExpandReply } from "./grpc/expand-codec.js";
import { readBatchStepRequest, readStepRequest } from "./grpc/step-request-codec.js";
import { FastEncoder } from "./grpc/fast-encode.js";
import { createMetrics } from "./grpc/metrics.js";
import { unaryHandlers, type RefusalLog } from "./grpc/unary-handlers.js";
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
  /**
   * This server's id, prefixed to every session and state id so that a proxy can route
   * calls by the `x-dynamind-route` header (a DNS label, e.g. the pod name). Random when absent.
   */
  serverId?: string;
  /** Key sealing portable states; servers sharing it accept each other's states. Random when absent. */
  stateKey?: Buffer | string;
  /** Require `authorization: Bearer <token>` on every call but health (EnvService, reflection, metrics). */
  token?: string;
  /** Serve TLS with this certificate chain and key (PEM). */
  tls?: { cert: Buffer; key: Buffer };
  /** Serve Prometheus metrics over HTTP on this port (0 = any free port); off when undefined. */
  metricsPort?: number;
  /** Largest request accepted, bytes (default 4 MiB, as grpc-go). */
  maxReceiveMessageBytes?: number;
  /** Largest reply sent, bytes (default 64 MiB; Expand replies are budgeted below it). */
  maxSendMessageBytes?: number;
  /** Concurrent calls (HTTP/2 streams) per connection (default 256). */
  maxConcurrentStreams?: number;
  /** A unary request must have arrived this long after its call started, ms (default 30 s). */
  requestTimeoutMs?: number;
  /** A stream with no message either way for this long is closed, ms (default 10 min). */
  streamIdleTimeoutMs?: number;
  /** The server pings each connection this often and drops it when no answer comes in 20 s, ms (default 60 s). */
  keepaliveMs?: number;
  /** Connections with no call for this long are closed (clients reconnect on their next call), ms (default 30 min). */
  connectionIdleTimeoutMs?: number;
  /** Housekeeping period (idle sessions, expired states), ms. */
  sweepIntervalMs?: number;
  logger?: Logger;
  /** The clock of session idleness and saved-state expiry (ms); tests inject one so that no expiry depends on how fast the machine is. */
  now?: () => number;
}

export const DEFAULT_SERVER_LIMITS = {
  maxReceiveMessageBytes: 4 * 1024 * 1024,
  maxSendMessageBytes: 64 * 1024 * 1024,
  maxConcurrentStreams: 256,
  requestTimeoutMs: 30_000,
  streamIdleTimeoutMs: 10 * 60_000,
  keepaliveMs: 60_000,
  connectionIdleTimeoutMs: 30 * 60_000,
} as const;

export interface StopResult {
  /** Calls still open when the drain period ended, cut with UNAVAILABLE and reason SHUTTING_DOWN. */
  cut: number;
}

export interface RunningServer {
  /** "host:port" to dial. */
  address: string;
  /** The id prefixed to this server's session and state ids (its routing key). */
  serverId: string;
  port: number;
  /** "http://host:port/metrics" when metrics are on. */
  metricsUrl: string | undefined;
  engine: EnvEngine;
  /**
   * Drains: health says NOT_SERVING and new sessions are refused while calls in flight
   * finish (up to graceMs); calls still open then are cut with a reason; then everything closes.
   */
  stop(graceMs?: number): Promise<StopResult>;
}

export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const host = options.host ?? "127.0.0.1";
  const logger = options.logger ?? createLogger();
  const stateKey = resolveStateKey(options.stateKey, logger);
  const limits = { ...DEFAULT_SERVER_LIMITS, ...definedOnly(options) };
  const engine = await EnvEngine.create(options.registry ?? builtinRegistry(options.resources), options.limits ?? {}, stateKey, {
    onInternalError: (err, incident) => logger.error({ err, incident }, "internal error"),
    serverId: options.serverId,
    now: options.now,
  });
  const guard = new CallGuard(options.token);
  const metrics = createMetrics(engine);
  const calls = new CallRegister();
  const onRefused: RefusalLog = (method, peer, reason, message) => logger.debug({ method, peer, reason, message }, "call refused");

  if (limits.maxSendMessageBytes <= engine.limits.maxExpandReplyBytes) {
    throw new Error(`the send limit (${limits.maxSendMessageBytes} bytes) must be above the Expand reply budget (${engine.limits.maxExpandReplyBytes})`);
  }
  const server = new Server({
    "grpc.max_receive_message_length": limits.maxReceiveMessageBytes,
    "grpc.max_send_message_length": limits.maxSendMessageBytes,
    "grpc.max_concurrent_streams": limits.maxConcurrentStreams,
    // Detect half-open connections; their sessions then go idle and are reaped. grpc-js has no
    // policy for clients' pings (ping strikes); Node's HTTP/2 bounds outstanding pings and
    // session memory, answering floods with ENHANCE_YOUR_CALM.
    "grpc.keepalive_time_ms": limits.keepaliveMs,
    "grpc.keepalive_timeout_ms": 20_000,
    "grpc.max_connection_idle_ms": limits.connectionIdleTimeoutMs,
    interceptors: [
      callPolicy(
        {
          guard,
          requestTimeoutMs: limits.requestTimeoutMs,
          streamIdleTimeoutMs: limits.streamIdleTimeoutMs,
          onRefused: (path, peer, reason) => logger.debug({ method: path, peer, reason }, "call refused"),
        },
        calls,
      ),
    ],
  });
  // Expand's request and reply are read and written in time slices (expand-codec.ts); the
  // replies carrying StepResults are written by the fast encoder (fast-encode.ts), and Step
  // and BatchStep requests read by step-request-codec.ts; property tests hold both equal to
  // the generated code.
  const fast = new FastEncoder();
  const S = EnvServiceService;
  const service = {
    ...S,
    step: {
      ...S.step,
      requestDeserialize: readStepRequest as unknown as typeof S.step.requestDeserialize,
      responseSerialize: (r: StepResponse) => fast.resultReply(r),
    },
    reset: { ...S.reset, responseSerialize: (r: ResetResponse) => fast.resultReply(r) },
    restoreState: { ...S.restoreState, responseSerialize: (r: RestoreStateResponse) => fast.resultReply(r) },
    batchStep: {
      ...S.batchStep,
      requestDeserialize: readBatchStepRequest as unknown as typeof S.batchStep.requestDeserialize,
      responseSerialize: (r: BatchStepResponse) => fast.batchStepReply(r),
    },
    connect: { ...S.connect, responseSerialize: (r: ConnectResponse) => fast.connectReply(r) },
    expand: {
      ...EnvServiceService.expand,
      requestDeserialize: readRawExpand as unknown as typeof EnvServiceService.expand.requestDeserialize,
      responseSerialize: serializeExpandReply(EnvServiceService.expand.responseSerialize),
    },
  };
  server.addService(withSafeDecoding(service, ["connect"], requestPrechecks(engine.limits)), {
    ...unaryHandlers(engine, guard, metrics, onRefused),
    connect: connectHandler(engine, guard, metrics, onRefused),
  });
  const health = new HealthImplementation({ "": "SERVING", [SERVICE_NAME]: "SERVING" });
  health.addToServer(server);
  const protoDir = join(packageRoot(), "proto");
  // Reflection describes both services served here, so `grpcurl list` shows grpc.health.v1.Health too.
  new ReflectionService(loadSync(["dynamind/env/v1/env_service.proto", healthProtoPath], { includeDirs: [protoDir] })).addToServer(server);

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
      // Same token as the gRPC service (Prometheus: `authorization: {credentials: ...}` or bearer_token).
      if (!guard.accepts(req.headers.authorization)) {
        res.writeHead(401, { "www-authenticate": "Bearer" }).end("missing or wrong bearer token\n");
        return;
      }
      metrics.registry.metrics().then(
        (text) => res.writeHead(200, { "content-type": metrics.registry.contentType }).end(text),
        (err: Error) => {
          logger.error({ err }, "metrics collection failed");
          res.writeHead(500).end("metrics collection failed\n");
        },
      );
    });
    await new Promise<void>((resolve) => metricsServer!.listen(options.metricsPort, host, resolve));
    metricsUrl = `http://${host}:${(metricsServer.address() as AddressInfo).port}/metrics`;
  }

  const address = `${host.includes(":") ? `[${host}]` : host}:${port}`;
  logger.info({ address, serverId: engine.serverId, envs: engine.listEnvs().envs.map((e) => e.id), tls: !!options.tls, auth: !!options.token, metricsUrl }, "dynamind env server listening");

  let stopping: Promise<StopResult> | undefined;
  const stop = (graceMs = 10_000): Promise<StopResult> =>
    (stopping ??= (async () => {
      logger.info({ graceMs, openCalls: calls.size }, "draining");
      engine.drain();
      health.setStatus("", "NOT_SERVING");
      health.setStatus(SERVICE_NAME, "NOT_SERVING");
      clearInterval(sweepTimer);
      const finished = await calls.idle(graceMs);
      const cut = finished ? [] : calls.cutAll(`the server stopped: its drain period of ${graceMs} ms ended before this call did`);
      if (cut.length > 0) logger.warn({ cut: cut.length, methods: [...new Set(cut)] }, "drain period ended: calls cut");
      await new Promise<void>((resolve) => {
        const force = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, 1000);
        force.unref();
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      });
      await new Promise<void>((resolve) => (metricsServer ? metricsServer.close(() => resolve()) : resolve()));
      metricsServer?.closeAllConnections();
      await engine.close();
      logger.info({ cut: cut.length }, "stopped");
      return { cut: cut.length };
    })());

  return { address, serverId: engine.serverId, port, metricsUrl, engine, stop };
}

/** The server limits given in options, without undefined values (which would override defaults). */
function definedOnly(options: ServerOptions): Partial<typeof DEFAULT_SERVER_LIMITS> {
  const out: Record<string, number> = {};
  for (const key of Object.keys(DEFAULT_SERVER_LIMITS) as (keyof typeof DEFAULT_SERVER_LIMITS)[]) {
    const v = options[key];
    if (v !== undefined) out[key] = v;
  }
  return out;
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
