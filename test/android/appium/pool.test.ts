import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { AdbRunner } from "../../../emulator/device/adb.js";
import { EmulatorPool, MAX_RESTARTS, PoolError, readPoolStateSync } from "../../../emulator/pool/pool.js";
import { allocateSlots, allPorts, MAX_SLOTS, serialOf, slotPorts } from "../../../emulator/pool/ports.js";
import { createAppiumDefinition } from "../../../adapters/android/appium/definition.js";
import { OperatorResources } from "../../../adapters/operator-resources.js";

describe("emulator pool ports", () => {
  it("gives every slot distinct console, adb, gRPC, adb-server and Appium ports", () => {
    const seen = new Set<number>();
    for (let i = 0; i < MAX_SLOTS; i++) for (const p of allPorts(slotPorts(i))) {
      expect(seen.has(p), `port ${p}`).toBe(false);
      seen.add(p);
    }
    expect(slotPorts(1)).toEqual({ console: 5556, adb: 5557, grpc: 8555, adbServer: 15038, systemPort: 8201, mjpegServerPort: 7811, chromedriverPort: 9517 });
    expect(serialOf(slotPorts(2))).toBe("emulator-5558");
    expect(() => slotPorts(MAX_SLOTS)).toThrow(RangeError);
  });

  it("keeps every slot inside the emulator's rules: even consoles in 5554..5682, adb = console + 1, serial named by the console", () => {
    for (let i = 0; i < MAX_SLOTS; i++) {
      const p = slotPorts(i);
      expect(p.console % 2, `slot ${i}`).toBe(0);
      // The emulator refuses a -port outside 5554..5682; its adb port is the console's + 1.
      expect(p.console).toBeGreaterThanOrEqual(5554);
      expect(p.console).toBeLessThanOrEqual(5682);
      expect(p.adb).toBe(p.console + 1);
      // adb names an emulator by its console port, and android-appium finds the device by that serial.
      expect(serialOf(p)).toBe(`emulator-${p.console}`);
      for (const port of allPorts(p)) {
        expect(port).toBeGreaterThanOrEqual(1024);
        expect(port).toBeLessThanOrEqual(65535);
      }
    }
  });

  it("leaves the ports a host's other servers use by default free: adb's 5037, Appium's 4723, dynamind serve's 50051 and metrics 9464", () => {
    const all = new Set(Array.from({ length: MAX_SLOTS }, (_, i) => allPorts(slotPorts(i))).flat());
    expect(all.size).toBe(MAX_SLOTS * 7);
    for (const port of [5037, 4723, 50051, 9464]) expect(all.has(port), `port ${port}`).toBe(false);
  });

  it("refuses slots outside 0..MAX_SLOTS-1 and non-integer slots", () => {
    for (const bad of [-1, MAX_SLOTS, 1.5, Number.NaN]) expect(() => slotPorts(bad), String(bad)).toThrow(RangeError);
    expect(slotPorts(MAX_SLOTS - 1).console).toBe(5554 + 2 * (MAX_SLOTS - 1));
  });

  it("allocates ascending, never a taken slot, and never more than the host holds", async () => {
    const taken = new Set([0, 2, 5]);
    const slots = await allocateSlots(4, taken, async () => true);
    expect(slots).toEqual([1, 3, 4, 6]);
    expect(slots.some((s) => taken.has(s))).toBe(false);
    expect(await allocateSlots(MAX_SLOTS, new Set(), async () => true)).toHaveLength(MAX_SLOTS);
    await expect(allocateSlots(MAX_SLOTS + 1, new Set(), async () => true)).rejects.toThrow(/only 64 of 65 emulator slots are free/);
  });

  it("skips taken slots and slots with a busy port", async () => {
    const busy = new Set([5558]); // slot 2's console port
    expect(await allocateSlots(3, new Set([0]), async (p) => !busy.has(p))).toEqual([1, 3, 4]);
    await expect(allocateSlots(2, new Set(), async () => false)).rejects.toThrow(/only 0 of 2 emulator slots are free/);
  });
});

function harness(opts: { bootAfter?: number; emulator?: boolean; dieAfterPolls?: number } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "dm-pool-"));
  const statePath = join(dir, "emulators.json");
  const spawned: { command: string; args: readonly string[]; env: NodeJS.ProcessEnv }[] = [];
  const alive = new Set<number>();
  const adbCalls: string[] = [];
  let nextPid = 1000;
  let polls = 0;
  const adbFor = (port: number): AdbRunner => async (args) => {
    adbCalls.push(`-P ${port} ${args.join(" ")}`);
    if (args.join(" ").includes("boot_completed")) {
      if (opts.dieAfterPolls !== undefined && polls >= opts.dieAfterPolls) alive.clear();
      return { stdout: ++polls > (opts.bootAfter ?? 1) ? "1\n" : "\n", stderr: "", code: 0 };
    }
    if (args.includes("get-state")) return { stdout: "device\n", stderr: "", code: 0 };
    return { stdout: "", stderr: "", code: 0 };
  };
  const pool = new EmulatorPool({
    env: { ANDROID_SDK_ROOT: "/sdk", PATH: "/usr/bin" },
    statePath,
    fileExists: (p) => opts.emulator !== false && p === "/sdk/emulator/emulator",
    spawner: (command, args, env) => {
      const pid = nextPid++;
      alive.add(pid);
      spawned.push({ command, args, env });
      return { pid };
    },
    adbFor,
    isAlive: (pid) => alive.has(pid),
    kill: (pid) => void alive.delete(pid),
    isPortFree: async () => true,
    sleep: async () => {},
    now: () => new Date("2025-01-01T00:00:00Z"),
  });
  return { pool, statePath, spawned, alive, adbCalls };
}

