/**
 * The bad-input corpus of every data loader of the app, run in-process (no CLI start-up per case): each case is made
 * in a temp folder, mostly from real files (the shared Open Bandit and UCI Bank Marketing samples; a Criteo-format
 * file written in the exact format, since Criteo's data cannot be shipped), and must end in one clean line naming the
 * file and the row/column/entry (see `judgeBadInput`). The tables below are the corpus; the counts are printed.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';

import { makeZip } from '@counterweight/datasets/test-support';
import { SeededRandom, initBackend, sharedDataDir, writeArrowFile } from '@counterweight/runtime';
import { Float64, Int32, Table, Utf8, vectorFromArray } from 'apache-arrow';
import { parquetWriteFile } from 'hyparquet-writer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { loadTrainedModel } from '../experiment/export-run.js';
import { loadBankMarketing } from './bank-marketing.js';
import { CRITEO_COLUMNS, loadCriteo } from './criteo.js';
import { loadOpenBandit } from './open-bandit.js';
import { loadTableInput } from './table-input.js';
import { binaryBytes, judgeBadInput, withCell, withInvalidUtf8, withLine, writeInput, type BadInput, type BadInputOutcome } from './test-support/bad-inputs.js';
import { removeTempDirs, tempDir } from './test-support/temp.js';
import { extractZipEntry } from './zip.js';

let root: string;
/** The first 200 logged rows of the shared Open Bandit random/men log (real), and its item_context (real). */
let obdLog: string;
let obdItems: string;
/** The header and first 300 rows of the shared UCI bank-additional-full.csv (real). */
let bank: string;
/** 60 rows in the Criteo Display Advertising format (label, I1–I13, C1–C26), seeded. */
let criteo: string;
const outcomes = new Map<string, BadInputOutcome[]>();

beforeAll(async () => {
  await initBackend('wasm', { log: null });
  root = await tempDir('bad-inputs');
  const shared = sharedDataDir();
  const head = (text: string, lines: number) => `${text.split('\n').slice(0, lines).join('\n')}\n`;
  obdLog = head(gunzipSync(await readFile(join(shared, 'open-bandit-dataset', 'random', 'men', 'men.csv.gz'))).toString('utf8'), 201);
  obdItems = gunzipSync(await readFile(join(shared, 'open-bandit-dataset', 'random', 'men', 'item_context.csv.gz'))).toString('utf8');
  bank = head(gunzipSync(await readFile(join(shared, 'uci-bank-marketing', 'bank-additional-full.csv.gz'))).toString('utf8'), 301);
  const random = SeededRandom.fromSeed(5, 'criteo-corpus');
  criteo = `${Array.from({ length: 60 }, (_, r) =>
    [
      r % 7 === 0 ? '1' : '0',
      ...Array.from({ length: 13 }, () => (random.uniform() < 0.1 ? '' : String(random.int(0, 400)))),
      ...Array.from({ length: 26 }, () => (random.uniform() < 0.1 ? '' : random.int(0, 2 ** 30).toString(16).padStart(8, '0'))),
    ].join('\t'),
  ).join('\n')}\n`;
});

afterAll(async () => {
  const lines = [...outcomes].map(([loader, list]) => {
    const classes = new Map<string, number>();
    for (const o of list) classes.set(o.errorClass, (classes.get(o.errorClass) ?? 0) + 1);
    const clean = list.filter((o) => o.problems.length === 0).length;
    return `${loader}: ${list.length} bad inputs, ${clean} clean (${[...classes].map(([c, n]) => `${n} ${c}`).join(', ')})`;
  });
  process.stdout.write(`bad-input corpus\n  ${lines.join('\n  ')}\n`);
  await removeTempDirs();
});

/** Runs one loader's corpus as one test per case, recording the outcomes for the summary. */
function corpus(loader: string, cases: readonly BadInput[], load: (input: string) => Promise<unknown>, classes: readonly string[], file?: (input: string) => string): void {
  describe(loader, () => {
    it.each(cases.map((c) => [c.name, c] as const))('%s ends in one clean line naming the file and place', async (_, input) => {
      const dir = join(root, loader, input.name.replace(/[^a-z0-9]+/gi, '-'));
      await mkdir(dir, { recursive: true });
      const outcome = await judgeBadInput(input, dir, load, classes, file);
      outcomes.set(loader, [...(outcomes.get(loader) ?? []), outcome]);
      expect(outcome.problems, outcome.message).toEqual([]);
    });
  });
}

