/**
 * Expand: many action sequences from one state in one call, run on the session's
 * scratch instance so the session's own episode is never touched. Its work (node
 * count) and reply size are bounded before it starts and again as it runs; on any
 * error the handles made so far are released and nothing remains.
 *
 * A long Expand (262k ALFWorld steps take seconds) must not stall other clients: past
 * a few milliseconds of work it yields to the event loop between nodes and goes on
 * asynchronously, the session staying exclusive. Small Expands finish within their
 * first slice and stay synchronous.
 */
import { EnvError } from "../../adapters/contract.js";
import type { Branch, ExpandRequest, ExpandResponse } from "../../gen/ts/dynamind/env/v1/env_service_pb.js";
import type { Observation, StepResult } from "../../gen/ts/dynamind/env/v1/types_pb.js";
import type { EngineCore } from "./engine-core.js";
import { assertSteppable, EMPTY_OBSERVATION, type Episode, type EpisodeSnapshot } from "./episode.js";
import { andThen, isPromise, type MaybePromise } from "./maybe-promise.js";
import { assertStarted, validateAction } from "./request-checks.js";
import { listsFor, shapeResult, viewFor, type ObservationView, type SentLists } from "./observation-options.js";
import { heldSnapshot, hold } from "./saved-states.js";
import type { Session } from "./session.js";
import { TimeSlice } from "./time-slice.js";

type Sequences = ExpandRequest["sequences"];

/** Nodes between clock reads (an ALFWorld node with its observation is ~10-80 µs). */
const CLOCK_EVERY = 16;

export function expand(core: EngineCore, req: ExpandRequest, deadline = Infinity): MaybePromise<ExpandResponse> {
  const session = core.sessions.get(req.sessionId);
  const { template } = session;
  const { limits } = core;
  const sequences = req.sequences;
  // Counts first: they are cheap, and a request over a limit is refused before any validation work.
  if (sequences.length > limits.maxExpandSequences) {
    throw new EnvError("CAPACITY", `Expand takes at most ${limits.maxExpandSequences} sequences, got ${sequences.length}`);
  }
  let total = 0;
  for (let i = 0; i < sequences.length; i++) total += sequences[i]!.actions.length;
  if (total > limits.maxExpandActions) {
    throw new EnvError("CAPACITY", `Expand takes at most ${limits.maxExpandActions} actions in all, got ${total}`);
  }
  const leafStates = req.options?.returnLeafStates ?? false;
  const leafOnly = req.options?.leafObservationsOnly ?? false;
  const view = viewFor(session, req.options?.observationOptions);
  const known = req.options?.knownValidActionsHash;
  const observedNodes = leafOnly ? sequences.length : total;
  const perNode = session.episode.lastResult === undefined ? 0 : approxResultBytes(session.episode.lastResult, view);
  if (observedNodes * perNode > limits.maxExpandReplyBytes) {
    throw new EnvError(
      "CAPACITY",
      `this Expand would reply with about ${observedNodes * perNode} bytes (${observedNodes} observed nodes of ~${perNode} bytes), ` +
        `more than the server's ${limits.maxExpandReplyBytes}; ask for fewer nodes or leaf_observations_only`,
    );
  }
  for (let i = 0; i < sequences.length; i++) {
    const actions = sequences[i]!.actions;
    for (let j = 0; j < actions.length; j++) validateAction(template, actions[j]!.kind, limits.maxActionTextBytes, `sequence ${i}, action ${j}: `);
  }
  const start = req.fromHandleId !== undefined ? heldSnapshot(core, session, req.fromHandleId) : undefined;
  if (start === undefined) assertStarted(session);
  return session.exclusive(() => {
    // From the session's own state, its last observation is the root every branch starts from.
    const root = start === undefined && view.deltas ? session.episode.lastResult?.observation : undefined;
    const run = new ExpandRun(core, session, leafStates, leafOnly, deadline, view);
    const reply = start === undefined ? andThen(session.episode.snapshot(), (s) => run.all(s, sequences)) : run.all(start, sequences);
    return view.passThrough ? reply : andThen(reply, (r) => shapeBranches(r, view, listsFor(view, known, req.options?.knownTextHash), root));
  });
}

