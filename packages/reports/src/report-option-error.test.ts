import { describe, expect, it } from 'vitest';

import { ReportOptionError } from './report-option-error.js';

describe('ReportOptionError', () => {
  it('names the option first and keeps it as a field', () => {
    const error = new ReportOptionError('values[1]', 'has 1 values for 2 columns');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('ReportOptionError');
    expect(error.option).toBe('values[1]');
    expect(error.message).toBe('values[1]: has 1 values for 2 columns');
  });
});
