/**
 * The server side of the benchmark, run as its own process (as in deployment):
 * the dynamind server, and a bare grpc-js echo service on another port whose
 * methods are the transport reference every figure is compared with, and which
 * reports this process's CPU time (bench/echo-service.ts).
 * Prints one JSON line {address, echoAddress} when ready.
 */
import { Server, ServerCredentials } from "@grpc/grpc-js";
import { createLogger } from "../env-server/logger.js";
import { startServer } from "../env-server/server.js";
import { ECHO_SERVICE, echoImplementation } from "./echo-service.js";


// DYNAMIND_SERVER_ID: the scale bench names its servers so that a proxy can route to them.
const server = await startServer({
  port: 0,
  serverId: process.env.DYNAMIND_SERVER_ID || undefined,
  logger: createLogger("bench", "warn"),
  limits: { maxSessions: 100_000 },
});
const echo = new Server();
echo.addService(ECHO_SERVICE, echoImplementation());
const echoPort = await new Promise<number>((resolve, reject) =>
  echo.bindAsync("127.0.0.1:0", ServerCredentials.createInsecure(), (err, port) => (err ? reject(err) : resolve(port))),
);
console.log(JSON.stringify({ address: server.address, echoAddress: `127.0.0.1:${echoPort}` }));
process.on("SIGTERM", () => void server.stop(100).then(() => process.exit(0)));
