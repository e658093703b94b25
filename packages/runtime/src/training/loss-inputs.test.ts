import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { TrainingError } from '../errors.js';
import { EXTRA_NAMES, MissingExtraError, checkExtras, checkScalar, withExtras, type LossFunction, type LossInputs } from './loss-inputs.js';
import { useBackend } from './test-support/backends.js';

beforeAll(() => useBackend('cpu'));

const bidWeighted = withExtras(
  { lossName: 'bidWeighted', extras: ['bids', 'mask'] },
  ({ targets, predictions, extras }: LossInputs<'bids' | 'mask'>): tf.Scalar =>
    tf.sum<tf.Scalar>(tf.mul(tf.mul(tf.sub(predictions, targets), extras.bids), extras.mask)),
);

describe('withExtras', () => {
  it('attaches the name and the extras and leaves the computation as it is', () => {
    expect(bidWeighted.lossName).toBe('bidWeighted');
    expect(bidWeighted.extras).toEqual(['bids', 'mask']);
    expect(Object.isFrozen(bidWeighted.extras)).toBe(true);
    const value = tf.tidy(() =>
      bidWeighted({
        targets: tf.tensor2d([[1, 0]]),
        predictions: tf.tensor2d([[3, 5]]),
        sampleWeights: undefined,
        extras: { bids: tf.tensor2d([[2, 10]]), mask: tf.tensor2d([[1, 0]]) },
      }).dataSync()[0],
    );
    expect(value).toBe(4); // (3 − 1)·2·1 + (5 − 0)·10·0
  });

  it('uses the conventional extra names of the core-losses catalogue', () => {
    expect([...EXTRA_NAMES]).toEqual(['bids', 'mask', 'teacher', 'tokenWeights', 'quantileLevels', 'maskedTokens', 'elboWeights']);
  });
});

describe('checkExtras', () => {
  it('passes when the data set carries every declared extra, and for losses that declare none', () => {
    expect(() => checkExtras(bidWeighted, ['mask', 'teacher', 'bids'], { argument: 'loss', dataset: 'train' })).not.toThrow();
    const plain: LossFunction = () => tf.scalar(0);
    expect(() => checkExtras(plain, [], { argument: 'loss', dataset: 'train' })).not.toThrow();
  });

  it('throws a MissingExtraError (a TrainingError) naming the first missing column, the loss and the data set', () => {
    const error = (() => {
      try {
        checkExtras(bidWeighted, ['mask'], { argument: 'lossAtEpoch', dataset: 'validation' });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(MissingExtraError);
    expect(error).toBeInstanceOf(TrainingError);
    const missing = error as MissingExtraError;
    expect([missing.extra, missing.loss, missing.dataset, missing.argument]).toEqual(['bids', 'bidWeighted', 'validation', 'lossAtEpoch']);
    expect(missing.message).toBe(
      'train(): lossAtEpoch: loss "bidWeighted" needs the extra column "bids", which the validation data set does not carry ' +
        '(its extras: mask); add it as createDataset({ ..., extras: { bids: { values, shape } } })',
    );
  });

  it('names the option when the loss has no declared name', () => {
    const unnamed = Object.assign(() => tf.scalar(0), { extras: ['teacher'] as const });
    expect(() => checkExtras(unnamed, [], { argument: 'metrics.kd', dataset: 'validation' })).toThrow(/metrics\.kd: loss "metrics\.kd" needs the extra column "teacher".*\(its extras: none\)/);
  });
});

describe('checkScalar', () => {
  it('accepts a scalar and names the argument and the shape of anything else', () => {
    const s = tf.scalar(1);
    expect(checkScalar(s, 'loss')).toBe(s);
    const v = tf.tensor1d([1, 2]);
    expect(() => checkScalar(v, 'loss')).toThrow('train(): loss: must return a scalar, got shape [2]; reduce it (e.g. tf.mean)');
    tf.dispose([s, v]);
  });
});
