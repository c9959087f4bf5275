/**
 * CloneState, RestoreState, ReleaseState and Fork: saving states as server-held
 * handles or sealed portable bytes, and starting sessions from them.
 */
import { EnvError } from "../../adapters/contract.js";
import type {
  CloneStateRequest,
  CloneStateResponse,
  ForkRequest,
  ForkResponse,
  ReleaseStateRequest,
  ReleaseStateResponse,
  RestoreStateRequest,
  RestoreStateResponse,
} from "../../gen/ts/dynamind/env/v1/env_service_pb.js";
import type { EngineCore } from "./engine-core.js";
import type { EpisodeSnapshot } from "./episode.js";
import type { CallContext } from "./limits.js";
import { andThen, type MaybePromise } from "./maybe-promise.js";
import type { PortableState } from "./portable-state.js";
import { assertCompatible, assertStarted } from "./request-checks.js";
import { listsFor, shapeResult, viewFor } from "./observation-options.js";
import type { Session } from "./session.js";
import type { SessionTemplate } from "./templates.js";

/** A ReleaseState call names at most this many handles (its work is bounded before it starts). */
export const MAX_RELEASE_IDS = 65_536;

/** Saves a snapshot under the state budget, owned by the session's family; used by CloneState and Expand. */
export function hold(core: EngineCore, session: Session, snapshot: EpisodeSnapshot): { id: string; expiresAtMs: number } {
  const bytes = session.episode.env.stateSize(snapshot.env) + 64;
  const { id, expiresAt } = core.states.put(snapshot, session.template, session.family, bytes);
  return { id, expiresAtMs: expiresAt };
}

/** The snapshot behind a handle, if the session may use it and can hold it. */
export function heldSnapshot(core: EngineCore, session: Session, handleId: string): EpisodeSnapshot {
  const stored = core.states.get(handleId, session.family);
  assertCompatible(stored.template, session.template);
  return stored.snapshot;
}

export function cloneState(core: EngineCore, req: CloneStateRequest): MaybePromise<CloneStateResponse> {
  const session = core.sessions.get(req.sessionId);
  const support = session.template.cloneSupport;
  if (support === "none") throw new EnvError("UNSUPPORTED", `${session.envId} cannot clone its state`);
  if (req.portable && support !== "portable") {
    throw new EnvError("UNSUPPORTED", `${session.envId} states can be held by the server only, not exported as portable bytes`);
  }
  assertStarted(session);
  return session.exclusive(() =>
    andThen(session.episode.snapshot(), (snapshot) => {
      const portableState = req.portable ? seal(core, session, snapshot) : Buffer.alloc(0);
      const handle = hold(core, session, snapshot);
      return { handle, portableState };
    }),
  );
}

export function restoreState(core: EngineCore, req: RestoreStateRequest): MaybePromise<RestoreStateResponse> {
  const session = core.sessions.get(req.sessionId);
  const source = req.source;
  if (source === undefined) throw new EnvError("INVALID_ARGUMENT", "RestoreState needs a handle_id or portable_state");
  const view = viewFor(session, req.observationOptions);
  let snapshot: EpisodeSnapshot;
  if (source.$case === "handleId") {
    snapshot = heldSnapshot(core, session, source.handleId);
  } else {
    const opened = unseal(core, source.portableState);
    assertCompatible(opened.template, session.template);
    snapshot = decodeSnapshot(session, opened.state);
  }
  return session.exclusive(() => {
    const before = view.deltas ? [session.episode.lastResult?.observation] : undefined;
    return andThen(session.episode.restore(snapshot), () =>
      andThen(session.episode.current(view.request), (result) => ({
        result: shapeResult(result, view, listsFor(view, req.knownValidActionsHash, req.knownTextHash), before),
      })),
    );
  });
}

export function releaseState(core: EngineCore, req: ReleaseStateRequest): ReleaseStateResponse {
  if (req.handleIds.length > MAX_RELEASE_IDS) {
    throw new EnvError("CAPACITY", `ReleaseState takes at most ${MAX_RELEASE_IDS} handles, got ${req.handleIds.length}`);
  }
  return { released: core.states.release(req.handleIds) };
}

