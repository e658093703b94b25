// Test-only: small deterministic generators of test inputs, on the package's seeded generator (mulberry32),
// independent of the runtime package.
import { seededUniform } from '../seeded-random.js';

/** A seeded uniform generator on [0, 1) for test inputs (the package's `seededUniform`). */
export const makeRandom = seededUniform;

export function uniformArray(random: () => number, n: number, low: number, high: number): number[] {
  return Array.from({ length: n }, () => low + (high - low) * random());
}

export function intArray(random: () => number, n: number, classes: number): number[] {
  return Array.from({ length: n }, () => Math.floor(random() * classes));
}

/** Max over i of |a_i − b_i| / max(|b_i|, floor). */
export function maxRelativeError(actual: ArrayLike<number>, expected: ArrayLike<number>, floor = 1e-30): number {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} != ${expected.length}`);
  let worst = 0;
  for (let i = 0; i < expected.length; i += 1) {
    const a = actual[i] ?? Number.NaN;
    const b = expected[i] ?? Number.NaN;
    const err = a === b ? 0 : Math.abs(a - b) / Math.max(Math.abs(b), floor);
    worst = Number.isNaN(err) ? Number.POSITIVE_INFINITY : Math.max(worst, err);
  }
  return worst;
}
