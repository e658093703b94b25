import { describe, expect, it } from 'vitest';

import { matrixFromRows } from './matrix.js';
import { ReweightingError } from './reweighting-error.js';
import { treatmentGroups } from './treatment-data.js';

const x = matrixFromRows([[0, 1], [1, 2], [2, 3]]);

describe('treatmentGroups', () => {
  it('splits rows by treatment', () => {
    const g = treatmentGroups('f', x, [1, 0, 1]);
    expect([...g.treated]).toEqual([0, 2]);
    expect([...g.control]).toEqual([1]);
  });

  it('rejects an empty group, a non-binary treatment, a NaN cell and ragged lengths, naming them', () => {
    expect(() => treatmentGroups('f', x, [1, 1, 1])).toThrow("f: argument 'treatment' has no control rows (all treated");
    expect(() => treatmentGroups('f', x, [0, 0, 0])).toThrow("f: argument 'treatment' has no treated rows");
    expect(() => treatmentGroups('f', x, [0, 2, 1])).toThrow("f: argument 'treatment' row 1 is 2");
    expect(() => treatmentGroups('f', matrixFromRows([[0, 1], [1, Number.NaN]]), [0, 1])).toThrow(
      "f: argument 'x' row 1, column 1 is NaN",
    );
    expect(() => treatmentGroups('f', x, [0, 1])).toThrow(ReweightingError);
    expect(() => treatmentGroups('f', x, [0, 1, 1], [1, Number.NaN, 2])).toThrow("f: argument 'outcome' row 1 is NaN");
  });
});
