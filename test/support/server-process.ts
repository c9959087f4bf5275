/** A server in its own process for tests: prints its address as one line, stops on SIGTERM. */
import { createLogger } from "../../env-server/logger.js";
import { startServer } from "../../env-server/server.js";

const server = await startServer({ port: 0, logger: createLogger("test-child", "silent") });
console.log(server.address);
process.on("SIGTERM", () => void server.stop(100).then(() => process.exit(0)));
