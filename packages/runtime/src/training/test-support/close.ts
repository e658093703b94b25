import { expect } from 'vitest';

/** Asserts `actual` has the expected length and every element is within `10^-digits / 2` of `expected`. */
export function expectAllClose(actual: ArrayLike<number> | undefined, expected: readonly number[], digits = 6): void {
  const values = Array.from(actual ?? []);
  expect(values).toHaveLength(expected.length);
  values.forEach((v, i) => expect(v, `element ${i}`).toBeCloseTo(expected[i] as number, digits));
}
