import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import type { RandomGenerator } from "pure-rand/types/RandomGenerator";

/** A seeded random source (pure-rand's xoroshiro128+), mutable for speed in bulk generation. */
export class Rng {
  private readonly generator: RandomGenerator;

  constructor(seed: number) {
    this.generator = xoroshiro128plus(seed | 0);
  }

  /** Uniform in [0, 1). */
  float(): number {
    return (this.generator.next() >>> 0) / 4294967296;
  }

  /** Uniform integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.float() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.float() < probability;
  }

  pick<T>(values: readonly T[]): T {
    return values[Math.floor(this.float() * values.length)]!;
  }

  /** Picks `count` distinct values (fewer when there are not enough). */
  sample<T>(values: readonly T[], count: number): T[] {
    const copy = values.slice();
    const taken: T[] = [];
    while (taken.length < count && copy.length > 0) {
      const index = Math.floor(this.float() * copy.length);
      taken.push(copy[index]!);
      copy[index] = copy[copy.length - 1]!;
      copy.pop();
    }
    return taken;
  }
}
