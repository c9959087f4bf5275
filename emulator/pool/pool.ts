/**
 * The emulator pool: launches N Android emulators with distinct console/adb/gRPC
 * ports, one adb server per emulator and distinct Appium ports (see ports.ts), waits
 * for each to boot (`getprop sys.boot_completed`), health-checks them, relaunches dead
 * ones a bounded number of times, and records them in a state file
 * (`$DYNAMIND_HOME/emulators.json`, default `~/.dynamind/`) so `dynamind emulator
 * status|stop` and the android-appium environment (`pool_index`) find them.
 *
 * Processes, adb and the file system are injected, so the port logic and the error
 * paths are tested without an SDK.
 */
import { spawn as nodeSpawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { homedir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { spawnAdbRunner, type AdbRunner } from "../device/adb.js";
import { allocateSlots, serialOf, slotPorts, type SlotPorts } from "./ports.js";

export interface PoolEntry {
  slot: number;
  avd: string;
  serial: string;
  pid: number;
  ports: SlotPorts;
  startedAt: string;
  restarts: number;
  /** Extra emulator flags it was started with; a relaunch reuses them. */
  emulatorArgs?: string[];
}

export interface PoolState {
  version: 1;
  emulators: PoolEntry[];
}

export type Health = "healthy" | "booting" | "unresponsive" | "dead";

export interface EntryStatus extends PoolEntry {
  health: Health;
  detail: string;
}

/** Starts a detached process; returns its pid. */
export type Spawner = (command: string, args: readonly string[], env: NodeJS.ProcessEnv) => { pid: number };

export interface PoolOptions {
  /** Environment variables (default process.env): ANDROID_SDK_ROOT / ANDROID_HOME, PATH, DYNAMIND_HOME. */
  env?: NodeJS.ProcessEnv;
  /** The emulator binary; default $ANDROID_SDK_ROOT/emulator/emulator, else `emulator` on PATH. */
  emulatorPath?: string;
  adbPath?: string;
  statePath?: string;
  spawner?: Spawner;
  /** adb runner for one adb server port. */
  adbFor?: (serverPort: number) => AdbRunner;
  isAlive?: (pid: number) => boolean;
  kill?: (pid: number) => void;
  isPortFree?: (port: number) => Promise<boolean>;
  fileExists?: (path: string) => boolean;
  sleep?: (ms: number) => Promise<void>;
  now?: () => Date;
}

export interface StartOptions {
  count: number;
  avd?: string;
  /** Extra emulator flags (e.g. ["-gpu", "swiftshader_indirect"]). */
  emulatorArgs?: readonly string[];
  bootTimeoutMs?: number;
  pollMs?: number;
}

export class PoolError extends Error {
  override name = "PoolError";
}

export const DEFAULT_AVD = "AndroidWorldAvd";
export const MAX_RESTARTS = 3;

/** Flags the pool sets per slot; an extra flag that changed them would break the port plan or the shared AVD. */
const POOL_FLAGS = new Set(["-avd", "-port", "-ports", "-grpc", "-read-only", "-writable-system"]);

/** Checks extra emulator flags (operator input): none may take over what the pool decides. */
export function checkEmulatorArgs(extra: readonly string[]): string[] {
  for (const a of extra) {
    const flag = a.startsWith("--") ? a.slice(1) : a;
    if (POOL_FLAGS.has(flag) || flag.startsWith("@")) throw new PoolError(`emulator flag ${a} is the pool's to set (it picks the AVD, ports and read-only mode per slot)`);
  }
  return [...extra];
}

function defaultSpawner(command: string, args: readonly string[], env: NodeJS.ProcessEnv): { pid: number } {
  const child = nodeSpawn(command, [...args], { env, detached: true, stdio: "ignore" });
  child.unref();
  if (child.pid === undefined) throw new PoolError(`could not start ${command}`);
  return { pid: child.pid };
}

function defaultIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

function defaultPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

export function defaultStatePath(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.DYNAMIND_HOME ?? join(homedir(), ".dynamind"), "emulators.json");
}

/** Reads the pool state file; a missing file is an empty pool. */
export async function readPoolState(path: string): Promise<PoolState> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return { version: 1, emulators: [] };
    throw err;
  }
  return checkState(JSON.parse(text), path);
}

