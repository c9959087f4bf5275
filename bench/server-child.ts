/** Starts bench/server-process.ts as a child process (one core each for client and server). */
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";

export async function startServerProcess(serverId?: string): Promise<{ address: string; echoAddress: string; stop(): void }> {
  const env = serverId === undefined ? process.env : { ...process.env, DYNAMIND_SERVER_ID: serverId };
  const child = spawn(process.execPath, ["--import", "tsx", "bench/server-process.ts"], { stdio: ["ignore", "pipe", "inherit"], env });
  const ready = await new Promise<{ address: string; echoAddress: string }>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once("line", (line) => resolve(JSON.parse(line)));
    child.once("exit", (code) => reject(new Error(`bench server exited with ${code}`)));
  });
  return { ...ready, stop: () => child.kill("SIGTERM") };
}
