// Test-only: bad run folders (given to `export --run`) and bad ONNX models and tables (given to `predict`), made from
// a real run folder of `compare` and its real ONNX export, for the reliability suite.
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

import { readOnnxMetadata } from '@counterweight/runtime/onnx';

import { loadForecastModel } from '../../models/index.js';
import { exportForecastModel } from '../../onnx/index.js';
import { DONGSI_GZ } from '../../data/test-support/station-table-corpus.js';
import { FORECAST_SPEC_FILE, FORECAST_SPEC_KEY } from '../export-run.js';

/** Which loader a case feeds: a run folder (`export --run`), an ONNX model (`predict --model`), a table to forecast (`predict --data`). */
export type ModelCorpusLoader = 'run folder' | 'onnx model' | 'predict table';

/** One bad input of {@link writeModelFileCorpus}. */
export interface ModelCorpusCase {
  readonly loader: ModelCorpusLoader;
  readonly name: string;
  /** How it was made from the real files, in words. */
  readonly made: string;
  /** `--run` (run folder cases) or `--model` (others). */
  readonly path: string;
  /** `--data` and `--mapping` of `predict` cases. */
  readonly data?: string;
  readonly mapping?: string;
  /** What the one-line error must mention (the file's name first). */
  readonly mentions: readonly (string | RegExp)[];
}

/**
 * Writes the corpus into `dir` from `run` (a finished `compare` run folder of a trained objective, 24 h history, on
 * Beijing-layout data), `onnx` (its export) and the real Dongsi file (`table.csv`: its first 240 hours, the table
 * every ONNX case is given) and returns its cases.
 */