const file = (name: string, content: () => string | Buffer) => (dir: string) => writeInput(join(dir, name), content());

// ---------------------------------------------------------------------------------------------------------- Criteo
const criteoLine = (n: number) => criteo.split('\n')[n] ?? '';
corpus(
  'loadCriteo',
  [
    { name: 'a zero-byte file', make: file('train.txt', () => ''), mentions: ['no well-formed rows'] },
    { name: 'a missing file', make: (dir) => Promise.resolve(join(dir, 'absent.txt')), mentions: ['file not found'] },
    { name: 'a folder', make: async (dir) => (await mkdir(join(dir, 'train.txt')), join(dir, 'train.txt')), mentions: ['is a folder'] },
    { name: 'a row cut short', make: file('train.txt', () => withLine(criteo, 12, (l) => l.split('\t').slice(0, 30).join('\t'))), mentions: ['row 13', `expected ${CRITEO_COLUMNS}`] },
    { name: 'a label that is not 0/1', make: file('train.txt', () => withCell(criteo, 4, 0, 'yes', '\t')), mentions: ['row 5', 'column "label"'] },
    { name: 'a non-numeric integer feature', make: file('train.txt', () => withCell(criteo, 20, 5, 'abc', '\t')), mentions: ['row 21', 'column "I5"'] },
    { name: 'NaN in an integer feature', make: file('train.txt', () => withCell(criteo, 7, 1, 'NaN', '\t')), mentions: ['row 8', 'column "I1"'] },
    { name: 'Infinity in an integer feature', make: file('train.txt', () => withCell(criteo, 9, 13, 'Infinity', '\t')), mentions: ['row 10', 'column "I13"'] },
    { name: 'a decimal in an integer feature', make: file('train.txt', () => withCell(criteo, 2, 3, '2.5', '\t')), mentions: ['row 3', 'column "I3"'] },
    { name: 'a binary file given as text', make: file('train.txt', () => binaryBytes(3000)), mentions: ['row 1', 'not text'] },
    { name: 'invalid UTF-8 in a category', make: file('train.txt', () => withInvalidUtf8(criteo, criteo.indexOf(criteoLine(30)) + criteoLine(30).length - 3)), mentions: ['row 31', 'invalid UTF-8'] },
    { name: 'a comma-separated file', make: file('train.txt', () => criteo.replace(/\t/g, ',')), mentions: ['row 1', 'tab-separated'] },
    { name: 'a truncated gzip file', make: async (dir) => { const gz = gzipSync(Buffer.from(criteo.repeat(20))); await writeFile(join(dir, 'train.txt.gz'), gz.subarray(0, gz.length >> 1)); return join(dir, 'train.txt.gz'); }, mentions: ['gzip data is truncated or corrupt'] },
    { name: 'a plain file named .gz', make: async (dir) => (await writeFile(join(dir, 'train.txt.gz'), criteo), join(dir, 'train.txt.gz')), mentions: ['gzip'] },
    { name: 'only malformed rows with skipMalformed', make: file('skip.txt', () => criteo.replace(/\t/g, ' ')), mentions: ['no well-formed rows'] },
  ],
  (path) => loadCriteo(path, { seed: 1, skipMalformed: path.endsWith('skip.txt') }),
  ['DataFileError'],
);

// ---------------------------------------------------------------------------------------------- table input (CSV)
const csvMapping = { label: 'click', numeric: ['propensity_score', 'user-item_affinity_0'], categorical: ['user_feature_0', 'item_id'] };
const csvColumn = (name: string) => (obdLog.split('\n')[0] ?? '').split(',').indexOf(name);
/** A case of the table loader: the table at `<dir>/<name>` with the mapping `mapping.json` beside it. */
const table = (name: string, content: () => string | Buffer, mapping: unknown = csvMapping) => async (dir: string) => {
  await writeFile(join(dir, 'mapping.json'), typeof mapping === 'string' ? mapping : JSON.stringify(mapping));
  return writeInput(join(dir, name), content());
};
const arrowTable = (x: number[]) =>
  new Table({ click: vectorFromArray(x.map((_, i) => i % 2), new Int32()), x: vectorFromArray(x, new Float64()), ad: vectorFromArray(x.map((_, i) => `ad${i % 3}`), new Utf8()) });
