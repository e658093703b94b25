import { describe, expect, it } from 'vitest';

import { BenchOptionError } from './bench-option-error.js';
import { errorText } from './error-text.js';

describe('errorText', () => {
  it('keeps the first line of an error message, or of the text of anything else', () => {
    expect(errorText(new Error('first\nsecond'))).toBe('first');
    expect(errorText('plain')).toBe('plain');
    expect(errorText(42)).toBe('42');
    expect(errorText(new BenchOptionError('--archs', 'unknown'))).toBe('--archs: unknown');
  });
});
