import { describe, expect, it } from 'vitest';

import { ReweightingError } from './reweighting-error.js';
import { shapleyValues, type CoalitionValue } from './shapley.js';

const sum = (xs: Float64Array): number => xs.reduce((a, b) => a + b, 0);

/** `v(S) = Σ_T c_T · [T ⊆ S]`, a sum of unanimity games: closed form `φ_i = Σ_{T ∋ i} c_T / |T|`. */
function unanimityGame(terms: readonly { players: readonly number[]; c: number }[]): {
  value: CoalitionValue;
  shapley: (n: number) => number[];
} {
  return {
    value: (m) => terms.reduce((v, t) => v + (t.players.every((p) => m[p] === 1) ? t.c : 0), 0),
    shapley: (n) =>
      Array.from({ length: n }, (_, i) =>
        terms.reduce((phi, t) => phi + (t.players.includes(i) ? t.c / t.players.length : 0), 0),
      ),
  };
}

describe('shapleyValues, exact', () => {
  it('gives each player its own share in an additive game', () => {
    const a = [3, -1, 0.5, 7];
    const r = shapleyValues(4, (m) => a.reduce((v, ai, i) => v + ai * m[i]!, 10));
    expect(r.method).toBe('exact');
    a.forEach((ai, i) => expect(r.values[i]).toBeCloseTo(ai, 12));
    expect(r.evaluations).toBe(16);
  });

  it('splits equally between symmetric players and gives a dummy player nothing', () => {
    // Players 0 and 1 are symmetric; player 2 never changes the value.
    const r = shapleyValues(3, (m) => (m[0]! + m[1]! === 2 ? 6 : m[0]! + m[1]! === 1 ? 1 : 0));
    expect(r.values[0]).toBeCloseTo(3, 12);
    expect(r.values[1]).toBeCloseTo(3, 12);
    expect(r.values[2]).toBe(0);
  });

  it('solves the 3-player glove game: φ = (2/3, 1/6, 1/6)', () => {
    // Player 0 owns a left glove, players 1 and 2 a right glove each; a pair is worth 1.
    const r = shapleyValues(3, (m) => (m[0] === 1 && (m[1] === 1 || m[2] === 1) ? 1 : 0));
    expect(Array.from(r.values)).toEqual([2 / 3, 1 / 6, 1 / 6].map((x) => expect.closeTo(x, 14) as number));
  });

  it('matches the closed form of a sum of unanimity games and sums to v(N) − v(∅)', () => {
    const g = unanimityGame([
      { players: [0, 1], c: 2 },
      { players: [1, 2, 4], c: -3 },
      { players: [3], c: 1.5 },
      { players: [0, 2, 3, 4], c: 4 },
    ]);
    const r = shapleyValues(5, g.value);
    g.shapley(5).forEach((phi, i) => expect(r.values[i]).toBeCloseTo(phi, 12));
    expect(Math.abs(sum(r.values) - (r.fullValue - r.emptyValue))).toBeLessThan(1e-12);
    expect(Array.from(r.standardErrors)).toEqual([0, 0, 0, 0, 0]);
  });
});

describe('shapleyValues, permutation sampling', () => {
  const g = unanimityGame([
    { players: [0, 1], c: 2 },
    { players: [1, 2, 4], c: -3 },
    { players: [3], c: 1.5 },
    { players: [0, 2, 3, 4, 5, 6], c: 4 },
    { players: [5, 6], c: -1 },
  ]);
  const truth = g.shapley(7);

  it("is chosen above 5 players and is efficient to float rounding whatever the number of orders", () => {
    for (const permutations of [1, 3, 17]) {
      const r = shapleyValues(7, g.value, { permutations, seed: 5 });
      expect(r.method).toBe('permutation');
      expect(r.permutations).toBe(permutations);
      expect(Math.abs(sum(r.values) - (r.fullValue - r.emptyValue))).toBeLessThan(1e-12);
    }
  });

  it('is within 4 standard errors of the closed form for 3 seeds, and the standard errors shrink like 1/√m', () => {
    for (const seed of [1, 2, 3]) {
      const r = shapleyValues(7, g.value, { permutations: 2000, seed });
      truth.forEach((phi, i) => {
        expect(Math.abs(r.values[i]! - phi)).toBeLessThanOrEqual(4 * r.standardErrors[i]! + 1e-12);
      });
      const small = shapleyValues(7, g.value, { permutations: 200, seed });
      // Player 0's contribution depends on the order (terms {0, 1} and {0, 2, 3, 4, 5, 6}): a non-zero spread.
      const ratio = small.standardErrors[0]! / r.standardErrors[0]!;
      expect(ratio).toBeGreaterThan(Math.sqrt(10) * 0.7);
      expect(ratio).toBeLessThan(Math.sqrt(10) * 1.3);
    }
  });

  it('agrees with the exact method on the same 7-player game', () => {
    const exact = shapleyValues(7, g.value, { method: 'exact' });
    truth.forEach((phi, i) => expect(exact.values[i]).toBeCloseTo(phi, 12));
  });

  it('is deterministic for a seed and differs across seeds', () => {
    const a = shapleyValues(7, g.value, { permutations: 50, seed: 9 });
    const b = shapleyValues(7, g.value, { permutations: 50, seed: 9 });
    const c = shapleyValues(7, g.value, { permutations: 50, seed: 10 });
    expect(Array.from(b.values)).toEqual(Array.from(a.values));
    expect(Array.from(c.values)).not.toEqual(Array.from(a.values));
  });

  it('stops early once every standard error is within the tolerance', () => {
    const r = shapleyValues(7, g.value, { permutations: 100000, standardErrorTolerance: 0.05, seed: 4 });
    expect(r.permutations).toBeLessThan(100000);
    expect(r.permutations % 50).toBe(0);
    expect(Math.max(...r.standardErrors)).toBeLessThanOrEqual(0.05);
  });
});

describe('shapleyValues, invalid input', () => {
  it('names the argument', () => {
    expect(() => shapleyValues(0, () => 0)).toThrow(ReweightingError);
    expect(() => shapleyValues(21, () => 0, { method: 'exact' })).toThrow(/options.method/);
    expect(() => shapleyValues(7, () => 0, { permutations: 0 })).toThrow(/options.permutations/);
    expect(() => shapleyValues(2, (m) => (m[0] ? Number.NaN : 0))).toThrow(/'value' returned NaN for coalition \{0/);
  });
});
