import { describe, expect, it } from 'vitest';

import { ConfigError } from './errors.js';
import { finiteNumberOption, integerOption } from './option-checks.js';

describe('option checks', () => {
  it('pass valid values through and name the option otherwise', () => {
    expect(integerOption(3, 'epochs')).toBe(3);
    expect(() => integerOption(0, 'epochs')).toThrow('epochs: must be a positive integer, got 0');
    expect(() => integerOption(2.5, 'hidden[1]')).toThrow(ConfigError);
    expect(integerOption(4, 'features', 4)).toBe(4);
    expect(() => integerOption(3, 'features', 4)).toThrow('features: must be an integer >= 4, got 3');
    expect(finiteNumberOption(0.1, 'rate')).toBe(0.1);
    expect(() => finiteNumberOption(0, 'initStd')).toThrow('initStd: must be a finite number > 0, got 0');
    expect(finiteNumberOption(0, 'l2', 'nonNegative')).toBe(0);
    expect(() => finiteNumberOption(Number.NaN, 'l2', 'nonNegative')).toThrow('l2: must be a finite number ≥ 0, got NaN');
  });
});
