/**
 * The replay buffer of real transitions and its retrieval: given the current (state,
 * action), the k most similar real transitions, which ground each generated one
 * (DreamGym conditions its experience model on such neighbours).
 *
 * Similarity: the action first, then TF-IDF cosine over character 3-grams of the state
 * text. Why this measure:
 * - The action decides what a transition does; a neighbour under another action shows
 *   a different effect, so an equal action (case and spacing aside) outranks any state
 *   similarity: score = [same action] + cosine(state).
 * - Character n-grams see the local structure both kinds of text have — a grid row
 *   around the player ("#P_X"), object and receptacle names ("countertop 1") — without
 *   a tokenizer or learned weights, so it is deterministic in any process and costs one
 *   pass over the text.
 * - IDF discounts what every state shares (wall runs, template prose), so the grams
 *   that tell states apart decide.
 * Ties go to the earlier transition in the buffer, so results never depend on sort
 * stability or hashing.
 */

/** One real transition, as a real environment produced it. */
export interface RealTransition {
  /** Observation text before the action. */
  state: string;
  /** The action as text (canonical spelling: see DreamEnv's action parsing). */
  action: string;
  /** Observation text after it. */
  next: string;
  /** The real environment's reward (not DreamGym's outcome reward; kept for reference). */
  reward: number;
  /** The real episode ended here. */
  terminated: boolean;
  /** The task was completed here: the episode ended on its own with a positive reward. */
  success: boolean;
  /** Valid actions in the next state, as the real environment listed them. */
  nextValidActions: readonly string[];
}

export interface Neighbour {
  /** Index in the buffer (stable: tests and info name neighbours by it). */
  index: number;
  score: number;
  transition: RealTransition;
}

const N = 3;

/** Character n-gram counts of a text (the text padded so that short texts have grams). */
function grams(text: string): Map<string, number> {
  const t = ` ${text} `;
  const out = new Map<string, number>();
  for (let i = 0; i + N <= t.length; i++) {
    const g = t.slice(i, i + N);
    out.set(g, (out.get(g) ?? 0) + 1);
  }
  return out;
}

export function normaliseAction(action: string): string {
  return action.trim().toLowerCase().replace(/\s+/g, " ");
}

interface SparseVector {
  ids: Int32Array;
  weights: Float64Array;
}

export class ReplayBuffer {
  readonly transitions: readonly RealTransition[];
  private readonly vocab = new Map<string, number>();
  private readonly df: number[] = [];
  private readonly vectors: SparseVector[];
  private readonly actions: string[];

  /** `counts`: the states' n-gram counts when already computed (see {@link ReplayBuffer.sliced}). */
  constructor(transitions: readonly RealTransition[], counts: readonly Map<string, number>[] = transitions.map((t) => grams(t.state))) {
    this.transitions = transitions;
    this.actions = transitions.map((t) => normaliseAction(t.action));
    for (const c of counts) {
      for (const g of c.keys()) {
        let id = this.vocab.get(g);
        if (id === undefined) {
          id = this.df.length;
          this.vocab.set(g, id);
          this.df.push(0);
        }
        this.df[id]! += 1;
      }
    }
    this.vectors = counts.map((c) => this.vector(c));
  }

  /**
   * The same buffer, built without holding the event loop for long: the n-gram counts are
   * taken in slices of about `sliceMs`, with `pause()` between them (a server's other calls
   * run there); the remaining vocabulary pass is a fraction of the work.
   */
  static async sliced(transitions: readonly RealTransition[], pause: () => Promise<void>, sliceMs = 4): Promise<ReplayBuffer> {
    const counts: Map<string, number>[] = [];
    let since = Date.now();
    for (const t of transitions) {
      counts.push(grams(t.state));
      if (Date.now() - since >= sliceMs) {
        await pause();
        since = Date.now();
      }
    }
    return new ReplayBuffer(transitions, counts);
  }

  get size(): number {
    return this.transitions.length;
  }

  private idf(id: number | undefined): number {
    const df = id === undefined ? 0 : this.df[id]!;
    return Math.log((1 + this.transitions.length) / (1 + df)) + 1;
  }

  /** Unit-length TF-IDF vector; grams outside the vocabulary count in the norm only (they match nothing). */
  private vector(counts: Map<string, number>): SparseVector {
    const known: [number, number][] = [];
    let norm = 0;
    for (const [g, c] of counts) {
      const id = this.vocab.get(g);
      const w = c * this.idf(id);
      norm += w * w;
      if (id !== undefined) known.push([id, w]);
    }
    known.sort((a, b) => a[0] - b[0]);
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    return { ids: Int32Array.from(known, (k) => k[0]), weights: Float64Array.from(known, (k) => k[1] * scale) };
  }

  /** Cosine of two unit vectors (merge over sorted ids). */
  private static dot(a: SparseVector, b: SparseVector): number {
    let i = 0;
    let j = 0;
    let s = 0;
    while (i < a.ids.length && j < b.ids.length) {
      const x = a.ids[i]!;
      const y = b.ids[j]!;
      if (x === y) s += a.weights[i++]! * b.weights[j++]!;
      else if (x < y) i++;
      else j++;
    }
    return s;
  }

  /** The k best neighbours of (state, action), best first. */
  nearest(state: string, action: string, k: number): Neighbour[] {
    if (k <= 0 || this.transitions.length === 0) return [];
    const q = this.vector(grams(state));
    const a = normaliseAction(action);
    const best: Neighbour[] = [];
    for (let i = 0; i < this.vectors.length; i++) {
      const score = (this.actions[i] === a ? 1 : 0) + ReplayBuffer.dot(q, this.vectors[i]!);
      if (best.length === k && score <= best[k - 1]!.score) continue;
      // Insertion keeps earlier indices ahead of later ones with equal scores.
      let at = best.length;
      while (at > 0 && best[at - 1]!.score < score) at--;
      best.splice(at, 0, { index: i, score, transition: this.transitions[i]! });
      if (best.length > k) best.pop();
    }
    return best;
  }
}
