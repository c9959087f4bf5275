/**
 * What the server's operator grants: named data sets, Android devices, the adb binary
 * and the emulator pool's state file. Paths, URLs, binaries and devices are the
 * operator's to choose (server flags or a server config file); a client's session
 * config refers to them by name only, so no client can make the server read a file,
 * run a program or contact a host of its choosing.
 *
 * Empty by default. Data sets are listed once, when the resources are built (server
 * start), so no client call walks a directory.
 */
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { z } from "zod";
import { EnvError } from "./contract.js";
import { dreamOperatorSchema, parseDreamOperatorConfig, parseEndpointFlag, parseNamedPath, type DreamOperatorConfig } from "./dream/config.js";
import { listDataSet, type DataSetListing, type ListLimits } from "./kit/data-files.js";
import { shortName } from "./kit/short-text.js";

/** Names clients may send: short, no separators, no leading dot (so never a path). */
export const RESOURCE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

const name = z.string().regex(RESOURCE_NAME, "names are 1-64 characters of A-Z a-z 0-9 . _ - and start with a letter or digit");
const port = z.number().int().min(1).max(65535);

export const androidDeviceSchema = z.strictObject({
  appium_url: z.url({ protocol: /^https?$/ }).describe("Appium server URL, e.g. http://127.0.0.1:4723"),
  serial: z.string().min(1).max(200).describe("adb serial, e.g. emulator-5554"),
  adb_server_port: port.optional().describe("this device's adb server (one per emulator); default 5037"),
  system_port: port.optional().describe("appium:systemPort, distinct per parallel session"),
  mjpeg_server_port: port.optional(),
  chromedriver_port: port.optional(),
  capabilities: z.record(z.string(), z.unknown()).optional().describe("extra Appium capabilities"),
  reset_snapshot: z.string().min(1).max(200).optional().describe("emulator snapshot loaded at every reset before the task's setup"),
});

export type AndroidDeviceEntry = z.infer<typeof androidDeviceSchema>;

/** The server config file (`dynamind serve --server-config FILE`). */
export const operatorConfigSchema = z.strictObject({
  data: z.record(name, z.string().min(1)).optional().describe("data set name → file or directory"),
  android: z
    .strictObject({
      adb: z.string().min(1).optional().describe('adb binary (default "adb" on PATH)'),
      pool_state: z.string().min(1).optional().describe("emulator pool state file (default $DYNAMIND_HOME/emulators.json or ~/.dynamind/emulators.json)"),
      appium_url: z.url({ protocol: /^https?$/ }).optional().describe("Appium server for emulator pool slots (default $APPIUM_URL)"),
      devices: z.record(name, androidDeviceSchema).optional(),
    })
    .optional(),
  dream: dreamOperatorSchema.optional().describe("the dream env's transition models, replay buffers and bounds (adapters/dream/README.md)"),
});

export type OperatorConfig = z.input<typeof operatorConfigSchema>;

export interface AndroidResources {
  adb: string;
  /** Undefined: the pool's default state file. */
  poolState: string | undefined;
  /** Appium server for pool slots; undefined: $APPIUM_URL when a session is created. */
  poolAppiumUrl: string | undefined;
  devices: ReadonlyMap<string, AndroidDeviceEntry>;
}

/** Validated, listed operator resources; build once per server. */
export class OperatorResources {
  private readonly dataSets = new Map<string, DataSetListing>();
  readonly android: AndroidResources;
  /** The dream env's models, buffers and bounds (paths and URLs; clients name them). */
  readonly dream: DreamOperatorConfig;

  /** Throws Error (for the operator, with paths) when the config or a data set is unusable. */
  constructor(config: OperatorConfig = {}, limits?: ListLimits) {
    const parsed = operatorConfigSchema.safeParse(config);
    if (!parsed.success) throw new Error(`invalid server config: ${z.prettifyError(parsed.error)}`);
    for (const [n, path] of Object.entries(parsed.data.data ?? {})) this.dataSets.set(n, listDataSet(n, path, limits));
    const a = parsed.data.android ?? {};
    this.android = {
      adb: a.adb ?? "adb",
      poolState: a.pool_state,
      poolAppiumUrl: a.appium_url,
      devices: new Map(Object.entries(a.devices ?? {})),
    };
    this.dream = parseDreamOperatorConfig(parsed.data.dream ?? {});
  }

  static readonly EMPTY = new OperatorResources();

  dataSetNames(): string[] {
    return [...this.dataSets.keys()].sort();
  }

  /** A data set by name; undefined when the operator did not grant it. */
  dataSet(setName: string): DataSetListing | undefined {
    return this.dataSets.get(setName);
  }
}

/** Accepts resources or the plain config they are built from. */
export function toResources(r: OperatorResources | OperatorConfig | undefined): OperatorResources {
  if (r === undefined) return OperatorResources.EMPTY;
  return r instanceof OperatorResources ? r : new OperatorResources(r);
}

