/**
 * What commands that act as agents share: connect to the servers given with
 * --address, or start an embedded server on a free port when none is given.
 */
import { EnvClient } from "../agent/client/index.js";
import { createLogger } from "../env-server/logger.js";
import { startServer, type RunningServer } from "../env-server/server.js";

export interface Connection {
  client: EnvClient;
  close(): Promise<void>;
}

export async function connect(addresses: string | string[] | undefined): Promise<Connection> {
  let server: RunningServer | undefined;
  if (addresses === undefined || addresses.length === 0) server = await startServer({ port: 0, logger: createLogger("dynamind", "warn") });
  const client = new EnvClient({ addresses: addresses ?? server!.address });
  return {
    client,
    close: async () => {
      client.close();
      await server?.stop(1000);
    },
  };
}