const arrowMapping = { label: 'click', numeric: ['x'], categorical: ['ad'] };
const arrowFile = async (dir: string, x: number[]) => {
  await writeFile(join(dir, 'mapping.json'), JSON.stringify(arrowMapping));
  await writeArrowFile(join(dir, 't.arrow'), arrowTable(x));
  return join(dir, 't.arrow');
};
const parquetFile = async (dir: string, x: number[]) => {
  await writeFile(join(dir, 'mapping.json'), JSON.stringify(arrowMapping));
  parquetWriteFile({
    filename: join(dir, 't.parquet'),
    columnData: [
      { name: 'click', data: x.map((_, i) => i % 2), type: 'INT32' },
      { name: 'x', data: x, type: 'FLOAT' },
      { name: 'ad', data: x.map((_, i) => `ad${i % 3}`), type: 'STRING' },
    ],
  });
  return join(dir, 't.parquet');
};
const damage = (make: (dir: string) => Promise<string>, change: (bytes: Buffer) => Buffer) => async (dir: string) => {
  const path = await make(dir);
  await writeFile(path, change(await readFile(path)));
  return path;
};
const values = Array.from({ length: 40 }, (_, i) => Math.sin(i));
corpus(
  'loadTableInput',
  [
    { name: 'a zero-byte CSV', make: table('t.csv', () => ''), mentions: ['empty'] },
    { name: 'a CSV with only its header', make: table('t.csv', () => `${obdLog.split('\n')[0]}\n`), mentions: ['no rows'] },
    { name: 'a folder as the table', make: async (dir) => (await table('x.txt', () => '')(dir), await mkdir(join(dir, 't.csv')), join(dir, 't.csv')), mentions: ['is a folder'] },
    { name: 'a missing table', make: async (dir) => (await table('x.txt', () => '')(dir), join(dir, 'absent.csv')), mentions: ['file not found'] },
    { name: 'a binary file given as CSV', make: table('t.csv', () => binaryBytes(900)), mentions: ['row 1', 'not text'] },
    { name: 'invalid UTF-8 in a row', make: table('t.csv', () => withInvalidUtf8(obdLog, obdLog.split('\n').slice(0, 9).join('\n').length + 40)), mentions: ['row 10', 'invalid UTF-8'] },
    { name: 'a non-numeric cell', make: table('t.csv', () => withCell(obdLog, 6, csvColumn('propensity_score'), 'abc')), mentions: ['row 7', 'column "propensity_score"'] },
    { name: 'NaN in a numeric column', make: table('t.csv', () => withCell(obdLog, 11, csvColumn('user-item_affinity_0'), 'NaN')), mentions: ['row 12', 'column "user-item_affinity_0"'] },
    { name: 'Infinity in a numeric column', make: table('t.csv', () => withCell(obdLog, 15, csvColumn('propensity_score'), 'Infinity')), mentions: ['row 16', 'column "propensity_score"'] },
    { name: 'an empty numeric cell', make: table('t.csv', () => withCell(obdLog, 3, csvColumn('propensity_score'), '')), mentions: ['row 4', 'column "propensity_score"'] },
    { name: 'a label of 2', make: table('t.csv', () => withCell(obdLog, 20, csvColumn('click'), '2')), mentions: ['row 21', 'column "click"'] },
    { name: 'a row with a missing column', make: table('t.csv', () => withLine(obdLog, 30, (l) => l.split(',').slice(0, -1).join(','))), mentions: ['row 31'] },
    { name: 'a truncated .csv.gz', make: async (dir) => { const path = await table('t.csv.gz', () => obdLog)(dir); const gz = await readFile(path); await writeFile(path, gz.subarray(0, gz.length >> 1)); return path; }, mentions: ['gzip data is truncated or corrupt'] },
    { name: 'a mapping naming absent columns', make: table('t.csv', () => obdLog, { ...csvMapping, numeric: ['propensity_score', 'price'] }), mentions: ['column "price"', 'unknown column'] },
    { name: 'an unknown table extension', make: table('t.xlsx', () => obdLog), mentions: ['unknown table format'] },
    { name: 'a truncated Arrow file', make: damage((dir) => arrowFile(dir, values), (b) => b.subarray(0, b.length >> 1)), mentions: [/Arrow|IPC|cannot read/i] },
    { name: 'an Arrow file with a flipped magic', make: damage((dir) => arrowFile(dir, values), (b) => Buffer.concat([Buffer.from('XXXXXX'), b.subarray(6)])), mentions: [/Arrow|IPC|cannot read/i] },
    { name: 'a zero-byte Arrow file', make: async (dir) => (await writeFile(join(dir, 'mapping.json'), JSON.stringify(arrowMapping)), await writeFile(join(dir, 't.arrow'), ''), join(dir, 't.arrow')), mentions: [/empty|Arrow|IPC/i] },
    { name: 'NaN in an Arrow column', make: (dir) => arrowFile(dir, values.map((v, i) => (i === 17 ? Number.NaN : v))), mentions: ['row 18', 'column "x"'] },
    { name: 'a truncated Parquet file', make: damage((dir) => parquetFile(dir, values), (b) => b.subarray(0, b.length - 20)), mentions: ['Parquet'] },
    { name: 'a Parquet file with a flipped magic', make: damage((dir) => parquetFile(dir, values), (b) => Buffer.concat([b.subarray(0, b.length - 4), Buffer.from('XXXX')])), mentions: ['Parquet'] },
    { name: 'a zero-byte Parquet file', make: async (dir) => (await writeFile(join(dir, 'mapping.json'), JSON.stringify(arrowMapping)), await writeFile(join(dir, 't.parquet'), ''), join(dir, 't.parquet')), mentions: ['Parquet'] },
    { name: 'Infinity in a Parquet column', make: (dir) => parquetFile(dir, values.map((v, i) => (i === 3 ? Number.POSITIVE_INFINITY : v))), mentions: ['row 4', 'column "x"'] },
  ],
  (path) => loadTableInput(path, { mapping: join(path, '..', 'mapping.json') }),
  ['DataFileError'],
);

