/**
 * Optimal Sokoban solver, minimising environment steps (every move and every push costs 1).
 *
 * Search runs over push states: (box set, player cell right after a push). Between two
 * pushes the boxes stand still, so the best walk is a shortest path; an edge therefore
 * costs (walk distance to the cell behind the box) + 1. A* over this graph with a
 * consistent heuristic is exactly step-optimal while visiting far fewer states than a
 * search over single moves.
 *
 * Heuristic: a minimum-cost matching of boxes to targets, where the cost of a pair is the
 * number of pushes the box needs to reach that target on the empty board. Every push
 * moves one box one cell, so it never overestimates, and it changes by at most 1 per
 * push while an edge costs at least 1 (consistent: a node's first expansion is final).
 *
 * Pruning: dead squares (no target reachable by pushing, e.g. corners and target-less
 * wall runs) and 2x2 freeze deadlocks around the pushed box.
 */
import { Rng } from "../kit/rng.js";
import { checkTime } from "../kit/timebox.js";
import { applyAction, BOX_MOVED } from "./dynamics.js";
import { BOX, STATIC_MASK, TARGET, WALL, copyRoom, type Room } from "./room.js";

export type SolveResult =
  | { status: "solved"; /** Actions 1-4 (push up/down/left/right; walking uses their move fallback). */ actions: number[]; length: number; nodes: number }
  | { status: "budget" | "unsolvable"; nodes: number };

export interface SolveOptions {
  /** Stored search states before giving up; default 2 000 000. */
  nodeBudget?: number;
  /** Throw TimeUp (kit/timebox) once the clock passes this (epoch ms); default never. */
  stopAt?: number;
}

export const DEFAULT_NODE_BUDGET = 2_000_000;

const INF = 0xffff;

/** Solves from the room's current state (the room is not modified). */
export function solveRoom(room: Room, options: SolveOptions = {}): SolveResult {
  return new Search(room, options.nodeBudget ?? DEFAULT_NODE_BUDGET, options.stopAt ?? Infinity).run();
}

/** The optimal action list, or undefined when unsolvable or over budget. */
export function solveActions(room: Room, nodeBudget = DEFAULT_NODE_BUDGET): number[] | undefined {
  const r = solveRoom(room, { nodeBudget });
  return r.status === "solved" ? r.actions : undefined;
}

/** Fixed Zobrist keys per cell count, so hashing never depends on the process. */
const zobristCache = new Map<number, Uint32Array>();
function zobrist(n: number): Uint32Array {
  let z = zobristCache.get(n);
  if (!z) {
    const rng = Rng.fromSeed(0x5eed50c0, n);
    z = new Uint32Array(n * 4); // [box lane 1, box lane 2, player lane 1, player lane 2] per cell
    for (let i = 0; i < z.length; i++) z[i] = rng.nextUint32();
    zobristCache.set(n, z);
  }
  return z;
}

class Search {
  private readonly n: number;
  private readonly nb: number;
  private readonly deltas: Int32Array;
  private readonly wall: Uint8Array;
  private readonly target: Uint8Array;
  private readonly dead: Uint8Array;
  /** pushDist[t * n + c]: pushes to bring a box from c to target t, ignoring other boxes. */
  private readonly pushDist: Uint16Array;
  private readonly z: Uint32Array;

  // Node store (structure of arrays, grown by doubling).
  private cap = 0;
  private count = 0;
  private boxes = new Uint16Array(0);
  private player = new Uint16Array(0);
  private g = new Int32Array(0);
  private h = new Uint16Array(0);
  private parent = new Int32Array(0);
  private pushFrom = new Uint16Array(0);
  private pushDir = new Uint8Array(0);
  private h1 = new Uint32Array(0);
  private h2 = new Uint32Array(0);
  private closed = new Uint8Array(0);
  private table = new Int32Array(0);
  private tableMask = 0;

  // Scratch buffers reused across expansions.
  private readonly occ: Int32Array;
  private readonly seen: Int32Array;
  private readonly dist: Int32Array;
  private readonly queue: Int32Array;
  private stamp = 0;
  private readonly cur: Uint16Array;
  private readonly tmp: Uint16Array;
  private readonly dp: Int32Array;

