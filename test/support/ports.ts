/** Loopback ports for tests that must name them (a fixed or random guess can collide with an ephemeral port in use). */
import { createServer, type Server } from "node:net";

function listen(port: number): Promise<Server | undefined> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once("error", () => resolve(undefined));
    s.listen(port, "127.0.0.1", () => resolve(s));
  });
}

/** The first of `n` consecutive loopback ports that were all free a moment ago (what `serve --workers n --port p` takes). */
export async function consecutiveFreePorts(n: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const first = await listen(0);
    if (!first) continue;
    const port = (first.address() as { port: number }).port;
    const rest: Server[] = [];
    for (let k = 1; k < n; k++) {
      const s = await listen(port + k);
      if (!s) break;
      rest.push(s);
    }
    await Promise.all([first, ...rest].map((s) => new Promise((r) => s.close(r))));
    if (rest.length === n - 1) return port;
  }
  throw new Error(`no ${n} consecutive free loopback ports found`);
}
