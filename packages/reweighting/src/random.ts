import { seededUniform } from '@counterweight/solvers';

/** A seeded source of uniform and standard-normal draws, for simulation designs and fold shuffles. */
export interface SeededRandom {
  /** A uniform draw on [0, 1). */
  uniform(): number;
  /** A standard-normal draw (Box–Muller on two uniforms, the second variate cached). */
  normal(): number;
}

/**
 * A {@link SeededRandom} built on the solvers package's mulberry32 `seededUniform(seed)`: the same seed gives the
 * same stream on every platform. Not for cryptography.
 */
export function seededRandom(seed: number): SeededRandom {
  const uniform = seededUniform(seed);
  let spare: number | undefined;
  return {
    uniform,
    normal() {
      if (spare !== undefined) {
        const z = spare;
        spare = undefined;
        return z;
      }
      const u1 = 1 - uniform(); // (0, 1]: log is finite
      const u2 = uniform();
      const r = Math.sqrt(-2 * Math.log(u1));
      spare = r * Math.sin(2 * Math.PI * u2);
      return r * Math.cos(2 * Math.PI * u2);
    },
  };
}

/** A seeded Fisher–Yates permutation of 0..n−1. */
export function seededPermutation(n: number, random: SeededRandom): Int32Array {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random.uniform() * (i + 1));
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
  return order;
}
