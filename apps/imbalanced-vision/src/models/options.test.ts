import { ConfigError } from '@counterweight/runtime';
import { describe, expect, it } from 'vitest';

import { resolveModelOptions, resolveStageSettings, type ModelOptions } from './options.js';

const BASE: ModelOptions = { arch: 'resnet', head: 'linear', inputShape: [28, 28, 1], numClasses: 10, seed: 1 };

describe('resolveModelOptions', () => {
  it('fills in the defaults', () => {
    expect(resolveModelOptions(BASE)).toEqual({
      ...BASE,
      width: 16,
      depth: 8,
      auxiliaryHead: undefined,
      headBias: undefined,
      batchNormMomentum: 0.1,
      trainable: 'all',
      weightDecay: 0,
      featureNormPenalty: 0,
    });
    expect(resolveModelOptions({ ...BASE, arch: 'cnn' })).toMatchObject({ width: 32, depth: 3 });
    // Resolved options resolve to themselves (a saved model is rebuilt from them).
    for (const arch of ['cnn', 'resnet'] as const) {
      const resolved = resolveModelOptions({ ...BASE, arch });
      expect(resolveModelOptions(resolved)).toEqual(resolved);
    }
  });

  it.each([
    [{ arch: 'vgg' }, 'model.arch'],
    [{ head: 'arcface' }, 'model.head'],
    [{ inputShape: [28, 28] }, 'model.inputShape'],
    [{ inputShape: [28, 0, 1] }, 'model.inputShape[1]'],
    [{ arch: 'cnn', inputShape: [8, 8, 1] }, 'model.inputShape'],
    [{ numClasses: 1 }, 'model.numClasses'],
    [{ seed: -1 }, 'model.seed'],
    [{ seed: 1.5 }, 'model.seed'],
    [{ depth: 9 }, 'model.depth'],
    [{ arch: 'cnn', depth: 8 }, 'model.depth'],
    [{ width: 0 }, 'model.width'],
    [{ auxiliaryHead: 'transformer' }, 'model.auxiliaryHead'],
    [{ head: 'cosine', headBias: -2 }, 'model.headBias'],
    [{ batchNormMomentum: 2 }, 'model.batchNormMomentum'],
    [{ trainable: 'head' }, 'model.trainable'],
    [{ weightDecay: -1 }, 'model.weightDecay'],
    [{ featureNormPenalty: Number.NaN }, 'model.featureNormPenalty'],
  ])('rejects %j naming %s', (patch, option) => {
    const call = () => resolveModelOptions({ ...BASE, ...(patch as Partial<ModelOptions>) });
    expect(call).toThrow(ConfigError);
    expect(call).toThrow(`${option}:`);
  });
});

describe('resolveStageSettings', () => {
  it('defaults to training everything without extra loss terms, and checks values', () => {
    expect(resolveStageSettings({})).toEqual({ trainable: 'all', weightDecay: 0, featureNormPenalty: 0 });
    expect(resolveStageSettings({ trainable: 'classifier', weightDecay: 0.1 })).toEqual({
      trainable: 'classifier',
      weightDecay: 0.1,
      featureNormPenalty: 0,
    });
    expect(() => resolveStageSettings({ weightDecay: -0.1 })).toThrow('model.weightDecay');
  });
});
