import { describe, expect, it } from 'vitest';

import { scalingTable } from './scaling-table.js';

describe('scalingTable', () => {
  it('writes one Markdown line per estimator with times, ratios and the exponent', () => {
    const table = scalingTable(
      [
        { estimator: 'kliep', n: 100, seconds: 0.012345, ratio: 1 },
        { estimator: 'kliep', n: 200, seconds: 0.05, ratio: 4.05 },
        { estimator: 'ipm-ate', n: 100, seconds: 2.5, ratio: 1 },
      ],
      { kliep: 2.018, 'ipm-ate': null },
    );
    expect(table.split('\n')).toEqual([
      '| estimator | median time per fit at n (× time at smallest n) | k |',
      '|---|---|---:|',
      '| kliep | n = 100: 12.3 ms (×1.00); n = 200: 50 ms (×4.05) | 2.02 |',
      '| ipm-ate | n = 100: 2.5 s (×1.00) | — |',
    ]);
  });
});
