/**
 * The Sokoban environment: gym-sokoban dynamics behind the project's Environment contract.
 * Everything on the step path works on the room's Uint8Array in place; clones are a
 * slice of it, which is what makes tree search over clones cheap.
 */
import {
  EnvError,
  type Action,
  type CallBudget,
  type Environment,
  type ExpertPlan,
  type MaybePromise,
  type Observation,
  type ObservationRequest,
  type Transition,
} from "../contract.js";
import { hashBytes } from "../kit/hash.js";
import { runOffLoop } from "../kit/off-loop.js";
import { WorkerPool, workerEntry } from "../kit/worker-pool.js";
import { parseResetOptions, type SokobanConfig } from "./config.js";
import { ACTION_NAMES, applyAction, BOX_MOVED, NUM_ACTIONS, PLAYER_MOVED, stepReward } from "./dynamics.js";
import { runSokobanJob, type SokobanJob, type SokobanJobResult } from "./jobs.js";
import { renderImage } from "./render-image.js";
import { renderText } from "./render-text.js";
import { BOX, copyRoom, makeRoom, restoreInto, roomFromState, roomProblem, snapshot, type Room, type SokobanState } from "./room.js";
import { solveRoom } from "./solver.js";

/**
 * Text commands for LLM agents; they map to the push actions 1-4 (a push falls back to a move).
 * Frozen, because every observation hands out this same list: the server's reply encoder
 * then encodes it once (a frozen list cannot change under its identity).
 */
export const TEXT_COMMANDS = Object.freeze(["Up", "Down", "Left", "Right"] as const);

const TEXT_TO_ACTION: ReadonlyMap<string, number> = new Map<string, number>([
  ...TEXT_COMMANDS.map((c, i) => [c.toLowerCase(), i + 1] as [string, number]),
  ...ACTION_NAMES.map((name, i) => [name, i] as [string, number]),
]);

/** Encoded state layout: version, width, height, box count, player (u16 LE), then one byte per cell. */
export const STATE_VERSION = 1;
const HEADER_BYTES = 6;

/** Parses an action into 0..8 without touching any state. */
export function actionIndex(action: Action): number {
  switch (action.$case) {
    case "index": {
      const i = action.index;
      if (!Number.isInteger(i) || i < 0 || i >= NUM_ACTIONS) {
        throw new EnvError("INVALID_ACTION", `index ${i} out of range 0..${NUM_ACTIONS - 1}`);
      }
      return i;
    }
    case "text": {
      const key = action.text.trim().toLowerCase().replace(/\s+/g, " ");
      const i = TEXT_TO_ACTION.get(key);
      if (i === undefined) {
        throw new EnvError(
          "INVALID_ACTION",
          `unknown command ${JSON.stringify(action.text)}; answer with one of ${TEXT_COMMANDS.join(", ")} ` +
            `(case-insensitive), or a discrete action name: ${ACTION_NAMES.join(", ")}`,
        );
      }
      return i;
    }
    default:
      throw new EnvError("INVALID_ACTION", `sokoban accepts index or text actions, not ${(action as Action).$case}`);
  }
}

/** Generation and solving for server calls that outgrow the inline slice; one pool per process, started on first use. */
let pool: WorkerPool<SokobanJob, SokobanJobResult> | undefined;
const sokobanPool = (): WorkerPool<SokobanJob, SokobanJobResult> => (pool ??= new WorkerPool(workerEntry(import.meta.url, "worker")));

/** Runs a job inline without limits (in-process use), or bounded and off the event loop for a server call. */
function runJob(job: SokobanJob, call: CallBudget | undefined, what: string): MaybePromise<SokobanJobResult> {
  if (call === undefined) return runSokobanJob(job, Infinity);
  return runOffLoop(job, runSokobanJob, sokobanPool, call.deadline, what);
}

function then<T, U>(value: MaybePromise<T>, f: (v: T) => U): MaybePromise<U> {
  return value instanceof Promise ? value.then(f) : f(value);
}

