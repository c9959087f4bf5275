/**
 * Client A of the isolation bench, in its own process (its own event loop and
 * connection): repeats the worst call a client may make until a given time, then
 * prints one JSON line with what happened. Prints {"ready":true} once its session is
 * set up, so the measuring client starts with the load.
 *
 * Usage: tsx bench/isolation-load.ts <address> <kind> <seconds>   (calls start for that long after ready)
 */
import { EnvClient, type RemoteSession } from "../agent/client/index.js";
import { HEAVY_CALLS, type HeavyCall, type HeavyKind } from "./isolation-calls.js";

const [address, kind, seconds] = process.argv.slice(2) as [string, HeavyKind, string];
const heavy: HeavyCall = HEAVY_CALLS[kind];
const client = new EnvClient({ addresses: address, timeoutMs: 120_000 });
const session: RemoteSession = await client.createSession(heavy.envId, { config: heavy.config, maxSteps: 0 });
if (heavy.resetSeed !== undefined) await session.reset(heavy.resetSeed);
const request = heavy.request(session.id);
console.log(JSON.stringify({ ready: true }));
const until = Date.now() + Number(seconds) * 1000;

const outcomes: Record<string, number> = {};
const callMs: number[] = [];
for (let i = 0; Date.now() < until || i === 0; i++) {
  const t = performance.now();
  let result = "ok";
  try {
    await client.call(0, heavy.rpc, heavy.vary ? heavy.vary(request, i) : request);
  } catch (err) {
    result = (err as { reason?: string }).reason || "error";
  }
  callMs.push(Math.round(performance.now() - t));
  outcomes[result] = (outcomes[result] ?? 0) + 1;
}
console.log(JSON.stringify({ calls: callMs.length, outcomes, callMs }));
client.close();
