import { md4Schedule } from '@counterweight/core-losses';
import { ConfigError, initBackend } from '@counterweight/runtime';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import type { TokenWindows } from '../data/token-windows.js';
import { md4Rows } from './md4-batch.js';
import { shakespeareIds } from './test-support/shakespeare.js';

beforeAll(() => initBackend('cpu', { log: null }));

function windowsOf(ids: Int32Array, context: number): TokenWindows {
  const count = Math.floor((ids.length - 1) / context);
  return {
    count,
    context,
    inputs: ids.slice(0, count * context),
    targets: ids.slice(1, count * context + 1),
  };
}

describe('md4Rows', () => {
  const { vocabulary, ids } = shakespeareIds(10 * 32 + 1);
  const V = vocabulary.length;
  const windows = windowsOf(ids, 32); // 10 rows of TinyShakespeare characters

  it('is deterministic for a seed and differs for another', () => {
    const a = md4Rows(windows, { vocabularySize: V, seed: 7, batchSize: 4 });
    const b = md4Rows(windows, { vocabularySize: V, seed: 7, batchSize: 4 });
    const c = md4Rows(windows, { vocabularySize: V, seed: 8, batchSize: 4 });
    expect(a.windows.inputs).toEqual(b.windows.inputs);
    expect(a.times).toEqual(b.times);
    expect(a.extras.maskedTokens.values).toEqual(b.extras.maskedTokens.values);
    expect(a.times).not.toEqual(c.times);
  });

  it('draws antithetic times per group of batchSize consecutive rows (the last group smaller)', () => {
    const rows = md4Rows(windows, { vocabularySize: V, seed: 3, batchSize: 4 });
    const groups = [[0, 4], [4, 8], [8, 10]] as const;
    for (const [start, end] of groups) {
      const size = end - start;
      const u = rows.times[start] ?? Number.NaN;
      for (let b = 0; b < size; b += 1) expect(rows.times[start + b]).toBeCloseTo((u + b / size) % 1, 12);
      const sorted = Array.from(rows.times.subarray(start, end)).sort((x, y) => x - y);
      for (let k = 1; k < size; k += 1) expect((sorted[k] ?? 0) - (sorted[k - 1] ?? 0)).toBeCloseTo(1 / size, 12);
    }
    expect(new Set([rows.times[0], rows.times[4], rows.times[8]]).size).toBe(3);
  });

  it('masks with id V exactly where maskedTokens is 1, keeps clean targets, and weights w(t) of the schedule', () => {
    const rows = md4Rows(windows, { vocabularySize: V, seed: 11, batchSize: 5 });
    const schedule = md4Schedule();
    const { inputs, targets, count, context } = rows.windows;
    expect([count, context]).toEqual([10, 32]);
    expect(targets).toEqual(windows.inputs);
    let masked = 0;
    rows.extras.maskedTokens.values.forEach((m, i) => {
      expect(inputs[i]).toBe(m === 1 ? V : windows.inputs[i]);
      masked += m;
    });
    // the expected share of masked tokens is the mean of 1 − α(t) = t (linear): a loose check on 320 tokens
    const expected = Array.from(rows.times).reduce((a, t) => a + (1 - schedule.alpha(t)), 0) * context;
    expect(Math.abs(masked - expected)).toBeLessThan(4 * Math.sqrt(expected) + 4);
    rows.times.forEach((t, b) => expect(rows.extras.elboWeights.values[b]).toBeCloseTo(schedule.weight(t), 2));
    expect(rows.extras.maskedTokens.shape).toEqual([32]);
    expect(rows.extras.elboWeights.shape).toEqual([]);
  });

  it('leaves no tensor behind', () => {
    const before = tf.memory().numTensors;
    md4Rows(windows, { vocabularySize: V, seed: 1, batchSize: 3 });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('names the bad argument', () => {
    const bad = (options: Parameters<typeof md4Rows>[1], w: TokenWindows = windows) => (): unknown => md4Rows(w, options);
    expect(bad({ vocabularySize: V, seed: -1, batchSize: 4 })).toThrow(ConfigError);
    expect(bad({ vocabularySize: V, seed: -1, batchSize: 4 })).toThrow(/^seed: /);
    expect(bad({ vocabularySize: V, seed: 1, batchSize: 0 })).toThrow(/^batchSize: /);
    expect(bad({ vocabularySize: 0, seed: 1, batchSize: 4 })).toThrow(/^vocabularySize: /);
    expect(bad({ vocabularySize: 40, seed: 1, batchSize: 4 })).toThrow(/^windows\.inputs: token id \d+ at row 0, position \d+ is outside \[0, 40\)/);
    expect(bad({ vocabularySize: V, seed: 1, batchSize: 4, schedule: { eps: 0.5 } })).toThrow(/^schedule\.eps: /);
  });
});
