import { describe, expect, it } from 'vitest';

import { seedStatistics, summarizeRuns } from './summary.js';

// Reference values: scipy 1.17.1, `stats.t.interval(0.95, n - 1, loc=mean, scale=std / sqrt(n))` with numpy's
// `std(ddof=1)`, run on the same numbers (printed to 16 digits).
describe('seedStatistics', () => {
  it('gives mean, sample std and the 95 % t-interval as scipy does', () => {
    const s = seedStatistics([0.31, 0.27, 0.35]);
    expect(s.n).toBe(3);
    expect(s.mean).toBeCloseTo(0.31, 15);
    expect(s.std).toBeCloseTo(0.03999999999999998, 15);
    expect(s.interval95?.lower).toBeCloseTo(0.21063449152998684, 12);
    expect(s.interval95?.upper).toBeCloseTo(0.4093655084700132, 12);
    expect(s.values).toEqual([0.31, 0.27, 0.35]);
  });

  it('has no interval for one seed, and refuses no values or a NaN', () => {
    expect(seedStatistics([0.5])).toEqual({ n: 1, mean: 0.5, std: 0, interval95: null, values: [0.5] });
    expect(() => seedStatistics([])).toThrow(RangeError);
    expect(() => seedStatistics([1, Number.NaN])).toThrow(/value 1 is NaN/);
  });
});

describe('summarizeRuns', () => {
  const run = (method: string, repetition: number, acc: number): { method: string; repetition: number; seed: number; result: { acc: number } } => ({
    method,
    repetition,
    seed: 100 + repetition,
    result: { acc },
  });
  const a = [0.5, 0.6, 0.55, 0.7];
  const b = [0.45, 0.62, 0.5, 0.6];

  it('summarises every method and pairs every method with the baseline by repetition', () => {
    // Runs arrive in any order (as a worker pool finishes them); pairing is by repetition, not position.
    const runs = [...b.map((v, r) => run('base', r, v)), ...a.map((v, r) => run('new', r, v)).reverse()];
    const [base, other] = summarizeRuns(runs, { metrics: (r) => r, baseline: 'base' });
    expect(base?.method).toBe('base');
    expect(base?.againstBaseline).toBeUndefined();
    expect(other?.seeds).toEqual([100, 101, 102, 103]);
    expect(other?.metrics['acc']?.values).toEqual(a);
    const d = other?.againstBaseline?.['acc'];
    // scipy on a − b: mean 0.045, std 0.04932882862316248, interval (−0.033493174197878325, 0.12349317419787832).
    expect(d?.mean).toBeCloseTo(0.045, 14);
    expect(d?.std).toBeCloseTo(0.04932882862316248, 14);
    expect(d?.interval95?.lower).toBeCloseTo(-0.033493174197878325, 12);
    expect(d?.interval95?.upper).toBeCloseTo(0.12349317419787832, 12);
  });

  it('pairs only the metrics the baseline has too (a method may report more)', () => {
    const runs: Array<{ method: string; repetition: number; seed: number; result: Record<string, number> }> = [
      { method: 'mae', repetition: 0, seed: 1, result: { mae: 10 } },
      { method: 'mae', repetition: 1, seed: 2, result: { mae: 12 } },
      { method: 'quantile', repetition: 0, seed: 1, result: { mae: 9, wis: 4 } },
      { method: 'quantile', repetition: 1, seed: 2, result: { mae: 10, wis: 5 } },
    ];
    const [, quantile] = summarizeRuns(runs, { metrics: (r: Record<string, number>) => r, baseline: 'mae' });
    expect(quantile?.metrics['wis']?.mean).toBe(4.5);
    expect(Object.keys(quantile?.againstBaseline ?? {})).toEqual(['mae']);
    expect(quantile?.againstBaseline?.['mae']?.values).toEqual([-1, -2]);
  });

  it('follows the given method order and names a method without runs or a missing metric', () => {
    const runs = [run('x', 0, 1), run('y', 0, 2)];
    expect(summarizeRuns(runs, { metrics: (r) => r, methods: ['y', 'x'] }).map((s) => s.method)).toEqual(['y', 'x']);
    expect(() => summarizeRuns(runs, { metrics: (r) => r, methods: ['z'] })).toThrow(/no runs of method z/);
    const gap = [...runs, run('y', 1, 3)];
    expect(() => summarizeRuns(gap, { metrics: (r) => (r.acc === 2 ? {} : r) })).toThrow(/run 0 of y has no metric acc/);
  });
});
