import { describe, expect, it } from 'vitest';

import { BenchOptionError } from './bench-option-error.js';
import { listOption } from './list-option.js';

describe('listOption', () => {
  it('keeps the canonical order and names the flag of a bad value', () => {
    const all = ['wasm', 'cpu', 'tensorflow'] as const;
    expect(listOption(undefined, all, '--backends')).toEqual(all);
    expect(listOption(' cpu,wasm ', all, '--backends')).toEqual(['wasm', 'cpu']);
    expect(() => listOption('wasm,gpu', all, '--backends')).toThrow(BenchOptionError);
    expect(() => listOption(',', all, '--backends')).toThrow(/^--backends: unknown or empty value ","; use a comma-separated subset of wasm,cpu,tensorflow$/);
  });
});
