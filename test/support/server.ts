/** Starts a real server on a free loopback port for a test file, with a client bound to it. */
import { afterAll, beforeAll } from "vitest";
import { EnvClient } from "../../agent/client/index.js";
import { createLogger } from "../../env-server/logger.js";
import { startServer, type RunningServer, type ServerOptions } from "../../env-server/server.js";

export interface TestServer {
  server: RunningServer;
  client: EnvClient;
}

export async function startTestServer(options: ServerOptions = {}): Promise<TestServer> {
  const server = await startServer({ port: 0, logger: createLogger("test", "silent"), ...options });
  return { server, client: new EnvClient({ addresses: server.address, token: options.token }) };
}

/** Registers beforeAll/afterAll hooks; the returned object is filled before the first test. */
export function useTestServer(options: ServerOptions = {}): TestServer {
  const ctx = {} as TestServer;
  beforeAll(async () => Object.assign(ctx, await startTestServer(options)));
  afterAll(async () => {
    ctx.client?.close();
    await ctx.server?.stop(1000);
  });
  return ctx;
}

/** Awaits a promise expected to fail with a DynamindError and returns it. */
export async function rejection(p: Promise<unknown>): Promise<{ code: number; reason: string; message: string; retryable: boolean }> {
  try {
    await p;
  } catch (err) {
    return err as never;
  }
  throw new Error("expected the call to fail, but it succeeded");
}
