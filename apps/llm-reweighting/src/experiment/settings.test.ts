import { ConfigError } from '@counterweight/runtime';
import { describe, expect, it } from 'vitest';

import { NANOGPT_CPU_CONFIG } from '../models/gpt-config.js';
import { NANOGPT_CPU_TRAINING, checkLmSettings, checkTrainingSettings, warmupInSteps, type LmSettings } from './settings.js';

const settings: LmSettings = {
  corpus: { source: 'tinyshakespeare', tokenizer: 'char', bpeVocabulary: 512, trainFraction: 0.9 },
  model: { layers: NANOGPT_CPU_CONFIG.layers, heads: NANOGPT_CPU_CONFIG.heads, width: NANOGPT_CPU_CONFIG.width, context: NANOGPT_CPU_CONFIG.context },
  training: NANOGPT_CPU_TRAINING,
  objectives: { temperature: null, reweightingWarmup: 150, ntlLambda: 0.3 },
  samples: { prompt: '\n', tokens: 10, temperature: 0.8 },
};

describe('llm-reweighting settings', () => {
  it("holds nanoGPT's CPU run on TinyShakespeare characters", () => {
    expect(NANOGPT_CPU_CONFIG).toEqual({ layers: 4, heads: 4, width: 128, context: 64, causal: true });
    expect(NANOGPT_CPU_TRAINING).toMatchObject({ steps: 2000, batchSize: 12, learningRate: 1e-3, minLearningRate: 1e-4, warmupSteps: 100, beta2: 0.99, weightDecay: 0.1, clip: 1 });
    expect(() => checkLmSettings(settings)).not.toThrow();
  });

  it('names the flag of a setting out of range', () => {
    const bad = (patch: Partial<LmSettings>, flag: string): void => {
      const run = (): void => checkLmSettings({ ...settings, ...patch });
      expect(run).toThrow(ConfigError);
      expect(run).toThrow(flag);
    };
    bad({ model: { ...settings.model, width: 130 } }, '--width');
    bad({ model: { ...settings.model, context: 0 } }, '--context');
    bad({ corpus: { ...settings.corpus, trainFraction: 1 } }, '--train-fraction');
    bad({ objectives: { ...settings.objectives, temperature: 0 } }, '--temperature');
    bad({ objectives: { ...settings.objectives, ntlLambda: -1 } }, '--ntl-lambda');
    expect(() => checkTrainingSettings({ ...NANOGPT_CPU_TRAINING, evalEvery: 300 })).toThrow('--eval-every');
    expect(() => checkTrainingSettings({ ...NANOGPT_CPU_TRAINING, minLearningRate: 0.01 })).toThrow('--min-lr');
  });

  it('rounds the reweighting warm-up up to whole estimate intervals', () => {
    expect(warmupInSteps(settings)).toBe(200);
    expect(warmupInSteps({ ...settings, objectives: { ...settings.objectives, reweightingWarmup: 0 } })).toBe(0);
    expect(warmupInSteps({ ...settings, objectives: { ...settings.objectives, reweightingWarmup: 100 } })).toBe(100);
  });
});
