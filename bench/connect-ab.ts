/**
 * The Connect stream's per-message cost beside the echo stream, repeated: server CPU µs
 * per message and the throughput ratio. For checking a change to the stream handler
 * quickly (the full figures come from `npm run bench -- --only=server`).
 * Run: npx tsx bench/connect-ab.ts [reps] [messages]
 */
import { ServerFigures } from "./server-figures.js";
import { startServerProcess } from "./server-child.js";
import { spread } from "./wire-reference.js";

const reps = Number(process.argv[2] ?? 3);
const messages = Number(process.argv[3] ?? 30_000);
const server = await startServerProcess();
const figs = new ServerFigures(server.address, server.echoAddress);
const rows = [];
try {
  for (let i = 0; i < reps; i++) rows.push(await figs.streamSteps(64, messages, 256));
} finally {
  figs.close();
  await server.stop();
}
console.log(JSON.stringify({
  stepsPerSec: spread(rows.map((r) => r.subject.perSec)),
  echoMessagesPerSec: spread(rows.map((r) => r.echo.perSec)),
  ratioToEcho: spread(rows.map((r) => r.subject.perSec / r.echo.perSec)),
  serverCpuUsPerMessage: spread(rows.map((r) => r.subject.serverCpuUsPerItem)),
  echoServerCpuUsPerMessage: spread(rows.map((r) => r.echo.serverCpuUsPerItem)),
}));
