/**
 * `android-appium`: the Android environment (`../env.ts`) on a real emulator or
 * phone through Appium UiAutomator2 — AndroidWorld's JSON actions, element list and
 * screenshots, with tasks whose success is read from the device through adb.
 * Clone/restore are emulator snapshots held by the server (not portable).
 */
import { z } from "zod";
import { EnvError, type EnvDefinition, type EnvSpec } from "../../contract.js";
import { androidActionJsonSchema } from "../action.js";
import { AndroidEnv } from "../env.js";
import { stepBudget } from "../task.js";
import { spawnAdbRunner, type AdbRunner } from "../../../emulator/device/adb.js";
import { Adb } from "./adb.js";
import { ANDROID_APPS, findApp } from "./apps.js";
import { configJsonSchemaFor, deviceTable, parseAppiumConfig, type AppiumSessionConfig } from "./config.js";
import { AppiumDevice, probeDevice, type AppiumDeviceOptions } from "./device.js";
import { APPIUM_TASKS, APPIUM_TASKS_BY_NAME, type AppiumTask } from "./tasks.js";
import { defaultStatePath, EmulatorPool, readPoolStateSync, type PoolEntry } from "../../../emulator/pool/pool.js";
import { OperatorResources, type AndroidDeviceEntry, type AndroidResources } from "../../operator-resources.js";

export const APPIUM_ENV_ID = "android-appium";
// 1.1.0: AndroidWorld's swipe, scroll-index-0, truncation and infeasible scoring; bbox, tooltip, metadata.
const VERSION = "1.1.0";
const DEFAULT_MAX_STEPS = Math.max(...APPIUM_TASKS.map(stepBudget));

const resetOptionsSchema = z.strictObject({ task: z.enum(APPIUM_TASKS.map((t) => t.name) as [string, ...string[]]).optional() });

function instructions(): string {
  return [
    "You operate an Android phone (1080x2400 pixels) to complete the goal stated in the observation.",
    "Each observation lists the screen's UI elements, one per line: [index] class \"text\" (content description) flags @(centre x,y); a screenshot may come with it.",
    "Answer with one JSON action per step:",
    '{"action_type":"click","index":N} or with "x","y" instead of "index"; same for "double_tap" and "long_press".',
    '{"action_type":"input_text","text":"...","index":N} taps the field, types the text and presses Enter ("clear_text":true empties it first).',
    '{"action_type":"scroll","direction":"up|down|left|right"} (optionally "index" of a scrollable element, 1 and up: AndroidWorld treats index 0 as the whole screen) reveals content in that direction;',
    '"swipe" drags across the whole screen (down: top to bottom, up: bottom to top, left: left edge to right, right: right edge to left). {"action_type":"navigate_back"}, {"action_type":"navigate_home"}, {"action_type":"keyboard_enter"},',
    `{"action_type":"open_app","app_name":"..."} (apps: ${ANDROID_APPS.map((a) => a.name).join(", ")}), {"action_type":"wait"} (1 s),`,
    '{"action_type":"answer","text":"..."} for questions, and finally {"action_type":"status","goal_status":"complete"} (or "infeasible") to end the episode.',
    '{"action_type":"unknown"} does nothing (a step). "index" may be a numeric string; x,y may be floats (truncated).',
    "The episode is scored only when you end it with status (complete or infeasible alike, as AndroidWorld): reward 1 if the device state satisfies the goal, else 0.",
  ].join("\n");
}

function describe(config: AppiumSessionConfig | undefined, configSchema: Record<string, unknown>): EnvSpec {
  const fixed = config?.task !== undefined ? APPIUM_TASKS_BY_NAME.get(config.task) : undefined;
  return {
    id: APPIUM_ENV_ID,
    version: VERSION,
    description:
      "AndroidWorld tasks on a real Android emulator or device through Appium UiAutomator2: JSON actions, UI element lists, screenshots, " +
      "success checked on the device through adb; clone = emulator snapshot (server-held).",
    observationKinds: ["text", "image", "ui_elements"],
    defaultObservationKinds: ["text", "ui_elements"],
    action: { kinds: ["json", "text"], discreteNames: [], textFormat: "a JSON action object (see instructions)", jsonSchema: androidActionJsonSchema },
    cloneSupport: "handle",
    maxSteps: fixed ? stepBudget(fixed) : DEFAULT_MAX_STEPS,
    instructions: instructions(),
    tasks: APPIUM_TASKS.map((t) => ({ name: t.name, description: t.description, config: { task: t.name } })),
    configSchema,
    resetOptionsSchema: z.toJSONSchema(resetOptionsSchema) as Record<string, unknown>,
  };
}

/** Hooks for tests and the pool: how adb runs, how sessions open, what a lost device does. */
export interface AppiumEnvHooks {
  adbRunner?: AdbRunner;
  connect?: AppiumDeviceOptions["connect"];
  onDeviceLost?: () => Promise<void>;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Everything one session needs, merged: the operator's device (URL, serial, ports,
 * capabilities, snapshot), the operator's adb, and the client's choices. Built on
 * the server from a validated config; never a client's input.
 */
export type ResolvedConfig = AndroidDeviceEntry & {
  adb_path?: string;
  task?: string;
  app_data_snapshots: boolean;
  stable?: AppiumSessionConfig["stable"];
};

