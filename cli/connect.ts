/**
 * What commands that act as agents share: connect to the servers given with
 * --address, or start an embedded server on a free port when none is given (granted
 * the data sets and devices of --data / --server-config, see operator-options.ts).
 */
import { EnvClient } from "../agent/client/index.js";
import { RecordingEnvClient } from "../agent/record/index.js";
import { createLogger } from "../env-server/logger.js";
import { startServer, type RunningServer } from "../env-server/server.js";
import type { DreamFlags } from "../adapters/operator-resources.js";
import { operatorResourcesFrom } from "./operator-options.js";

export interface Connection {
  client: EnvClient;
  close(): Promise<void>;
}

/**
 * `operator.record`: a folder where every episode the command plays is written (the
 * client records, so this works with a remote server too and never names a server path).
 */
export async function connect(
  addresses: string | string[] | undefined,
  operator: { data?: string[]; serverConfig?: string; record?: string } & DreamFlags = {},
): Promise<Connection> {
  let server: RunningServer | undefined;
  const embedded = addresses === undefined || addresses.length === 0;
  const dreamFlags = [operator.dreamEndpoint, operator.dreamCheckpoint, operator.dreamRecordings, operator.dreamCompactPrompt].some((f) => (f?.length ?? 0) > 0);
  if (!embedded && ((operator.data?.length ?? 0) > 0 || operator.serverConfig || dreamFlags)) {
    throw new Error("--data, --server-config and the --dream-* flags configure the embedded server; a running server (--address) has its own");
  }
  if (embedded) server = await startServer({ port: 0, logger: createLogger("dynamind", "warn"), resources: operatorResourcesFrom(operator) });
  const options = { addresses: addresses ?? server!.address };
  const client = operator.record ? new RecordingEnvClient(options, { dir: operator.record }) : new EnvClient(options);
  return {
    client,
    close: async () => {
      client.close();
      await server?.stop(1000);
    },
  };
}
