import { ConfigError } from '@counterweight/runtime';
import { describe, expect, it } from 'vitest';

import { WeightRecorder } from './weight-recorder.js';

describe('WeightRecorder', () => {
  it('asks for every k-th step once, scales weights by the active sequence count and drops inactive ones', () => {
    const r = new WeightRecorder({ every: 3 });
    expect([0, 1, 2, 3, 6].map((s) => r.due(s))).toEqual([true, false, false, true, true]);
    r.record(3, [0.5, 0.25, 0, 0.25], [2, 1, 9, 1.5], [1, 1, 0, 1]);
    expect(r.due(3)).toBe(false);
    r.record(3, [1, 0, 0, 0], [0, 0, 0, 0]); // a second call at the same step is ignored
    expect(r.samples()).toEqual([{ step: 3, scaledWeights: [1.5, 0.75, 0.75], losses: [2, 1, 1.5] }]);
  });

  it('summarises and bins the scaled weights (hand-computed)', () => {
    const r = new WeightRecorder({ every: 1 });
    r.record(0, [0.25, 0.25, 0.25, 0.25], [1, 2, 3, 4]);
    r.record(1, [0.5, 0.5], [1, 2]);
    r.record(2, [0.75, 0.25], [3, 1]);
    // scaled: [1, 1, 1, 1], [1, 1], [1.5, 0.5]
    const s = r.summary();
    expect(s).not.toBeNull();
    expect(s?.sequences).toBe(8);
    expect(s?.min).toBe(0.5);
    expect(s?.max).toBe(1.5);
    expect(s?.mean).toBeCloseTo(1, 12);
    expect(s?.std).toBeCloseTo(Math.sqrt(0.5 / 8), 12);
    // effective fraction (Σw)²/(B·Σw²): 1, 1, 4/(2·2.5) = 0.8
    expect(s?.meanEffectiveFraction).toBeCloseTo((1 + 1 + 0.8) / 3, 12);
    const h = r.histogram({ bins: 3, max: 1.5 });
    expect(h.edges).toEqual([0, 0.5, 1, 1.5]);
    expect(h.counts).toEqual([0, 1, 7]);
    expect((JSON.parse(JSON.stringify(r.toJSON())) as { samples: unknown[] }).samples).toHaveLength(3);
  });

  it('drains what it holds, keeps counting towards maxSamples', () => {
    const r = new WeightRecorder({ every: 1, maxSamples: 2 });
    r.record(0, [1], [1]);
    expect(r.drain()).toHaveLength(1);
    expect(r.samples()).toEqual([]);
    r.record(1, [1], [1]);
    expect(r.due(2)).toBe(false);
    r.record(2, [1], [1]);
    expect(r.total).toBe(2);
    expect(r.drain().map((s) => s.step)).toEqual([1]);
    expect(r.summary()).toBeNull();
  });

  it('names bad options and mismatched lengths', () => {
    expect(() => new WeightRecorder({ every: 0 })).toThrow(ConfigError);
    expect(() => new WeightRecorder({ every: 0 })).toThrow('recorder.every: must be an integer >= 1, got 0');
    expect(() => new WeightRecorder({ maxSamples: 1.5 })).toThrow('recorder.maxSamples');
    const r = new WeightRecorder();
    expect(() => r.record(0, [1, 0], [1])).toThrow('losses: must have the length of weights (2), got 1');
    expect(() => r.histogram({ bins: 0 })).toThrow('bins: must be an integer >= 1, got 0');
  });
});
