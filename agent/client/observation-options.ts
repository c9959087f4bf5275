/**
 * Observation options on the client side: a friendly form of the protocol's
 * ObservationOptions, and the cache that makes "valid actions only when changed"
 * transparent (replies then carry a hash; the list comes once, and is filled in here).
 */
import { ValidActionsMode, type ObservationOptions, type StepResult } from "../../gen/ts/dynamind/env/v1/types_pb.js";

/** Which parts of each observation replies carry; every part is on unless set to false. */
export interface ObservationChoice {
  text?: boolean;
  image?: boolean;
  uiElements?: boolean;
  fingerprint?: boolean;
  /** StepResult info (Step.info is then {}). */
  info?: boolean;
  /** "changed": the server sends a list only when this client lacks it; Step.observation.validActions is always filled. */
  validActions?: "always" | "changed" | "never";
  /**
   * Text (and, with validActions "changed", valid-action lists) as line deltas against what
   * this client holds; the client rebuilds them, so Step.observation is unchanged. Pays for
   * grid and text environments.
   */
  deltas?: boolean;
}

const MODES = { always: ValidActionsMode.VALID_ACTIONS_ALWAYS, changed: ValidActionsMode.VALID_ACTIONS_WHEN_CHANGED, never: ValidActionsMode.VALID_ACTIONS_NEVER } as const;

export function toObservationOptions(c: ObservationChoice | undefined): ObservationOptions | undefined {
  if (c === undefined) return undefined;
  return {
    omitText: c.text === false,
    omitImage: c.image === false,
    omitUiElements: c.uiElements === false,
    omitFingerprint: c.fingerprint === false,
    omitInfo: c.info === false,
    validActions: c.validActions === undefined ? ValidActionsMode.VALID_ACTIONS_MODE_UNSPECIFIED : MODES[c.validActions],
    deltas: c.deltas === true,
  };
}

/** Lists this client was sent, by hash (bounded: the oldest go first; a miss only costs a resend). */
export class ValidActionsCache {
  private readonly lists = new Map<number, string[]>();
  constructor(private readonly max = 4096) {}

  get(hash: number): string[] | undefined {
    return this.lists.get(hash);
  }

  /** Remembers a list received (or rebuilt from a delta). */
  put(hash: number, list: string[]): void {
    if (hash === 0 || this.lists.get(hash) === list) return;
    if (!this.lists.has(hash) && this.lists.size >= this.max) this.lists.delete(this.lists.keys().next().value!);
    this.lists.set(hash, list);
  }

  /**
   * Fills in a result's valid actions from the cache when the server left them out, and
   * remembers lists it sent; returns the hash to quote next time (undefined: none).
   */
  fill(r: StepResult | undefined): number | undefined {
    const o = r?.observation;
    const hash = o?.validActionsHash;
    if (o === undefined || hash === undefined) return undefined;
    if (hash === 0) return 0;
    if (o.validActions.length > 0) {
      if (!this.lists.has(hash) && this.lists.size >= this.max) this.lists.delete(this.lists.keys().next().value!);
      this.lists.set(hash, o.validActions);
      return hash;
    }
    const known = this.lists.get(hash);
    if (known === undefined) throw new Error(`the server left out valid actions with hash ${hash}, which this client never received`);
    o.validActions = known;
    return hash;
  }
}
