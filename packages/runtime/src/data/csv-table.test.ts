import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';

import { Dictionary, Float32, Float64, Int32, Utf8, type Table, type Vector } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';

import { ConfigError, DataFileError } from '../errors.js';
import { readCsvTable } from './csv-table.js';
import { sharedDataDir } from './shared-data.js';

const DATA = sharedDataDir();
const BANK = join(DATA, 'uci-bank-marketing', 'bank-additional-full.csv.gz');
const AIR = join(DATA, 'beijing-multisite-air-quality', 'PRSA_Data_Aotizhongxin_20130301-20170228.csv.gz');

/** Independent reading of a simple CSV (no quoted delimiters or line breaks): split the decompressed text. */
async function splitCsv(path: string, delimiter: string): Promise<{ header: string[]; rows: string[][] }> {
  const text = gunzipSync(await readFile(path)).toString('utf8');
  const unquote = (field: string) => field.replace(/^"(.*)"$/, '$1');
  const lines = text.split(/\r?\n/).filter((line) => line !== '');
  const [first, ...rest] = lines.map((line) => line.split(delimiter).map(unquote));
  return { header: first ?? [], rows: rest };
}

function firstAppearance(values: readonly string[]): string[] {
  return [...new Set(values)];
}

function column(rows: readonly string[][], index: number): string[] {
  return rows.map((row) => row[index] ?? '<missing>');
}

function dictionaryOf(vector: Vector | null): string[] {
  const data = vector?.data[0];
  return [...(data?.dictionary ?? [])].map(String);
}

describe('readCsvTable on UCI bank marketing (semicolon-delimited, quoted, gzip)', () => {
  let reference: { header: string[]; rows: string[][] };
  const schema = {
    age: 'int32',
    job: 'category',
    marital: 'category',
    education: 'category',
    default: 'category',
    duration: 'int32',
    'emp.var.rate': 'float32',
    'cons.price.idx': 'float64',
    euribor3m: 'float32',
    y: { type: 'category', categories: ['no', 'yes'] },
  } as const;

  beforeAll(async () => {
    reference = await splitCsv(BANK, ';');
  });

  it('reads all 41,188 rows with explicit Arrow types in schema order', async () => {
    const table = await readCsvTable(BANK, { columns: schema, delimiter: ';' });
    expect(table.numRows).toBe(41_188);
    expect(reference.rows).toHaveLength(41_188);
    expect(table.schema.fields.map((f) => f.name)).toEqual(Object.keys(schema));
    const types = Object.fromEntries(table.schema.fields.map((f) => [f.name, f.type]));
    expect(types['age']).toBeInstanceOf(Int32);
    expect(types['job']).toBeInstanceOf(Dictionary);
    expect((types['job'] as Dictionary).dictionary).toBeInstanceOf(Utf8);
    expect((types['job'] as Dictionary).indices).toBeInstanceOf(Int32);
    expect(types['emp.var.rate']).toBeInstanceOf(Float32);
    expect(types['cons.price.idx']).toBeInstanceOf(Float64);
    expect(table.schema.fields.every((f) => !f.nullable)).toBe(true);

    const first = table.get(0)?.toJSON();
    expect(first).toMatchObject({ age: 56, job: 'housemaid', marital: 'married', education: 'basic.4y', y: 'no' });
    expect(first?.['cons.price.idx']).toBe(93.994);
    expect(first?.['emp.var.rate']).toBe(Math.fround(1.1));
    const last = table.get(table.numRows - 1)?.toJSON();
    expect(last).toMatchObject({ age: 74, job: 'retired', duration: 239, y: 'no' });
    expect(last?.['euribor3m']).toBe(Math.fround(1.028));

    // Types are carried to the caller.
    expectTypeOf(table.getChild('age')).toEqualTypeOf<Vector<Int32> | null>();
    expectTypeOf(table.getChild('job')).toEqualTypeOf<Vector<Dictionary<Utf8, Int32>> | null>();
  });

  it('keeps "unknown" as a category and orders categories by first appearance', async () => {
    const table = await readCsvTable(BANK, { columns: schema, delimiter: ';' });
    const h = (name: string) => reference.header.indexOf(name);
    for (const name of ['job', 'marital', 'education', 'default'] as const) {
      const expected = firstAppearance(column(reference.rows, h(name)));
      expect(dictionaryOf(table.getChild(name))).toEqual(expected);
      expect(expected).toContain('unknown');
      const unknownCount = column(reference.rows, h(name)).filter((v) => v === 'unknown').length;
      expect([...(table.getChild(name) ?? [])].filter((v) => v === 'unknown')).toHaveLength(unknownCount);
    }
    // `default` is "no" first, then "unknown" (row 3), then "yes" (3 clients only).
    expect(dictionaryOf(table.getChild('default'))).toEqual(['no', 'unknown', 'yes']);
    // A given categories list fixes the dictionary; 4,640 subscribed (SOURCES.md).
    expect(dictionaryOf(table.getChild('y'))).toEqual(['no', 'yes']);
    const y = table.getChild('y')?.data[0]?.values as Int32Array;
    expect(y.reduce((sum, code) => sum + code, 0)).toBe(4_640);
  });

  it('matches an independent parse of every value in numeric columns', async () => {
    const table = await readCsvTable(BANK, { columns: schema, delimiter: ';' });
    const h = (name: string) => reference.header.indexOf(name);
    const values = (name: string) => Array.from((table as Table).getChild(name)?.toArray() as ArrayLike<number>);
    expect(values('age')).toEqual(reference.rows.map((row) => Number(row[h('age')])));
    expect(values('euribor3m')).toEqual(reference.rows.map((row) => Math.fround(Number(row[h('euribor3m')]))));
    expect(values('cons.price.idx')).toEqual(reference.rows.map((row) => Number(row[h('cons.price.idx')])));
  });

  it('stops after `limit` data rows', async () => {
    const table = await readCsvTable(BANK, { columns: { age: 'int32', y: 'category' }, delimiter: ';', limit: 100 });
    expect(table.numRows).toBe(100);
    expect(table.getChild('age')?.get(99)).toBe(Number(reference.rows[99]?.[0]));
    const empty = await readCsvTable(BANK, { columns: { age: 'int32' }, delimiter: ';', limit: 0 });
    expect(empty.numRows).toBe(0);
    expect(empty.schema.fields.map(String)).toEqual(['age: Int32']);
  });
});