/** Synchronous {@link readPoolState} (session creation is synchronous). */
export function readPoolStateSync(path: string): PoolState {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return { version: 1, emulators: [] };
    throw err;
  }
  return checkState(JSON.parse(text), path);
}

function checkState(parsed: unknown, path: string): PoolState {
  const s = parsed as PoolState | null;
  if (s?.version !== 1 || !Array.isArray(s.emulators)) throw new PoolError(`${path} is not a dynamind emulator pool file`);
  return s;
}

export class EmulatorPool {
  private readonly env: NodeJS.ProcessEnv;
  readonly statePath: string;
  private readonly spawner: Spawner;
  private readonly adbFor: (port: number) => AdbRunner;
  private readonly isAlive: (pid: number) => boolean;
  private readonly kill: (pid: number) => void;
  private readonly isPortFree: (port: number) => Promise<boolean>;
  private readonly fileExists: (path: string) => boolean;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => Date;

  constructor(private readonly options: PoolOptions = {}) {
    this.env = options.env ?? process.env;
    this.statePath = options.statePath ?? defaultStatePath(this.env);
    this.spawner = options.spawner ?? defaultSpawner;
    this.adbFor = options.adbFor ?? ((port) => spawnAdbRunner({ adbPath: options.adbPath, serverPort: port }));
    this.isAlive = options.isAlive ?? defaultIsAlive;
    this.kill = options.kill ?? ((pid) => process.kill(pid, "SIGKILL"));
    this.isPortFree = options.isPortFree ?? defaultPortFree;
    this.fileExists = options.fileExists ?? existsSync;
    this.sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.now = options.now ?? (() => new Date());
  }

  /** The emulator binary, or a PoolError that says how to install one. */
  emulatorBinary(): string {
    if (this.options.emulatorPath) {
      if (!this.fileExists(this.options.emulatorPath)) throw new PoolError(`the emulator binary ${this.options.emulatorPath} does not exist`);
      return this.options.emulatorPath;
    }
    const tried: string[] = [];
    for (const root of [this.env.ANDROID_SDK_ROOT, this.env.ANDROID_HOME]) {
      if (!root) continue;
      const p = join(root, "emulator", "emulator");
      tried.push(p);
      if (this.fileExists(p)) return p;
    }
    for (const dir of (this.env.PATH ?? "").split(delimiter)) {
      if (!dir) continue;
      const p = join(dir, "emulator");
      if (this.fileExists(p)) return p;
    }
    throw new PoolError(
      "the Android emulator is not installed here" +
        (tried.length ? ` (looked for ${tried.join(", ")} and on PATH)` : " (ANDROID_SDK_ROOT is not set and no `emulator` is on PATH)") +
        ". Install the Android SDK command-line tools, then: sdkmanager emulator platform-tools 'system-images;android-33;google_apis;x86_64' && " +
        `avdmanager create avd -n ${DEFAULT_AVD} -k 'system-images;android-33;google_apis;x86_64' -d pixel_6, and set ANDROID_SDK_ROOT. ` +
        "The emulator needs KVM (/dev/kvm).",
    );
  }

  private sdkRoot(binary: string): string {
    return this.env.ANDROID_SDK_ROOT ?? this.env.ANDROID_HOME ?? dirname(dirname(binary));
  }

  async state(): Promise<PoolState> {
    return readPoolState(this.statePath);
  }