  constructor(
    private readonly room: Room,
    private readonly budget: number,
    private readonly stopAt: number,
  ) {
    const { width, grid } = room;
    const n = grid.length;
    this.n = n;
    this.deltas = Int32Array.from([-width, width, -1, 1]);
    this.wall = new Uint8Array(n);
    this.target = new Uint8Array(n);
    const targets: number[] = [];
    let nb = 0;
    for (let c = 0; c < n; c++) {
      const s = grid[c]! & STATIC_MASK;
      if (s === WALL) this.wall[c] = 1;
      if (s === TARGET) {
        this.target[c] = 1;
        targets.push(c);
      }
      if (grid[c]! & BOX) nb++;
    }
    this.nb = nb;
    this.pushDist = new Uint16Array(targets.length * n).fill(INF);
    for (let t = 0; t < targets.length; t++) this.pullDistances(targets[t]!, t * n);
    this.dead = new Uint8Array(n);
    for (let c = 0; c < n; c++) {
      if (this.wall[c]) continue;
      let reachable = false;
      for (let t = 0; t < targets.length && !reachable; t++) reachable = this.pushDist[t * n + c]! !== INF;
      if (!reachable) this.dead[c] = 1;
    }
    this.z = zobrist(n);
    this.occ = new Int32Array(n);
    this.seen = new Int32Array(n);
    this.dist = new Int32Array(n);
    this.queue = new Int32Array(n);
    this.cur = new Uint16Array(nb);
    this.tmp = new Uint16Array(nb);
    this.dp = new Int32Array(nb <= 12 ? 1 << nb : 0);
  }

  /** Reverse BFS of box pulls from a target: a box at c got there by a push from p = c - d with the player at p - d. */
  private pullDistances(t: number, base: number): void {
    const { wall, deltas, pushDist } = this;
    const q = new Int32Array(this.n);
    let head = 0;
    let tail = 0;
    pushDist[base + t] = 0;
    q[tail++] = t;
    while (head < tail) {
      const c = q[head++]!;
      const dc = pushDist[base + c]!;
      for (let d = 0; d < 4; d++) {
        const p = c - deltas[d]!;
        if (wall[p] || wall[p - deltas[d]!] || pushDist[base + p] !== INF) continue;
        pushDist[base + p] = dc + 1;
        q[tail++] = p;
      }
    }
  }

  /** Minimum-cost assignment of boxes (in `boxes`) to targets; INF when some box cannot be placed. */
  private heuristic(boxes: Uint16Array): number {
    const { nb, n, pushDist, dp } = this;
    if (nb > 12) {
      // Too many boxes for the exact matching DP: sum of per-box minima is still admissible.
      let sum = 0;
      for (let i = 0; i < nb; i++) {
        let best = INF;
        for (let t = 0; t < nb; t++) best = Math.min(best, pushDist[t * n + boxes[i]!]!);
        if (best === INF) return INF;
        sum += best;
      }
      return sum;
    }
    dp[0] = 0;
    const full = (1 << nb) - 1;
    for (let mask = 1; mask <= full; mask++) {
      const i = popcount(mask) - 1; // boxes are assigned in order; mask says which targets are used
      const cell = boxes[i]!;
      let best = INF * 64;
      for (let t = 0; t < nb; t++) {
        if (!(mask & (1 << t))) continue;
        const d = pushDist[t * n + cell]!;
        if (d === INF) continue;
        const v = dp[mask ^ (1 << t)]! + d;
        if (v < best) best = v;
      }
      dp[mask] = best;
    }
    return dp[full]! >= INF ? INF : dp[full]!;
  }

  private grow(): void {
    const nb = this.nb;
    const cap = this.cap === 0 ? Math.min(1 << 14, Math.max(16, this.budget + 1)) : this.cap * 2;
    const grow16 = (a: Uint16Array, k: number) => {
      const b = new Uint16Array(cap * k);
      b.set(a);
      return b;
    };
    this.boxes = grow16(this.boxes, nb);
    this.player = grow16(this.player, 1);
    this.h = grow16(this.h, 1);
    this.pushFrom = grow16(this.pushFrom, 1);
    const g = new Int32Array(cap);
    g.set(this.g);
    this.g = g;
    const parent = new Int32Array(cap);
    parent.set(this.parent);
    this.parent = parent;
    const pushDir = new Uint8Array(cap);
    pushDir.set(this.pushDir);
    this.pushDir = pushDir;
    const closed = new Uint8Array(cap);
    closed.set(this.closed);
    this.closed = closed;
    const h1 = new Uint32Array(cap);
    h1.set(this.h1);
    this.h1 = h1;
    const h2 = new Uint32Array(cap);
    h2.set(this.h2);
    this.h2 = h2;
    this.cap = cap;
    // Keep the open-addressing table at most half full.
    this.table = new Int32Array(cap * 2).fill(-1);
    this.tableMask = cap * 2 - 1;
    for (let id = 0; id < this.count; id++) {
      let slot = this.h1[id]! & this.tableMask;
      while (this.table[slot] !== -1) slot = (slot + 1) & this.tableMask;
      this.table[slot] = id;
    }
  }

