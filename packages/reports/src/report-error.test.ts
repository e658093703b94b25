import { describe, expect, it } from 'vitest';

import { ReportError } from './report-error.js';

describe('ReportError', () => {
  it('starts its message with the file and key path it knows', () => {
    const cause = new Error('inner');
    const error = new ReportError({ file: '/runs/a/1/metrics.json', keyPath: '$.auc' }, 'NaN is not valid JSON', { cause });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('ReportError');
    expect(error.message).toBe('/runs/a/1/metrics.json: $.auc: NaN is not valid JSON');
    expect(error.file).toBe('/runs/a/1/metrics.json');
    expect(error.keyPath).toBe('$.auc');
    expect(error.cause).toBe(cause);
    expect(new ReportError({}, 'plain').message).toBe('plain');
    expect(new ReportError({ file: 'chart.png' }, 'bad').message).toBe('chart.png: bad');
  });
});
