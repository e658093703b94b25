import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { DataFileError, writeArrowFile } from '@counterweight/runtime';
import { Float32, Float64, Int32, Table, Utf8, vectorFromArray } from 'apache-arrow';
import { parquetWriteFile } from 'hyparquet-writer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { hashBucket } from './encoding.js';
import { loadTableInput, readColumnMapping, readMappedTable, tableFormat, type ColumnMapping } from './table-input.js';
import { removeTempDirs, tempDir } from './test-support/temp.js';

const mapping: ColumnMapping = { label: 'click', bid: 'cpc', auction: 'query', numeric: ['x'], categorical: ['ad'], trueCtr: 'p' };
let dir: string;
beforeAll(async () => {
  dir = await tempDir('table');
});
afterAll(removeTempDirs);

/** 5 rows: auction q1 has 3 candidates, q2 has 2; ad of row 3 is missing. */
const rows = {
  query: ['q1', 'q1', 'q2', 'q1', 'q2'],
  click: [1, 0, 0, 0, 1],
  cpc: [1.5, 2, 0.5, 1, 3],
  x: [0.1, -0.2, 0.3, 0.4, -0.5],
  ad: ['a', 'b', null, 'a', 'c'],
  p: [0.2, 0.1, 0.05, 0.3, 0.5],
  unused: [9, 9, 9, 9, 9],
};

function expectSet(set: Awaited<ReturnType<typeof loadTableInput>>['set']): void {
  expect(set.auctions).toBe(2);
  expect(set.slots).toBe(3);
  expect([...set.mask]).toEqual([1, 1, 1, 1, 1, 0]);
  expect([...set.label]).toEqual([1, 0, 0, 0, 1, 0]);
  expect([...set.bid]).toEqual([1.5, 2, 1, 0.5, 3, 0]);
  expect(set.numeric[2]).toBeCloseTo(0.4, 6);
  expect([...set.categorical]).toEqual([hashBucket('ad', 'a', 100), hashBucket('ad', 'b', 100), hashBucket('ad', 'a', 100), 0, hashBucket('ad', 'c', 100), 0]);
  expect(set.trueCtr?.[4]).toBeCloseTo(0.5, 6);
  expect(set.spec).toEqual({ numericNames: ['x'], categoricalFields: ['ad'], buckets: [100] });
}

describe('loadTableInput', () => {
  it('reads CSV with a JSON mapping file and groups by the auction column', async () => {
    const csv = ['query,click,cpc,x,ad,p,unused', ...rows.query.map((q, r) => [q, rows.click[r], rows.cpc[r], rows.x[r], rows.ad[r] ?? '', rows.p[r], 9].join(','))].join('\n');
    await writeFile(join(dir, 't.csv'), csv);
    await writeFile(join(dir, 'mapping.json'), JSON.stringify(mapping));
    const { set, table } = await loadTableInput(join(dir, 't.csv'), { mapping: join(dir, 'mapping.json'), hashBuckets: 100 });
    expectSet(set);
    expect(table.schema.fields.map((f) => `${f.name}:${String(f.type)}`)).toEqual(['click:Float32', 'cpc:Float32', 'query:Utf8', 'p:Float32', 'x:Float32', 'ad:Utf8']);
  });

  it('reads Arrow IPC (any numeric types, converted) and Parquet written by hyparquet-writer', async () => {
    const arrow = new Table({
      query: vectorFromArray(rows.query, new Utf8()),
      click: vectorFromArray(rows.click, new Int32()),
      cpc: vectorFromArray(rows.cpc, new Float64()),
      x: vectorFromArray(rows.x, new Float32()),
      ad: vectorFromArray(rows.ad, new Utf8()),
      p: vectorFromArray(rows.p, new Float64()),
    });
    await writeArrowFile(join(dir, 't.arrow'), arrow);
    expectSet((await loadTableInput(join(dir, 't.arrow'), { mapping, hashBuckets: 100 })).set);
    parquetWriteFile({
      filename: join(dir, 't.parquet'),
      columnData: [
        { name: 'query', data: rows.query, type: 'STRING' },
        { name: 'click', data: rows.click, type: 'INT32' },
        { name: 'cpc', data: rows.cpc, type: 'DOUBLE' },
        { name: 'x', data: rows.x, type: 'FLOAT' },
        { name: 'ad', data: rows.ad, type: 'STRING' },
        { name: 'p', data: rows.p, type: 'DOUBLE' },
      ],
    });
    expectSet((await loadTableInput(join(dir, 't.parquet'), { mapping, hashBuckets: 100 })).set);
    // without an auction column: consecutive groups of `candidates`, bid 1
    const { set } = await loadTableInput(join(dir, 't.parquet'), { mapping: { label: 'click', numeric: ['x'] }, candidates: 2 });
    expect(set.auctions).toBe(3);
    expect([...set.bid]).toEqual([1, 1, 1, 1, 1, 0]);
  });

  it('lists unknown columns with the available ones, and names file/row/column of bad values', async () => {
    const wrong = { ...mapping, numeric: ['x', 'nope', 'also'] };
    const error = await readMappedTable(join(dir, 't.parquet'), wrong).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataFileError);
    expect((error as Error).message).toBe(
      `${join(dir, 't.parquet')}, column "nope": unknown column(s) "nope", "also"; the file has "query", "click", "cpc", "x", "ad", "p"`,
    );
    await expect(readMappedTable(join(dir, 't.csv'), wrong)).rejects.toThrow(/unknown column\(s\) "nope", "also"; the file has "query", "click"/);
    await expect(readMappedTable(join(dir, 't.arrow'), wrong)).rejects.toThrow(/the file has "query"/);
    await writeFile(join(dir, 'bad.csv'), 'click,x\n1,0.5\n2,0.1\n');
    const label = await loadTableInput(join(dir, 'bad.csv'), { mapping: { label: 'click', numeric: ['x'] } }).catch((e: unknown) => e);
    expect((label as Error).message).toBe(`${join(dir, 'bad.csv')}, row 3, column "click": label must be 0 or 1, got 2`);
    await writeFile(join(dir, 'nan.csv'), 'click,x\n1,0.5\n0,abc\n');
    await expect(loadTableInput(join(dir, 'nan.csv'), { mapping: { label: 'click', numeric: ['x'] } })).rejects.toThrow(/row 3, column "x": cannot parse "abc" as float32/);
    await writeFile(join(dir, 'm.json'), JSON.stringify({ label: 'click', numerics: ['x'] }));
    await expect(readColumnMapping(join(dir, 'm.json'))).rejects.toThrow(/unknown key\(s\) "numerics"; allowed: label, bid, auction, numeric, categorical, trueCtr/);
    await writeFile(join(dir, 'm.json'), '{"label": 3, "numeric": ["x"]}');
    await expect(readColumnMapping(join(dir, 'm.json'))).rejects.toThrow(/column "label": must be a non-empty column name/);
    await writeFile(join(dir, 'm.json'), '{"label": "click"');
    await expect(readColumnMapping(join(dir, 'm.json'))).rejects.toThrow(/not valid JSON/);
    expect(() => tableFormat('x.xlsx')).toThrow(/unknown table format ".xlsx"/);
    expect(tableFormat('x.csv.gz')).toBe('csv');
    expect(tableFormat('x.feather')).toBe('arrow');
  });
});
