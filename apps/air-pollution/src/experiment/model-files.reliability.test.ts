// Reliability: run folders given to `export --run`, and exported models and tables given to `predict`, made from a
// real run folder of `compare` (the embedded sample, `mae`, one epoch) and its real ONNX export, broken one way each
// (the table of cases — name, how it was made, what the error must mention — is test-support/model-file-corpus.ts).
// In-process through `exportRun` and `predictTable`, three through the CLI; none may leave its output file behind.
import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';

import { cleanFailureProblems, listFiles, runCommand, sourceCli, type CommandRun } from '@counterweight/reliability-kit';
import { ConfigError, DataFileError, initBackend } from '@counterweight/runtime';
import { OnnxModelError } from '@counterweight/runtime/onnx';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { removeTempDirs, tempDir } from '../data/test-support/temp.js';
import { compareObjectives } from './compare.js';
import { exportRun } from './export-run.js';
import { predictTable } from './predict-table.js';
import type { AirSettings } from './settings.js';
import { writeModelFileCorpus, type ModelCorpusCase, type ModelCorpusLoader } from './test-support/model-file-corpus.js';

const CLI = resolve(import.meta.dirname, '..', 'cli.ts');

/** A tiny comparison whose run folder the corpus breaks (24 h history, the CLI's defaults otherwise). */
const SETTINGS: AirSettings = {
  data: { source: 'sample', frequency: 'hourly', interpolateMaxGap: 0 },
  windows: { history: 24, horizons: [1, 6, 24], stride: 24 },
  model: { kind: 'mlp', hidden: 16, layers: 1, headHidden: 8, kernelSize: 3 },
  training: { epochs: 1, batchSize: 256, learningRate: 0.001, patience: 0 },
  extremes: { variable: 'PM2.5', thresholds: [75, 150] },
};

let root: string;
let cases: ModelCorpusCase[];
let onnx: string;
beforeAll(async () => {
  await initBackend('wasm', { log: null });
  root = await tempDir('model-files');
  await compareObjectives({ settings: SETTINGS, methods: ['mae'], seed: 1, seeds: 1, jobs: 1, out: join(root, 'A'), quiet: true });
  const run = join(root, 'A', 'runs', 'mae', 'seed-0');
  onnx = join(root, 'mae.onnx');
  await exportRun(run, onnx);
  cases = await writeModelFileCorpus(join(root, 'models'), run, onnx);
}, 240_000);
afterAll(removeTempDirs);

describe('run folders and exported models (export --run, predict --model/--data)', () => {
  const COUNTS: Record<ModelCorpusLoader, number> = { 'run folder': 12, 'onnx model': 9, 'predict table': 3 };
  it('has the cases of every loader', () => {
    const counts = Object.fromEntries((Object.keys(COUNTS) as ModelCorpusLoader[]).map((l) => [l, cases.filter((c) => c.loader === l).length]));
    expect(counts).toEqual(COUNTS);
  });

  it.each((Object.keys(COUNTS) as ModelCorpusLoader[]).flatMap((l) => Array.from({ length: COUNTS[l] }, (_, i) => [l, i] as const)))(
    '%s case %i ends in a typed one-line error naming the file, and writes nothing',
    async (loader, index) => {
      const c = cases.filter((x) => x.loader === loader)[index] as ModelCorpusCase;
      const out = join(root, 'outputs', `${loader.replace(' ', '-')}-${index}`, loader === 'run folder' ? 'model.onnx' : 'forecasts.csv');
      const error = await (loader === 'run folder'
        ? exportRun(c.path, out)
        : predictTable({ model: c.path, source: c.data ?? '', ...(c.mapping === undefined ? {} : { mapping: c.mapping }), out })
      ).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error, `${c.name} (${c.made}) gave no error`).toBeDefined();
      expect(error instanceof DataFileError || error instanceof ConfigError || error instanceof OnnxModelError, `${c.name}: ${String(error)}`).toBe(true);
      const run: CommandRun = { code: 1, signal: null, stdout: '', stderr: `air-pollution: ${(error as Error).message}\n`, timedOut: false, ms: 0 };
      expect(cleanFailureProblems(run, { mentions: c.mentions, maxLines: 1 }), c.made).toEqual([]);
      expect(listFiles(dirname(out)).size).toBe(0);
    },
  );

  const cli: readonly { readonly label: string; readonly args: (c: (name: string) => ModelCorpusCase) => string[]; readonly mentions: readonly string[] }[] = [
    { label: 'predict --model <a folder>', args: (c) => ['predict', '--model', c('folder.onnx').path, '--data', c('folder.onnx').data ?? ''], mentions: ['folder.onnx', 'is a folder'] },
    { label: 'predict --data <a table with a row cut short>', args: (c) => ['predict', '--model', onnx, '--data', c('cut-row.csv').data ?? ''], mentions: ['cut-row.csv', 'row 31'] },
    { label: 'export --run <a run whose spec is binary>', args: (c) => ['export', '--run', c('spec-binary').path], mentions: ['forecast-spec.json', 'binary data'] },
  ];
  it.concurrent.each(cli)('$label through the CLI', async ({ label, args, mentions }) => {
    const byName = (name: string): ModelCorpusCase => cases.find((x) => x.name === name) as ModelCorpusCase;
    const outDir = join(root, 'cli-outputs', label.replace(/[^a-z]+/g, '-'));
    await mkdir(outDir, { recursive: true });
    const target = join(outDir, args(byName)[0] === 'export' ? 'model.onnx' : 'forecasts.csv');
    const run = await runCommand(...sourceCli(CLI, [...args(byName), '--out', target]), { timeoutMs: 240_000 });
    expect(cleanFailureProblems(run, { mentions })).toEqual([]);
    expect(listFiles(outDir).size).toBe(0);
  });
});
