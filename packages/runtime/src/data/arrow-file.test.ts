import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { DataType, Precision, type Table } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DataFileError } from '../errors.js';
import { readArrowFile, writeArrowFile } from './arrow-file.js';
import { readCsvTable } from './csv-table.js';
import { sharedDataDir } from './shared-data.js';

const AIR = join(sharedDataDir(), 'beijing-multisite-air-quality', 'PRSA_Data_Aotizhongxin_20130301-20170228.csv.gz');

describe('writeArrowFile / readArrowFile', () => {
  let dir: string;
  let table: Table;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cw-arrow-'));
    table = await readCsvTable(AIR, {
      columns: {
        year: 'int32',
        'PM2.5': { type: 'float32', nullable: true },
        PRES: { type: 'float64', nullable: true },
        wd: { type: 'category', nullable: true },
        station: 'utf8',
      },
    });
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('round-trips a real table: schema, nulls, dictionaries and every value', async () => {
    const path = join(dir, 'nested', 'air.arrow');
    await writeArrowFile(path, table);
    expect(await readdir(join(dir, 'nested'))).toEqual(['air.arrow']);
    const bytes = await readFile(path);
    expect(bytes.subarray(0, 6).toString('latin1')).toBe('ARROW1');

    const back = await readArrowFile(path);
    expect(back.numRows).toBe(35_064);
    expect(back.schema.fields.map(String)).toEqual(table.schema.fields.map(String));
    expect(back.schema.fields.map((f) => f.nullable)).toEqual([false, true, true, true, false]);
    const pm25 = back.schema.fields[1]?.type;
    expect(DataType.isFloat(pm25) && pm25.precision === Precision.SINGLE).toBe(true);
    expect(DataType.isDictionary(back.schema.fields[3]?.type)).toBe(true);
    for (const field of table.schema.fields) {
      const original = table.getChild(field.name);
      const restored = back.getChild(field.name);
      expect(restored?.nullCount, field.name).toBe(original?.nullCount);
      expect([...(restored ?? [])], field.name).toEqual([...(original ?? [])]);
    }
    expect(back.getChild('PM2.5')?.nullCount).toBe(925);
    expect([...(back.getChild('wd')?.data[0]?.dictionary ?? [])]).toEqual([
      ...(table.getChild('wd')?.data[0]?.dictionary ?? []),
    ]);
  });

  it('replaces an existing file atomically and leaves no temporary files', async () => {
    const path = join(dir, 'replace.arrow');
    await writeArrowFile(path, table.slice(0, 10));
    await writeArrowFile(path, table.slice(0, 20));
    expect((await readArrowFile(path)).numRows).toBe(20);
    expect((await readdir(dir)).filter((name) => name.includes('.tmp'))).toEqual([]);
  });

  it('names the file when it is missing, not Arrow IPC, or truncated', async () => {
    const missing = join(dir, 'missing.arrow');
    await expect(readArrowFile(missing)).rejects.toBeInstanceOf(DataFileError);
    await expect(readArrowFile(missing)).rejects.toMatchObject({ file: missing });
    await expect(readArrowFile(missing)).rejects.toThrow('file not found');

    const csv = join(dir, 'not-arrow.arrow');
    await writeFile(csv, 'a,b\n1,2\n');
    await expect(readArrowFile(csv)).rejects.toMatchObject({ file: csv });
    await expect(readArrowFile(csv)).rejects.toThrow('not an Arrow IPC file');

    const whole = await readFile(join(dir, 'replace.arrow'));
    const truncated = join(dir, 'truncated.arrow');
    await writeFile(truncated, whole.subarray(0, Math.floor(whole.length / 2)));
    await expect(readArrowFile(truncated)).rejects.toMatchObject({ file: truncated });
  });
});
