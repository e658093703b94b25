import { describe, expect, it } from 'vitest';
import { finiteOrNull } from './finite-or-null.js';

describe('finiteOrNull', () => {
  it('keeps finite numbers and turns NaN and ±Infinity into null', () => {
    expect(finiteOrNull(0)).toBe(0);
    expect(finiteOrNull(-2.5)).toBe(-2.5);
    expect(finiteOrNull(Number.NaN)).toBeNull();
    expect(finiteOrNull(Number.POSITIVE_INFINITY)).toBeNull();
    expect(finiteOrNull(Number.NEGATIVE_INFINITY)).toBeNull();
  });
});
