/** The agent's seeded randomness (the environments' Rng, reused: same algorithm, same guarantees). */
import { Rng } from "../../adapters/kit/rng.js";

export class SeededRandom {
  private readonly rng: Rng;

  constructor(seed: number) {
    this.rng = Rng.fromSeed(seed, 0x5e51);
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.rng.float();
  }

  int(n: number): number {
    return this.rng.int(n);
  }

  pick<T>(items: readonly T[]): T {
    return this.rng.pick(items);
  }

  shuffle<T>(items: T[]): T[] {
    return this.rng.shuffle(items);
  }
}