export async function writeModelFileCorpus(dir: string, run: string, onnx: string): Promise<ModelCorpusCase[]> {
  await mkdir(dir, { recursive: true });
  const cases: ModelCorpusCase[] = [];
  const realGz = await readFile(DONGSI_GZ);
  const table = join(dir, 'table.csv');
  await writeFile(table, `${gunzipSync(realGz).toString('utf8').split(/\r?\n/).slice(0, 241).join('\r\n')}\r\n`);
  const spec = await readFile(join(run, FORECAST_SPEC_FILE), 'utf8');

  // --- run folders: a copy of the real one, then one file broken ---
  const runCase = async (name: string, made: string, change: (copy: string) => Promise<void>, mentions: readonly (string | RegExp)[]): Promise<void> => {
    const copy = join(dir, 'runs', name);
    await cp(run, copy, { recursive: true });
    await change(copy);
    cases.push({ loader: 'run folder', name, made, path: copy, mentions });
  };
  await runCase('no-spec', `${FORECAST_SPEC_FILE} deleted`, (c) => rm(join(c, FORECAST_SPEC_FILE)), [FORECAST_SPEC_FILE, 'no trained forecaster']);
  await runCase('spec-cut', `${FORECAST_SPEC_FILE} cut at half its characters`, (c) => writeFile(join(c, FORECAST_SPEC_FILE), spec.slice(0, Math.floor(spec.length / 2))), [FORECAST_SPEC_FILE, 'not valid JSON', /line \d+, column \d+/]);
  await runCase('spec-empty', `${FORECAST_SPEC_FILE} of 0 bytes`, (c) => writeFile(join(c, FORECAST_SPEC_FILE), ''), [FORECAST_SPEC_FILE, 'is empty (0 bytes)']);
  await runCase('spec-binary', `the real .csv.gz bytes as ${FORECAST_SPEC_FILE}`, (c) => writeFile(join(c, FORECAST_SPEC_FILE), realGz), [FORECAST_SPEC_FILE, 'binary data at line 1', 'gzip-compressed']);
  await runCase('spec-other', `${FORECAST_SPEC_FILE} replaced by the run's result.json`, async (c) => writeFile(join(c, FORECAST_SPEC_FILE), await readFile(join(c, 'result.json'))), [FORECAST_SPEC_FILE, 'is not an air-pollution forecast spec']);
  await runCase('description-cut', 'forecaster.json cut at half its characters', async (c) => {
    const text = await readFile(join(c, 'forecaster.json'), 'utf8');
    await writeFile(join(c, 'forecaster.json'), text.slice(0, Math.floor(text.length / 2)));
  }, ['forecaster.json', 'not valid JSON', /line \d+, column \d+/]);
  await runCase('description-binary', 'the real .csv.gz bytes as forecaster.json', (c) => writeFile(join(c, 'forecaster.json'), realGz), ['forecaster.json', 'binary data at line 1', 'gzip-compressed']);
  await runCase('weights-cut', 'forecaster-weights.bin cut at half its bytes', async (c) => {
    const bytes = await readFile(join(c, 'forecaster-weights.bin'));
    await writeFile(join(c, 'forecaster-weights.bin'), bytes.subarray(0, Math.floor(bytes.length / 2)));
  }, ['forecaster-weights.bin', /bytes/]);
  await runCase('weights-missing', 'forecaster-weights.bin deleted', (c) => rm(join(c, 'forecaster-weights.bin')), ['forecaster-weights.bin']);
  await runCase('unfinished', 'only the checkpoints of a run interrupted before its end', async (c) => {
    for (const f of ['result.json', FORECAST_SPEC_FILE, 'forecaster.json', 'forecaster-weights.bin']) await rm(join(c, f));
  }, [FORECAST_SPEC_FILE, 'no trained forecaster']);
  cases.push({ loader: 'run folder', name: 'spec-file', made: `the run's ${FORECAST_SPEC_FILE} itself given as the run folder`, path: join(run, FORECAST_SPEC_FILE), mentions: [FORECAST_SPEC_FILE, 'is not a folder'] });
  cases.push({ loader: 'run folder', name: 'missing-run', made: 'a run folder that does not exist', path: join(dir, 'runs', 'never-ran'), mentions: ['never-ran', 'does not exist'] });

  // --- ONNX models: the real export, broken ---
  const bytes = await readFile(onnx);
  const model = async (name: string, made: string, content: Uint8Array | string, mentions: readonly (string | RegExp)[]): Promise<void> => {
    const path = join(dir, name);
    await writeFile(path, content);
    cases.push({ loader: 'onnx model', name, made, path, data: table, mentions });
  };
  await model('zero-byte.onnx', 'an empty file (0 bytes)', '', ['zero-byte.onnx', 'empty']);
  await model('truncated.onnx', 'the real export cut at half its bytes', bytes.subarray(0, Math.floor(bytes.length / 2)), ['truncated.onnx', 'not a valid ONNX model']);
  await model('text.onnx', 'the station table CSV named .onnx', await readFile(table), ['text.onnx', 'not a valid ONNX model']);
  await model('gzip.onnx', 'the real .csv.gz bytes named .onnx', realGz, ['gzip.onnx', 'not a valid ONNX model']);
  const folder = join(dir, 'folder.onnx');
  await mkdir(folder, { recursive: true });
  cases.push({ loader: 'onnx model', name: 'folder.onnx', made: 'a folder given as the model', path: folder, data: table, mentions: ['folder.onnx', 'is a folder'] });
  cases.push({ loader: 'onnx model', name: 'missing.onnx', made: 'a model path that does not exist', path: join(dir, 'missing.onnx'), data: table, mentions: ['missing.onnx', 'file not found'] });
  const forecaster = await loadForecastModel(run);
  try {
    const noSpec = join(dir, 'no-spec.onnx');
    await exportForecastModel(forecaster, noSpec);
    cases.push({ loader: 'onnx model', name: 'no-spec.onnx', made: 'the real forecaster exported without its forecast spec', path: noSpec, data: table, mentions: ['no-spec.onnx', 'has no forecast spec'] });
    const brokenSpec = join(dir, 'broken-spec.onnx');
    await exportForecastModel(forecaster, brokenSpec, { metadata: { [FORECAST_SPEC_KEY]: spec.slice(0, Math.floor(spec.length / 2)) } });
    cases.push({ loader: 'onnx model', name: 'broken-spec.onnx', made: 'the real forecaster with its spec cut at half', path: brokenSpec, data: table, mentions: ['broken-spec.onnx', FORECAST_SPEC_KEY, 'not valid JSON', /line \d+, column \d+/] });
    const parsed = JSON.parse(spec) as { history: number };
    const otherSpec = join(dir, 'other-history.onnx');
    await exportForecastModel(forecaster, otherSpec, { metadata: { [FORECAST_SPEC_KEY]: JSON.stringify({ ...parsed, history: parsed.history + 1 }) } });
    cases.push({ loader: 'onnx model', name: 'other-history.onnx', made: "the real forecaster with a spec of one more history step than it was trained on", path: otherSpec, data: table, mentions: ['other-history.onnx', "does not match the model's input width"] });
  } finally {
    forecaster.dispose();
  }
  // The good export must carry its spec (else the cases above test nothing).
  if (readOnnxMetadata(bytes)[FORECAST_SPEC_KEY] === undefined) throw new Error(`${onnx} has no forecast spec`);

  // --- tables given to predict with the real model ---
  const lines = (await readFile(table, 'utf8')).split(/\r?\n/).filter((l) => l !== '');
  const short = join(dir, 'ten-hours.csv');
  await writeFile(short, `${lines.slice(0, 11).join('\r\n')}\r\n`);
  cases.push({ loader: 'predict table', name: 'ten-hours.csv', made: 'the first 10 hours of the real table (the model needs 24)', path: onnx, data: short, mentions: ['ten-hours.csv', "fewer than the model's history of 24 steps"] });
  const noTemp = join(dir, 'no-temp.json');
  await writeFile(
    noTemp,
    JSON.stringify({ layout: 'long', station: 'station', time: { year: 'year', month: 'month', day: 'day', hour: 'hour' }, pollutants: ['PM2.5', 'PM10', 'SO2', 'NO2', 'CO', 'O3'], weather: ['PRES', 'DEWP', 'RAIN', 'WSPM'], windDirection: { column: 'wd', encoding: 'compass' } }),
  );
  cases.push({ loader: 'predict table', name: 'no-temp.json', made: 'the real table read with a mapping that leaves out TEMP, a feature of the model', path: onnx, data: table, mapping: noTemp, mentions: ['TEMP'] });
  const cut = join(dir, 'cut-row.csv');
  await writeFile(cut, `${[...lines.slice(0, 30), (lines[30] ?? '').slice(0, 25), ...lines.slice(31)].join('\r\n')}\r\n`);
  cases.push({ loader: 'predict table', name: 'cut-row.csv', made: 'the real table with row 31 cut short', path: onnx, data: cut, mentions: ['cut-row.csv', 'row 31', 'where the header has 18'] });
  return cases;
}
