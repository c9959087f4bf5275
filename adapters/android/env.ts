/**
 * The Android environment, written once against {@link DeviceBackend}: AndroidWorld's
 * JSON actions executed on the device, its element list as ui_elements, a PNG
 * screenshot, a compact text rendering, and the task lifecycle (seeded parameters,
 * initialize, success only after the agent's `status`, `answer` for information tasks).
 *
 * Rewards: 0 on every step except `status`, whose reward is the task's success score
 * (0..1); `status` terminates the episode and `info.success` says whether the score is 1.
 * `status` with goal_status "infeasible" is scored the same way: AndroidWorld's runner
 * ends the episode on either status and scores it by the task's `is_successful` on the
 * device (`agent_successful = task_successful if done`), never by what the agent claimed.
 */
import { EnvError, type Action, type Environment, type Observation, type ObservationRequest, type Transition, type UiElement } from "../contract.js";
import { shortName } from "../kit/short-text.js";
import { hashString } from "../kit/hash.js";
import { Rng } from "../kit/rng.js";
import { parseAndroidAction, type AndroidAction } from "./action.js";
import type { DeviceBackend, RawNode } from "../../emulator/device/contract.js";
import { stepBudget, type AndroidTask, type TaskParams } from "./task.js";
import { scrollDrag, swipeDrag } from "./gesture.js";
import { elementCenter, renderElements, toUiElements } from "./ui-elements.js";

/** A saved Android state: the device snapshot plus the episode's task and answer. */
export interface AndroidState {
  device: unknown;
  task: string;
  seed: number;
  params: TaskParams;
  answer: string | null;
}

/** Backends that can read the tree and a state fingerprint source in one round trip. */
interface CombinedRead {
  treeAndState(): Promise<{ tree: RawNode[]; state: string }>;
}

export interface AndroidEnvOptions<D extends DeviceBackend> {
  device: D;
  tasks: readonly AndroidTask<D>[];
  /** A fixed task for every episode (config), unless reset options name another. */
  task?: string;
}

const ACTION_KINDS_HINT = 'Android actions are JSON objects, e.g. {"action_type":"click","index":3}';

export class AndroidEnv<D extends DeviceBackend> implements Environment<AndroidState> {
  readonly device: D;
  private readonly tasks: readonly AndroidTask<D>[];
  private readonly byName: Map<string, AndroidTask<D>>;
  private readonly fixedTask: string | undefined;

  private task: AndroidTask<D> | undefined;
  private seed = 0;
  private params: TaskParams = {};
  private answer: string | null = null;
  /** The element list of the current screen (invalid after any device input). */
  private elements: UiElement[] | undefined;
  private deviceStateJson: string | undefined;

  constructor(options: AndroidEnvOptions<D>) {
    this.device = options.device;
    this.tasks = options.tasks;
    this.byName = new Map(options.tasks.map((t) => [t.name, t]));
    this.fixedTask = options.task;
  }

  taskNames(): string[] {
    return this.tasks.map((t) => t.name);
  }

  private taskByName(name: string): AndroidTask<D> {
    const t = this.byName.get(name);
    if (!t) throw new EnvError("INVALID_ARGUMENT", `unknown android task ${JSON.stringify(shortName(name, 64))}; valid tasks: ${this.taskNames().join(", ")}`);
    return t;
  }

  async reset(seed: number, options: Record<string, unknown>): Promise<Record<string, unknown>> {
    const unknownKeys = Object.keys(options).filter((k) => k !== "task");
    if (unknownKeys.length > 0) throw new EnvError("INVALID_ARGUMENT", `invalid android reset options: unknown field(s) ${shortName(unknownKeys.map((k) => shortName(k, 64)).join(", "), 300)}; accepted: task`);
    const requested = options.task;
    if (requested !== undefined && typeof requested !== "string") throw new EnvError("INVALID_ARGUMENT", "invalid android reset options: task must be a task name (string)");
    const name = requested ?? this.fixedTask;
    const task = name !== undefined ? this.taskByName(name) : Rng.fromSeed(seed, 7).pick(this.tasks);
    const params = task.params(Rng.fromSeed(seed, 1));
    await this.device.start();
    await task.initialize(this.device, params);
    this.task = task;
    this.seed = seed;
    this.params = params;
    this.answer = null;
    this.invalidate();
    return { task: task.name, goal: task.goal(params), complexity: task.complexity, task_max_steps: stepBudget(task), params };
  }

  private invalidate(): void {
    this.elements = undefined;
    this.deviceStateJson = undefined;
  }

  private requireTask(): AndroidTask<D> {
    if (!this.task) throw new EnvError("EPISODE_NOT_STARTED", "the episode has not started: call Reset first");
    return this.task;
  }