  private async save(state: PoolState): Promise<void> {
    await mkdir(dirname(this.statePath), { recursive: true });
    const tmp = `${this.statePath}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(state, null, 2) + "\n");
    await rename(tmp, this.statePath);
  }

  /** The emulator command line for one slot. */
  emulatorArgs(avd: string, ports: SlotPorts, extra: readonly string[] = [], readOnly = true): string[] {
    const args = ["-avd", avd, "-port", String(ports.console), "-grpc", String(ports.grpc), "-no-window", "-no-audio", "-no-boot-anim", "-no-snapshot-save"];
    // Several instances of one AVD need -read-only (each writes to its own overlay).
    if (readOnly) args.push("-read-only");
    return [...args, ...extra];
  }

  private launch(binary: string, avd: string, slot: number, extra: readonly string[], readOnly: boolean): PoolEntry {
    const ports = slotPorts(slot);
    const env = { ...this.env, ANDROID_SDK_ROOT: this.sdkRoot(binary), ANDROID_ADB_SERVER_PORT: String(ports.adbServer) };
    const { pid } = this.spawner(binary, this.emulatorArgs(avd, ports, extra, readOnly), env);
    const entry: PoolEntry = { slot, avd, serial: serialOf(ports), pid, ports, startedAt: this.now().toISOString(), restarts: 0 };
    if (extra.length > 0) entry.emulatorArgs = [...extra];
    return entry;
  }

  private async adb(entry: PoolEntry, args: string[], timeoutMs = 15_000): Promise<{ ok: boolean; out: string }> {
    try {
      const r = await this.adbFor(entry.ports.adbServer)(["-s", entry.serial, ...args], { timeoutMs });
      return { ok: r.code === 0, out: (r.code === 0 ? r.stdout : r.stderr || r.stdout).trim() };
    } catch (err) {
      return { ok: false, out: (err as Error).message };
    }
  }

  /** Polls until the emulator reports sys.boot_completed=1, or throws (process died / timeout). */
  async waitForBoot(entry: PoolEntry, timeoutMs = 300_000, pollMs = 2000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = "";
    while (Date.now() < deadline) {
      if (!this.isAlive(entry.pid)) throw new PoolError(`emulator ${entry.serial} (pid ${entry.pid}) exited while booting${last ? `; last adb answer: ${last}` : ""}`);
      const r = await this.adb(entry, ["shell", "getprop", "sys.boot_completed"]);
      if (r.ok && r.out === "1") return;
      last = r.out;
      await this.sleep(pollMs);
    }
    throw new PoolError(`emulator ${entry.serial} did not finish booting within ${Math.round(timeoutMs / 1000)} s${last ? `; last adb answer: ${last}` : ""}`);
  }

  /** Launches `count` more emulators and waits until all have booted. */
  async start(options: StartOptions): Promise<PoolEntry[]> {
    if (!Number.isInteger(options.count) || options.count < 1) throw new PoolError(`--count must be a positive integer, got ${options.count}`);
    const extra = checkEmulatorArgs(options.emulatorArgs ?? []);
    const binary = this.emulatorBinary();
    const avd = options.avd ?? DEFAULT_AVD;
    const state = await this.state();
    const live = state.emulators.filter((e) => this.isAlive(e.pid));
    const slots = await allocateSlots(options.count, new Set(live.map((e) => e.slot)), this.isPortFree);
    const started: PoolEntry[] = [];
    for (const slot of slots) {
      const ports = slotPorts(slot);
      await this.adbFor(ports.adbServer)(["start-server"], { timeoutMs: 30_000 });
      started.push(this.launch(binary, avd, slot, extra, true));
    }
    await this.save({ version: 1, emulators: [...live, ...started].sort((a, b) => a.slot - b.slot) });
    await Promise.all(started.map((e) => this.waitForBoot(e, options.bootTimeoutMs, options.pollMs)));
    return started;
  }

  /** Health of one entry: process alive, adb sees it, booted, shell answers. */
  async check(entry: PoolEntry): Promise<EntryStatus> {
    if (!this.isAlive(entry.pid)) return { ...entry, health: "dead", detail: `process ${entry.pid} is not running` };
    const state = await this.adb(entry, ["get-state"]);
    if (!state.ok || state.out !== "device") return { ...entry, health: "unresponsive", detail: `adb get-state: ${state.out || "no answer"}` };
    const boot = await this.adb(entry, ["shell", "getprop", "sys.boot_completed"]);
    if (!boot.ok) return { ...entry, health: "unresponsive", detail: `adb shell: ${boot.out}` };
    if (boot.out !== "1") return { ...entry, health: "booting", detail: "sys.boot_completed is not 1 yet" };
    return { ...entry, health: "healthy", detail: "booted; adb shell answers" };
  }

  async status(): Promise<EntryStatus[]> {
    const state = await this.state();
    return Promise.all(state.emulators.map((e) => this.check(e)));
  }

  private async terminate(entry: PoolEntry): Promise<void> {
    if (this.isAlive(entry.pid)) {
      await this.adb(entry, ["emu", "kill"], 10_000);
      for (let i = 0; i < 10 && this.isAlive(entry.pid); i++) await this.sleep(500);
      if (this.isAlive(entry.pid)) {
        try {
          this.kill(entry.pid);
        } catch {
          // Already gone.
        }
      }
    }
  }

  /** Stops the given slots (all when omitted) and their adb servers. */
  async stop(slots?: readonly number[]): Promise<PoolEntry[]> {
    const state = await this.state();
    const stopping = state.emulators.filter((e) => !slots || slots.includes(e.slot));
    for (const e of stopping) {
      await this.terminate(e);
      await this.adbFor(e.ports.adbServer)(["kill-server"], { timeoutMs: 10_000 }).catch(() => undefined);
    }
    await this.save({ version: 1, emulators: state.emulators.filter((e) => !stopping.includes(e)) });
    return stopping;
  }

  /**
   * Relaunches one slot with the same ports and flags (a dead or hung emulator), at most
   * {@link MAX_RESTARTS} times over the entry's life; waits for boot.
   */
  async relaunch(slot: number, options: { bootTimeoutMs?: number; pollMs?: number; emulatorArgs?: readonly string[] } = {}): Promise<PoolEntry> {
    const state = await this.state();
    const old = state.emulators.find((e) => e.slot === slot);
    if (!old) throw new PoolError(`no emulator in slot ${slot} (see dynamind emulator status)`);
    if (old.restarts >= MAX_RESTARTS) throw new PoolError(`emulator ${old.serial} was relaunched ${old.restarts} times already; giving up (stop it and start a new one)`);
    const extra = checkEmulatorArgs(options.emulatorArgs ?? old.emulatorArgs ?? []);
    const binary = this.emulatorBinary();
    await this.terminate(old);
    await this.adbFor(old.ports.adbServer)(["start-server"], { timeoutMs: 30_000 });
    const fresh = { ...this.launch(binary, old.avd, slot, extra, true), restarts: old.restarts + 1 };
    await this.save({ version: 1, emulators: state.emulators.map((e) => (e.slot === slot ? fresh : e)) });
    await this.waitForBoot(fresh, options.bootTimeoutMs, options.pollMs);
    return fresh;
  }

  /** Relaunches every dead or unresponsive emulator (bounded per entry); returns what was done. */
  async heal(): Promise<{ slot: number; result: string }[]> {
    const out: { slot: number; result: string }[] = [];
    for (const s of await this.status()) {
      if (s.health === "healthy" || s.health === "booting") continue;
      try {
        await this.relaunch(s.slot);
        out.push({ slot: s.slot, result: `relaunched (${s.detail})` });
      } catch (err) {
        out.push({ slot: s.slot, result: `failed: ${(err as Error).message}` });
      }
    }
    return out;
  }
}
