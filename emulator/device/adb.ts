/**
 * The adb runner: how every adb command on this host is spawned. The emulator pool
 * uses it to boot and health-check emulators; android-appium's `Adb`
 * (`adapters/android/appium/adb.ts`) wraps it with device commands and the
 * environment's error reasons. Tests inject a fake {@link AdbRunner} and replay outputs.
 *
 * One adb server per emulator: a runner names its server port (`-P`, and
 * ANDROID_ADB_SERVER_PORT for tools that adb itself starts), because a single
 * shared server fails under concurrency.
 */
import { spawn } from "node:child_process";

export interface AdbResult {
  stdout: string;
  stderr: string;
  /** Exit status; -1 when the process could not start or was killed by the timeout. */
  code: number;
}

/** Runs `adb <args>` (without -P: the runner adds it). */
export type AdbRunner = (args: readonly string[], options?: { timeoutMs?: number }) => Promise<AdbResult>;

export interface SpawnAdbOptions {
  /** The adb binary; default "adb" on PATH (Debian's `adb` package works). */
  adbPath?: string;
  /** This device's adb server port; default 5037. */
  serverPort?: number;
}

/**
 * adb could not be run at all. `missing` = the binary is not there (a setup
 * problem the operator fixes); otherwise it failed to start (may pass).
 */
export class AdbSpawnError extends Error {
  override name = "AdbSpawnError";
  constructor(
    readonly missing: boolean,
    message: string,
  ) {
    super(message);
  }
}

/** A runner that spawns the adb binary. A missing binary gives a clear error, not ENOENT. */
export function spawnAdbRunner(options: SpawnAdbOptions = {}): AdbRunner {
  const bin = options.adbPath ?? "adb";
  const port = options.serverPort;
  return (args, { timeoutMs = 30_000 } = {}) =>
    new Promise((resolve, reject) => {
      const full = port !== undefined ? ["-P", String(port), ...args] : [...args];
      const env = port !== undefined ? { ...process.env, ANDROID_ADB_SERVER_PORT: String(port) } : process.env;
      const child = spawn(bin, full, { env, stdio: ["ignore", "pipe", "pipe"] });
      let stdout = "";
      let stderr = "";
      let killed = false;
      const timer = setTimeout(() => {
        killed = true;
        child.kill("SIGKILL");
      }, timeoutMs);
      child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
      child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
      child.on("error", (err: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        if (err.code === "ENOENT") {
          reject(new AdbSpawnError(true, `adb not found ("${bin}"); install platform-tools (Debian: apt-get install adb) or set android.adb in the server config`));
        } else reject(new AdbSpawnError(false, `adb could not start: ${err.message}`));
      });
      child.on("close", (code) => {
        clearTimeout(timer);
        if (killed) stderr += `\n(adb ${args.join(" ")} timed out after ${timeoutMs} ms)`;
        resolve({ stdout, stderr, code: killed ? -1 : (code ?? -1) });
      });
    });
}
