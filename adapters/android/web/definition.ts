/**
 * `android-web`: the Android environment on the browser-hosted device
 * (emulator/web-device/, headless Chromium). A fast stand-in for development and
 * search, not AndroidWorld: the apps are small web models of AndroidWorld's apps.
 */
import { z } from "zod";
import { EnvError, type EnvDefinition, type EnvSpec } from "../../contract.js";
import { shortName } from "../../kit/short-text.js";
import { hasChromium, NO_CHROMIUM } from "../../../emulator/web-device/browser.js";
import { APP_NAMES, WebDevice } from "../../../emulator/web-device/web-device.js";
import { ACTION_TYPES, androidActionJsonSchema } from "../action.js";
import { AndroidEnv } from "../env.js";
import { stepBudget } from "../task.js";
import { WEB_TASKS } from "./tasks.js";

/** 1.1.0 (issue 11): AndroidWorld's tasks (parameters, noise data, goals: a seed draws another episode than 1.0.0), swipe, scroll-index-0, truncation and infeasible scoring; full-size screenshots by default; bbox, tooltip, metadata. */
/**
 * 1.2.0 (issue 11, the phone): a system UI — navigation bar, quick settings, app drawer, Overview, a keyboard whose
 * keys are elements, date and time pickers, SVG icons. Every screen gains elements and a 48 px bar, so
 * observations (element lists, boxes, screenshots) differ from 1.1.0's for the same state.
 */
/**
 * 1.3.0 (issue 11, new apps): Broccoli, Camera, Audio Recorder, Joplin, OpenTracks, Simple Draw Pro, Retro Music,
 * VLC and Simple Gallery Pro with AndroidWorld's tasks for them (109 tasks); the home screen and drawer gain their icons, and OpenAppTaskEval / TurnOnWifiAndOpenApp draw the
 * camera too, so a seed of those tasks may draw another app than in 1.2.0.
 */
/**
 * 1.3.1: a double tap is two taps, as on the Appium backend (it was a tap then a double click: three clicks, so
 * a checkbox double-tapped ended toggled); the device reads the screen only once its input has reached the page.
 */
export const ANDROID_WEB_VERSION = "1.3.1";

const TASK_NAMES = WEB_TASKS.map((t) => t.name);
/** Without a fixed task the budget must fit every task; each episode's own budget is in reset info (task_max_steps). */
export const ANDROID_WEB_DEFAULT_MAX_STEPS = Math.max(...WEB_TASKS.map(stepBudget));

const configSchema = z
  .object({
    task: z.string().optional().describe("Fix the task for every episode (then max_steps is its AndroidWorld budget, int(10 × complexity)); reset option task overrides it per episode"),
    screenshot: z
      .enum(["full", "third"])
      .optional()
      .describe('Screenshot size: "full" = 1080×2400 PNG (default; the same pixel space as the element boxes, as AndroidWorld), "third" = 360×800 PNG (opt-in, cheaper): scale 1/3, so a screenshot pixel (x,y) is element-box pixel (3x,3y)'),
  })
  .strict();
const resetOptionsSchema = z
  .object({ task: z.enum(TASK_NAMES as [string, ...string[]]).optional().describe("The task of this episode (default: the config's task, else one drawn from the seed)") })
  .strict();

export interface AndroidWebConfig {
  task: string | undefined;
  screenshot: "third" | "full";
}

function parseConfig(raw: unknown): AndroidWebConfig {
  const r = configSchema.safeParse(raw ?? {});
  if (!r.success) throw new EnvError("INVALID_ARGUMENT", `invalid android-web config: ${shortName(z.prettifyError(r.error), 600)}`);
  if (r.data.task !== undefined && !TASK_NAMES.includes(r.data.task)) {
    throw new EnvError("INVALID_ARGUMENT", `invalid android-web config: unknown task ${JSON.stringify(shortName(r.data.task, 64))}; valid tasks: ${TASK_NAMES.join(", ")}`);
  }
  return { task: r.data.task, screenshot: r.data.screenshot ?? "full" };
}

