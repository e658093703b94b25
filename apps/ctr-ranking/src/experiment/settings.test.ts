import { ConfigError } from '@counterweight/runtime';
import { describe, expect, it } from 'vitest';

import { checkCtrSettings, ctrMethods } from './settings.js';
import { TINY_SETTINGS } from './test-support/tiny.js';

describe('ctrMethods', () => {
  it('makes one method per objective and one per λ of combined, in the order given', () => {
    expect(ctrMethods(['welfare', 'combined', 'logloss'], [0.1, 0.9])).toEqual([
      { name: 'welfare', options: { objective: 'welfare' } },
      { name: 'combined-0.1', options: { objective: 'combined', lambda: 0.1 } },
      { name: 'combined-0.9', options: { objective: 'combined', lambda: 0.9 } },
      { name: 'logloss', options: { objective: 'logloss' } },
    ]);
    // λ only makes methods of combined.
    expect(ctrMethods(['logloss'], [0.1, 0.9]).map((m) => m.name)).toEqual(['logloss']);
  });

  it('refuses no loss, a loss twice, λ outside [0, 1] and combined without λ, naming the flag', () => {
    const flagOf = (f: () => unknown): string | undefined => {
      try {
        f();
      } catch (error) {
        return error instanceof ConfigError ? error.message : `not a ConfigError: ${String(error)}`;
      }
      return undefined;
    };
    expect(flagOf(() => ctrMethods([], [0.5]))).toMatch(/--losses.*at least one/);
    expect(flagOf(() => ctrMethods(['welfare', 'welfare'], [0.5]))).toMatch(/--losses.*welfare twice/);
    expect(flagOf(() => ctrMethods(['combined'], [1.5]))).toMatch(/--lambdas.*\[0, 1\].*1\.5/);
    expect(flagOf(() => ctrMethods(['combined'], []))).toMatch(/--lambdas.*at least one/);
  });
});

describe('checkCtrSettings', () => {
  it('accepts the tiny settings and names the flag of each bad one', () => {
    expect(() => checkCtrSettings(TINY_SETTINGS)).not.toThrow();
    expect(() => checkCtrSettings({ ...TINY_SETTINGS, temperature: 0 })).toThrow(/--temperature/);
    expect(() => checkCtrSettings({ ...TINY_SETTINGS, learningRate: Number.NaN })).toThrow(/--lr/);
    expect(() => checkCtrSettings({ ...TINY_SETTINGS, teacherMix: 2 })).toThrow(/--teacher-mix/);
    expect(() => checkCtrSettings({ ...TINY_SETTINGS, epochs: 1.5 })).toThrow(/--epochs/);
    expect(() => checkCtrSettings({ ...TINY_SETTINGS, batchSize: 0 })).toThrow(/--batch-size/);
  });
});