// ------------------------------------------------------------------------------------------- column-mapping file
const mappingCase = (content: string | Buffer | null) => async (dir: string) => {
  await writeFile(join(dir, 't.csv'), obdLog);
  if (content === null) await mkdir(join(dir, 'mapping.json'));
  else await writeFile(join(dir, 'mapping.json'), content);
  return join(dir, 'mapping.json');
};
corpus(
  'readColumnMapping',
  [
    { name: 'a mapping that is not JSON', make: mappingCase('{"label": "click",'), mentions: ['not valid JSON at line 1, column 19: expected a key in double quotes, found the end of the text'] },
    { name: 'a mapping of binary bytes', make: mappingCase(binaryBytes(300)), mentions: ['line 1', 'byte offset', 'expected a JSON column-mapping file as UTF-8 text'] },
    { name: 'a zero-byte mapping', make: mappingCase(''), mentions: ['is empty (0 bytes)'] },
    { name: 'a mapping that is a folder', make: mappingCase(null), mentions: ['is a folder'] },
    { name: 'a mapping with an unknown key', make: mappingCase(JSON.stringify({ ...csvMapping, lable: 'click' })), mentions: ['column "lable"', 'unknown key'] },
    { name: 'a mapping without a label', make: mappingCase(JSON.stringify({ numeric: ['propensity_score'] })), mentions: ['column "label"'] },
    { name: 'a mapping with numeric not a list', make: mappingCase(JSON.stringify({ ...csvMapping, numeric: 'propensity_score' })), mentions: ['column "numeric"'] },
    { name: 'a mapping using a column twice', make: mappingCase(JSON.stringify({ ...csvMapping, categorical: ['click'] })), mentions: ['more than once'] },
  ],
  (mapping) => loadTableInput(join(mapping, '..', 't.csv'), { mapping }),
  ['DataFileError'],
);

