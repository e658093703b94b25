import { ConfigError } from '@counterweight/runtime';
import { describe, expect, it } from 'vitest';

import { thrown } from '../data/test-support/temp.js';
import { prepareArithmetic } from './arithmetic-run.js';
import { checkArithmeticSettings, type ArithmeticSettings } from './arithmetic-settings.js';
import { NANOGPT_CPU_TRAINING } from './settings.js';

// The arithmetic data is generated, not read: its bad inputs are problem sets the flags cannot give (more distinct
// problems than the digits allow, digits out of range, problems longer than the context). Each must stop before
// training with the flag to change and the numbers involved.

const settings: ArithmeticSettings = {
  problems: { operation: 'add', digits: [1, 3], train: 2_000, validation: 100, test: 100 },
  model: { layers: 1, heads: 2, width: 32, context: 32 },
  training: { ...NANOGPT_CPU_TRAINING, steps: 10, evalEvery: 5, batchSize: 8, warmupSteps: 2 },
  ntlLambda: 0.3,
};

const problems = (patch: Partial<ArithmeticSettings['problems']>): ArithmeticSettings => ({ ...settings, problems: { ...settings.problems, ...patch } });

const CASES: readonly (readonly [string, ArithmeticSettings, RegExp])[] = [
  ['more 1-digit sums than exist (20,000 of 100)', problems({ digits: [1, 1], train: 20_000 }), /^--train-problems: 20000 training \+ 100 validation \(--eval-windows\) \+ 100 test \(--test-problems\) problems: asks for 20200 distinct problems but add with \[1, 1\] digits has only 100$/],
  ['splits that together exceed the 1-digit products (60 + 30 + 20 of 100)', problems({ operation: 'mul', digits: [1, 1], train: 60, validation: 30, test: 20 }), /^--train-problems: .*asks for 110 distinct problems but mul with \[1, 1\] digits has only 100$/],
  ['0 digits', problems({ digits: [0, 2] }), /^--digits: must be MIN,MAX with 1 <= MIN <= MAX <= 9, got 0,2$/],
  ['digits in the wrong order', problems({ digits: [3, 1] }), /^--digits: .*got 3,1$/],
  ['more digits than the answers can hold', problems({ digits: [1, 12] }), /^--digits: .*got 1,12$/],
  ['no test problems', problems({ test: 0 }), /^--test-problems: must be a whole number >= 1, got 0$/],
  ['6-digit products in a context of 16', { ...problems({ operation: 'mul', digits: [6, 6], train: 50, validation: 10, test: 10 }), model: { ...settings.model, context: 16 } }, /^--context: training problem 1 ".*" needs \d+ positions \(\d+ prompt \+ \d+ answer tokens − 1\), more than the context 16$/],
];

describe('arithmetic data: problem sets the flags cannot give', () => {
  it.each(CASES)('%s: a ConfigError naming the flag, before any training', (_, bad, message) => {
    const error = thrown(() => {
      checkArithmeticSettings(bad);
      prepareArithmetic(bad);
    });
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toMatch(message);
  });

  it('gives the problem sets it can', () => {
    const data = prepareArithmetic(problems({ digits: [1, 1], train: 80, validation: 10, test: 10 }));
    expect([data.problems.train.length, data.problems.validation.length, data.problems.test.length]).toEqual([80, 10, 10]);
  });
});