export class SokobanEnv implements Environment<SokobanState> {
  private room: Room | undefined;
  /** Boxoban mode: optimal lengths already computed, by level index (levels never change). */
  private readonly optimalCache = new Map<number, number | null>();

  constructor(readonly config: SokobanConfig) {}

  /**
   * Generates (or picks) the room and, with report_optimal, solves it. Under a server call
   * that work may move to a worker; the room only changes once it is done.
   */
  reset(seed: number, options: Record<string, unknown>): Record<string, unknown>;
  reset(seed: number, options: Record<string, unknown>, call: CallBudget | undefined): MaybePromise<Record<string, unknown>>;
  reset(seed: number, options: Record<string, unknown>, call?: CallBudget): MaybePromise<Record<string, unknown>> {
    if (!Number.isSafeInteger(seed)) throw new EnvError("INVALID_ARGUMENT", `seed must be a safe integer, got ${seed}`);
    const { level } = parseResetOptions(options);
    const { config } = this;
    const info: Record<string, unknown> = { seed };
    if (config.boxoban) {
      const levels = config.boxoban.levels;
      if (level !== undefined && level >= levels.length) {
        throw new EnvError("INVALID_ARGUMENT", `level ${level} out of range 0..${levels.length - 1} (data set ${config.boxoban.dataSet})`);
      }
      const index = level ?? (((seed % levels.length) + levels.length) % levels.length);
      const l = levels[index]!;
      const room = makeRoom(l.width, l.height, l.grid.slice(), l.player);
      info.level = index;
      const start = (): Record<string, unknown> => {
        if (config.reportOptimal) info.optimal_solution_length = this.optimalCache.get(index);
        this.room = room;
        return info;
      };
      if (!config.reportOptimal || this.optimalCache.has(index)) return start();
      const solved = runJob({ kind: "solve", room, nodeBudget: config.solverNodeBudget }, call, "sokoban reset");
      return then(solved, (r) => {
        this.optimalCache.set(index, r.optimalLength ?? null);
        return start();
      });
    }
    if (level !== undefined) throw new EnvError("INVALID_ARGUMENT", "reset option level is only valid with the levels config (a data set)");
    const job: SokobanJob = {
      kind: "generate",
      seed,
      params: {
        width: config.width,
        height: config.height,
        numBoxes: config.numBoxes,
        numGenSteps: config.numGenSteps,
        reversePlay: config.reversePlay,
        searchDepth: config.searchDepth,
        playerWalk: config.playerWalk,
        minSolutionLength: config.minSolutionLength,
        solverNodeBudget: config.solverNodeBudget,
      },
      solveBudget: config.reportOptimal ? config.solverNodeBudget : 0,
    };
    return then(runJob(job, call, "sokoban reset"), (r) => {
      this.room = r.room!;
      if (config.reportOptimal) info.optimal_solution_length = r.optimalLength ?? null;
      return info;
    });
  }

  step(action: Action): Transition {
    const a = actionIndex(action);
    const room = this.started();
    const before = room.boxesOnTarget;
    const moved = applyAction(room, a);
    const after = room.boxesOnTarget;
    return {
      reward: stepReward(before, after, room.numBoxes),
      terminated: after === room.numBoxes,
      info: stepInfo(moved, after),
    };
  }

  observe(request: ObservationRequest): Observation {
    const room = this.started();
    return {
      text: request.text ? renderText(room) : "",
      image: request.image ? renderImage(room, this.config.image) : undefined,
      uiElements: [],
      validActions: TEXT_COMMANDS,
      fingerprint: request.fingerprint === false ? "" : hashBytes(room.grid, room.player),
    };
  }

  cloneState(): SokobanState {
    return snapshot(this.started());
  }

  restoreState(state: SokobanState): void {
    // Copies into the live buffers: the clone stays untouched and can be restored again.
    if (this.room && restoreInto(this.room, state)) return;
    if (state.width !== this.config.width || state.height !== this.config.height) {
      throw new EnvError(
        "STATE_INCOMPATIBLE",
        `state is a ${state.width}x${state.height} room but this session plays ${this.config.width}x${this.config.height}`,
      );
    }
    this.room = roomFromState(state);
  }