export function fork(core: EngineCore, req: ForkRequest, ctx: CallContext): MaybePromise<ForkResponse> {
  core.assertAccepting();
  const source = req.source;
  if (source === undefined) throw new EnvError("INVALID_ARGUMENT", "Fork needs a session_id, handle_id or portable_state");
  let origin: MaybePromise<{ template: SessionTemplate; snapshot: EpisodeSnapshot; family: string | undefined }>;
  if (source.$case === "sessionId") {
    const parent = core.sessions.get(source.sessionId);
    assertStarted(parent);
    origin = parent.exclusive(() =>
      andThen(parent.episode.snapshot(), (snapshot) => ({ template: parent.template, snapshot, family: parent.family })),
    );
  } else if (source.$case === "handleId") {
    // The unguessable id is the capability here: Fork names no session to check a family against.
    const stored = core.states.get(source.handleId);
    origin = { template: stored.template, snapshot: stored.snapshot, family: stored.family };
  } else {
    const { template, state } = unseal(core, source.portableState);
    return startChild(core, ctx, template, undefined, (child) => decodeSnapshot(child, state));
  }
  return andThen(origin, ({ template, snapshot, family }) => startChild(core, ctx, template, family, () => snapshot));
}

/** A new session at `snapshot`; if anything fails, the session is closed again and the call changed nothing. */
function startChild(
  core: EngineCore,
  ctx: CallContext,
  template: SessionTemplate,
  family: string | undefined,
  snapshotFor: (child: Session) => EpisodeSnapshot,
): MaybePromise<ForkResponse> {
  const child = core.sessions.create(template, ctx.client, family);
  const discard = (err: unknown): never => {
    void core.sessions.close(child.id).catch(() => {});
    throw err;
  };
  try {
    const snapshot = snapshotFor(child);
    child.started = true;
    const started = andThen(
      child.exclusive(() => andThen(child.episode.restore(snapshot), () => child.episode.current())),
      (result): ForkResponse => {
        ctx.scope?.add(child.id);
        const view = child.template.defaultView;
        return { sessionId: child.id, spec: child.template.spec, result: shapeResult(result, view, listsFor(view, undefined)) };
      },
    );
    return started instanceof Promise ? started.catch(discard) : started;
  } catch (err) {
    return discard(err);
  }
}

function seal(core: EngineCore, session: Session, snapshot: EpisodeSnapshot): Buffer {
  const { template } = session;
  const env = session.episode.env;
  if (env.encodeState === undefined) throw new EnvError("UNSUPPORTED", `${template.definition.id} cannot encode its state`);
  const state: PortableState = {
    envId: template.definition.id,
    configJson: template.configJson,
    observationKinds: [...template.observationKinds],
    maxSteps: template.maxSteps,
    phase: snapshot.phase,
    steps: snapshot.steps,
    terminated: snapshot.terminated,
    truncated: snapshot.truncated,
    envBytes: env.encodeState(snapshot.env),
  };
  return core.codec.seal(state);
}

/** Verifies portable bytes and finds the template they were made under. */
function unseal(core: EngineCore, bytes: Uint8Array): { template: SessionTemplate; state: PortableState } {
  const state = core.codec.open(bytes);
  if (!core.templates.has(state.envId)) {
    throw new EnvError("STATE_INCOMPATIBLE", `the state belongs to env ${JSON.stringify(state.envId)}, which this server does not run`);
  }
  const template = core.templates.get(state.envId, state.configJson, state.observationKinds, state.maxSteps);
  return { template, state };
}

/** Decodes the environment part of a portable state with the session's own instance. */
function decodeSnapshot(session: Session, state: PortableState): EpisodeSnapshot {
  const env = session.episode.env;
  if (env.decodeState === undefined) throw new EnvError("UNSUPPORTED", `${session.envId} cannot decode states`);
  return {
    env: env.decodeState(state.envBytes),
    phase: state.phase,
    steps: state.steps,
    terminated: state.terminated,
    truncated: state.truncated,
  };
}
