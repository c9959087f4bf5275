/**
 * Deltas on the client side (ObservationOptions.deltas): texts and valid-action lists
 * sent as LinesDelta against ones this client holds, rebuilt here so callers see full
 * observations. What a client holds during one reply mirrors the server's rule: the text
 * and list it named for the session (known hashes), plus everything earlier in the reply.
 * A delta whose base is not held, or whose result does not hash to what the server said,
 * fails the reply: never a silently wrong observation.
 */
import type { LinesDelta, StepResult } from "../../gen/ts/dynamind/env/v1/types_pb.js";

/** The text and valid-action list a client holds for one session (what it quotes as known). */
export interface Held {
  textHash?: number;
  text?: string;
  listHash?: number;
  list?: readonly string[];
}

/** How many texts and valid-action lists a client rebuilt from deltas. */
export interface DeltaCounts {
  text: number;
  validActions: number;
}

/** `base` with a delta's edits applied; throws on malformed ops (never reads past the base or the lines). */
export function applyLinesDelta(base: readonly string[], d: Pick<LinesDelta, "ops" | "lines">): string[] {
  const { ops, lines } = d;
  if (ops.length % 3 !== 0) throw new Error(`malformed delta: ${ops.length} ops is not a multiple of 3`);
  const out: string[] = [];
  let next = 0;
  for (let i = 0; i < ops.length; i += 3) {
    const insert = ops[i]!;
    const from = ops[i + 1]!;
    const count = ops[i + 2]!;
    if (next + insert > lines.length) throw new Error("malformed delta: it inserts more lines than it carries");
    if (from + count > base.length) throw new Error(`malformed delta: it copies lines ${from}..${from + count} of a base of ${base.length}`);
    for (let k = 0; k < insert; k++) out.push(lines[next++]!);
    for (let k = 0; k < count; k++) out.push(base[from + k]!);
  }
  if (next !== lines.length) throw new Error("malformed delta: it leaves lines unused");
  return out;
}

/** What the client holds while it reads one reply, by hash. */
export class ReplyHolds {
  private readonly texts = new Map<number, string>();
  private readonly lists = new Map<number, readonly string[]>();

  /**
   * `fallback` finds lists held outside this reply (the client's cache of lists by hash);
   * `counts` tallies the deltas applied.
   */
  constructor(
    private readonly fallback?: (hash: number) => readonly string[] | undefined,
    private readonly counts: DeltaCounts = { text: 0, validActions: 0 },
  ) {}

  /** Adds what a session holds (its request named it as known). */
  hold(h: Held | undefined): void {
    if (h === undefined) return;
    if (h.textHash !== undefined && h.text !== undefined) this.texts.set(h.textHash, h.text);
    if (h.listHash !== undefined && h.list !== undefined) this.lists.set(h.listHash, h.list);
  }

  /**
   * Rebuilds a result's text and valid actions in place (deltas applied, lists the server
   * left out filled in) and returns what the client now holds from it.
   */
  complete(r: StepResult | undefined): Held {
    const o = r?.observation;
    const held: Held = {};
    if (o === undefined) return held;
    const listHash = o.validActionsHash;
    if (listHash !== undefined) {
      let list: readonly string[] | undefined;
      const d = o.validActionsDelta;
      if (listHash === 0) list = [];
      else if (d !== undefined) {
        list = applyLinesDelta(this.base(this.lists.get(d.baseHash) ?? this.fallback?.(d.baseHash), d.baseHash, "valid-action list"), d);
        if (validActionsHashOf(list) !== listHash) throw new Error(`a valid-action delta did not rebuild the list with hash ${listHash}`);
        o.validActionsDelta = undefined;
        this.counts.validActions++;
      } else if (o.validActions.length > 0) list = o.validActions;
      else list = this.base(this.lists.get(listHash) ?? this.fallback?.(listHash), listHash, "valid-action list");
      o.validActions = list as string[];
      this.lists.set(listHash, list);
      held.listHash = listHash;
      held.list = list;
    }
    const textHash = o.textHash;
    if (textHash !== undefined) {
      const d = o.textDelta;
      if (d !== undefined) {
        const base = this.base(this.texts.get(d.baseHash), d.baseHash, "text");
        const text = applyLinesDelta(base.split("\n"), d).join("\n");
        if (validActionsHashOf([text]) !== textHash) throw new Error(`a text delta did not rebuild the text with hash ${textHash}`);
        o.text = text;
        o.textDelta = undefined;
        this.counts.text++;
      }
      this.texts.set(textHash, o.text);
      held.textHash = textHash;
      held.text = o.text;
    }
    return held;
  }

  private base<T>(value: T | undefined, hash: number, what: string): T {
    if (value === undefined) throw new Error(`the server sent a delta against the ${what} with hash ${hash}, which this client does not hold`);
    return value;
  }
}

/** The server's valid_actions_hash (observation-options.ts there): two FNV-1a 32-bit hashes, 53 bits, 0 only for []. */
export function validActionsHashOf(list: readonly string[]): number {
  if (list.length === 0) return 0;
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x9e3779b9;
  for (let i = 0; i < list.length; i++) {
    const s = list[i]!;
    for (let j = 0; j < s.length; j++) {
      const c = s.charCodeAt(j);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x05f5e0ff);
    }
    a = Math.imul(a ^ (s.length + 0x10000), 0x01000193);
    b = Math.imul(b ^ (s.length + 0x10000), 0x05f5e0ff);
  }
  return (a >>> 0) * 0x200000 + ((b >>> 0) & 0x1fffff) || 1;
}
