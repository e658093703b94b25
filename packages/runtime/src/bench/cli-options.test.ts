import { describe, expect, it } from 'vitest';

import { ConfigError } from '../errors.js';
import { errorText, listOption } from './cli-options.js';

describe('bench CLI options', () => {
  it('listOption keeps the canonical order and names the flag of a bad value', () => {
    const all = ['wasm', 'cpu', 'tensorflow'] as const;
    expect(listOption(undefined, all, '--backends')).toEqual(all);
    expect(listOption(' cpu,wasm ', all, '--backends')).toEqual(['wasm', 'cpu']);
    expect(() => listOption('wasm,gpu', all, '--backends')).toThrow(ConfigError);
    expect(() => listOption(',', all, '--backends')).toThrow(/--backends: unknown or empty value ","/);
  });

  it('errorText keeps the first line', () => {
    expect(errorText(new Error('first\nsecond'))).toBe('first');
    expect(errorText('plain')).toBe('plain');
  });
});
