import { ConfigError } from '@counterweight/runtime';
import { describe, expect, it } from 'vitest';

import { CTR_MODEL_DEFAULTS, resolveCtrModelConfig, type CtrModelConfig } from './config.js';

describe('resolveCtrModelConfig', () => {
  it('fills in the defaults of each kind and keeps given values', () => {
    expect(resolveCtrModelConfig({ kind: 'logistic' })).toEqual({ kind: 'logistic', l2: 1e-6 });
    expect(resolveCtrModelConfig({ kind: 'fm', embeddingDim: 4 })).toEqual({ kind: 'fm', embeddingDim: 4, l2: 1e-6, initStd: 0.01 });
    expect(resolveCtrModelConfig({ kind: 'dnn' })).toEqual({ kind: 'dnn', ...CTR_MODEL_DEFAULTS.dnn, hidden: [64, 32] });
    expect(resolveCtrModelConfig({ kind: 'dnn', hidden: [], wide: true })).toMatchObject({ hidden: [], wide: true });
  });

  it('rejects out-of-range values and unknown kinds, naming the option', () => {
    const bad: Array<[CtrModelConfig, string]> = [
      [{ kind: 'logistic', l2: -1 }, 'logistic.l2: must be a finite number ≥ 0, got -1'],
      [{ kind: 'fm', initStd: 0 }, 'fm.initStd: must be a finite number > 0, got 0'],
      [{ kind: 'dnn', hidden: [8, 2.5] }, 'dnn.hidden[1]: must be a positive integer, got 2.5'],
      [{ kind: 'gbdt' } as unknown as CtrModelConfig, 'kind: must be one of logistic, fm, dnn, got "gbdt"'],
    ];
    for (const [config, message] of bad) {
      expect(() => resolveCtrModelConfig(config)).toThrow(ConfigError);
      expect(() => resolveCtrModelConfig(config)).toThrow(message);
    }
  });
});