/**
 * Wraps each task's initialize with the configured resets: load the device's
 * `reset_snapshot`, then restore the per-app data snapshot of the task's app (AndroidWorld's reset).
 */
export function withConfiguredReset(task: AppiumTask, config: ResolvedConfig): AppiumTask {
  if (!config.reset_snapshot && !config.app_data_snapshots) return task;
  return {
    ...task,
    initialize: async (device, params) => {
      if (config.reset_snapshot) await (device as AppiumDevice).loadSnapshot(config.reset_snapshot);
      const app = config.app_data_snapshots ? findApp(task.app) : undefined;
      if (app) await device.appData.restore(app.package);
      await task.initialize(device, params);
    },
  };
}

/** Builds the environment for a parsed config whose device is known. */
export function createAppiumEnv(config: ResolvedConfig, hooks: AppiumEnvHooks = {}): AndroidEnv<AppiumDevice> {
  const run = hooks.adbRunner ?? spawnAdbRunner({ adbPath: config.adb_path, serverPort: config.adb_server_port });
  const device = new AppiumDevice({
    appiumUrl: config.appium_url,
    serial: config.serial,
    adb: new Adb(run, config.serial),
    ports: { systemPort: config.system_port, mjpegServerPort: config.mjpeg_server_port, chromedriverPort: config.chromedriver_port, adbPort: config.adb_server_port },
    stable: config.stable ? { polls: config.stable.polls, intervalMs: config.stable.interval_ms, capMs: config.stable.cap_ms } : undefined,
    capabilities: config.capabilities,
    connect: hooks.connect,
    onDeviceLost: hooks.onDeviceLost,
    sleep: hooks.sleep,
  });
  return new AndroidEnv<AppiumDevice>({ device, tasks: APPIUM_TASKS.map((t) => withConfiguredReset(t, config)), task: config.task });
}

/**
 * The device a validated config names, or pool slot `pool_index` from the operator's
 * pool state file (serial and ports), with a relaunch hook for that slot (bounded in
 * the pool). A missing slot is INVALID_ARGUMENT; messages never show the server's paths.
 */
export function resolveDevice(
  config: AppiumSessionConfig,
  android: AndroidResources,
  env: NodeJS.ProcessEnv = process.env,
): { config: ResolvedConfig; onDeviceLost?: () => Promise<void> } {
  const client = { task: config.task, app_data_snapshots: config.app_data_snapshots, stable: config.stable, adb_path: android.adb };
  if (config.device) return { config: { ...config.device.entry, ...client } };
  const appiumUrl = android.poolAppiumUrl ?? env.APPIUM_URL;
  if (!appiumUrl) {
    throw new EnvError("INVALID_ARGUMENT", "the server has no Appium server for its emulator pool (the operator sets android.appium_url in the server config, or APPIUM_URL)");
  }
  const statePath = android.poolState ?? defaultStatePath(env);
  let entry: PoolEntry | undefined;
  try {
    entry = readPoolStateSync(statePath).emulators.find((e) => e.slot === config.pool_index);
  } catch (err) {
    throw new EnvError("INVALID_ARGUMENT", `the server's emulator pool state cannot be read (${(err as NodeJS.ErrnoException).code ?? "not a pool file"})`);
  }
  if (!entry) throw new EnvError("INVALID_ARGUMENT", `the server's emulator pool has no slot ${config.pool_index}; the operator starts emulators with \`dynamind emulator start --count N\``);
  const slot = entry.slot;
  return {
    config: {
      ...client,
      appium_url: appiumUrl,
      serial: entry.serial,
      adb_server_port: entry.ports.adbServer,
      system_port: entry.ports.systemPort,
      mjpeg_server_port: entry.ports.mjpegServerPort,
      chromedriver_port: entry.ports.chromedriverPort,
    },
    onDeviceLost: async () => {
      await new EmulatorPool({ statePath, adbPath: android.adb }).relaunch(slot);
    },
  };
}

/**
 * The definition with the devices the operator grants (plus the one from the
 * server's APPIUM_URL and ANDROID_SERIAL, when set): `device` names one.
 */
export function createAppiumDefinition(resources: OperatorResources = OperatorResources.EMPTY, env: NodeJS.ProcessEnv = process.env): EnvDefinition<AppiumSessionConfig> {
  const devices = deviceTable(resources.android, env);
  const configSchema = configJsonSchemaFor([...devices.keys()].sort());
  return {
    id: APPIUM_ENV_ID,
    describe: (config) => describe(config, configSchema),
    parseConfig: (raw) => parseAppiumConfig(raw, devices),
    configKey: (c) => JSON.stringify([c.device?.name ?? `pool:${c.pool_index}`, c.task ?? "", c.app_data_snapshots]),
    create: (config) => {
      const { config: resolved, onDeviceLost } = resolveDevice(config, resources.android, env);
      return createAppiumEnv(resolved, { onDeviceLost });
    },
    prepare: async (config) => {
      const { config: resolved } = resolveDevice(config, resources.android, env);
      const run = spawnAdbRunner({ adbPath: resolved.adb_path, serverPort: resolved.adb_server_port });
      await probeDevice({ appiumUrl: resolved.appium_url, adb: new Adb(run, resolved.serial) });
    },
  };
}

/** Without a server config: only the device of APPIUM_URL and ANDROID_SERIAL, or pool slots. */
export const appiumDefinition = createAppiumDefinition();