// -------------------------------------------------------------------------------------------- UCI Bank Marketing
const bankColumn = (name: string) => (bank.split('\n')[0] ?? '').split(';').indexOf(`"${name}"`);
corpus(
  'loadBankMarketing',
  [
    { name: 'a zero-byte file', make: file('bank.csv', () => ''), mentions: ['empty'] },
    { name: 'a folder', make: async (dir) => (await mkdir(join(dir, 'bank.csv')), join(dir, 'bank.csv')), mentions: ['is a folder'] },
    { name: 'a binary file', make: file('bank.csv', () => binaryBytes(2000)), mentions: ['row 1', 'not text'] },
    { name: 'invalid UTF-8 in a row', make: file('bank.csv', () => withInvalidUtf8(bank, bank.split('\n').slice(0, 41).join('\n').length + 5)), mentions: ['row 42', 'invalid UTF-8'] },
    { name: 'an unknown job category', make: file('bank.csv', () => withCell(bank, 8, bankColumn('job'), '"astronaut"', ';')), mentions: ['row 9', 'column "job"'] },
    { name: 'a non-numeric age', make: file('bank.csv', () => withCell(bank, 5, bankColumn('age'), 'old', ';')), mentions: ['row 6', 'column "age"'] },
    { name: 'NaN in a numeric column', make: file('bank.csv', () => withCell(bank, 14, bankColumn('euribor3m'), 'NaN', ';')), mentions: ['row 15', 'column "euribor3m"'] },
    { name: 'Infinity in a numeric column', make: file('bank.csv', () => withCell(bank, 18, bankColumn('campaign'), 'Infinity', ';')), mentions: ['row 19', 'column "campaign"'] },
    { name: 'a header without the age column', make: file('bank.csv', () => withCell(bank, 0, bankColumn('age'), '"years"', ';')), mentions: ['column "age"'] },
    { name: 'a row cut short', make: file('bank.csv', () => withLine(bank, 25, (l) => l.split(';').slice(0, 12).join(';'))), mentions: ['row 26'] },
    { name: 'a truncated .csv.gz', make: async (dir) => { const gz = gzipSync(Buffer.from(bank)); await writeFile(join(dir, 'bank.csv.gz'), gz.subarray(0, gz.length >> 1)); return join(dir, 'bank.csv.gz'); }, mentions: [/gzip|truncated|corrupt/] },
    { name: 'a comma-separated copy', make: file('bank.csv', () => bank.replace(/;/g, ',')), mentions: ['column "age"'] },
  ],
  (path) => loadBankMarketing({ path, seed: 1 }),
  ['DataFileError'],
);

// ---------------------------------------------------------------------------------------------------- Open Bandit
const obdColumn = (name: string) => (obdLog.split('\n')[0] ?? '').split(',').indexOf(name);
/** An Open Bandit folder with the real item_context and the log as changed by `log` (or no log when it returns null). */
const obd = (log: () => string | Buffer | null, items: () => string | Buffer = () => obdItems, logName = 'men.csv') => async (dir: string) => {
  await writeInput(join(dir, 'item_context.csv'), items());
  const content = log();
  if (content !== null) await writeInput(join(dir, logName), content);
  return join(dir, 'men.csv');
};
corpus(
  'loadOpenBandit',
  [
    { name: 'a missing log', make: obd(() => null), mentions: ['file not found'] },
    { name: 'a log that is a folder', make: async (dir) => (await obd(() => null)(dir), await mkdir(join(dir, 'men.csv')), join(dir, 'men.csv')), mentions: ['is a folder'] },
    { name: 'a zero-byte log', make: obd(() => ''), mentions: ['empty'] },
    { name: 'a binary item_context', make: async (dir) => (await obd(() => obdLog, () => binaryBytes(500))(dir), join(dir, 'item_context.csv')), mentions: ['row 1', 'not text'] },
    { name: 'a click of 2', make: obd(() => withCell(obdLog, 9, obdColumn('click'), '2')), mentions: ['row 10', 'column "click"'] },
    { name: 'a propensity of 0', make: obd(() => withCell(obdLog, 40, obdColumn('propensity_score'), '0')), mentions: ['row 41', 'column "propensity_score"'] },
    { name: 'an item id outside item_context', make: obd(() => withCell(obdLog, 77, obdColumn('item_id'), '99')), mentions: ['row 78', 'column "item_id"'] },
    { name: 'a position of 7', make: obd(() => withCell(obdLog, 3, obdColumn('position'), '7')), mentions: ['row 4', 'column "position"'] },
    { name: 'a non-numeric affinity', make: obd(() => withCell(obdLog, 12, obdColumn('user-item_affinity_3'), 'x')), mentions: ['row 13', 'column "user-item_affinity_3"'] },
    { name: 'NaN in an affinity', make: obd(() => withCell(obdLog, 50, obdColumn('user-item_affinity_5'), 'NaN')), mentions: ['row 51', 'column "user-item_affinity_5"'] },
    { name: 'a log without the click column', make: obd(() => withCell(obdLog, 0, obdColumn('click'), 'clicked')), mentions: ['column "click"'] },
    { name: 'item ids out of order in item_context', make: async (dir) => (await obd(() => obdLog, () => withCell(obdItems, 3, 1, '7'))(dir), join(dir, 'item_context.csv')), mentions: ['row 4', 'column "item_id"'] },
    { name: 'NaN as an item price', make: async (dir) => (await obd(() => obdLog, () => withCell(obdItems, 5, 2, 'NaN'))(dir), join(dir, 'item_context.csv')), mentions: ['row 6', 'column "item_feature_0"'] },
    { name: 'a truncated men.csv.gz', make: async (dir) => { await obd(() => null)(dir); const gz = gzipSync(Buffer.from(obdLog)); await writeFile(join(dir, 'men.csv.gz'), gz.subarray(0, gz.length >> 1)); return join(dir, 'men.csv.gz'); }, mentions: [/gzip|truncated|corrupt/] },
  ],
  (path) => loadOpenBandit({ campaign: 'men', dir: join(path, '..'), seed: 1 }),
  ['DataFileError'],
);

