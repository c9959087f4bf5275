/**
 * android-appium session config. Devices are the server operator's: a client names
 * one (`device`) or a slot of the operator's emulator pool (`pool_index`); Appium
 * URLs, serials, ports, capabilities, snapshots and the adb binary come from the
 * server config (`dynamind serve --server-config FILE`) or the server's APPIUM_URL /
 * ANDROID_SERIAL environment variables, never from a session config. Without a
 * device, creating a session fails with INVALID_ARGUMENT and says how to configure one.
 */
import { z } from "zod";
import { EnvError } from "../../contract.js";
import { shortName } from "../../kit/short-text.js";
import { unknownName, type AndroidDeviceEntry, type AndroidResources } from "../../operator-resources.js";
import { APPIUM_TASKS_BY_NAME } from "./tasks.js";

/** The device made of the server's APPIUM_URL and ANDROID_SERIAL, when both are set. */
export const ENV_DEVICE = "env";

const stableSchema = z
  .strictObject({
    polls: z.number().int().min(1).max(20).default(3),
    interval_ms: z.number().int().min(0).max(10_000).default(500),
    cap_ms: z.number().int().min(0).max(120_000).default(6000),
  })
  .optional()
  .describe("stable observation: equal element lists over `polls` polls `interval_ms` apart, at most `cap_ms` (AndroidWorld: 3, 500, 6000)");

const DEVICE_HELP = "a device the server's operator configured (default: the only one)";

/** The session config schema; `device` lists the devices this server offers. */
export function appiumConfigSchemaFor(deviceNames: readonly string[]) {
  const device = deviceNames.length > 0 ? z.enum(deviceNames as [string, ...string[]]) : z.string();
  return z.strictObject({
    device: device.optional().describe(deviceNames.length > 0 ? DEVICE_HELP : `${DEVICE_HELP} (none configured on this server)`),
    pool_index: z.number().int().min(0).max(1000).optional().describe("use slot N of the operator's emulator pool (dynamind emulator start) instead of a named device"),
    task: z.string().max(200).optional().describe("a fixed task for every episode (reset options may name another)"),
    app_data_snapshots: z.boolean().default(false).describe("at reset, restore the per-app data snapshot of the task's app (needs adb root)"),
    stable: stableSchema,
  });
}

export const appiumConfigSchema = appiumConfigSchemaFor([]);

type ParsedInput = z.infer<typeof appiumConfigSchema>;

/** A validated session config: the client's choices plus the operator's device they name. */
export interface AppiumSessionConfig {
  task: string | undefined;
  app_data_snapshots: boolean;
  stable: ParsedInput["stable"];
  /** The named device (its name and the operator's entry), or undefined with pool_index. */
  device: { name: string; entry: AndroidDeviceEntry } | undefined;
  pool_index: number | undefined;
}

export function configJsonSchemaFor(deviceNames: readonly string[]): Record<string, unknown> {
  return z.toJSONSchema(appiumConfigSchemaFor(deviceNames), { io: "input" }) as Record<string, unknown>;
}

export const configJsonSchema = configJsonSchemaFor([]);

export const HOW_TO_CONFIGURE =
  "the server's operator provides devices: a server config (dynamind serve --server-config FILE) with " +
  '{"android": {"devices": {"pixel-1": {"appium_url": "http://127.0.0.1:4723", "serial": "emulator-5554"}}}}, ' +
  "or APPIUM_URL and ANDROID_SERIAL set for the server, or emulators from `dynamind emulator start --count N` used with " +
  '{"pool_index": 0}. Install and start Appium with scripts/appium/install.sh and scripts/appium/start.sh ' +
  "(see adapters/android/appium/README.md).";

/** The operator's devices by name, plus the one from APPIUM_URL and ANDROID_SERIAL (named "env") when both are set. */
export function deviceTable(android: AndroidResources, env: NodeJS.ProcessEnv = process.env): Map<string, AndroidDeviceEntry> {
  const table = new Map(android.devices);
  if (env.APPIUM_URL && env.ANDROID_SERIAL && !table.has(ENV_DEVICE)) {
    const adbPort = Number(env.ANDROID_ADB_SERVER_PORT);
    table.set(ENV_DEVICE, {
      appium_url: env.APPIUM_URL,
      serial: env.ANDROID_SERIAL,
      ...(Number.isInteger(adbPort) && adbPort > 0 && adbPort < 65536 ? { adb_server_port: adbPort } : {}),
    });
  }
  return table;
}

const schemas = new WeakMap<ReadonlyMap<string, AndroidDeviceEntry>, ReturnType<typeof appiumConfigSchemaFor>>();

/**
 * Validates the config and picks the device: the one named, else pool slot
 * `pool_index` (resolved when the session is created), else the only device there is.
 */
export function parseAppiumConfig(raw: unknown, devices: ReadonlyMap<string, AndroidDeviceEntry>): AppiumSessionConfig {
  const names = [...devices.keys()].sort();
  // The name is checked first, for a message that lists the valid names and cuts a long one short.
  const given = typeof raw === "object" && raw !== null ? (raw as Record<string, unknown>).device : undefined;
  if (given !== undefined && (typeof given !== "string" || !devices.has(given))) {
    throw unknownName("android-appium", "device", given, names, HOW_TO_CONFIGURE);
  }
  let schema = schemas.get(devices);
  if (!schema) schemas.set(devices, (schema = appiumConfigSchemaFor(names)));
  const parsed = schema.safeParse(raw ?? {});
  if (!parsed.success) throw new EnvError("INVALID_ARGUMENT", `android-appium config: ${shortName(z.prettifyError(parsed.error), 600)}`);
  const c = parsed.data;
  if (c.task !== undefined && !APPIUM_TASKS_BY_NAME.has(c.task)) {
    throw new EnvError("INVALID_ARGUMENT", `android-appium config: unknown task "${shortName(c.task, 64)}"; valid tasks: ${[...APPIUM_TASKS_BY_NAME.keys()].join(", ")}`);
  }
  if (c.device !== undefined && c.pool_index !== undefined) throw new EnvError("INVALID_ARGUMENT", "android-appium config: give device or pool_index, not both");
  let device: AppiumSessionConfig["device"];
  if (c.device !== undefined) device = { name: c.device, entry: devices.get(c.device)! };
  else if (c.pool_index === undefined) {
    if (names.length === 0) throw new EnvError("INVALID_ARGUMENT", `no Android device is configured: ${HOW_TO_CONFIGURE}`);
    if (names.length > 1) throw new EnvError("INVALID_ARGUMENT", `android-appium config: name a device; this server has ${shortName(names.join(", "), 600)}`);
    device = { name: names[0]!, entry: devices.get(names[0]!)! };
  }
  return { task: c.task, app_data_snapshots: c.app_data_snapshots, stable: c.stable, device, pool_index: c.pool_index };
}
