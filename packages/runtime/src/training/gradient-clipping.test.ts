import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { TrainingError } from '../errors.js';
import { clipByGlobalNorm, clipByValue, clipGradients, globalNorm } from './gradient-clipping.js';
import { TEST_BACKENDS, useBackend } from './test-support/backends.js';
import { expectAllClose } from './test-support/close.js';

describe.each(TEST_BACKENDS)('gradient clipping on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  it('global norm: rescales jointly to the limit, leaves small gradients alone, no leaks', () => {
    const a = tf.tensor1d([3, 0]);
    const b = tf.tensor2d([[0, 4]]); // joint norm 5
    const before = tf.memory().numTensors;
    const norm = globalNorm([a, b]);
    expect(norm.dataSync()[0]).toBeCloseTo(5, 6);
    norm.dispose();
    const clipped = clipByGlobalNorm([a, b], 1);
    expectAllClose(clipped[0]?.dataSync(), [0.6, 0]);
    expectAllClose(clipped[1]?.dataSync(), [0, 0.8]);
    expect(clipped[1]?.shape).toEqual([1, 2]);
    const untouched = clipByGlobalNorm([a, b], 10);
    expect(Array.from(untouched[0]?.dataSync() ?? [])).toEqual([3, 0]);
    expect(Array.from(untouched[1]?.dataSync() ?? [])).toEqual([0, 4]);
    tf.dispose([...clipped, ...untouched]);
    expect(tf.memory().numTensors).toBe(before);
    expect(Array.from(a.dataSync())).toEqual([3, 0]); // inputs untouched
    tf.dispose([a, b]);
  });

  it('by value clamps each element; combined applies value then norm', () => {
    const g = tf.tensor1d([-5, 0.5, 2]);
    const before = tf.memory().numTensors;
    const [v] = clipByValue([g], 1);
    expect(Array.from(v?.dataSync() ?? [])).toEqual([-1, 0.5, 1]);
    const [both] = clipGradients([g], { value: 1, globalNorm: 0.75 }); // after value: norm 1.5 -> scale 0.5
    expectAllClose(both?.dataSync(), [-0.5, 0.25, 0.5]);
    const [none] = clipGradients([g], {});
    expect(none).not.toBe(g);
    expect(Array.from(none?.dataSync() ?? [])).toEqual([-5, 0.5, 2]);
    tf.dispose([v, both, none].filter((t): t is tf.Tensor => t !== undefined));
    expect(tf.memory().numTensors).toBe(before);
    g.dispose();
  });

  it('rejects non-positive limits with named errors', () => {
    const g = tf.tensor1d([1]);
    expect(() => clipByGlobalNorm([g], 0)).toThrow(TrainingError);
    expect(() => clipGradients([g], { value: -1 })).toThrow('clip.value');
    expect(() => clipGradients([g], { globalNorm: Number.NaN })).toThrow('clip.globalNorm');
    g.dispose();
  });
});