describe('readCsvTable on Beijing air quality (CRLF, NA values, gzip)', () => {
  let reference: { header: string[]; rows: string[][] };
  const nullableFloat = { type: 'float32', nullable: true } as const;
  const schema = {
    year: 'int32',
    month: 'int32',
    'PM2.5': nullableFloat,
    PM10: nullableFloat,
    SO2: nullableFloat,
    NO2: nullableFloat,
    CO: nullableFloat,
    O3: nullableFloat,
    TEMP: nullableFloat,
    PRES: { type: 'float64', nullable: true },
    DEWP: nullableFloat,
    RAIN: nullableFloat,
    wd: { type: 'category', nullable: true },
    WSPM: nullableFloat,
    station: 'utf8',
  } as const;

  beforeAll(async () => {
    reference = await splitCsv(AIR, ',');
  });

  it('reads 35,064 rows; NA becomes an Arrow null, counted like an independent split', async () => {
    const table = await readCsvTable(AIR, { columns: schema });
    expect(table.numRows).toBe(35_064);
    expect(reference.rows).toHaveLength(35_064);
    let totalNulls = 0;
    for (const field of table.schema.fields) {
      const index = reference.header.indexOf(field.name);
      const expectedNulls = column(reference.rows, index).filter((v) => v === 'NA').length;
      const vector = (table as Table).getChild(field.name);
      expect(vector?.nullCount, field.name).toBe(expectedNulls);
      totalNulls += vector?.nullCount ?? 0;
    }
    // SOURCES.md: 7,271 NA cells in this file, all in the columns read here.
    expect(totalNulls).toBe(7_271);
    expect(table.getChild('PM2.5')?.nullCount).toBe(925);
    expect(table.schema.fields.find((f) => f.name === 'PM2.5')?.nullable).toBe(true);
  });

  it('stores NA as null in the validity bitmap, not NaN, and every other value as parsed', async () => {
    const table = await readCsvTable(AIR, { columns: schema });
    for (const name of ['SO2', 'CO', 'TEMP', 'PRES'] as const) {
      const index = reference.header.indexOf(name);
      const vector = table.getChild(name);
      const expected = column(reference.rows, index).map((raw) =>
        raw === 'NA' ? null : name === 'PRES' ? Number(raw) : Math.fround(Number(raw)),
      );
      expect([...(vector ?? [])], name).toEqual(expected);
      const valid = Array.from({ length: table.numRows }, (_, i) => vector?.isValid(i));
      expect(valid).toEqual(expected.map((value) => value !== null));
    }
    // Line 76 of the file (row 76, data row 75): SO2 is NA, CO is 300. Line 77: CO is NA.
    expect(table.get(74)?.toJSON()).toMatchObject({ SO2: null, CO: 300, wd: 'N' });
    expect(table.get(75)?.toJSON()).toMatchObject({ CO: null, SO2: 6 });
    expect(Number.isNaN(table.getChild('SO2')?.toArray()[74])).toBe(false);
  });

  it('builds the wind-direction dictionary in order of first appearance', async () => {
    const table = await readCsvTable(AIR, { columns: { wd: { type: 'category', nullable: true }, station: 'utf8' } });
    const index = reference.header.indexOf('wd');
    const expected = firstAppearance(column(reference.rows, index).filter((v) => v !== 'NA'));
    expect(dictionaryOf(table.getChild('wd'))).toEqual(expected);
    expect(expected).toHaveLength(16);
    expect(table.getChild('wd')?.nullCount).toBe(81);
    expect(new Set(table.getChild('station'))).toEqual(new Set(['Aotizhongxin']));
  });
});