  /** Bytes owned by one clone: the static layer is shared by every clone of an episode. */
  stateSize(state: SokobanState): number {
    return 2 * state.boxes.length + 96;
  }

  encodeState(state: SokobanState): Uint8Array {
    const out = new Uint8Array(HEADER_BYTES + state.statics.length);
    out[0] = STATE_VERSION;
    out[1] = state.width;
    out[2] = state.height;
    out[3] = state.numBoxes;
    out[4] = state.player & 0xff;
    out[5] = state.player >>> 8;
    out.set(state.statics, HEADER_BYTES);
    for (let i = 0; i < state.boxes.length; i++) out[HEADER_BYTES + state.boxes[i]!] |= BOX;
    return out;
  }

  decodeState(bytes: Uint8Array): SokobanState {
    const invalid = (msg: string): never => {
      throw new EnvError("STATE_INVALID", `sokoban state: ${msg}`);
    };
    if (!(bytes instanceof Uint8Array) || bytes.length < HEADER_BYTES) invalid(`expected at least ${HEADER_BYTES} bytes`);
    if (bytes[0] !== STATE_VERSION) invalid(`unsupported version ${bytes[0]} (expected ${STATE_VERSION})`);
    const width = bytes[1]!;
    const height = bytes[2]!;
    const numBoxes = bytes[3]!;
    const player = bytes[4]! | (bytes[5]! << 8);
    if (bytes.length !== HEADER_BYTES + width * height) invalid(`length ${bytes.length} does not match a ${width}x${height} room`);
    const grid = bytes.slice(HEADER_BYTES);
    const problem = roomProblem(width, height, grid, player);
    if (problem) invalid(problem);
    const room = makeRoom(width, height, grid, player);
    if (room.numBoxes !== numBoxes) invalid(`header says ${numBoxes} boxes, grid has ${room.numBoxes}`);
    return snapshot(room);
  }

  /** The optimal solver's plan from here, as text commands (the solver only pushes: actions 1–4). */
  expertPlan(): ExpertPlan | undefined;
  expertPlan(call: CallBudget | undefined): MaybePromise<ExpertPlan | undefined>;
  expertPlan(call?: CallBudget): MaybePromise<ExpertPlan | undefined> {
    // A copy: the live room keeps changing while a worker solves the one it was sent.
    const job: SokobanJob = { kind: "solve", room: copyRoom(this.started()), nodeBudget: this.config.solverNodeBudget };
    return then(runJob(job, call, "sokoban expert plan"), ({ actions }) =>
      actions === undefined ? undefined : { actions: actions.map((a): Action => ({ $case: "text", text: TEXT_COMMANDS[a - 1]! })), reachesGoal: true },
    );
  }

  /** Optimal actions (1-4) from the current state; undefined when unsolvable or over the node budget. */
  solve(): number[] | undefined {
    return runSokobanJob({ kind: "solve", room: this.started(), nodeBudget: this.config.solverNodeBudget }, Infinity).actions;
  }

  private started(): Room {
    const room = this.room;
    if (!room) throw new EnvError("EPISODE_NOT_STARTED", "call reset before using the sokoban environment");
    return room;
  }
}

/**
 * Step infos are drawn from a table of frozen objects, one per (moved flags, boxes on
 * target): no allocation per step, and the server caches the JSON of frozen infos.
 */
const STEP_INFOS: Readonly<Record<string, unknown>>[] = [];

function stepInfo(moved: number, boxesOnTarget: number): Readonly<Record<string, unknown>> {
  const key = boxesOnTarget * 4 + (moved & 3);
  return (STEP_INFOS[key] ??= Object.freeze({
    player_moved: (moved & PLAYER_MOVED) !== 0,
    box_moved: (moved & BOX_MOVED) !== 0,
    boxes_on_target: boxesOnTarget,
  }));
}