export const ANDROID_INSTRUCTIONS = [
  "You operate an Android phone (AndroidWorld's action space) to complete the goal given in the observation.",
  "Each observation lists the screen's UI elements, one per line: [index] class \"text\" (content description) flags @(x,y centre); a screenshot comes with it when requested.",
  "Answer with exactly one JSON action per turn:",
  '- {"action_type":"click","index":N} (or "x","y" in screen pixels, 1080×2400); also "double_tap" and "long_press"',
  '- {"action_type":"input_text","text":"...","index":N} taps the field, types the text, then presses Enter; add "clear_text":true to replace the field\'s text',
  '- {"action_type":"keyboard_enter"}, {"action_type":"navigate_back"}, {"action_type":"navigate_home"}, {"action_type":"wait"}',
  '- {"action_type":"scroll","direction":"up|down|left|right"} scrolls the screen (or the element "index", 1 and up: AndroidWorld treats index 0 as the whole screen); {"action_type":"swipe","direction":...} drags across the whole screen (down: top to bottom, up: bottom to top, left: left edge to right, right: right edge to left)',
  '- {"action_type":"open_app","app_name":"Contacts"}',
  '- {"action_type":"answer","text":"..."} gives the answer of a question task (then still end with status)',
  '- {"action_type":"status","goal_status":"complete"} (or "infeasible") ends the episode; only then is the task checked, either way: reward = success score (0..1).',
  '- {"action_type":"unknown"} does nothing (a step). "index" may be a numeric string; x,y may be floats (truncated).',
  `Action types: ${ACTION_TYPES.join(", ")}. A malformed action, an unknown type, an index out of range or a missing field is rejected and changes nothing.`,
].join("\n");

/** The screenshot's scale, said in the spec so that an agent can map image pixels to element boxes. */
function screenshotNote(screenshot: AndroidWebConfig["screenshot"]): string {
  return screenshot === "third"
    ? "Screenshots are 360×800, scale 1/3 of the 1080×2400 element-box pixels (config screenshot: third)."
    : "Screenshots are 1080×2400, the element boxes' pixel space (scale 1).";
}

function describe(config: AndroidWebConfig | undefined): EnvSpec {
  const c = config ?? parseConfig({});
  const fixed = c.task ? WEB_TASKS.find((t) => t.name === c.task) : undefined;
  return {
    id: "android-web",
    version: ANDROID_WEB_VERSION,
    description:
      `AndroidWorld-style tasks (${WEB_TASKS.length}) on a browser-hosted phone (${APP_NAMES.length} apps modelled on AndroidWorld's, headless Chromium): AndroidWorld's JSON actions and element list. A fast stand-in, not AndroidWorld. ` +
      screenshotNote(c.screenshot),
    observationKinds: ["text", "image", "ui_elements"],
    defaultObservationKinds: ["text", "ui_elements"],
    action: {
      kinds: ["json", "text"],
      discreteNames: [],
      textFormat: 'The JSON action as text, e.g. {"action_type":"click","index":3}; valid_actions lists a representative set for the current screen (status and answer are always valid too).',
      jsonSchema: androidActionJsonSchema,
    },
    cloneSupport: "portable",
    maxSteps: fixed ? stepBudget(fixed) : ANDROID_WEB_DEFAULT_MAX_STEPS,
    instructions: ANDROID_INSTRUCTIONS,
    tasks: WEB_TASKS.map((t) => ({ name: t.name, description: `${t.app}: ${t.description} (complexity ${t.complexity}, ${stepBudget(t)} steps)`, config: { task: t.name } })),
    configSchema: z.toJSONSchema(configSchema) as Record<string, unknown>,
    resetOptionsSchema: z.toJSONSchema(resetOptionsSchema) as Record<string, unknown>,
  };
}

export const androidWebDefinition: EnvDefinition<AndroidWebConfig> = {
  id: "android-web",
  describe,
  parseConfig,
  // A state carries its task and the whole device, so any android-web session can take it
  // (the screenshot size only changes how observations are rendered).
  configKey: () => "android-web",
  create: (config) => new AndroidEnv({ device: new WebDevice({ screenshot: config.screenshot }), tasks: WEB_TASKS, task: config.task }),
  unavailable: () => (hasChromium() ? undefined : NO_CHROMIUM),
};