/**
 * Applies the view to every node in reply order (a valid-action list goes out at its first
 * node only). With deltas, a node's base is its parent (the branch's previous observed
 * node), else the root, else the first observed node of the branch before: the closest
 * states the client holds. A big reply is shaped in time slices, as the run was (deltas
 * cost microseconds per node).
 */
function shapeBranches(reply: ExpandResponse, view: ObservationView, lists: SentLists | undefined, root: Observation | undefined): MaybePromise<ExpandResponse> {
  const slice = new TimeSlice();
  const branches = reply.branches;
  // Where shaping is, kept across yields (shaped nodes no longer hold unshaped observations).
  let b = 0;
  let j = 0;
  let parent: Observation | undefined;
  let first: Observation | undefined;
  let previousFirst: Observation | undefined;
  let shaped = 0;
  const go = (): MaybePromise<ExpandResponse> => {
    for (; b < branches.length; b++, j = 0, parent = undefined, first = undefined) {
      const steps = branches[b]!.steps;
      for (; j < steps.length; j++) {
        if (++shaped % CLOCK_EVERY === 0 && slice.spent()) return slice.next().then(go);
        const o = steps[j]!.observation;
        steps[j] = shapeResult(steps[j]!, view, lists, view.deltas ? [parent, root, previousFirst] : undefined);
        if (o !== undefined && o !== EMPTY_OBSERVATION) {
          parent = o;
          first ??= o;
        }
      }
      previousFirst = first ?? previousFirst;
    }
    return reply;
  };
  return go();
}

/**
 * Bytes a StepResult takes on the wire, roughly (within tens of bytes); used to bound
 * replies without encoding them twice. With a view, only the parts it sends count, so a
 * lean Expand (no fingerprint, no info, no valid actions) may hold more nodes. Valid
 * actions "when changed" still count in full: an ALFWorld list can change at every node.
 * Deltas are not counted: their size is known only after shaping.
 */
export function approxResultBytes(r: StepResult, view?: ObservationView): number {
  const info = view === undefined || view.info ? r.infoJson.length : 0;
  const o = r.observation;
  if (o === undefined) return 32 + info;
  const request = view?.request;
  let n = 48 + info;
  if (request === undefined || request.text) n += o.text.length;
  if (request === undefined || request.fingerprint !== false) n += o.fingerprint.length;
  if (request === undefined || request.image) n += o.image?.data.length ?? 0;
  if (request === undefined || request.uiElements) n += 160 * o.uiElements.length;
  if (view === undefined || view.validActions !== "never") for (let i = 0; i < o.validActions.length; i++) n += o.validActions[i]!.length + 2;
  return n;
}

/** One Expand call's work, kept apart so its loop stays monomorphic and simple. */
class ExpandRun {
  private readonly handles: string[] = [];
  private nodes = 0;
  private replyBytes = 0;
  /** Where the run is (sequence, action), to say where a rejected action was. */
  private sequence = 0;
  private action = 0;
  /** The current slice of synchronous work. */
  private readonly slice = new TimeSlice();

  constructor(
    private readonly core: EngineCore,
    private readonly session: Session,
    private readonly leafStates: boolean,
    private readonly leafOnly: boolean,
    private readonly deadline: number,
    /** What each observed node renders and its reply carries. */
    private readonly view: ObservationView,
  ) {}

