import { ConfigError } from '@counterweight/runtime';
import { describe, expect, it } from 'vitest';

import { arithmeticMethods, checkArithmeticSettings, type ArithmeticSettings } from './arithmetic-settings.js';
import { NANOGPT_CPU_TRAINING } from './settings.js';

const settings: ArithmeticSettings = {
  problems: { operation: 'add', digits: [1, 3], train: 100, validation: 10, test: 10 },
  model: { layers: 1, heads: 2, width: 16, context: 24 },
  training: { ...NANOGPT_CPU_TRAINING, steps: 20, evalEvery: 10, warmupSteps: 2 },
  ntlLambda: 0.3,
};

describe('arithmetic settings', () => {
  it('maps --ntl choices to objectives, the plain baseline first', () => {
    expect(arithmeticMethods(['was', 'mse'])).toEqual([
      { name: 'none', options: { objective: 'uniform' } },
      { name: 'was', options: { objective: 'ntl-was' } },
      { name: 'mse', options: { objective: 'ntl-mse' } },
    ]);
    expect(() => arithmeticMethods(['was', 'was'])).toThrow('--ntl');
    expect(() => arithmeticMethods(['huber'])).toThrow(ConfigError);
  });

  it('names the flag of a setting out of range', () => {
    expect(() => checkArithmeticSettings(settings)).not.toThrow();
    expect(() => checkArithmeticSettings({ ...settings, problems: { ...settings.problems, digits: [3, 1] } })).toThrow('--digits');
    expect(() => checkArithmeticSettings({ ...settings, problems: { ...settings.problems, test: 0 } })).toThrow('--test-problems');
    expect(() => checkArithmeticSettings({ ...settings, model: { ...settings.model, heads: 3 } })).toThrow('--width');
  });
});
