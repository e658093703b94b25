import { Dictionary, Float32, Float64, Int32, Int64, Table, Utf8, Bool, vectorFromArray } from 'apache-arrow';
import { describe, expect, it } from 'vitest';

import { fromArrowTable } from './arrow-dataset.js';
import { InMemoryDataset } from './dataset.js';

describe('fromArrowTable', () => {
  const table = new Table({
    age: vectorFromArray([30, 41, 25], new Int32()),
    rate: vectorFromArray([1.5, -0.5, 2], new Float64()),
    score: vectorFromArray([0.25, 0.5, 0.75], new Float32()),
    big: vectorFromArray([1n, 2n, 3n], new Int64()),
    flag: vectorFromArray([true, false, true], new Bool()),
    job: vectorFromArray(['admin', 'cook', 'admin'], new Dictionary(new Utf8(), new Int32())),
    y: vectorFromArray(['no', 'yes', 'yes'], new Utf8()),
    w: vectorFromArray([1, 2, 0.5], new Float32()),
  });

  it('gathers columns row-major, int32 for integer-like inputs and float32 otherwise', () => {
    const data = fromArrowTable(table, {
      inputs: { ids: ['job', 'age', 'flag'], dense: ['age', 'rate', 'score', 'big'] },
      target: { column: 'y', equals: 'yes' },
      weight: 'w',
    });
    expect(data).toBeInstanceOf(InMemoryDataset);
    const inputs = data.inputs as Record<string, { values: Float32Array | Int32Array; shape: readonly number[] }>;
    expect(inputs['ids']?.values).toBeInstanceOf(Int32Array);
    expect(Array.from(inputs['ids']?.values ?? [])).toEqual([0, 30, 1, 1, 41, 0, 0, 25, 1]);
    expect(inputs['dense']?.values).toBeInstanceOf(Float32Array);
    expect(inputs['dense']?.shape).toEqual([4]);
    expect(Array.from(inputs['dense']?.values ?? [])).toEqual([30, 1.5, 0.25, 1, 41, -0.5, 0.5, 2, 25, 2, 0.75, 3]);
    expect(Array.from(data.targets.values)).toEqual([0, 1, 1]);
    expect(Array.from(data.weights ?? [])).toEqual([1, 2, 0.5]);
  });

  it('accepts a plain column list for a single input and several target columns', () => {
    const data = fromArrowTable(table, { inputs: ['rate'], target: ['age', 'score'] });
    expect(data.inputNames).toBeUndefined();
    expect(data.targets.shape).toEqual([2]);
    expect(Array.from(data.targets.values)).toEqual([30, 0.25, 41, 0.5, 25, 0.75]);
  });

  it('gathers named extra columns: one column per row value, or a column list per row', () => {
    const data = fromArrowTable(table, {
      inputs: ['rate'],
      target: 'score',
      extras: { bids: 'rate', mask: { column: 'y', equals: 'yes' }, pair: ['age', 'w'], ids: { columns: ['age'], dtype: 'int32' } },
    });
    expect(data.extraNames).toEqual(['bids', 'mask', 'pair', 'ids']);
    const extras = data.extras;
    expect(extras['bids']?.shape).toEqual([]);
    expect(Array.from(extras['bids']?.values ?? [])).toEqual([1.5, -0.5, 2]);
    expect(Array.from(extras['mask']?.values ?? [])).toEqual([0, 1, 1]);
    expect(extras['pair']?.shape).toEqual([2]);
    expect(Array.from(extras['pair']?.values ?? [])).toEqual([30, 1, 41, 2, 25, 0.5]);
    expect(extras['ids']?.values).toBeInstanceOf(Int32Array);
    expect(() => fromArrowTable(table, { inputs: ['rate'], target: 'score', extras: { bids: 'nope' } })).toThrow(
      /extras\.bids: column "nope" is not in the table/,
    );
  });

  it('names the column and row of a null, and a missing or non-numeric column', () => {
    const withNull = new Table({
      a: vectorFromArray([1, 2, null, 4], new Float64()),
      y: vectorFromArray([0, 1, 0, 1], new Float32()),
    });
    expect(() => fromArrowTable(withNull, { inputs: ['a'], target: 'y' })).toThrow(
      'column "a" is null at row 2 (0-based)',
    );
    expect(() => fromArrowTable(table, { inputs: ['nope'], target: 'y' })).toThrow(/column "nope" is not in the table/);
    expect(() => fromArrowTable(table, { inputs: { x: ['y'] }, target: 'age' })).toThrow(/inputs.x: column "y" has type Utf8/);
  });
});
