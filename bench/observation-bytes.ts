/**
 * Bytes on the wire per observed step under each set of observation options: the bench
 * hook for observation deltas (issue 12). It drives an in-process engine the way a client
 * does — quoting the hashes of what it holds, rebuilding deltas with the TypeScript
 * client's own code — and counts the bytes the server's encoder writes for each reply
 * (StepResponse per Step; ExpandResponse per Expand, divided by its nodes). Every option
 * set replays the same episodes (same seed, same random actions, chosen from the rebuilt
 * observations), so the figures differ only by what the options leave out.
 *
 * Not a gRPC measurement: HTTP/2 and gRPC framing add the same ~14 bytes per message
 * whatever the options.
 */
import { builtinRegistry } from "../adapters/index.js";
import { ReplyHolds, type Held } from "../agent/client/observation-deltas.js";
import { ExpandResponse } from "../gen/ts/dynamind/env/v1/env_service_pb.js";
import { ValidActionsMode, type ObservationOptions, type StepResult } from "../gen/ts/dynamind/env/v1/types_pb.js";
import { EnvEngine } from "../env-server/core/engine.js";
import { FastEncoder } from "../env-server/grpc/fast-encode.js";

export interface ObservationBytesCase {
  envId: string;
  config: Record<string, unknown>;
  /** Steps taken (episodes restart at their end). */
  steps: number;
  /** Expand calls (from the current state, `branches` sequences of `depth` random actions). */
  expands: number;
  branches: number;
  depth: number;
  seed: number;
}

export interface ObservationBytes {
  options: string;
  /** Mean StepResponse bytes per Step. */
  stepBytes: number;
  /** Mean ExpandResponse bytes per node. */
  expandNodeBytes: number;
  /** Observations that came as text or list deltas, of all observed. */
  deltas: number;
  observed: number;
}

/** The option sets compared, by name. */
export const OPTION_SETS: Record<string, Partial<ObservationOptions>> = {
  default: {},
  "valid actions when changed": { validActions: ValidActionsMode.VALID_ACTIONS_WHEN_CHANGED },
  "when changed + deltas": { validActions: ValidActionsMode.VALID_ACTIONS_WHEN_CHANGED, deltas: true },
  "lean (no fingerprint, no info, when changed)": { validActions: ValidActionsMode.VALID_ACTIONS_WHEN_CHANGED, omitFingerprint: true, omitInfo: true },
  "lean + deltas": { validActions: ValidActionsMode.VALID_ACTIONS_WHEN_CHANGED, omitFingerprint: true, omitInfo: true, deltas: true },
};

function full(o: Partial<ObservationOptions>): ObservationOptions {
  return { omitText: false, omitImage: false, omitUiElements: false, omitFingerprint: false, omitInfo: false, validActions: ValidActionsMode.VALID_ACTIONS_MODE_UNSPECIFIED, deltas: false, ...o };
}

/** A small seeded generator (mulberry32), so every option set takes the same actions. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Measures one case under every option set in OPTION_SETS. */
export async function measureObservationBytes(c: ObservationBytesCase): Promise<ObservationBytes[]> {
  const engine = await EnvEngine.create(builtinRegistry(), {}, Buffer.alloc(32, 7));
  const encoder = new FastEncoder();
  const out: ObservationBytes[] = [];
  try {
    for (const [name, partial] of Object.entries(OPTION_SETS)) {
      const options = full(partial);
      const { sessionId } = engine.createSession({ envId: c.envId, configJson: JSON.stringify(c.config), observationKinds: [], observationOptions: options });
      const rand = random(c.seed);
      let held: Held = {};
      let deltas = 0;
      let observed = 0;
      // What a client does with each result: rebuild it from what it holds, keep what it now holds.
      const receive = (r: StepResult | undefined, holds: ReplyHolds, keep: boolean): StepResult => {
        const before = r?.observation?.textDelta !== undefined || r?.observation?.validActionsDelta !== undefined;
        const now = holds.complete(r);
        observed++;
        if (before) deltas++;
        if (keep) held = { ...held, ...(now.listHash !== undefined ? { listHash: now.listHash, list: now.list } : {}), ...(now.textHash !== undefined ? { textHash: now.textHash, text: now.text } : {}) };
        return r!;
      };
      const known = () => ({ knownValidActionsHash: held.listHash, knownTextHash: held.textHash });
      const fresh = (): ReplyHolds => {
        const h = new ReplyHolds();
        h.hold(held);
        return h;
      };
      let episodeSeed = c.seed;
      let last = receive((await engine.reset({ sessionId, seed: episodeSeed, optionsJson: "", ...known() })).result, fresh(), true);
      const act = (r: StepResult) => {
        const va = r.observation!.validActions;
        return { kind: { $case: "text" as const, text: va.length === 0 ? "look" : va[Math.floor(rand() * va.length)]! } };
      };
      let stepBytes = 0;
      for (let i = 0; i < c.steps; i++) {
        if (last.terminated || last.truncated) {
          last = receive((await engine.reset({ sessionId, seed: ++episodeSeed, optionsJson: "", ...known() })).result, fresh(), true);
        }
        const reply = await engine.step({ sessionId, action: act(last), ...known() });
        stepBytes += encoder.resultReply(reply).length;
        last = receive(reply.result, fresh(), true);
      }
      let expandBytes = 0;
      let nodes = 0;
      for (let i = 0; i < c.expands; i++) {
        if (last.terminated || last.truncated) {
          last = receive((await engine.reset({ sessionId, seed: ++episodeSeed, optionsJson: "", ...known() })).result, fresh(), true);
        }
        // Sequences drawn from the root's own actions, then the first valid one at each depth.
        const sequences = Array.from({ length: c.branches }, () => ({ actions: Array.from({ length: c.depth }, () => act(last)) }));
        const reply = await engine.expand({ sessionId, sequences, options: { returnLeafStates: false, leafObservationsOnly: false, ...known() } });
        expandBytes += ExpandResponse.encode(reply).finish().length;
        const holds = fresh();
        for (const b of reply.branches) for (const s of b.steps) (receive(s, holds, false), nodes++);
        // Move on, so Expands start from different states.
        const reply2 = await engine.step({ sessionId, action: act(last), ...known() });
        last = receive(reply2.result, fresh(), true);
      }
      await engine.closeSession({ sessionId });
      out.push({ options: name, stepBytes: stepBytes / c.steps, expandNodeBytes: nodes === 0 ? 0 : expandBytes / nodes, deltas, observed });
    }
  } finally {
    await engine.close();
  }
  return out;
}