  private async read(): Promise<UiElement[]> {
    if (this.elements) return this.elements;
    const d = this.device as unknown as Partial<CombinedRead>;
    if (typeof d.treeAndState === "function") {
      const { tree, state } = await d.treeAndState();
      this.elements = toUiElements(tree, this.device.screen);
      this.deviceStateJson = state;
    } else {
      this.elements = toUiElements(await this.device.elementTree(), this.device.screen);
      this.deviceStateJson = this.device.captureState ? JSON.stringify(await this.device.captureState()) : undefined;
    }
    return this.elements;
  }

  async step(action: Action): Promise<Transition> {
    const task = this.requireTask();
    let json: string;
    if (action.$case === "json") json = action.json;
    else if (action.$case === "text") json = action.text;
    else throw new EnvError("INVALID_ACTION", `index actions are not accepted: ${ACTION_KINDS_HINT}`);
    const elements = await this.read();
    const a = parseAndroidAction(json, elements.length);
    this.checkAction(a);

    switch (a.action_type) {
      case "status": {
        const score = clamp01(await task.isSuccessful(this.device, this.params, this.answer ?? undefined));
        return { reward: score, terminated: true, info: { success: score >= 1, score, goal_status: a.goal_status } };
      }
      case "answer":
        this.answer = a.text;
        return { reward: 0, terminated: false, info: { answer: a.text } };
      default:
        break;
    }
    await this.execute(a, elements);
    this.invalidate();
    await this.device.settle();
    return { reward: 0, terminated: false, info: undefined };
  }

  /**
   * Rejects what the schema cannot: a point off the screen, for the actions that tap it
   * (scroll and swipe ignore x,y, as AndroidWorld does, and `unknown` does nothing).
   * AndroidWorld would send such a tap to adb, which drops it; here it is an error that
   * changes nothing, so the agent learns its point was wrong.
   */
  private checkAction(a: AndroidAction): void {
    if (a.action_type === "scroll" || a.action_type === "swipe" || a.action_type === "unknown") return;
    const t = a as { x?: number; y?: number };
    const { width, height } = this.device.screen;
    if (t.x !== undefined && t.y !== undefined && (t.x < 0 || t.y < 0 || t.x >= width || t.y >= height)) {
      throw new EnvError("INVALID_ACTION", `${a.action_type}: point (${t.x},${t.y}) is off the ${width}×${height} screen`);
    }
    // open_app names are checked by the device, which changes nothing for an unknown name.
  }

  private target(a: { index?: number; x?: number; y?: number }, elements: UiElement[]): { x: number; y: number } | undefined {
    if (a.index !== undefined) return elementCenter(elements[a.index]!);
    if (a.x !== undefined && a.y !== undefined) return { x: a.x, y: a.y };
    return undefined;
  }

  private async execute(a: AndroidAction, elements: UiElement[]): Promise<void> {
    const d = this.device;
    switch (a.action_type) {
      case "click":
      case "double_tap":
      case "long_press": {
        const p = this.target(a, elements)!;
        if (a.action_type === "click") await d.tap(p.x, p.y);
        else if (a.action_type === "double_tap") await d.doubleTap(p.x, p.y);
        else await d.longPress(p.x, p.y);
        return;
      }
      case "input_text": {
        // AndroidWorld types nothing (not even the tap) for an empty text.
        if (a.text === "") return;
        const p = this.target(a, elements);
        if (p) await d.tap(p.x, p.y);
        if (a.clear_text) await d.clearText();
        await d.typeText(a.text);
        await d.pressKey("enter");
        return;
      }
      case "keyboard_enter":
        return d.pressKey("enter");
      case "navigate_home":
        return d.pressKey("home");
      case "navigate_back":
        return d.pressKey("back");
      case "scroll": {
        // `if action.index:` in AndroidWorld: index 0 scrolls the whole screen, not element 0.
        const drag = scrollDrag(a.direction, a.index ? elements[a.index]!.bboxPixels : undefined, d.screen);
        return d.swipe(drag.from.x, drag.from.y, drag.to.x, drag.to.y);
      }
      case "swipe": {
        const drag = swipeDrag(a.direction, d.screen);
        return d.swipe(drag.from.x, drag.from.y, drag.to.x, drag.to.y);
      }
      case "open_app":
        try {
          await d.openApp(a.app_name);
        } catch (err) {
          // A backend's own EnvError keeps its code: an Appium transport failure is a retryable
          // INTERNAL, not the agent's mistake. A plain error is the device refusing the name.
          if (err instanceof EnvError) throw err;
          throw new EnvError("INVALID_ACTION", `open_app: ${(err as Error).message}`);
        }
        return;
      case "wait":
        return d.wait(1);
      case "unknown":
        // A step that does nothing, as AndroidWorld's actuation prints and moves on.
        return;
      default:
        return;
    }
  }