  private find(k1: number, k2: number, player: number, boxes: Uint16Array): { slot: number; id: number } {
    const { table, tableMask, nb } = this;
    let slot = k1 & tableMask;
    for (;;) {
      const id = table[slot]!;
      if (id === -1) return { slot, id: -1 };
      if (this.h1[id] === k1 && this.h2[id] === k2 && this.player[id] === player) {
        let same = true;
        const base = id * nb;
        for (let i = 0; i < nb && same; i++) same = this.boxes[base + i] === boxes[i];
        if (same) return { slot, id };
      }
      slot = (slot + 1) & tableMask;
    }
  }

  private add(k1: number, k2: number, player: number, boxes: Uint16Array, g: number, h: number, parent: number, from: number, dir: number): number {
    if (this.count === this.cap) this.grow();
    const id = this.count++;
    this.boxes.set(boxes, id * this.nb);
    this.player[id] = player;
    this.g[id] = g;
    this.h[id] = h;
    this.parent[id] = parent;
    this.pushFrom[id] = from;
    this.pushDir[id] = dir;
    this.h1[id] = k1;
    this.h2[id] = k2;
    let slot = k1 & this.tableMask;
    while (this.table[slot] !== -1) slot = (slot + 1) & this.tableMask;
    this.table[slot] = id;
    return id;
  }

  run(): SolveResult {
    const { room, nb, n, z } = this;
    if (nb === 0) return { status: "unsolvable", nodes: 0 };
    const start = this.tmp;
    let k1 = z[room.player * 4 + 2]!;
    let k2 = z[room.player * 4 + 3]!;
    let j = 0;
    for (let c = 0; c < n; c++) {
      if (!(room.grid[c]! & BOX)) continue;
      if (this.dead[c]) return { status: "unsolvable", nodes: 0 };
      start[j++] = c;
      k1 ^= z[c * 4]!;
      k2 ^= z[c * 4 + 1]!;
    }
    const h0 = this.heuristic(start);
    if (h0 === INF) return { status: "unsolvable", nodes: 0 };
    this.grow();
    this.add(k1, k2, room.player, start, 0, h0, -1, 0, 0);

    // Bucket queue: f values are small integers. LIFO within a bucket favours deeper nodes.
    const buckets: number[][] = [];
    const pushOpen = (id: number, f: number) => {
      while (buckets.length <= f) buckets.push([]);
      buckets[f]!.push(id);
    };
    pushOpen(0, h0);
    let f = h0;
    let expansions = 0;
    for (;;) {
      while (f < buckets.length && buckets[f]!.length === 0) f++;
      if (f >= buckets.length) return { status: "unsolvable", nodes: this.count };
      const id = buckets[f]!.pop()!;
      if (this.closed[id] || this.g[id]! + this.h[id]! !== f) continue; // stale entry
      this.closed[id] = 1;
      if (this.h[id] === 0) return this.reconstruct(id);
      // An expansion costs up to ~50 µs with 12 boxes: look at the clock every 256.
      if ((++expansions & 255) === 0) checkTime(this.stopAt);
      if (!this.expand(id, pushOpen)) return { status: "budget", nodes: this.count };
    }
  }

  /** Generates the successors of a node; false when the node budget ran out. */
  private expand(id: number, pushOpen: (id: number, f: number) => void): boolean {
    const { nb, deltas, wall, dead, occ, seen, dist, queue, cur, tmp, z } = this;
    const stamp = ++this.stamp;
    const base = id * nb;
    for (let i = 0; i < nb; i++) {
      cur[i] = this.boxes[base + i]!;
      occ[cur[i]!] = stamp;
    }
    // Walking distances from the player with boxes as obstacles.
    const p0 = this.player[id]!;
    let head = 0;
    let tail = 0;
    queue[tail++] = p0;
    seen[p0] = stamp;
    dist[p0] = 0;
    while (head < tail) {
      const c = queue[head++]!;
      for (let d = 0; d < 4; d++) {
        const m = c + deltas[d]!;
        if (seen[m] === stamp || wall[m] || occ[m] === stamp) continue;
        seen[m] = stamp;
        dist[m] = dist[c]! + 1;
        queue[tail++] = m;
      }
    }
    const g0 = this.g[id]!;
    const pk1 = this.h1[id]! ^ z[p0 * 4 + 2]!;
    const pk2 = this.h2[id]! ^ z[p0 * 4 + 3]!;
    for (let i = 0; i < nb; i++) {
      const b = cur[i]!;
      for (let d = 0; d < 4; d++) {
        const delta = deltas[d]!;
        const behind = b - delta;
        const ahead = b + delta;
        if (seen[behind] !== stamp || wall[ahead] || occ[ahead] === stamp || dead[ahead]) continue;
        occ[b] = 0;
        occ[ahead] = stamp;
        const frozen = this.frozenAt(ahead, stamp);
        occ[ahead] = 0;
        occ[b] = stamp;
        if (frozen) continue;
        // New sorted box list: replace b by ahead and restore order by insertion.
        tmp.set(cur);
        let k = i;
        tmp[k] = ahead;
        while (k > 0 && tmp[k - 1]! > tmp[k]!) {
          const t = tmp[k - 1]!;
          tmp[k - 1] = tmp[k]!;
          tmp[k] = t;
          k--;
        }
        while (k < nb - 1 && tmp[k + 1]! < tmp[k]!) {
          const t = tmp[k + 1]!;
          tmp[k + 1] = tmp[k]!;
          tmp[k] = t;
          k++;
        }
        const k1 = (pk1 ^ z[b * 4]! ^ z[ahead * 4]! ^ z[b * 4 + 2]!) >>> 0;
        const k2 = (pk2 ^ z[b * 4 + 1]! ^ z[ahead * 4 + 1]! ^ z[b * 4 + 3]!) >>> 0;
        const g = g0 + dist[behind]! + 1;
        const found = this.find(k1, k2, b, tmp);
        if (found.id !== -1) {
          const ex = found.id;
          if (this.closed[ex] || this.g[ex]! <= g) continue;
          this.g[ex] = g;
          this.parent[ex] = id;
          this.pushFrom[ex] = b;
          this.pushDir[ex] = d;
          pushOpen(ex, g + this.h[ex]!);
          continue;
        }
        const hv = this.heuristic(tmp);
        if (hv === INF) continue;
        if (this.count >= this.budget) return false;
        const nid = this.add(k1, k2, b, tmp, g, hv, id, b, d);
        pushOpen(nid, g + hv);
      }
    }
    return true;
  }

