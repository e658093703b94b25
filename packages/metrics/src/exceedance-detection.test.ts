import { describe, expect, it } from 'vitest';

import { contingencyScores, exceedanceDetection } from './exceedance-detection.js';
import { observedMask } from './observed-mask.js';
import { forecastReference, targetsWithNaN } from './test-support/forecast-reference.js';
import { seededRandom } from './test-support/random.js';

const nanOf = (v: number | null): number => v ?? Number.NaN;

describe('exceedanceDetection', () => {
  it('counts events inclusively on both sides, worked by hand', () => {
    // t = 75. Observed events 80 (forecast 90: hit), 80 (60: miss), 100 (75: hit, inclusive);
    // non-events 50 (76: false alarm), 50 (40: correct negative); the NaN target is masked out.
    const y = [80, 80, 50, 50, 100, Number.NaN];
    const f = [90, 60, 76, 40, 75, 200];
    const d = exceedanceDetection(y, f, 75, { mask: observedMask(y) });
    expect(d).toEqual({ threshold: 75, hits: 2, falseAlarms: 1, misses: 1, correctNegatives: 1, pod: 2 / 3, far: 1 / 3, csi: 0.5, frequencyBias: 1 });
  });

  it.each(forecastReference.cases)('matches the NumPy tables and scores at 75 and 150 µg/m³ (seed $seed)', (c) => {
    const targets = targetsWithNaN(c);
    for (const expected of c.detection) {
      const d = exceedanceDetection(targets, c.predictions, expected.threshold, { mask: observedMask(targets) });
      expect([d.hits, d.falseAlarms, d.misses, d.correctNegatives]).toEqual([expected.hits, expected.falseAlarms, expected.misses, expected.correctNegatives]);
      expect(d.pod).toBeCloseTo(nanOf(expected.pod), 14);
      expect(d.far).toBeCloseTo(nanOf(expected.far), 14);
      expect(d.csi).toBeCloseTo(nanOf(expected.csi), 14);
      expect(d.frequencyBias).toBeCloseTo(nanOf(expected.frequencyBias), 14);
      expect(d.hits + d.falseAlarms + d.misses + d.correctNegatives).toBe(c.errors.count);
    }
  });
});

describe('contingencyScores', () => {
  it('leaves a score undefined (NaN) exactly when its denominator is 0', () => {
    // Quiet period, nothing forecast: no score is defined.
    const quiet = contingencyScores({ hits: 0, falseAlarms: 0, misses: 0, correctNegatives: 10 });
    expect([quiet.pod, quiet.far, quiet.csi, quiet.frequencyBias]).toEqual([Number.NaN, Number.NaN, Number.NaN, Number.NaN]);
    // No event observed, two forecast: POD and bias undefined, FAR 1, CSI 0.
    const alarms = contingencyScores({ hits: 0, falseAlarms: 2, misses: 0, correctNegatives: 8 });
    expect([alarms.pod, alarms.far, alarms.csi, alarms.frequencyBias]).toEqual([Number.NaN, 1, 0, Number.NaN]);
    // Events observed, none forecast: POD 0, FAR undefined, CSI 0, bias 0.
    const silent = contingencyScores({ hits: 0, falseAlarms: 0, misses: 2, correctNegatives: 8 });
    expect([silent.pod, silent.far, silent.csi, silent.frequencyBias]).toEqual([0, Number.NaN, 0, 0]);
  });

  it('satisfies CSI ≤ min(POD, 1 − FAR), B = POD/(1 − FAR) and 1/CSI = 1/POD + 1/(1 − FAR) − 1 (Roebber 2009)', () => {
    const rand = seededRandom(3);
    for (let trial = 0; trial < 200; trial += 1) {
      const table = {
        hits: 1 + Math.floor(50 * rand()),
        falseAlarms: Math.floor(50 * rand()),
        misses: Math.floor(50 * rand()),
        correctNegatives: Math.floor(500 * rand()),
      };
      const s = contingencyScores(table);
      expect(s.csi).toBeLessThanOrEqual(s.pod);
      expect(s.csi).toBeLessThanOrEqual(1 - s.far + 1e-15);
      expect(s.frequencyBias).toBeCloseTo(s.pod / (1 - s.far), 12);
      expect(1 / s.csi).toBeCloseTo(1 / s.pod + 1 / (1 - s.far) - 1, 10);
    }
  });

  it('rejects a bad table, naming the count', () => {
    expect(() => contingencyScores({ hits: 1, falseAlarms: -1, misses: 0, correctNegatives: 0 })).toThrow(
      "contingencyScores: argument 'table.falseAlarms' is -1, expected a finite count >= 0",
    );
    expect(() => exceedanceDetection([1], [1], Infinity)).toThrow(/exceedanceDetection: argument 'threshold' is Infinity/);
  });
});
