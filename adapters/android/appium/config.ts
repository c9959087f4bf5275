/**
 * android-appium session config. The device comes from the config, else from the
 * environment (APPIUM_URL, ANDROID_SERIAL), else from the emulator pool
 * (`pool_index`, see `dynamind emulator start`). Without a device, creating a session
 * fails with INVALID_ARGUMENT and says how to configure one.
 */
import { z } from "zod";
import { EnvError } from "../../contract.js";
import { APPIUM_TASKS_BY_NAME } from "./tasks.js";

const port = z.number().int().min(1).max(65535);

export const appiumConfigSchema = z.strictObject({
  appium_url: z.string().min(1).optional().describe("Appium server URL, e.g. http://127.0.0.1:4723 (default: $APPIUM_URL)"),
  serial: z.string().min(1).optional().describe("adb serial of the device, e.g. emulator-5554 (default: $ANDROID_SERIAL)"),
  pool_index: z.number().int().min(0).optional().describe("use slot N of the emulator pool (dynamind emulator start): serial and ports from its state file"),
  pool_state: z.string().optional().describe("pool state file (default $DYNAMIND_HOME/emulators.json or ~/.dynamind/emulators.json)"),
  adb_path: z.string().min(1).default("adb"),
  adb_server_port: port.optional().describe("this device's adb server (one per emulator); default 5037"),
  system_port: port.optional().describe("appium:systemPort, distinct per parallel session"),
  mjpeg_server_port: port.optional(),
  chromedriver_port: port.optional(),
  task: z.string().optional().describe("a fixed task for every episode (reset options may name another)"),
  reset_snapshot: z.string().optional().describe("emulator snapshot loaded at every reset before the task's setup"),
  app_data_snapshots: z.boolean().default(false).describe("at reset, restore the per-app data snapshot of the task's app (needs adb root)"),
  stable: z
    .strictObject({
      polls: z.number().int().min(1).max(20).default(3),
      interval_ms: z.number().int().min(0).max(10_000).default(500),
      cap_ms: z.number().int().min(0).max(120_000).default(6000),
    })
    .optional()
    .describe("stable observation: equal element lists over `polls` polls `interval_ms` apart, at most `cap_ms` (AndroidWorld: 3, 500, 6000)"),
  capabilities: z.record(z.string(), z.unknown()).optional().describe("extra Appium capabilities"),
});

export type AppiumConfigInput = z.infer<typeof appiumConfigSchema>;

/** A config whose device is known. */
export type AppiumConfig = AppiumConfigInput & { appium_url: string; serial: string };

export const configJsonSchema = z.toJSONSchema(appiumConfigSchema, { io: "input" }) as Record<string, unknown>;

export const HOW_TO_CONFIGURE =
  'android-appium needs a device: pass {"appium_url": "http://127.0.0.1:4723", "serial": "emulator-5554"} as the session config, ' +
  "or set APPIUM_URL and ANDROID_SERIAL for the server, or start emulators with `dynamind emulator start --count N` and pass " +
  '{"appium_url": ..., "pool_index": 0}. Install and start Appium with scripts/appium/install.sh and scripts/appium/start.sh ' +
  "(see adapters/android/appium/README.md).";

/**
 * Validates the config; fills appium_url and serial from `env` when absent. Pool
 * slots are resolved later (the state file is read when the session is created).
 */
export function parseAppiumConfig(raw: unknown, env: NodeJS.ProcessEnv = process.env): AppiumConfigInput & { appium_url?: string } {
  const parsed = appiumConfigSchema.safeParse(raw ?? {});
  if (!parsed.success) throw new EnvError("INVALID_ARGUMENT", `android-appium config: ${z.prettifyError(parsed.error)}`);
  const c = { ...parsed.data };
  c.appium_url ??= env.APPIUM_URL || undefined;
  if (c.pool_index === undefined) c.serial ??= env.ANDROID_SERIAL || undefined;
  if (!c.appium_url || (!c.serial && c.pool_index === undefined)) {
    const missing = [!c.appium_url && "appium_url", !c.serial && c.pool_index === undefined && "serial"].filter(Boolean).join(" and ");
    throw new EnvError("INVALID_ARGUMENT", `no Android device is configured (missing ${missing}). ${HOW_TO_CONFIGURE}`);
  }
  try {
    new URL(c.appium_url);
  } catch {
    throw new EnvError("INVALID_ARGUMENT", `android-appium config: appium_url "${c.appium_url}" is not a URL (e.g. http://127.0.0.1:4723)`);
  }
  if (c.task !== undefined && !APPIUM_TASKS_BY_NAME.has(c.task)) {
    throw new EnvError("INVALID_ARGUMENT", `android-appium config: unknown task "${c.task}"; valid tasks: ${[...APPIUM_TASKS_BY_NAME.keys()].join(", ")}`);
  }
  return c;
}
