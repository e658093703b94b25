import { describe, expect, it } from 'vitest';

import { binaryLogLoss } from './binary-log-loss.js';
import { normalizedEntropy, relativeInformationGain } from './normalized-entropy.js';

describe('binaryLogLoss', () => {
  it('matches the scikit-learn documentation example', () => {
    // log_loss docstring: log_loss(["spam", "ham", "ham", "spam"], [[.1, .9], [.9, .1], [.8, .2], [.35, .65]])
    // -> 0.21616...; labels sort as ham = 0, spam = 1, so p(1) = [.9, .1, .2, .65].
    const l = binaryLogLoss([1, 0, 0, 1], [0.9, 0.1, 0.2, 0.65]);
    expect(l).toBeCloseTo(-(Math.log(0.9) + Math.log(0.9) + Math.log(0.8) + Math.log(0.65)) / 4, 15);
    expect(l.toFixed(5)).toBe('0.21616');
  });

  it('clips to [eps, 1 − eps] (default 1e-7)', () => {
    expect(binaryLogLoss([1, 0], [0, 1])).toBeCloseTo(-Math.log(1e-7), 9);
    expect(binaryLogLoss([1], [0], { eps: 1e-3 })).toBeCloseTo(-Math.log(1e-3), 12);
    expect(binaryLogLoss([1], [0], { eps: 0 })).toBe(Number.POSITIVE_INFINITY);
    expect(binaryLogLoss([1], [1])).toBeCloseTo(-Math.log(1 - 1e-7), 15);
  });

  it('rejects probabilities outside [0, 1] and a bad eps', () => {
    expect(() => binaryLogLoss([1, 0], [0.5, 1.5])).toThrow("binaryLogLoss: argument 'probabilities'[1] is 1.5, expected a probability in [0, 1]");
    expect(() => binaryLogLoss([1], [0.5], { eps: 0.5 })).toThrow("argument 'options.eps' must be a number in [0, 0.5), got 0.5");
    expect(() => binaryLogLoss([], [])).toThrow("argument 'targets' is empty");
  });
});

describe('normalizedEntropy and relativeInformationGain', () => {
  it('divide the log loss by the entropy of the base rate (hand-computed)', () => {
    const y = [1, 0, 0, 0];
    const p = [0.6, 0.2, 0.1, 0.3];
    const logLoss = -(Math.log(0.6) + Math.log(0.8) + Math.log(0.9) + Math.log(0.7)) / 4;
    const h = -(0.25 * Math.log(0.25) + 0.75 * Math.log(0.75));
    expect(normalizedEntropy(y, p)).toBeCloseTo(logLoss / h, 15);
    expect(relativeInformationGain(y, p)).toBeCloseTo(1 - logLoss / h, 15);
    // With the training set's rate as the baseline (He et al.'s definition).
    const h10 = -(0.1 * Math.log(0.1) + 0.9 * Math.log(0.9));
    expect(normalizedEntropy(y, p, { baseRate: 0.1 })).toBeCloseTo(logLoss / h10, 15);
  });

  it('is exactly 1 (RIG 0) for the predictor that always outputs the base rate', () => {
    const y = [1, 0, 0, 0, 1, 0, 0, 0];
    expect(normalizedEntropy(y, y.map(() => 0.25))).toBeCloseTo(1, 15);
    expect(relativeInformationGain(y, y.map(() => 0.25))).toBeCloseTo(0, 15);
  });

  it('is NaN when the base rate is 0 or 1', () => {
    expect(normalizedEntropy([0, 0], [0.1, 0.2])).toBeNaN();
    expect(relativeInformationGain([1], [0.9])).toBeNaN();
    expect(normalizedEntropy([0, 1], [0.1, 0.2], { baseRate: 0 })).toBeNaN();
    expect(() => normalizedEntropy([0, 1], [0.1, 0.2], { baseRate: 2 })).toThrow("normalizedEntropy: argument 'options.baseRate' must be a number in [0, 1], got 2");
  });
});
