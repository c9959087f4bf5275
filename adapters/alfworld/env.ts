/**
 * The ALFWorld environment behind the project's Environment contract: generated scenes
 * (or ALFWorld's own game files) played by the in-process engine. Synchronous throughout.
 */
import { EnvError, type Action, type Environment, type ExpertPlan, type Observation, type ObservationRequest, type Transition } from "../contract.js";
import { hashBytes } from "../kit/hash.js";
import { GRAMMARS, parseResetOptions, type AlfworldConfig } from "./config.js";
import { expertAction } from "./expert.js";
import { generateScene, SPLITS, type Split } from "./generate.js";
import { loadGameFile } from "./pddl.js";
import { TASK_TYPES, type Grammar, type Scene, type TaskType } from "./scene.js";
import { intro, World } from "./world.js";

/** Longest plan the expert is asked for: the episode's own step budget. */
const EXPERT_HORIZON = 50;

/** What regenerates a scene: a generated one (split, grammar, task, seed) or a game file index. */
export interface SceneKey {
  kind: 0 | 1;
  split: number;
  grammar: number;
  /** Index into TASK_TYPES, or 255 for "any". */
  task: number;
  /** Seed (generated) or game index (files). */
  n: number;
}

export interface AlfworldState {
  readonly scene: Scene;
  readonly key: SceneKey;
  readonly buf: Uint16Array;
  readonly feedback: string;
}

// 2: receptacle membership is a bit set per object (objects can be in several receptacles).
export const STATE_VERSION = 2;
const WON = Object.freeze({ won: true });
const NOT_WON = Object.freeze({ won: false });
const NOTHING = Object.freeze({ won: false, admissible: false });

export class AlfworldEnv implements Environment<AlfworldState> {
  private world: World | undefined;
  private key: SceneKey | undefined;
  private readonly scenes = new Map<string, Scene>();

  constructor(readonly config: AlfworldConfig) {}

  reset(seed: number, options: Record<string, unknown>): Record<string, unknown> {
    if (!Number.isSafeInteger(seed)) throw new EnvError("INVALID_ARGUMENT", `seed must be a safe integer, got ${seed}`);
    const opts = parseResetOptions(options);
    const { config } = this;
    let key: SceneKey;
    if (config.games) {
      if (opts.taskType !== undefined) throw new EnvError("INVALID_ARGUMENT", "reset option task_type only applies to generated scenes; filter game files with the config's task_type");
      const count = config.games.files.length;
      if (opts.game !== undefined && opts.game >= count) throw new EnvError("INVALID_ARGUMENT", `game ${opts.game} out of range 0..${count - 1} (data set ${config.games.dataSet})`);
      key = { kind: 1, split: 0, grammar: GRAMMARS.indexOf(config.grammar), task: 255, n: opts.game ?? ((seed % count) + count) % count };
    } else {
      if (opts.game !== undefined) throw new EnvError("INVALID_ARGUMENT", "reset option game only applies with the games config (a data set)");
      const task = opts.taskType ?? config.taskType;
      key = { kind: 0, split: SPLITS.indexOf(config.split), grammar: GRAMMARS.indexOf(config.grammar), task: task === undefined ? 255 : TASK_TYPES.indexOf(task), n: seed };
    }
    const scene = this.sceneFor(key);
    this.key = key;
    if (this.world) this.world.load(scene, scene.init, "");
    else this.world = new World(scene);
    this.world.feedback = intro(this.world);
    // `goal` is the cross-environment key agents read the task from (android's reset
    // info has it too); `task` stays for clients written against earlier versions.
    return { ...scene.info, task: scene.taskText, goal: scene.taskText };
  }

  step(action: Action): Transition {
    if (action.$case !== "text") {
      throw new EnvError("INVALID_ACTION", `alfworld accepts text commands only (one of observation.valid_actions), not ${(action as Action).$case} actions`);
    }
    const w = this.started();
    const ok = w.command(action.text.trim());
    if (!ok) return { reward: 0, terminated: false, info: NOTHING };
    const won = w.won();
    return { reward: won ? 1 : 0, terminated: won, info: won ? WON : NOT_WON };
  }