// ------------------------------------------------------------------------------------------------------------ zip
const member = 'bank-additional/bank-additional.csv';
const zipCase = (change: (zip: Buffer) => Buffer) => file('bank.zip', () => change(makeZip([{ name: member, data: Buffer.from(bank) }, { name: 'readme.txt', data: Buffer.from('hi'), deflate: false }])));
corpus(
  'extractZipEntry',
  [
    { name: 'a zero-byte archive', make: zipCase(() => Buffer.alloc(0)), mentions: ['not a ZIP archive'] },
    { name: 'a binary file', make: zipCase(() => binaryBytes(4000)), mentions: ['not a ZIP archive'] },
    { name: 'a truncated archive', make: zipCase((z) => z.subarray(0, z.length >> 1)), mentions: ['not a ZIP archive'] },
    { name: 'a missing member', make: file('bank.zip', () => makeZip([{ name: 'other.csv', data: Buffer.from('x') }])), mentions: [member, 'other.csv'] },
    { name: 'corrupt deflate data', make: zipCase((z) => { const c = Buffer.from(z); c.fill(0xff, 40, 80); return c; }), mentions: [member] },
    { name: 'a central directory offset past the end', make: zipCase((z) => { const c = Buffer.from(z); c.writeUInt32LE(0x7fffffff, c.length - 6); return c; }), mentions: [/byte \d+/] },
  ],
  async (path) => extractZipEntry(await readFile(path), member, path),
  ['DataFileError'],
);

// ----------------------------------------------------------------------------------- run folder given to export --run
const runFolder = (content: string | null) => async (dir: string) => {
  const run = join(dir, 'seed-0');
  await mkdir(run, { recursive: true });
  if (content !== null) await writeFile(join(run, 'trained-model.json'), content);
  return run;
};
corpus(
  'loadTrainedModel (export --run)',
  [
    { name: 'a folder that is no run', make: runFolder(null), mentions: ['--run', 'trained-model.json'] },
    { name: 'a file instead of a folder', make: async (dir) => (await writeFile(join(dir, 'seed-0'), 'x'), join(dir, 'seed-0')), mentions: ['--run', 'trained-model.json'] },
    { name: 'a truncated trained-model.json', make: runFolder('{"format": "counterweight-ctr-trained-mo'), mentions: ['--run', 'not valid JSON'] },
    { name: 'a trained-model.json of another format', make: runFolder('{"format": "other"}'), mentions: ['--run', 'not a ctr-ranking trained-model file'] },
    { name: 'a run whose checkpoints are missing', make: runFolder(JSON.stringify({ format: 'counterweight-ctr-trained-model', spec: { numericNames: ['a'], categoricalFields: [], buckets: [] }, model: { kind: 'logistic' }, seed: 1 })), mentions: ['checkpoints'] },
  ],
  (dir) => loadTrainedModel(dir),
  ['ConfigError', 'CheckpointError'],
  (dir) => (dir.endsWith('seed-0') ? 'seed-0' : dir),
);