  /** A 2x2 block of walls/boxes containing the pushed box with some box off target can never move again. */
  private frozenAt(a: number, stamp: number): boolean {
    const w = this.room.width;
    return this.blockedSquare(a, -1, -w, stamp) || this.blockedSquare(a, 1, -w, stamp) || this.blockedSquare(a, -1, w, stamp) || this.blockedSquare(a, 1, w, stamp);
  }

  /** Whether the square {a, a+dx, a+dy, a+dx+dy} is all walls/boxes with some box off target. */
  private blockedSquare(a: number, dx: number, dy: number, stamp: number): boolean {
    const { wall, occ, target } = this;
    let offTarget = !target[a];
    for (let k = 0; k < 3; k++) {
      const c = k === 0 ? a + dx : k === 1 ? a + dy : a + dx + dy;
      if (wall[c]) continue;
      if (occ[c] !== stamp) return false;
      if (!target[c]) offTarget = true;
    }
    return offTarget;
  }

  /** Replays the push chain, filling in shortest walks, into a concrete action list. */
  private reconstruct(goal: number): SolveResult {
    const pushes: Array<[number, number]> = [];
    for (let id = goal; this.parent[id]! !== -1; id = this.parent[id]!) pushes.push([this.pushFrom[id]!, this.pushDir[id]!]);
    pushes.reverse();
    const sim = copyRoom(this.room);
    const actions: number[] = [];
    for (const [from, dir] of pushes) {
      const behind = from - this.deltas[dir]!;
      for (const step of this.walk(sim, behind)) {
        actions.push(step + 1);
        applyAction(sim, step + 1);
      }
      actions.push(dir + 1);
      if (!(applyAction(sim, dir + 1) & BOX_MOVED)) throw new Error("solver reconstruction failed: push did not move a box");
    }
    if (sim.boxesOnTarget !== sim.numBoxes || actions.length !== this.g[goal]) {
      throw new Error("solver reconstruction failed: replay does not reach the goal optimally");
    }
    return { status: "solved", actions, length: actions.length, nodes: this.count };
  }

  /** Directions (0-3) of a shortest walk from the player to `to`, boxes as obstacles. */
  private walk(room: Room, to: number): number[] {
    const { deltas, wall, n } = this;
    const from = room.player;
    if (from === to) return [];
    const prevDir = new Int8Array(n).fill(-1);
    const q = new Int32Array(n);
    let head = 0;
    let tail = 0;
    q[tail++] = from;
    prevDir[from] = 4;
    while (head < tail) {
      const c = q[head++]!;
      if (c === to) break;
      for (let d = 0; d < 4; d++) {
        const m = c + deltas[d]!;
        if (prevDir[m] !== -1 || wall[m] || room.grid[m]! & BOX) continue;
        prevDir[m] = d;
        q[tail++] = m;
      }
    }
    if (prevDir[to] === -1) throw new Error("solver reconstruction failed: push position unreachable");
    const path: number[] = [];
    for (let c = to; c !== from; c -= deltas[prevDir[c]!]!) path.push(prevDir[c]!);
    return path.reverse();
  }
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}
