import { describe, expect, it } from 'vitest';

import { matrixFromRows, matrixRow } from './matrix.js';

describe('matrixFromRows', () => {
  it('lays rows out row-major and views them back', () => {
    const m = matrixFromRows([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect([m.rows, m.cols]).toEqual([2, 3]);
    expect([...m.data]).toEqual([1, 2, 3, 4, 5, 6]);
    expect([...matrixRow(m, 1)]).toEqual([4, 5, 6]);
  });

  it('names the first ragged row', () => {
    expect(() => matrixFromRows([[1, 2], [3]], 'source')).toThrow('source: row 1 has 1 values, row 0 has 2');
  });
});