  async observe(request: ObservationRequest): Promise<Observation> {
    const task = this.requireTask();
    const elements = await this.read();
    const goal = task.goal(this.params);
    const fingerprint = hashString(`${task.name}\u0000${JSON.stringify(this.params)}\u0000${this.answer ?? ""}\u0000${this.deviceStateJson ?? JSON.stringify(elements)}`);
    let text = "";
    if (request.text) {
      const app = elements.find((e) => e.packageName !== "com.android.systemui")?.packageName ?? "";
      text = `Goal: ${goal}\nForeground app: ${app}\n${this.answer !== null ? `Your answer so far: ${JSON.stringify(this.answer)}\n` : ""}UI elements ([index] class "text" (content description) flags @(centre x,y) on a ${this.device.screen.width}×${this.device.screen.height} screen):\n${renderElements(elements)}`;
    }
    let image: Observation["image"];
    if (request.image) {
      const shot = await this.device.screenshot();
      image = { data: shot.png, mimeType: "image/png", width: shot.width, height: shot.height };
    }
    return { text, image, uiElements: request.uiElements ? elements : [], validActions: this.validActions(elements), fingerprint };
  }

  /**
   * A representative set of valid JSON actions for this screen (samplers and simple agents
   * use it). Targets are given as x,y (the element's centre), not index, so that every
   * listed action stays valid on any later screen: a sequence sampled from one
   * observation (search, Expand) never fails validation halfway.
   */
  validActions(elements: readonly UiElement[]): string[] {
    const out: string[] = [];
    for (const e of elements) {
      if (!e.bboxPixels) continue;
      const { x, y } = elementCenter(e);
      if (e.isEditable) out.push(JSON.stringify({ action_type: "input_text", text: "hello", x, y }));
      else if (e.isClickable) out.push(JSON.stringify({ action_type: "click", x, y }));
      if (e.isLongClickable) out.push(JSON.stringify({ action_type: "long_press", x, y }));
    }
    if (elements.some((e) => e.isScrollable)) out.push('{"action_type":"scroll","direction":"down"}', '{"action_type":"scroll","direction":"up"}');
    // Swipes reach the system UI no tap reaches: down from the top edge pulls the quick settings, up opens the app drawer.
    out.push('{"action_type":"swipe","direction":"down"}', '{"action_type":"swipe","direction":"up"}');
    out.push('{"action_type":"navigate_back"}', '{"action_type":"navigate_home"}', '{"action_type":"wait"}');
    for (const app_name of this.device.appNames()) out.push(JSON.stringify({ action_type: "open_app", app_name }));
    return out;
  }

  async cloneState(): Promise<AndroidState> {
    const task = this.requireTask();
    if (!this.device.captureState) throw new EnvError("UNSUPPORTED", "this device cannot snapshot its state");
    return { device: await this.device.captureState(), task: task.name, seed: this.seed, params: this.params, answer: this.answer };
  }

  async restoreState(state: AndroidState): Promise<void> {
    if (!this.device.restoreState) throw new EnvError("UNSUPPORTED", "this device cannot restore a state");
    const task = this.taskByName(state.task);
    await this.device.start();
    await this.device.restoreState(state.device);
    this.task = task;
    this.seed = state.seed;
    this.params = state.params;
    this.answer = state.answer;
    this.invalidate();
  }

  stateSize(state: AndroidState): number {
    return 2 * (typeof state.device === "string" ? state.device.length : JSON.stringify(state.device).length) + 512;
  }

  encodeState(state: AndroidState): Uint8Array {
    return new TextEncoder().encode(JSON.stringify(state));
  }

  decodeState(bytes: Uint8Array): AndroidState {
    let s: AndroidState;
    try {
      s = JSON.parse(new TextDecoder().decode(bytes)) as AndroidState;
    } catch {
      throw new EnvError("STATE_INVALID", "android state bytes are not JSON");
    }
    if (typeof s !== "object" || s === null || typeof s.task !== "string" || !this.byName.has(s.task) || typeof s.seed !== "number" || typeof s.params !== "object" || s.device === undefined) {
      throw new EnvError("STATE_INVALID", "android state bytes have the wrong shape or an unknown task");
    }
    return s;
  }

  async close(): Promise<void> {
    await this.device.close();
  }
}

function clamp01(x: number): number {
  return Number.isFinite(x) ? Math.max(0, Math.min(1, x)) : 0;
}