/**
 * The INVALID_ARGUMENT error for a name the operator did not grant: the name cut
 * short, and the valid names (at most 20 listed), never a path.
 */
export function unknownName(env: string, field: string, given: unknown, valid: readonly string[], hint: string): EnvError {
  const shown = typeof given === "string" ? JSON.stringify(shortName(given, 64)) : `a ${given === null ? "null" : typeof given}`;
  const list = valid.length === 0 ? `this server grants none (${hint})` : `valid: ${valid.slice(0, 20).join(", ")}${valid.length > 20 ? ` and ${valid.length - 20} more` : ""}`;
  return new EnvError("INVALID_ARGUMENT", `invalid ${env} config: ${field} ${shown} is not a name the server's operator granted; ${list}`);
}

/** Parses a `--data NAME=PATH` flag value. */
export function parseDataFlag(value: string): [string, string] {
  const eq = value.indexOf("=");
  const n = eq > 0 ? value.slice(0, eq) : "";
  if (!RESOURCE_NAME.test(n) || eq === value.length - 1) throw new Error(`--data expects NAME=PATH with a name of A-Z a-z 0-9 . _ - (got "${shortName(value, 80)}")`);
  return [n, resolve(value.slice(eq + 1))];
}

/**
 * Reads a server config file. Relative paths in it are relative to the file, so a
 * config and its data can move together.
 */
export function readOperatorConfigFile(file: string): OperatorConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new Error(`cannot read the server config ${file}: ${(err as Error).message}`);
  }
  const parsed = operatorConfigSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`invalid server config ${file}: ${z.prettifyError(parsed.error)}`);
  const base = dirname(resolve(file));
  const c = parsed.data;
  const rel = (p: string | undefined) => (p === undefined ? undefined : resolve(base, p));
  return {
    data: Object.fromEntries(Object.entries(c.data ?? {}).map(([k, p]) => [k, resolve(base, p)])),
    android: c.android && {
      ...c.android,
      // A bare "adb" means PATH lookup; only paths with a separator are made absolute.
      adb: c.android.adb !== undefined && /[\\/]/.test(c.android.adb) ? resolve(base, c.android.adb) : c.android.adb,
      pool_state: rel(c.android.pool_state),
    },
    dream: c.dream && {
      ...c.dream,
      models: c.dream.models && Object.fromEntries(Object.entries(c.dream.models).map(([k, m]) => [k, "checkpoint" in m ? { checkpoint: resolve(base, m.checkpoint) } : m])),
      buffers: c.dream.buffers && Object.fromEntries(Object.entries(c.dream.buffers).map(([k, b]) => [k, { recordings: b.recordings.map((p) => resolve(base, p)) }])),
    },
  };
}

/** The dream flags: --dream-endpoint NAME=MODEL@URL, --dream-checkpoint NAME=DIR, --dream-recordings NAME=PATH (repeatable). */
export interface DreamFlags {
  dreamEndpoint?: string[];
  dreamCheckpoint?: string[];
  dreamRecordings?: string[];
  /** Names of dream models (from these flags or the file) that read the compact prompt. */
  dreamCompactPrompt?: string[];
}

/** A server config file (optional) with `--data` and dream flags over it (a flag wins over the file's entry of the same name). */
export function operatorConfigFrom(options: { serverConfig?: string; data?: string[] } & DreamFlags): OperatorConfig {
  const base = options.serverConfig ? readOperatorConfigFile(options.serverConfig) : {};
  const flags = Object.fromEntries((options.data ?? []).map(parseDataFlag));
  const out: OperatorConfig = { ...base, data: { ...(base.data ?? {}), ...flags } };
  const endpoints = (options.dreamEndpoint ?? []).map(parseEndpointFlag);
  const checkpoints = (options.dreamCheckpoint ?? []).map((v) => parseNamedPath("--dream-checkpoint", v)).map(([n, p]) => [n, { checkpoint: resolve(p) }] as const);
  const recordings = new Map<string, string[]>();
  for (const [n, p] of (options.dreamRecordings ?? []).map((v) => parseNamedPath("--dream-recordings", v))) recordings.set(n, [...(recordings.get(n) ?? []), resolve(p)]);
  const compact = options.dreamCompactPrompt ?? [];
  if (endpoints.length + checkpoints.length + recordings.size + compact.length > 0) {
    const d = base.dream ?? {};
    const models: Record<string, Record<string, unknown>> = { ...(d.models ?? {}), ...Object.fromEntries([...endpoints, ...checkpoints]) };
    for (const n of compact) {
      if (!models[n]) throw new Error(`--dream-compact-prompt ${shortName(n)}: no dream model of that name (give it with --dream-checkpoint, --dream-endpoint or the server config)`);
      models[n] = { ...models[n], prompt: "compact" };
    }
    out.dream = {
      ...d,
      models: models as NonNullable<OperatorConfig["dream"]>["models"],
      buffers: { ...(d.buffers ?? {}), ...Object.fromEntries([...recordings].map(([n, paths]) => [n, { recordings: paths }])) },
    };
  }
  return out;
}
