/**
 * android-web over gRPC, as a client sees it: a server in a child process (its own
 * headless Chromium), 1, 2 and 4 sessions stepping at once (each step's reply carries
 * text, UI elements and a PNG screenshot), and RestoreState answered with the full
 * observation against a lighter one (observation options: no screenshot).
 */
import { EnvClient, type RemoteSession } from "../agent/client/index.js";
import { latencySummary as summary, perRepetition } from "./latency-summary.js";
import { startServerProcess } from "./server-child.js";

/** Rounds are grouped into this many repetitions for the spread of their p50s. */
const REPETITIONS = 3;

/** Steps that can repeat forever: each opens an app, whatever screen is up. */
const APPS = ["Settings", "Clock", "Contacts"];

/** Fails a stuck call instead of waiting forever (two sessions with screenshots once hung, issue 12). */
function within<T>(p: Promise<T>, what: string, ms = 60_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<never>((_, rej) => (timer = setTimeout(() => rej(new Error(`${what}: no reply in ${ms / 1000} s`)), ms)))]).finally(() => clearTimeout(timer));
}

export async function runAndroidGrpcBench(opts: { quick?: boolean; log?: (m: string) => void } = {}): Promise<Record<string, unknown>> {
  const rounds = opts.quick ? 3 : 12;
  const server = await startServerProcess();
  const client = new EnvClient({ addresses: server.address, timeoutMs: 120_000 });
  const open = async (n: number): Promise<RemoteSession[]> => {
    const sessions = await Promise.all(Array.from({ length: n }, () => client.createSession("android-web", { observationKinds: ["text", "ui_elements", "image"] })));
    await within(Promise.all(sessions.map((s, i) => s.reset(i, { task: "SystemWifiTurnOn" }))), `reset of ${n} sessions`);
    return sessions;
  };
  try {
    const concurrent: Record<string, unknown> = {};
    for (const n of [1, 2, 4]) {
      opts.log?.(`android-web over gRPC: ${n} concurrent session(s)`);
      const sessions = await open(n);
      const lat = perRepetition(REPETITIONS);
      let screenshots = 0;
      const t0 = performance.now();
      for (let r = 0; r < rounds; r++) {
        await within(
          Promise.all(
            sessions.map(async (s) => {
              const t = performance.now();
              const st = await s.step({ action_type: "open_app", app_name: APPS[r % APPS.length]! });
              lat[Math.floor((r * REPETITIONS) / rounds)]!.push(performance.now() - t);
              if ((st.observation.image?.data.length ?? 0) > 1000) screenshots++;
            }),
          ),
          `step round ${r} of ${n} sessions`,
        );
      }
      const sec = (performance.now() - t0) / 1000;
      await Promise.all(sessions.map((s) => s.close()));
      concurrent[`sessions${n}`] = { step: summary(lat), stepsPerSec: Math.round(((n * rounds) / sec) * 10) / 10, repliesWithScreenshot: `${screenshots} of ${n * rounds}` };
    }

    opts.log?.("android-web over gRPC: RestoreState, full reply against no screenshot");
    const [s] = await open(1);
    await s!.step({ action_type: "open_app", app_name: "Settings" });
    const saved = await s!.clone();
    const full = perRepetition(REPETITIONS);
    const light = perRepetition(REPETITIONS);
    for (let i = 0; i < rounds * 2; i++) {
      await s!.step({ action_type: "open_app", app_name: "Clock" });
      const noImage = i % 2 === 1;
      const t = performance.now();
      const back = await within(s!.restore(saved, noImage ? { image: false } : undefined), "restore");
      (noImage ? light : full)[Math.floor((i * REPETITIONS) / (rounds * 2))]!.push(performance.now() - t);
      if (noImage !== (back.observation.image === undefined || back.observation.image.data.length === 0)) throw new Error("the restore reply's screenshot is not as asked");
    }
    await s!.close();
    return {
      measured:
        "client in this process, server (with its own headless Chromium) in a child process; step = open_app (Settings, Clock, Contacts in turn) with text, UI elements and a PNG screenshot in the reply, all sessions stepping at once each round; RestoreState of a saved handle after a step elsewhere",
      rounds,
      repetitions: REPETITIONS,
      concurrentSessions: concurrent,
      restoreState: { fullObservation: summary(full), withoutScreenshot: summary(light) },
    };
  } finally {
    client.close();
    await server.stop();
  }
}
