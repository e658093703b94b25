import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus, xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';
import type { JumpableRandomGenerator } from 'pure-rand/types/JumpableRandomGenerator';

import { ConfigError } from './errors.js';

/** Serialisable state of a {@link SeededRandom}; store it in a checkpoint and restore with {@link SeededRandom.fromState}. */
export interface RandomState {
  readonly algorithm: 'xoroshiro128plus';
  readonly state: readonly number[];
}

/**
 * Derives an independent 32-bit seed from a base seed and any number of labels (strings or integers), e.g.
 * `deriveSeed(seed, 'shuffle', epoch)`. The same inputs always give the same seed, so every consumer of randomness
 * (splits, initialisation, per-epoch shuffles, sampling) gets its own stream that does not shift when another
 * consumer draws more or fewer numbers. Hash: FNV-1a over the text of the seed and labels, then a murmur3 finaliser.
 */
export function deriveSeed(seed: number, ...labels: ReadonlyArray<string | number>): number {
  if (!Number.isSafeInteger(seed)) throw new ConfigError('seed', `must be a safe integer, got ${String(seed)}`);
  let h = 0x811c9dc5;
  const text = [seed, ...labels].map(String).join('\u0000');
  for (let i = 0; i < text.length; i += 1) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * A seeded, serialisable pseudo-random generator (xoroshiro128+ from `pure-rand`). Everything random in Counterweight
 * (data splits, shuffles, initial weights, sampling) draws from one of these, so a seed fixes a run.
 *
 * Values are produced in JavaScript, not by a tfjs kernel, so they are identical on every backend.
 */
export class SeededRandom {
  private readonly generator: JumpableRandomGenerator;

  private constructor(generator: JumpableRandomGenerator) {
    this.generator = generator;
  }

  /** A generator seeded from `seed` and optional labels (see {@link deriveSeed}). */
  static fromSeed(seed: number, ...labels: ReadonlyArray<string | number>): SeededRandom {
    return new SeededRandom(xoroshiro128plus(deriveSeed(seed, ...labels)));
  }

  /** Restores a generator saved with {@link SeededRandom.getState}. */
  static fromState(state: RandomState): SeededRandom {
    if (state.algorithm !== 'xoroshiro128plus' || state.state.length !== 4) {
      throw new ConfigError('random state', `expected a xoroshiro128plus state of 4 numbers, got ${JSON.stringify(state)}`);
    }
    return new SeededRandom(xoroshiro128plusFromState(state.state));
  }

  /** The current state; restoring it continues the exact same sequence. */
  getState(): RandomState {
    return { algorithm: 'xoroshiro128plus', state: [...this.generator.getState()] };
  }

  /** An independent copy at the same position. */
  clone(): SeededRandom {
    return new SeededRandom(this.generator.clone());
  }

  /** Uniform in [0, 1) with 53 random bits. */
  uniform(): number {
    return uniformFloat64(this.generator);
  }

  /** Uniform integer in [min, max], both included. */
  int(min: number, max: number): number {
    if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max) || max < min) {
      throw new ConfigError('int(min, max)', `needs integers with min <= max, got ${min}, ${max}`);
    }
    return uniformInt(this.generator, min, max);
  }

  /** A fresh 31-bit seed, e.g. for a tfjs initializer's `seed` option. */
  nextSeed(): number {
    return uniformInt(this.generator, 0, 0x7fffffff);
  }

  /** Standard normal by the Box-Muller transform (one value per two uniforms, no cached spare: state stays simple). */
  normal(mean = 0, std = 1): number {
    let u = this.uniform();
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    return mean + std * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** `n` uniform values in [low, high) as float32. */
  uniformArray(n: number, low = 0, high = 1): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i += 1) out[i] = low + (high - low) * this.uniform();
    return out;
  }

  /** `n` normal values as float32. */
  normalArray(n: number, mean = 0, std = 1): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i += 1) out[i] = this.normal(mean, std);
    return out;
  }

  /** A uniformly random permutation of 0..n-1 (Fisher-Yates). */
  permutation(n: number): Int32Array {
    const out = new Int32Array(n);
    for (let i = 0; i < n; i += 1) out[i] = i;
    this.shuffleInPlace(out);
    return out;
  }

  /** Shuffles an array in place (Fisher-Yates) and returns it. */
  shuffleInPlace<T extends { length: number; [index: number]: unknown }>(values: T): T {
    for (let i = values.length - 1; i > 0; i -= 1) {
      const j = uniformInt(this.generator, 0, i);
      const tmp = values[i];
      values[i] = values[j];
      values[j] = tmp;
    }
    return values;
  }

  /**
   * Draws `k` indices from a discrete distribution proportional to `weights` (non-negative, not all zero), with
   * replacement, by inverse-CDF lookup.
   */
  sampleWeighted(weights: ArrayLike<number>, k: number): Int32Array {
    const cumulative = new Float64Array(weights.length);
    let total = 0;
    for (let i = 0; i < weights.length; i += 1) {
      const w = weights[i] ?? Number.NaN;
      if (!(w >= 0) || !Number.isFinite(w)) {
        throw new ConfigError(`weights[${i}]`, `must be finite and non-negative, got ${w}`);
      }
      total += w;
      cumulative[i] = total;
    }
    if (!(total > 0)) throw new ConfigError('weights', 'must not all be zero');
    const out = new Int32Array(k);
    for (let s = 0; s < k; s += 1) {
      const target = this.uniform() * total;
      let lo = 0;
      let hi = cumulative.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if ((cumulative[mid] ?? 0) > target) hi = mid;
        else lo = mid + 1;
      }
      out[s] = lo;
    }
    return out;
  }
}
