/** Starts bench/server-process.ts as a child process (one core each for client and server). */
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";

export interface ServerProcess {
  address: string;
  echoAddress: string;
  pid: number;
  /** Stops the server; resolves when the process has exited (a --cpu-prof profile is written by then). */
  stop(): Promise<void>;
}

/**
 * `nodeArgs`: extra node flags for the server process (the profile run passes --cpu-prof);
 * `checkout`: another checkout of the project whose server to run (an A/B against a baseline).
 */
export async function startServerProcess(serverId?: string, nodeArgs: string[] = [], checkout?: string): Promise<ServerProcess> {
  const env = serverId === undefined ? process.env : { ...process.env, DYNAMIND_SERVER_ID: serverId };
  const child = spawn(process.execPath, [...nodeArgs, "--import", "tsx", "bench/server-process.ts"], { stdio: ["ignore", "pipe", "inherit"], env, cwd: checkout });
  const ready = await new Promise<{ address: string; echoAddress: string }>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once("line", (line) => resolve(JSON.parse(line)));
    child.once("exit", (code) => reject(new Error(`bench server exited with ${code}`)));
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    ...ready,
    pid: child.pid!,
    stop: () => {
      child.kill("SIGTERM");
      return exited;
    },
  };
}
