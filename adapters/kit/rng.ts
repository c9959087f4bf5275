/**
 * Seeded pseudo-random numbers (xoshiro128**), one generator per episode.
 *
 * Why not Math.random: sharing one global generator between parallel
 * environments is what makes seeded runs irreproducible elsewhere. Every
 * environment owns an Rng, seeds it from the episode seed only, and clones it
 * with its state, so a restored state draws the same future numbers.
 */
export class Rng {
  private constructor(
    private a: number,
    private b: number,
    private c: number,
    private d: number,
  ) {}

  /** A generator fully determined by `seed` (any safe integer) and an optional stream label. */
  static fromSeed(seed: number, stream = 0): Rng {
    if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a safe integer, got ${seed}`);
    // splitmix32 over both 32-bit halves of the seed expands it into 128 bits of state.
    let x = (seed >>> 0) ^ Math.imul(stream + 1, 0x9e3779b9);
    let y = Math.floor(seed / 0x1_0000_0000) >>> 0;
    const mix = (): number => {
      x = (x + 0x9e3779b9) | 0;
      let z = x ^ Math.imul(y, 0x85ebca6b);
      y = (y + 0x632be5ab) | 0;
      z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
      z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
      return (z ^ (z >>> 15)) >>> 0;
    };
    const rng = new Rng(mix(), mix(), mix(), mix());
    if ((rng.a | rng.b | rng.c | rng.d) === 0) rng.a = 1;
    return rng;
  }

  /** Rebuilds a generator from {@link state}. */
  static fromState(state: readonly number[]): Rng {
    if (state.length !== 4) throw new RangeError("Rng state must have 4 words");
    return new Rng(state[0]! >>> 0, state[1]! >>> 0, state[2]! >>> 0, state[3]! >>> 0);
  }

  state(): [number, number, number, number] {
    return [this.a, this.b, this.c, this.d];
  }

  clone(): Rng {
    return new Rng(this.a, this.b, this.c, this.d);
  }

  /** Next unsigned 32-bit integer. */
  nextUint32(): number {
    const r = Math.imul(rotl(Math.imul(this.b, 5), 7), 9);
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return r >>> 0;
  }

  /** Uniform float in [0, 1). */
  float(): number {
    return this.nextUint32() / 0x1_0000_0000;
  }

  /** Uniform integer in [0, n). Unbiased (rejection sampling). */
  int(n: number): number {
    if (!(n > 0) || n > 0x1_0000_0000 || !Number.isInteger(n)) throw new RangeError(`int(n) needs 0 < n <= 2^32, got ${n}`);
    const limit = 0x1_0000_0000 - (0x1_0000_0000 % n);
    let v = this.nextUint32();
    while (v >= limit) v = this.nextUint32();
    return v % n;
  }

  /** A uniformly chosen element. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError("pick from an empty list");
    return items[this.int(items.length)]!;
  }

  /** Shuffles in place (Fisher–Yates) and returns the array. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = items[i]!;
      items[i] = items[j]!;
      items[j] = tmp;
    }
    return items;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