  observe(request: ObservationRequest): Observation {
    const w = this.started();
    const buf = w.buf;
    return {
      text: request.text ? w.feedback : "",
      image: undefined,
      uiElements: [],
      validActions: w.admissible(),
      fingerprint: request.fingerprint === false ? "" : hashBytes(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength), w.scene.hash),
    };
  }

  cloneState(): AlfworldState {
    const w = this.started();
    return { scene: w.scene, key: this.key!, buf: w.buf.slice(), feedback: w.feedback };
  }

  restoreState(state: AlfworldState): void {
    if (!this.world) this.world = new World(state.scene);
    this.world.load(state.scene, state.buf, state.feedback);
    this.key = state.key;
  }

  stateSize(state: AlfworldState): number {
    return 2 * state.buf.length + 2 * state.feedback.length + 96;
  }

  encodeState(state: AlfworldState): Uint8Array {
    const fb = new TextEncoder().encode(state.feedback);
    const words = state.buf.length;
    const out = new Uint8Array(24 + 2 * words + 4 + fb.length);
    const dv = new DataView(out.buffer);
    out[0] = STATE_VERSION;
    out[1] = state.key.kind;
    out[2] = state.key.split;
    out[3] = state.key.grammar;
    out[4] = state.key.task;
    dv.setFloat64(8, state.key.n, true);
    dv.setUint32(16, state.scene.hash, true);
    dv.setUint32(20, words, true);
    for (let i = 0; i < words; i++) dv.setUint16(24 + 2 * i, state.buf[i]!, true);
    dv.setUint32(24 + 2 * words, fb.length, true);
    out.set(fb, 28 + 2 * words);
    return out;
  }

  decodeState(bytes: Uint8Array): AlfworldState {
    const invalid = (msg: string): never => {
      throw new EnvError("STATE_INVALID", `alfworld state: ${msg}`);
    };
    if (!(bytes instanceof Uint8Array) || bytes.length < 28) invalid("too short");
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (bytes[0] !== STATE_VERSION) invalid(`unsupported version ${bytes[0]} (expected ${STATE_VERSION})`);
    const key: SceneKey = { kind: bytes[1] as 0 | 1, split: bytes[2]!, grammar: bytes[3]!, task: bytes[4]!, n: dv.getFloat64(8, true) };
    if (key.kind > 1 || key.split >= SPLITS.length || key.grammar >= GRAMMARS.length || (key.task !== 255 && key.task >= TASK_TYPES.length) || !Number.isSafeInteger(key.n)) {
      invalid("bad scene key");
    }
    const hash = dv.getUint32(16, true);
    const words = dv.getUint32(20, true);
    if (bytes.length < 28 + 2 * words) invalid("truncated state words");
    const fbLen = dv.getUint32(24 + 2 * words, true);
    if (bytes.length !== 28 + 2 * words + fbLen) invalid("length does not match its header");
    if (key.kind === 1 && !this.config.games) throw new EnvError("STATE_INCOMPATIBLE", "alfworld state comes from a game file but this session plays generated scenes");
    if (key.kind === 0 && this.config.games) throw new EnvError("STATE_INCOMPATIBLE", "alfworld state comes from a generated scene but this session plays game files");
    if (key.kind === 1 && key.n >= this.config.games!.files.length) throw new EnvError("STATE_INCOMPATIBLE", `alfworld state names game ${key.n}, this session has ${this.config.games!.files.length}`);
    const scene = this.sceneFor(key);
    if (scene.hash !== hash) throw new EnvError("STATE_INCOMPATIBLE", "alfworld state was taken in a different scene (generator or game file changed)");
    const buf = new Uint16Array(words);
    for (let i = 0; i < words; i++) buf[i] = dv.getUint16(24 + 2 * i, true);
    const problem = World.validate(scene, buf);
    if (problem) invalid(problem);
    let feedback: string;
    try {
      feedback = new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(28 + 2 * words));
    } catch {
      return invalid("feedback is not UTF-8");
    }
    return { scene, key, buf, feedback };
  }

  /** The expert's next command from the current state (undefined once the goal holds). */
  expertAction(): string | undefined {
    return expertAction(this.started());
  }

  /**
   * The expert's whole plan from here: it plays itself forward on this instance and
   * then restores the state, so the plan is exactly what stepping would do.
   */
  expertPlan(): ExpertPlan | undefined {
    const saved = this.cloneState();
    const actions: Action[] = [];
    try {
      for (let i = 0; i < EXPERT_HORIZON; i++) {
        const command = this.expertAction();
        if (command === undefined) break;
        const action: Action = { $case: "text", text: command };
        actions.push(action);
        if (this.step(action).terminated) return { actions, reachesGoal: true };
      }
      return actions.length > 0 ? { actions, reachesGoal: false } : undefined;
    } finally {
      this.restoreState(saved);
    }
  }

  /** The live engine (tests, tools). */
  get engine(): World {
    return this.started();
  }

  private sceneFor(key: SceneKey): Scene {
    const id = `${key.kind}/${key.split}/${key.grammar}/${key.task}/${key.n}`;
    const hit = this.scenes.get(id);
    if (hit) {
      // Refresh recency.
      this.scenes.delete(id);
      this.scenes.set(id, hit);
      return hit;
    }
    let scene: Scene;
    if (key.kind === 1) {
      scene = loadGameFile(this.config.games!.files[key.n]!, this.config.grammarExplicit ? (GRAMMARS[key.grammar] as Grammar) : undefined);
    } else {
      scene = generateScene(key.n, {
        split: SPLITS[key.split] as Split,
        taskType: key.task === 255 ? undefined : (TASK_TYPES[key.task] as TaskType),
        grammar: GRAMMARS[key.grammar] as Grammar,
      });
    }
    this.scenes.set(id, scene);
    if (this.scenes.size > 64) this.scenes.delete(this.scenes.keys().next().value!);
    return scene;
  }

  private started(): World {
    if (!this.world) throw new EnvError("EPISODE_NOT_STARTED", "call reset before using the alfworld environment");
    return this.world;
  }
}

