import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';

/** A 32-bit seed from a base seed and labels: FNV-1a over their text, so each test input gets its own stream. */
function labelledSeed(seed: number, labels: ReadonlyArray<string | number>): number {
  let h = 0x811c9dc5;
  const text = [seed, ...labels].map(String).join('\u0000');
  for (let i = 0; i < text.length; i += 1) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * Seeded test data (xoroshiro128+ from pure-rand) for the kernel tests. The tests compare wasm against cpu on the
 * same inputs, so the inputs only need to be reproducible, not equal to any other package's streams.
 */
export class TestRandom {
  private constructor(private readonly generator: RandomGenerator) {}

  /** A generator for `seed` and labels (e.g. the test's shape name). */
  static fromSeed(seed: number, ...labels: ReadonlyArray<string | number>): TestRandom {
    return new TestRandom(xoroshiro128plus(labelledSeed(seed, labels)));
  }

  /** Uniform in [0, 1). */
  uniform(): number {
    return uniformFloat64(this.generator);
  }

  /** Uniform integer in [min, max], both included. */
  int(min: number, max: number): number {
    return uniformInt(this.generator, min, max);
  }

  /** `n` standard-normal float32 values (Box-Muller). */
  normalArray(n: number): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i += 1) {
      let u = this.uniform();
      while (u === 0) u = this.uniform();
      out[i] = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.uniform());
    }
    return out;
  }

  /** A uniformly random permutation of 0..n-1 (Fisher-Yates). */
  permutation(n: number): Int32Array {
    const out = Int32Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i -= 1) {
      const j = this.int(0, i);
      const t = out[i] as number;
      out[i] = out[j] as number;
      out[j] = t;
    }
    return out;
  }
}
