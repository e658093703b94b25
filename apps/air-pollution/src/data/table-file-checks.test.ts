import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { checkTableFile } from './table-file-checks.js';
import { removeTempDirs, tempDir } from './test-support/temp.js';

let dir: string;
beforeAll(async () => {
  dir = await tempDir('file-checks');
});
afterAll(removeTempDirs);

async function file(name: string, content: string | Uint8Array): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

describe('checkTableFile', () => {
  it('passes files that start and end as their format must', async () => {
    expect(() => checkTableFile(join(dir, 'x.csv'), 'csv')).toThrow(`${join(dir, 'x.csv')}: file not found`);
    checkTableFile(await file('a.csv', 'a,b\n'), 'csv');
    checkTableFile(await file('a.parquet', 'PAR1 ... body ... PAR1'), 'parquet');
    checkTableFile(await file('a.arrow', 'ARROW1 ... body ... ARROW1'), 'arrow');
    checkTableFile(await file('s.arrow', Buffer.from([0xff, 0xff, 0xff, 0xff, 1, 0, 0, 0, 0])), 'arrow');
  });

  it('names a folder, an empty file, and a missing magic at either end', async () => {
    const folder = join(dir, 'tables');
    await mkdir(folder);
    expect(() => checkTableFile(folder, 'csv')).toThrow(`${folder}: is a folder, not a station table file; give its files, e.g. "${folder}/*.csv.gz"`);
    const empty = await file('e.parquet', '');
    expect(() => checkTableFile(empty, 'parquet')).toThrow(`${empty}: is empty (0 bytes); expected a Parquet station table`);
    const noHead = await file('h.parquet', 'PAR0 ... PAR1');
    expect(() => checkTableFile(noHead, 'parquet')).toThrow(`${noHead}: is not a Parquet file: its first 4 bytes are not the magic PAR1`);
    const cut = await file('t.parquet', 'PAR1 ... bo');
    expect(() => checkTableFile(cut, 'parquet')).toThrow(`${cut}: is truncated or corrupt: a Parquet file ends with the magic PAR1, this one's 11 bytes do not`);
    const cutArrow = await file('t.arrow', 'ARROW1 ... bo');
    expect(() => checkTableFile(cutArrow, 'arrow')).toThrow(`${cutArrow}: is truncated or corrupt: an Arrow IPC file ends with the magic ARROW1, this one's 13 bytes do not`);
    const gz = await file('g.arrow', Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0]));
    expect(() => checkTableFile(gz, 'arrow')).toThrow(`${gz}: is not an Arrow IPC file: it starts neither with the magic ARROW1 (file format) nor with 0xFFFFFFFF (stream format) (it is gzip-compressed)`);
    const tiny = await file('tiny.arrow', 'AB');
    expect(() => checkTableFile(tiny, 'arrow')).toThrow(/is not an Arrow IPC file/);
  });
});
