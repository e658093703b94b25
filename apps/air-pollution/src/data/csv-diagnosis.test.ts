import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { diagnoseCsv } from './csv-diagnosis.js';
import { removeTempDirs, tempDir } from './test-support/temp.js';

let dir: string;
beforeAll(async () => {
  dir = await tempDir('diagnose');
});
afterAll(removeTempDirs);

/** The message diagnoseCsv gives for a file holding `content`, without the directory. */
async function diagnosis(name: string, content: string | Uint8Array, delimiter?: string): Promise<string | undefined> {
  const path = join(dir, name);
  await writeFile(path, content);
  return diagnoseCsv(path, delimiter)?.message.replace(`${dir}/`, '');
}

describe('diagnoseCsv', () => {
  it('finds nothing wrong in a well-formed table (quoted cells with delimiters, doubled quotes and line breaks; CRLF)', async () => {
    expect(await diagnosis('good.csv', 'a,b,c\r\n1,"x, ""y""",3\r\n2,"two\nlines",4\r\n\r\n')).toBeUndefined();
    expect(await diagnosis('good.csv.gz', gzipSync('a;b\n1;2\n'))).toBeUndefined();
  });

  it('names the first record whose field count differs from the header, with the delimiter it used', async () => {
    expect(await diagnosis('short.csv', 'a,b,c\n1,2,3\n4,5\n')).toBe('short.csv, row 3: has 2 fields where the header has 3 (delimiter ",")');
    expect(await diagnosis('long.tsv', 'a\tb\n1\t2\t3\n')).toBe('long.tsv, row 2: has 3 fields where the header has 2 (delimiter tab)');
    // a quoted line break keeps the record on the row where it starts
    expect(await diagnosis('multi.csv', 'a,b\n"x\ny",2\n3\n')).toBe('multi.csv, row 4: has 1 field where the header has 2 (delimiter ",")');
    expect(await diagnosis('given.csv', 'a;b,c\n1;2,3\n', ',')).toBeUndefined();
  });

  it('names quotes that are never closed or misplaced', async () => {
    expect(await diagnosis('open.csv', 'a,b\n1,"x\n2,3\n')).toBe('open.csv, row 2: a quoted cell opened here is never closed');
    expect(await diagnosis('runs-on.csv', 'a,b\n1,"x\n2,"y"\n')).toBe('runs-on.csv, row 2: a quoted cell opened here is not closed on its line: it runs on to row 3');
    expect(await diagnosis('inside.csv', 'a,b\n1,x"y\n')).toBe('inside.csv, row 2: a quote inside an unquoted cell (quote the whole cell and double the quote)');
    expect(await diagnosis('after.csv', 'a,b\n1,"x"y\n')).toBe('after.csv, row 2: text after a closing quote ("y") where "," or a line break was expected');
  });

  it('says what a file is instead of text, never echoing its bytes', async () => {
    const gz = gzipSync('a,b\n1,2\n');
    expect(await diagnosis('packed.csv', gz)).toBe('packed.csv: is gzip-compressed binary data, not CSV text; name it .csv.gz to have it decompressed');
    expect(await diagnosis('plain.csv.gz', 'a,b\n')).toBe('plain.csv.gz: is not gzip-compressed although its name ends in .gz (rename it, or compress it)');
    expect(await diagnosis('cut.csv.gz', gz.subarray(0, 12))).toBe('cut.csv.gz: is not a complete gzip file: it ends before the compressed stream does (truncated)');
    expect(await diagnosis('empty.csv.gz', gzipSync('\n'))).toBe('empty.csv.gz: has no content (not even a header line)');
    expect(await diagnosis('latin1.csv', Buffer.concat([Buffer.from('a,b\n1,M'), Buffer.from([0xfc]), Buffer.from('nchen\n')]))).toBe(
      'latin1.csv, row 2: invalid UTF-8 at column 4, byte offset 7 (byte 0xfc); a station table is UTF-8 CSV text',
    );
    expect(await diagnosis('nul.csv', 'a,b\n1,\u0000\n')).toBe('nul.csv, row 2: binary data at column 3, byte offset 6 (byte 0x00, not text); a station table is UTF-8 CSV text');
  });
});
