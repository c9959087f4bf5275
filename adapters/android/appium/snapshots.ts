/**
 * Saved device state, as AndroidWorld does it:
 * - emulator snapshots (`adb emu avd snapshot save|load|delete NAME`, about 0.6 s to
 *   load) back CloneState/RestoreState as server-held handles — the bytes stay in the
 *   emulator's AVD folder, so they are not portable;
 * - per-app data snapshots (a copy of /data/data/PKG kept on the device) reset one
 *   app's data between episodes without a whole-device snapshot. They need a rooted
 *   adb (`adb root`, available on the emulator's google_apis images).
 */
import { EnvError } from "../../contract.js";
import { shQuote, type Adb } from "./adb.js";

const NAME = /^[A-Za-z0-9_.-]{1,100}$/;

export class EmulatorSnapshots {
  constructor(private readonly adb: Adb) {}

  private check(name: string): void {
    if (!NAME.test(name)) throw new EnvError("INVALID_ARGUMENT", `snapshot name "${name}" must match ${NAME}`);
  }

  async save(name: string): Promise<void> {
    this.check(name);
    await this.adb.emu(["avd", "snapshot", "save", name], 120_000);
  }

  async load(name: string): Promise<void> {
    this.check(name);
    await this.adb.emu(["avd", "snapshot", "load", name], 120_000);
  }

  async delete(name: string): Promise<void> {
    this.check(name);
    await this.adb.emu(["avd", "snapshot", "delete", name]);
  }

  /** Snapshot names the emulator knows (`avd snapshot list`, a table whose second column is the tag). */
  async list(): Promise<string[]> {
    const out = await this.adb.emu(["avd", "snapshot", "list"]);
    const names: string[] = [];
    for (const line of out.split("\n")) {
      const cols = line.trim().split(/\s+/);
      if (cols.length >= 2 && /^\d+$/.test(cols[0]!)) names.push(cols[1]!);
    }
    return names;
  }
}

/** Where per-app data copies live on the device. */
export const APP_SNAPSHOT_DIR = "/data/local/tmp/dynamind_app_snapshots";

export class AppDataSnapshots {
  constructor(
    private readonly adb: Adb,
    private readonly dir = APP_SNAPSHOT_DIR,
  ) {}

  private paths(pkg: string): { data: string; copy: string } {
    if (!/^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)+$/.test(pkg)) throw new EnvError("INVALID_ARGUMENT", `"${pkg}" is not a package name`);
    return { data: `/data/data/${pkg}`, copy: `${this.dir}/${pkg}` };
  }

  /** Commands that copy the app's data folder aside (the app is stopped first). */
  saveCommand(pkg: string): string {
    const { data, copy } = this.paths(pkg);
    return `am force-stop ${shQuote(pkg)} && rm -rf ${shQuote(copy)} && mkdir -p ${shQuote(this.dir)} && cp -a ${shQuote(data)} ${shQuote(copy)} && echo DM_OK`;
  }

  /** Commands that put the saved copy back (ownership and SELinux labels restored). */
  restoreCommand(pkg: string): string {
    const { data, copy } = this.paths(pkg);
    return (
      `[ -d ${shQuote(copy)} ] || { echo DM_NO_SNAPSHOT; exit 0; }; am force-stop ${shQuote(pkg)} && rm -rf ${shQuote(data)}/* && ` +
      `cp -a ${shQuote(copy)}/. ${shQuote(data)}/ && restorecon -R ${shQuote(data)} >/dev/null 2>&1; echo DM_OK`
    );
  }

  async save(pkg: string): Promise<void> {
    await this.expectOk(await this.adb.shell(this.saveCommand(pkg), 120_000), `save the data of ${pkg}`);
  }

  /** Restores the saved copy; when none was saved, clears the app's data (`pm clear`) instead. */
  async restore(pkg: string): Promise<"restored" | "cleared"> {
    const out = await this.adb.shell(this.restoreCommand(pkg), 120_000);
    if (out.includes("DM_NO_SNAPSHOT")) {
      await this.clear(pkg);
      return "cleared";
    }
    await this.expectOk(out, `restore the data of ${pkg}`);
    return "restored";
  }

  /** `pm clear PKG`: the app's data back to a fresh install. */
  async clear(pkg: string): Promise<void> {
    this.paths(pkg);
    const out = await this.adb.shell(`pm clear ${shQuote(pkg)}`);
    if (!/Success/.test(out)) throw new EnvError("INTERNAL", `pm clear ${pkg} failed: ${out.trim() || "no output"}`);
  }

  private async expectOk(out: string, what: string): Promise<void> {
    if (!out.includes("DM_OK")) {
      throw new EnvError("INTERNAL", `could not ${what}: ${out.trim() || "no output"} (per-app snapshots need a rooted adb: run \`adb root\` on an emulator image with root)`);
    }
  }
}
