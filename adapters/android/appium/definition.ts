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
import { Adb, spawnAdbRunner, type AdbRunner } from "./adb.js";
import { ANDROID_APPS, findApp } from "./apps.js";
import { configJsonSchema, parseAppiumConfig, type AppiumConfigInput } from "./config.js";
import { AppiumDevice, type AppiumDeviceOptions } from "./device.js";
import { APPIUM_TASKS, APPIUM_TASKS_BY_NAME, type AppiumTask } from "./tasks.js";
import { defaultStatePath, EmulatorPool, readPoolStateSync, type PoolEntry } from "../../../emulator/pool/pool.js";

export const APPIUM_ENV_ID = "android-appium";
const VERSION = "1.0.0";
const DEFAULT_MAX_STEPS = Math.max(...APPIUM_TASKS.map(stepBudget));

const resetOptionsSchema = z.strictObject({ task: z.enum(APPIUM_TASKS.map((t) => t.name) as [string, ...string[]]).optional() });

function instructions(): string {
  return [
    "You operate an Android phone (1080x2400 pixels) to complete the goal stated in the observation.",
    "Each observation lists the screen's UI elements, one per line: [index] class \"text\" (content description) flags @(centre x,y); a screenshot may come with it.",
    "Answer with one JSON action per step:",
    '{"action_type":"click","index":N} or with "x","y" instead of "index"; same for "double_tap" and "long_press".',
    '{"action_type":"input_text","text":"...","index":N} taps the field, types the text and presses Enter ("clear_text":true empties it first).',
    '{"action_type":"scroll","direction":"up|down|left|right"} (optionally "index" of a scrollable element) reveals content in that direction;',
    '"swipe" moves the finger in the direction. {"action_type":"navigate_back"}, {"action_type":"navigate_home"}, {"action_type":"keyboard_enter"},',
    `{"action_type":"open_app","app_name":"..."} (apps: ${ANDROID_APPS.map((a) => a.name).join(", ")}), {"action_type":"wait"} (1 s),`,
    '{"action_type":"answer","text":"..."} for questions, and finally {"action_type":"status","goal_status":"complete"} (or "infeasible") to end the episode.',
    "The episode is scored only when you end it with status: reward 1 if the device state satisfies the goal, else 0.",
  ].join("\n");
}

function describe(config: AppiumConfigInput | undefined): EnvSpec {
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
    configSchema: configJsonSchema,
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
 * Wraps each task's initialize with the configured resets: load `reset_snapshot`,
 * then restore the per-app data snapshot of the task's app (AndroidWorld's reset).
 */
export function withConfiguredReset(task: AppiumTask, config: AppiumConfigInput): AppiumTask {
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
 * Resolves `pool_index` into serial and ports from the pool's state file, with a
 * relaunch hook for that slot (bounded in the pool). A missing slot is INVALID_ARGUMENT.
 */
export function resolvePoolSlot(config: AppiumConfigInput & { appium_url?: string }): { config: ResolvedConfig; onDeviceLost?: () => Promise<void> } {
  if (config.pool_index === undefined) return { config: config as ResolvedConfig };
  const statePath = config.pool_state ?? defaultStatePath();
  let entry: PoolEntry | undefined;
  try {
    entry = readPoolStateSync(statePath).emulators.find((e) => e.slot === config.pool_index);
  } catch (err) {
    throw new EnvError("INVALID_ARGUMENT", `cannot read the emulator pool state ${statePath}: ${(err as Error).message}`);
  }
  if (!entry) throw new EnvError("INVALID_ARGUMENT", `the emulator pool (${statePath}) has no slot ${config.pool_index}; start emulators with \`dynamind emulator start --count N\``);
  const slot = entry.slot;
  return {
    config: {
      ...config,
      appium_url: config.appium_url!,
      serial: entry.serial,
      adb_server_port: config.adb_server_port ?? entry.ports.adbServer,
      system_port: config.system_port ?? entry.ports.systemPort,
      mjpeg_server_port: config.mjpeg_server_port ?? entry.ports.mjpegServerPort,
      chromedriver_port: config.chromedriver_port ?? entry.ports.chromedriverPort,
    },
    onDeviceLost: async () => {
      await new EmulatorPool({ statePath, adbPath: config.adb_path }).relaunch(slot);
    },
  };
}

type ResolvedConfig = AppiumConfigInput & { appium_url: string; serial: string };

export const appiumDefinition: EnvDefinition<AppiumConfigInput & { appium_url?: string }> = {
  id: APPIUM_ENV_ID,
  describe,
  parseConfig: (raw) => parseAppiumConfig(raw),
  configKey: (c) => JSON.stringify([c.appium_url, c.serial ?? `pool:${c.pool_index}`, c.task ?? "", c.reset_snapshot ?? "", c.app_data_snapshots]),
  create: (config) => {
    const { config: resolved, onDeviceLost } = resolvePoolSlot(config);
    return createAppiumEnv(resolved, { onDeviceLost });
  },
};