describe("emulator pool", () => {
  it("says clearly how to install the emulator when the SDK is missing", async () => {
    const { pool } = harness({ emulator: false });
    await expect(pool.start({ count: 1 })).rejects.toThrow(PoolError);
    await expect(pool.start({ count: 1 })).rejects.toThrow(/the Android emulator is not installed here \(looked for \/sdk\/emulator\/emulator and on PATH\).*sdkmanager.*avdmanager create avd -n AndroidWorldAvd/s);
    const bare = new EmulatorPool({ env: {}, fileExists: () => false });
    expect(() => bare.emulatorBinary()).toThrow(/ANDROID_SDK_ROOT is not set/);
  });

  it("starts N emulators with distinct ports and one adb server each, waits for boot, records them", async () => {
    const { pool, spawned, statePath, adbCalls } = harness({ bootAfter: 2 });
    const started = await pool.start({ count: 2, avd: "Pixel6" });
    expect(started.map((e) => e.serial)).toEqual(["emulator-5554", "emulator-5556"]);
    expect(spawned[0]!.command).toBe("/sdk/emulator/emulator");
    expect(spawned[0]!.args).toEqual(["-avd", "Pixel6", "-port", "5554", "-grpc", "8554", "-no-window", "-no-audio", "-no-boot-anim", "-no-snapshot-save", "-read-only"]);
    expect(spawned[1]!.env.ANDROID_ADB_SERVER_PORT).toBe("15038");
    expect(spawned[1]!.env.ANDROID_SDK_ROOT).toBe("/sdk");
    expect(adbCalls).toContain("-P 15037 start-server");
    expect(adbCalls).toContain("-P 15038 -s emulator-5556 shell getprop sys.boot_completed");
    expect(readPoolStateSync(statePath).emulators.map((e) => e.slot)).toEqual([0, 1]);
    // A second start takes the next free slots.
    expect((await pool.start({ count: 1 })).map((e) => e.slot)).toEqual([2]);
  });

  it("reports health, relaunches a dead emulator a bounded number of times, and stops", async () => {
    const { pool, alive, spawned } = harness();
    const [e] = await pool.start({ count: 1 });
    expect((await pool.status()).map((s) => s.health)).toEqual(["healthy"]);
    alive.delete(e!.pid);
    expect((await pool.status())[0]).toMatchObject({ health: "dead" });
    for (let i = 0; i < MAX_RESTARTS; i++) {
      const fresh = await pool.relaunch(0);
      expect(fresh.restarts).toBe(i + 1);
      expect(fresh.ports).toEqual(e!.ports);
    }
    await expect(pool.relaunch(0)).rejects.toThrow(/relaunched 3 times already/);
    expect(spawned).toHaveLength(1 + MAX_RESTARTS);
    const stopped = await pool.stop();
    expect(stopped).toHaveLength(1);
    expect(await pool.status()).toEqual([]);
  });

  it("passes extra emulator flags, keeps them for relaunches, and refuses flags that are the pool's to set", async () => {
    const { pool, spawned, statePath } = harness();
    const flags = ["-gpu", "swiftshader_indirect", "-memory", "2048"];
    await pool.start({ count: 1, emulatorArgs: flags });
    expect(spawned[0]!.args.slice(-4)).toEqual(flags);
    expect(readPoolStateSync(statePath).emulators[0]!.emulatorArgs).toEqual(flags);
    await pool.relaunch(0);
    expect(spawned[1]!.args.slice(-4)).toEqual(flags);
    for (const bad of [["-port", "5600"], ["-avd", "Other"], ["@Other"], ["-read-only"], ["--grpc", "9000"]]) {
      await expect(pool.start({ count: 1, emulatorArgs: bad }), bad.join(" ")).rejects.toThrow(/is the pool's to set/);
    }
    expect(spawned).toHaveLength(2);
  });

  it("fails a boot clearly when the emulator process dies", async () => {
    const { pool } = harness({ bootAfter: 100, dieAfterPolls: 3 });
    await expect(pool.start({ count: 1 })).rejects.toThrow(/emulator-5554 \(pid 1000\) exited while booting/);
    const slow = harness({ bootAfter: 1e9 });
    await expect(slow.pool.start({ count: 1, bootTimeoutMs: 0 })).rejects.toThrow(/did not finish booting within 0 s/);
  });

  it("feeds pool slots to android-appium sessions", async () => {
    const { pool, statePath } = harness();
    await pool.start({ count: 2 });
    // The pool's state file and Appium server are the operator's; the session names a slot.
    const appiumDefinition = createAppiumDefinition(new OperatorResources({ android: { pool_state: statePath, appium_url: "http://127.0.0.1:4723" } }), {});
    const config = appiumDefinition.parseConfig({ pool_index: 1 });
    const env = appiumDefinition.create(config) as unknown as { device: { serial: string; options: { ports: Record<string, number> } } };
    expect(env.device.serial).toBe("emulator-5556");
    expect(env.device.options.ports).toEqual({ systemPort: 8201, mjpegServerPort: 7811, chromedriverPort: 9517, adbPort: 15038 });
    expect(() => appiumDefinition.create(appiumDefinition.parseConfig({ pool_index: 7 }))).toThrow(/pool has no slot 7/);
    expect(() => appiumDefinition.parseConfig({ pool_index: 1, pool_state: "/tmp/x.json" })).toThrow(/Unrecognized key/);
    // No Appium server for the pool: the operator's to configure, said without paths.
    const noUrl = createAppiumDefinition(new OperatorResources({ android: { pool_state: statePath } }), {});
    expect(() => noUrl.create(noUrl.parseConfig({ pool_index: 1 }))).toThrow(/no Appium server for its emulator pool/);
    expect(JSON.parse(readFileSync(statePath, "utf8")).version).toBe(1);
  });
});
