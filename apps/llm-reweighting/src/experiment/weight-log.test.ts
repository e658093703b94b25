import { describe, expect, it } from 'vitest';

import type { WeightSample } from '../objectives/index.js';
import { weightLogAfter } from './weight-log.js';

const sample = (step: number): WeightSample => ({ step, scaledWeights: [0.5, 1.5], losses: [2.1, 2.4] });

describe('weightLogAfter', () => {
  it('appends an interval to the log', () => {
    expect(weightLogAfter([sample(0), sample(2)], [sample(4), sample(6)], 4)).toEqual([0, 2, 4, 6].map(sample));
  });

  it('drops what a stopped attempt logged for the interval it retrains, so a resumed log equals an uninterrupted one', () => {
    // Interval 4–7 was logged, the run was stopped before its checkpoint, and the resumed run records it again.
    const logged = [0, 2, 4, 6].map(sample);
    expect(weightLogAfter(logged, [sample(4), sample(6)], 4)).toEqual([0, 2, 4, 6].map(sample));
  });
});
