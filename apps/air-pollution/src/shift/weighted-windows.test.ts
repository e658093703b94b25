import { initBackend } from '@counterweight/runtime';
import { beforeAll, describe, expect, it } from 'vitest';

import { createObjective } from '../objectives/index.js';
import { lossOf, plainBatch, somePredictions, type PlainBatch } from '../objectives/test-support/batch.js';
import { tinyWindows } from '../objectives/test-support/tiny-windows.js';
import { withTrainingWeights } from './weighted-windows.js';

beforeAll(async () => {
  await initBackend('cpu');
});

/** The batch with row i repeated `times[i]` times (rows with 0 dropped). */
function repeatRows(batch: PlainBatch, times: readonly number[]): { batch: PlainBatch; rows: number[] } {
  const rows = times.flatMap((t, i) => new Array<number>(t).fill(i));
  const take = (values: Float32Array, width: number): Float32Array => Float32Array.from(rows.flatMap((r) => Array.from(values.subarray(r * width, (r + 1) * width))));
  return {
    rows,
    batch: {
      rows: rows.length,
      width: batch.width,
      targets: take(batch.targets, batch.width),
      extras: Object.fromEntries(Object.entries(batch.extras).map(([name, c]) => [name, { values: take(c.values, c.shape.reduce((a, b) => a * b, 1)), shape: c.shape }])),
    },
  };
}

describe('withTrainingWeights', () => {
  const windows = tinyWindows({ counts: { train: 12, validation: 4, test: 4 } });
  const times = [2, 0, 1, 3, 1, 0, 2, 1, 1, 4, 1, 2];

  it('integer weights train the mae objective exactly as repeating each window that many times', () => {
    const weighted = withTrainingWeights(windows, times);
    const objective = createObjective('mae', weighted);
    const plainObjective = createObjective('mae', windows);
    try {
      const outputs = objective.weatherOutputs + objective.pollutantOutputs;
      const predictions = somePredictions(12, outputs);
      const weightedLoss = lossOf(objective, plainBatch(objective, weighted, 'train', 12), predictions);
      const repeated = repeatRows(plainBatch(plainObjective, windows, 'train', 12), times);
      const repeatedPredictions = Float32Array.from(repeated.rows.flatMap((r) => Array.from(predictions.subarray(r * outputs, (r + 1) * outputs))));
      expect(weightedLoss).toBeCloseTo(lossOf(plainObjective, repeated.batch, repeatedPredictions), 5);
      // and not as the unweighted loss
      expect(Math.abs(weightedLoss - lossOf(plainObjective, plainBatch(plainObjective, windows, 'train', 12), predictions))).toBeGreaterThan(1e-3);
    } finally {
      objective.dispose();
      plainObjective.dispose();
    }
  });

  it('scales the training mask only, leaves the other splits and the input windows alone', () => {
    const weighted = withTrainingWeights(windows, times);
    const width = windows.train.mask.length / 12;
    for (let k = 0; k < windows.train.mask.length; k++) expect(weighted.train.mask[k]).toBe(windows.train.mask[k]! * times[Math.floor(k / width)]!);
    expect(weighted.validation).toBe(windows.validation);
    expect(weighted.train.targets).toBe(windows.train.targets);
    expect(windows.train.mask.every((m) => m === 0 || m === 1)).toBe(true);
  });

  it('rejects a weight per window that is missing, negative or not finite', () => {
    expect(() => withTrainingWeights(windows, [1, 2])).toThrow(/2 weights for 12 training windows/);
    expect(() => withTrainingWeights(windows, times.map((t, i) => (i === 3 ? -1 : t)))).toThrow(/weight 3 is -1/);
  });
});
