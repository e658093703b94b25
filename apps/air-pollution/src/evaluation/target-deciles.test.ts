import { describe, expect, it } from 'vitest';
import { targetDeciles } from './target-deciles.js';
import { handSplit } from './test-support/hand-split.js';

describe('targetDeciles', () => {
  // 12 windows, H = 2, V = 2 (TEMP, PM2.5); PM2.5 at the first horizon is 0, 10, …, 100 and one NaN.
  const first = [0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, Number.NaN];
  const split = handSplit({
    count: 12,
    raw: first.flatMap((v, i) => [i, v, i, 1000 + v]), // the second horizon (1000+) must not be used
    persistence: first.flatMap(() => [0, 0]),
  });

  it('takes the decile edges of the observed first-horizon values (linear interpolation)', () => {
    const d = targetDeciles(split, ['TEMP', 'PM2.5'], 2);
    expect(d.count).toBe(11);
    // 11 evenly spaced values 0..100: Q(p) = 100·p exactly.
    d.edges.forEach((e, k) => expect(e).toBeCloseTo(10 * (k + 1), 10));
    expect(d.topDecileThreshold).toBeCloseTo(90, 10);
  });

  it('rejects an unknown variable and a split without observed values', () => {
    expect(() => targetDeciles(split, ['TEMP', 'PM2.5'], 2, 'PM10')).toThrow(/variable.*PM10/);
    const empty = handSplit({ count: 1, raw: [0, Number.NaN, 0, Number.NaN], persistence: [0, 0] });
    expect(() => targetDeciles(empty, ['TEMP', 'PM2.5'], 2)).toThrow(/no observed value/);
  });
});