describe('readCsvTable on bad input', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cw-csv-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function file(name: string, content: string | Uint8Array): Promise<string> {
    const path = join(dir, name);
    await writeFile(path, content);
    return path;
  }

  it('names file, row and column of a value that is not a float', async () => {
    const path = await file('bad-float.csv', 'id,score,label\r\n1,0.5,a\r\n2,abc,b\r\n');
    const read = readCsvTable(path, { columns: { id: 'int32', score: 'float32' } });
    await expect(read).rejects.toBeInstanceOf(DataFileError);
    await expect(read).rejects.toMatchObject({ file: path, row: 3, column: 'score' });
    await expect(read).rejects.toThrow(`${path}, row 3, column "score": cannot parse "abc" as float32`);
  });

  it('rejects malformed numbers that Number() would accept', async () => {
    for (const [value, type] of [
      ['0x1A', 'float64'],
      [' ', 'float64'],
      ['1e', 'float32'],
      ['3.0', 'int32'],
      ['2147483648', 'int32'],
      ['1e39', 'float32'],
    ] as const) {
      const path = await file(`bad-number-${type}.csv`, `v\n1\n"${value}"\n`);
      await expect(readCsvTable(path, { columns: { v: type } }), `${value} as ${type}`).rejects.toMatchObject({
        row: 3,
        column: 'v',
      });
    }
    const path = await file('good-numbers.csv', 'v\n -2.5e3 \n+.5\nInfinity\n7.\n');
    const table = await readCsvTable(path, { columns: { v: 'float64' } });
    expect([...(table.getChild('v') ?? [])]).toEqual([-2500, 0.5, Infinity, 7]);
  });

  it('names the row of a record with the wrong number of fields', async () => {
    const path = await file('short-row.csv', 'a,b,c\n1,2,3\n4,5\n');
    const read = readCsvTable(path, { columns: { a: 'int32' } });
    await expect(read).rejects.toMatchObject({ name: 'DataFileError', file: path, row: 3, column: undefined });
    await expect(read).rejects.toThrow('has 2 fields but the header has 3');
  });

  it('names the missing column and lists the header', async () => {
    const path = await file('missing-column.csv', 'a,b\n1,2\n');
    const read = readCsvTable(path, { columns: { a: 'int32', target: 'float32' } });
    await expect(read).rejects.toMatchObject({ file: path, column: 'target' });
    await expect(read).rejects.toThrow('column not in the header; the header has "a", "b"');
  });

  it('lists a wide header by its first twelve names and its count, on one short line', async () => {
    const names = Array.from({ length: 90 }, (_, i) => `user_feature_${i}`);
    const path = await file('wide.csv', `${names.join(',')}\n${names.map(() => '1').join(',')}\n`);
    const read = readCsvTable(path, { columns: { target: 'float32' } });
    await expect(read).rejects.toThrow('the header has "user_feature_0", "user_feature_1", "user_feature_2"');
    await expect(read).rejects.toThrow('"user_feature_11", … (90 columns)');
    const message = await read.then(() => '', (error: Error) => error.message);
    expect(message.length).toBeLessThan(400);
  });

  it('rejects NA in a non-nullable column, and accepts it as null when nullable', async () => {
    const path = await file('na.csv', 'x,name\n1.5,a\nNA,b\n2.5,\n');
    const read = readCsvTable(path, { columns: { x: 'float64' } });
    await expect(read).rejects.toMatchObject({ file: path, row: 3, column: 'x' });
    await expect(read).rejects.toThrow('missing value "NA" in a column that is not nullable');
    await expect(readCsvTable(path, { columns: { name: 'utf8' } })).rejects.toMatchObject({ row: 4, column: 'name' });

    const table = await readCsvTable(path, {
      columns: { x: { type: 'float64', nullable: true }, name: { type: 'utf8', nullable: true } },
    });
    expect([...(table.getChild('x') ?? [])]).toEqual([1.5, null, 2.5]);
    expect([...(table.getChild('name') ?? [])]).toEqual(['a', 'b', null]);
    // Custom NA values: "NA" becomes an ordinary (bad) float again.
    await expect(
      readCsvTable(path, { columns: { x: { type: 'float64', nullable: true } }, naValues: ['?'] }),
    ).rejects.toThrow('cannot parse "NA" as float64');
  });

  it('counts blank lines as rows (row = line number) and quoted line breaks as part of one row', async () => {
    const blank = await file('blank-lines.csv', 'a,b\r\n1,2\r\n\r\n3,x\r\n\r\n\r\n');
    await expect(readCsvTable(blank, { columns: { b: 'int32' } })).rejects.toMatchObject({ row: 4, column: 'b' });
    expect((await readCsvTable(blank, { columns: { a: 'int32' } })).numRows).toBe(2);

    // Records: header (1), "1,two lines" (2, spans two lines), blank (3), "2,a, b" (4), "three,x" (5, on line 6).
    const path = await file('multiline.csv', 'n,text\r\n1,"two\r\nlines"\r\n\r\n2,"a, b"\r\nthree,x\r\n');
    await expect(readCsvTable(path, { columns: { n: 'int32', text: 'utf8' } })).rejects.toMatchObject({
      row: 5,
      column: 'n',
    });
    const table = await readCsvTable(path, { columns: { text: 'utf8' }, limit: 2 });
    expect([...(table.getChild('text') ?? [])]).toEqual(['two\r\nlines', 'a, b']);
  });

  it('reads UTF-8 text (BOM, accents, CJK, emoji) into Utf8 columns', async () => {
    const path = await file('unicode.csv', '\uFEFFcity,label\nZürich,été\n東京,"🙂 ""ok"""\n');
    const table = await readCsvTable(path, { columns: { city: 'utf8', label: 'category' } });
    expect([...(table.getChild('city') ?? [])]).toEqual(['Zürich', '東京']);
    expect([...(table.getChild('label') ?? [])]).toEqual(['été', '🙂 "ok"']);
  });

  it('enforces a given categories list', async () => {
    const path = await file('categories.csv', 'c\nlow\nhigh\nmedium\n');
    const table = await readCsvTable(path, { columns: { c: { type: 'category', categories: ['low', 'high', 'extra'] } }, limit: 2 });
    expect(dictionaryOf(table.getChild('c'))).toEqual(['low', 'high', 'extra']);
    expect([...(table.getChild('c')?.data[0]?.values ?? [])]).toEqual([0, 1]);
    const read = readCsvTable(path, { columns: { c: { type: 'category', categories: ['low', 'high'] } } });
    await expect(read).rejects.toMatchObject({ row: 4, column: 'c' });
    await expect(read).rejects.toThrow('"medium" is not one of the 2 categories ("low", "high")');
  });

  it('names a truncated gzip file', async () => {
    const content = `a,b\n${Array.from({ length: 20_000 }, (_, i) => `${i},${(i * 7) % 13}`).join('\n')}\n`;
    const gz = gzipSync(content);
    const path = await file('truncated.csv.gz', gz.subarray(0, Math.floor(gz.length / 2)));
    const read = readCsvTable(path, { columns: { a: 'int32', b: 'int32' } });
    await expect(read).rejects.toBeInstanceOf(DataFileError);
    await expect(read).rejects.toMatchObject({ file: path });
    await expect(read).rejects.toThrow(/gzip data is truncated or corrupt/);
    // Gzip is detected by magic bytes, not by name; the intact file reads fully.
    const whole = await file('compressed-without-extension.csv', gz);
    expect((await readCsvTable(whole, { columns: { b: 'int32' } })).numRows).toBe(20_000);
  });

  it('names a missing file, an empty file and an unclosed quote', async () => {
    const missing = join(dir, 'does-not-exist.csv');
    await expect(readCsvTable(missing, { columns: { a: 'int32' } })).rejects.toMatchObject({ file: missing });
    await expect(readCsvTable(missing, { columns: { a: 'int32' } })).rejects.toThrow('file not found');
    const empty = await file('empty.csv', '');
    await expect(readCsvTable(empty, { columns: { a: 'int32' } })).rejects.toThrow('a header row is required');
    const unclosed = await file('unclosed.csv', 'a,b\n1,"open\n2,3\n');
    await expect(readCsvTable(unclosed, { columns: { a: 'int32' } })).rejects.toMatchObject({ file: unclosed });
    await expect(readCsvTable(unclosed, { columns: { a: 'int32' } })).rejects.toThrow('malformed CSV');
  });

  it('rejects invalid options with ConfigError', async () => {
    const path = await file('ok.csv', 'a\n1\n');
    await expect(readCsvTable(path, { columns: {} })).rejects.toBeInstanceOf(ConfigError);
    await expect(readCsvTable(path, { columns: { a: 'int32' }, limit: -1 })).rejects.toBeInstanceOf(ConfigError);
    await expect(readCsvTable(path, { columns: { a: 'int32' }, delimiter: '' })).rejects.toBeInstanceOf(ConfigError);
    await expect(
      readCsvTable(path, { columns: { a: { type: 'category', categories: ['x', 'x'] } } }),
    ).rejects.toBeInstanceOf(ConfigError);
  });
});
