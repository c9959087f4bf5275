/**
 * `dynamind emulator start|status|stop|heal`: the Android emulator pool
 * (emulator/pool/). Each emulator gets its own console/adb/gRPC ports, its own adb
 * server and its own Appium ports; `status` prints the slots. An android-appium session
 * uses one with `{"pool_index": N}`; the server it asks must know this pool (its
 * server config's android.pool_state, default the same state file as here) and the
 * Appium server (android.appium_url, or APPIUM_URL).
 */
import { Command, InvalidArgumentError } from "commander";
import { AdbSpawnError } from "../../emulator/device/adb.js";
import { EmulatorPool, PoolError, type EntryStatus, type PoolEntry } from "../../emulator/pool/pool.js";

function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("expected a positive integer");
  return n;
}

function slotList(v: string): number[] {
  return v.split(",").map((s) => {
    const n = Number(s.trim());
    if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`"${s}" is not a slot number`);
    return n;
  });
}

function describeEntry(e: PoolEntry): string {
  const p = e.ports;
  return (
    `slot ${e.slot}  ${e.serial}  avd ${e.avd}  pid ${e.pid}  console ${p.console}  adb ${p.adb}  grpc ${p.grpc}  adb-server ${p.adbServer}  ` +
    `appium systemPort ${p.systemPort} mjpeg ${p.mjpegServerPort} chromedriver ${p.chromedriverPort}`
  );
}

async function run(fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    // A missing adb is the operator's to fix, like a missing emulator: one line, no stack.
    if (err instanceof PoolError || err instanceof AdbSpawnError) {
      console.error(`dynamind emulator: ${err.message}`);
      process.exitCode = 1;
      return;
    }
    throw err;
  }
}

export function emulatorCommand(): Command {
  const cmd = new Command("emulator").description("Manage a pool of Android emulators for the android-appium environment.");
  const common = (c: Command) => c.option("--state <file>", "pool state file (default $DYNAMIND_HOME/emulators.json or ~/.dynamind/emulators.json)").option("--adb <path>", "adb binary", "adb");

  common(
    cmd
      .command("start")
      .description("Launch N emulators (distinct ports, one adb server each) and wait until they have booted.")
      .option("-n, --count <n>", "how many emulators", positiveInt, 1)
      .option("--avd <name>", "the AVD to run", "AndroidWorldAvd")
      .option("--emulator <path>", "the emulator binary (default $ANDROID_SDK_ROOT/emulator/emulator)")
      .option("--boot-timeout <s>", "seconds to wait for each boot", positiveInt, 300)
      .option("--emulator-arg <arg>", "one more emulator flag or value, repeatable (e.g. --emulator-arg -gpu --emulator-arg swiftshader_indirect); kept for relaunches", (v: string, prev: string[]) => [...prev, v], [] as string[])
      .option("--json", "print the started emulators as JSON"),
  ).action((opts) =>
    run(async () => {
      const pool = new EmulatorPool({ statePath: opts.state, adbPath: opts.adb, emulatorPath: opts.emulator });
      const started = await pool.start({ count: opts.count, avd: opts.avd, bootTimeoutMs: opts.bootTimeout * 1000, emulatorArgs: opts.emulatorArg });
      if (opts.json) console.log(JSON.stringify(started, null, 2));
      else for (const e of started) console.log(`booted ${describeEntry(e)}`);
    }),
  );

  common(cmd.command("status").description("Health-check the pool's emulators.").option("--json", "print JSON")).action((opts) =>
    run(async () => {
      const pool = new EmulatorPool({ statePath: opts.state, adbPath: opts.adb });
      const all: EntryStatus[] = await pool.status();
      if (opts.json) {
        console.log(JSON.stringify(all, null, 2));
        return;
      }
      if (all.length === 0) console.log(`no emulators in ${pool.statePath}; start some with: dynamind emulator start --count N`);
      for (const s of all) console.log(`${s.health.padEnd(12)} ${describeEntry(s)}  (${s.detail})`);
    }),
  );

  common(cmd.command("stop").description("Stop emulators and their adb servers.").option("--slot <list>", "comma-separated slots (default: all)", slotList)).action((opts) =>
    run(async () => {
      const stopped = await new EmulatorPool({ statePath: opts.state, adbPath: opts.adb }).stop(opts.slot);
      console.log(stopped.length ? stopped.map((e) => `stopped slot ${e.slot} (${e.serial})`).join("\n") : "nothing to stop");
    }),
  );

  common(cmd.command("heal").description("Relaunch dead or unresponsive emulators (at most 3 times each).")).action((opts) =>
    run(async () => {
      const done = await new EmulatorPool({ statePath: opts.state, adbPath: opts.adb }).heal();
      console.log(done.length ? done.map((d) => `slot ${d.slot}: ${d.result}`).join("\n") : "all emulators are healthy");
    }),
  );
  return cmd;
}
