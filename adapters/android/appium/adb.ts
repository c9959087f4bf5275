/**
 * adb commands for one device, over the host's adb runner (`emulator/device/adb.ts`,
 * injectable). Success checks, resets and emulator snapshots all go through
 * {@link Adb}, so tests replay recorded outputs with a fake runner and no device.
 * Failures become the environment's errors here: a missing adb binary is the
 * operator's INVALID_ARGUMENT, anything else a (possibly retryable) INTERNAL.
 */
import { AdbSpawnError, type AdbResult, type AdbRunner } from "../../../emulator/device/adb.js";
import { EnvError } from "../../contract.js";

/** Quotes one argument for the device's /system/bin/sh. */
export function shQuote(s: string): string {
  if (/^[A-Za-z0-9_./:=@%+,-]+$/.test(s)) return s;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** adb commands for one device. */
export class Adb {
  constructor(
    readonly run: AdbRunner,
    readonly serial: string,
  ) {}

  private async call(args: string[], what: string, timeoutMs?: number): Promise<string> {
    let r: AdbResult;
    try {
      r = await this.run(["-s", this.serial, ...args], timeoutMs === undefined ? undefined : { timeoutMs });
    } catch (err) {
      if (err instanceof AdbSpawnError) throw new EnvError(err.missing ? "INVALID_ARGUMENT" : "INTERNAL", err.message, !err.missing);
      throw err;
    }
    if (r.code !== 0) {
      const detail = (r.stderr || r.stdout).trim().split("\n").slice(-3).join(" | ");
      const gone = /device .* not found|device offline|no devices|unauthorized|cannot connect|closed/i.test(detail);
      throw new EnvError("INTERNAL", `adb ${what} on ${this.serial} failed (exit ${r.code}): ${detail || "no output"}`, gone || r.code === -1);
    }
    return r.stdout;
  }

  /** Runs a shell command line on the device; returns stdout with \r\n normalised. */
  async shell(command: string, timeoutMs?: number): Promise<string> {
    return (await this.call(["shell", command], `shell ${JSON.stringify(command)}`, timeoutMs)).replace(/\r\n/g, "\n");
  }

  /** Runs an emulator console command through `adb emu`; the console answers OK or KO. */
  async emu(args: readonly string[], timeoutMs = 60_000): Promise<string> {
    if (!this.serial.startsWith("emulator-")) {
      throw new EnvError("UNSUPPORTED", `${this.serial} is not an emulator; emulator console commands need an emulator-NNNN serial`);
    }
    const out = await this.call(["emu", ...args], `emu ${args.join(" ")}`, timeoutMs);
    const lines = out.replace(/\r/g, "").split("\n").map((l) => l.trim()).filter(Boolean);
    const ko = lines.find((l) => l.startsWith("KO"));
    if (ko) throw new EnvError("INTERNAL", `emulator console refused "${args.join(" ")}" on ${this.serial}: ${ko.replace(/^KO:?\s*/, "")}`);
    return lines.filter((l) => l !== "OK").join("\n");
  }

  /** `getprop NAME`, trimmed. */
  async getprop(name: string): Promise<string> {
    return (await this.shell(`getprop ${shQuote(name)}`)).trim();
  }

  /** `settings get NAMESPACE KEY`, trimmed ("null" when unset). */
  async setting(namespace: "global" | "system" | "secure", key: string): Promise<string> {
    return (await this.shell(`settings get ${namespace} ${shQuote(key)}`)).trim();
  }

  async putSetting(namespace: "global" | "system" | "secure", key: string, value: string): Promise<void> {
    await this.shell(`settings put ${namespace} ${shQuote(key)} ${shQuote(value)}`);
  }

  /** `content query` rows as objects (see {@link parseContentRows}). */
  async contentQuery(uri: string, projection?: readonly string[], where?: string): Promise<Record<string, string>[]> {
    let cmd = `content query --uri ${shQuote(uri)}`;
    if (projection?.length) cmd += ` --projection ${shQuote(projection.join(":"))}`;
    if (where) cmd += ` --where ${shQuote(where)}`;
    return parseContentRows(await this.shell(cmd));
  }

  /** Whether a path exists on the device (`ls -d`, no error on absence). */
  async exists(path: string): Promise<boolean> {
    const out = await this.shell(`[ -e ${shQuote(path)} ] && echo yes || echo no`);
    return out.trim() === "yes";
  }

  /** A file's text, or undefined when it does not exist. */
  async readFile(path: string): Promise<string | undefined> {
    const out = await this.shell(`[ -f ${shQuote(path)} ] && { echo y; cat ${shQuote(path)}; } || echo n`);
    return out.startsWith("y\n") ? out.slice(2) : out.trim() === "y" ? "" : undefined;
  }

  /** The package of the resumed (foreground) activity, or "" when none is found. */
  async foregroundPackage(): Promise<string> {
    const out = await this.shell("dumpsys activity activities | grep -E 'mResumedActivity|topResumedActivity|ResumedActivity:'");
    return parseForegroundPackage(out);
  }
}

/**
 * Parses `content query` output: one `Row: N k1=v1, k2=v2` per line. Values may
 * contain ", " — a key is recognised only as `, name=` where name is one of the row's
 * column names seen so far or an identifier followed by "=", which is how the tool
 * prints it. "No result found." gives [].
 */
export function parseContentRows(out: string): Record<string, string>[] {
  const rows: Record<string, string>[] = [];
  for (const line of out.replace(/\r/g, "").split("\n")) {
    const m = /^Row:\s*\d+\s+(.*)$/.exec(line);
    if (!m) {
      // A value with a newline continues the previous row's last column.
      const last = rows[rows.length - 1];
      if (last && line !== "" && !/^No result found/.test(line)) {
        const keys = Object.keys(last);
        const k = keys[keys.length - 1];
        if (k !== undefined) last[k] += `\n${line}`;
      }
      continue;
    }
    const row: Record<string, string> = {};
    const body = m[1]!;
    const starts: { key: string; at: number; valueAt: number }[] = [];
    const re = /(?:^|, )([A-Za-z_][A-Za-z0-9_]*)=/g;
    for (let k = re.exec(body); k; k = re.exec(body)) starts.push({ key: k[1]!, at: k.index, valueAt: k.index + k[0].length });
    for (let i = 0; i < starts.length; i++) {
      const s = starts[i]!;
      const end = i + 1 < starts.length ? starts[i + 1]!.at : body.length;
      row[s.key] = body.slice(s.valueAt, end);
    }
    rows.push(row);
  }
  return rows;
}

/** The package in `mResumedActivity: ActivityRecord{… u0 com.pkg/.Activity t12}`-style lines. */
export function parseForegroundPackage(dumpsys: string): string {
  const m = /(?:mResumedActivity|topResumedActivity|ResumedActivity)[:=].*?\s(?:u\d+\s+)?([A-Za-z0-9_.]+)\/[A-Za-z0-9_.$]+/.exec(dumpsys);
  return m ? m[1]! : "";
}

/** Phone numbers compared as AndroidWorld does: digits only, ignoring a leading country 1 on 11-digit numbers. */
export function normalizePhone(n: string): string {
  const digits = n.replace(/\D/g, "");
  return digits.length === 11 && digits.startsWith("1") ? digits.slice(1) : digits;
}