  all(start: EpisodeSnapshot, sequences: Sequences): MaybePromise<ExpandResponse> {
    assertSteppable(start);
    const branches: Branch[] = [];
    try {
      for (let i = 0; i < sequences.length; i++) {
        this.sequence = i;
        const branch = this.branch(start, sequences[i]!.actions);
        if (isPromise(branch)) return this.rest(start, sequences, branches, i, branch);
        branches.push(branch);
      }
    } catch (err) {
      this.abort();
      throw this.located(err);
    }
    this.core.counters.expandNodes += this.nodes;
    return { branches };
  }

  private located(err: unknown): unknown {
    if (!(err instanceof EnvError) || err.reason !== "INVALID_ACTION") return err;
    return new EnvError(err.reason, `sequence ${this.sequence}, action ${this.action}: ${err.message}`, err.retryable);
  }

  /** The asynchronous continuation, used only by environments that return promises. */
  private async rest(start: EpisodeSnapshot, sequences: Sequences, branches: Branch[], from: number, first: Promise<Branch>): Promise<ExpandResponse> {
    try {
      branches.push(await first);
      for (let i = from + 1; i < sequences.length; i++) {
        this.sequence = i;
        branches.push(await this.branch(start, sequences[i]!.actions));
      }
    } catch (err) {
      this.abort();
      throw this.located(err);
    }
    this.core.counters.expandNodes += this.nodes;
    return { branches };
  }

  private branch(start: EpisodeSnapshot, actions: Sequences[number]["actions"]): MaybePromise<Branch> {
    const scratch = this.session.scratch();
    const steps: StepResult[] = [];
    const loop = (from: number): MaybePromise<Branch> => {
      for (let j = from; j < actions.length; j++) {
        if (this.nodes % CLOCK_EVERY === 0) {
          const now = Date.now();
          if (now > this.deadline) throw new EnvError("DEADLINE", "the call's deadline passed during Expand; nothing was kept");
          if (this.slice.spent(now)) return this.slice.next().then(() => loop(j));
        }
        this.action = j;
        const observed = !this.leafOnly || j === actions.length - 1;
        const r = scratch.step(actions[j]!.kind!, observed, this.view.request);
        if (isPromise(r)) {
          return r.then((res) => (this.record(steps, res) ? this.finish(steps, scratch, !observed) : loop(j + 1)));
        }
        if (this.record(steps, r)) return this.finish(steps, scratch, !observed);
      }
      return this.finish(steps, scratch, false);
    };
    return andThen(scratch.restore(start), () => loop(0));
  }

  /** Appends a step; true when the episode ended and the branch stops. */
  private record(steps: StepResult[], r: StepResult): boolean {
    this.nodes++;
    this.count(r);
    steps.push(r);
    return r.terminated || r.truncated;
  }

  private count(r: StepResult): void {
    this.replyBytes += approxResultBytes(r, this.view);
    if (this.replyBytes > this.core.limits.maxExpandReplyBytes) {
      throw new EnvError(
        "CAPACITY",
        `the Expand reply grew past the server's ${this.core.limits.maxExpandReplyBytes} bytes at node ${this.nodes}; nothing was kept — ask for fewer nodes or leaf_observations_only`,
      );
    }
  }

  /** Completes a branch: the leaf's observation if it was skipped, and its saved state if asked. */
  private finish(steps: StepResult[], scratch: Episode, leafUnobserved: boolean): MaybePromise<Branch> {
    const observed = leafUnobserved
      ? andThen(scratch.current(this.view.request), (cur) => {
          const last = steps[steps.length - 1]!;
          steps[steps.length - 1] = { ...last, observation: cur.observation };
          this.count(steps[steps.length - 1]!);
        })
      : undefined;
    return andThen(observed, () => {
      if (!this.leafStates) return { steps, leafState: undefined };
      return andThen(scratch.snapshot(), (snapshot) => {
        const handle = hold(this.core, this.session, snapshot);
        this.handles.push(handle.id);
        return { steps, leafState: handle };
      });
    });
  }

  private abort(): void {
    this.core.states.release(this.handles);
  }
}
