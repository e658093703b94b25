// Reliability: kill-and-resume of `compare` on the embedded sample with a tiny configuration (2 objectives, 1 seed,
// 3 epochs each checkpointed, window ends every 6 h, a 16-unit MLP). One uninterrupted run into A; into B, four runs each stopped by
// SIGINT or SIGKILL at a seeded random time inside training, then one run to completion, which must report exactly
// A's numbers and leave no temporary file. Training is placed in time by the reference run itself (its progress line
// gives the training seconds; what precedes them is start-up and data loading), so the signals land inside training
// on an idle machine and on a loaded one alike.
import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';

import { cleanFailureProblems, interruptionPlan, listFiles, runCommand, runWithInterruptions, sourceCli, type CommandRun } from '@counterweight/reliability-kit';
import { ConfigError, DataFileError, initBackend } from '@counterweight/runtime';
import { OnnxModelError } from '@counterweight/runtime/onnx';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { removeTempDirs, tempDir } from '../data/test-support/temp.js';
import { exportRun } from './export-run.js';
import { predictTable } from './predict-table.js';
import { writeModelFileCorpus, type ModelCorpusCase, type ModelCorpusLoader } from './test-support/model-file-corpus.js';

const CLI = resolve(import.meta.dirname, '..', 'cli.ts');
const EPOCHS = 3;
const ARGS = [
  'compare',
  ...['--data', 'sample', '--stride', '6', '--epochs', String(EPOCHS), '--patience', '0'],
  ...['--hidden', '16', '--layers', '1', '--head-hidden', '8'],
  ...['--methods', 'mae,fmae', '--seeds', '1', '--jobs', '1'],
];
/** Seed of the interruption plan (signals alternate SIGINT / SIGKILL). */
const PLAN_SEED = 20;

/**
 * When the reference run trained, in ms after its spawn: the harness's last progress line gives the seconds from the
 * start of training to its end; everything before them (start-up, data, run folder) is the rest of the wall time.
 */
function trainingWindow(run: CommandRun): { readonly start: number; readonly ms: number } {
  const seconds = [...run.stderr.matchAll(/run\(s\) \d+\/\d+ \(([\d.]+)s\)/g)].at(-1)?.[1];
  expect(seconds, `no progress line in ${run.stderr}`).toBeDefined();
  const ms = Number(seconds) * 1000;
  return { start: run.ms - ms, ms };
}

let root: string;
let reference: CommandRun;
beforeAll(async () => {
  root = await tempDir('compare-resume');
  reference = await runCommand(...sourceCli(CLI, [...ARGS, '--out', join(root, 'A')]), { timeoutMs: 240_000 });
}, 300_000);
afterAll(removeTempDirs);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * metrics.json without what may differ between an interrupted and an uninterrupted run: timings (`trainSeconds`, each
 * epoch's `seconds` and `windowsPerSecond`), the run folder's path (`runs[].dir`), whether a run was reused
 * (`runs[].reused`) and the machine's provenance (`provenance`: host, versions, start time).
 */
function comparable(file: string): Json {
  const metrics = JSON.parse(readFileSync(file, 'utf8')) as { [key: string]: Json };
  const strip = (value: Json, keys: readonly string[]): Json => {
    if (Array.isArray(value)) return value.map((v) => strip(v, keys));
    if (value === null || typeof value !== 'object') return value;
    return Object.fromEntries(Object.entries(value).filter(([k]) => !keys.includes(k)).map(([k, v]) => [k, strip(v, keys)]));
  };
  const { provenance: _provenance, ...rest } = metrics;
  return strip(rest, ['dir', 'reused', 'trainSeconds', 'seconds', 'windowsPerSecond']);
}

describe('air-pollution compare: kill and resume', () => {
  it('resumes after SIGINT and SIGKILL with exactly the uninterrupted numbers, leaving no temp files', async () => {
    const a = join(root, 'A');
    const b = join(root, 'B');
    expect(reference.code, reference.stderr).toBe(0);

    // Signals from 10 % to 25 % into the reference's training, counted from the spawn: each interrupted run keeps the
    // epochs checkpointed before it, so four of them together stay inside the training.
    const training = trainingWindow(reference);
    const PLAN = interruptionPlan(PLAN_SEED, 4, Math.round(training.start + 0.1 * training.ms), Math.round(training.start + 0.25 * training.ms));
    const runs = await runWithInterruptions(...sourceCli(CLI, [...ARGS, '--out', b]), PLAN, { timeoutMs: 240_000 });
    for (const run of runs.interrupted) expect(run.stderr).not.toMatch(/\n\s+at |Error/);
    expect(runs.completed.code, runs.completed.stderr).toBe(0);

    // Interrupted runs that had trained part of a run resume from its checkpoint, as the app announces.
    const resumes = [...runs.interrupted.slice(1), runs.completed].flatMap((run) =>
      [...run.stderr.matchAll(/run (\S+): resumed from its checkpoint at step (\d+) of (\d+)/g)].map((m) => ({ run: m[1], step: Number(m[2]), of: Number(m[3]) })),
    );
    console.log(
      `kill-and-resume: ${runs.survived}/${PLAN.length} interruptions took effect (${PLAN.map((p) => `${p.signal}@${p.afterMs}ms`).join(', ')}); ` +
        `resumed from checkpoints ${resumes.map((r) => `${r.run}@${r.step}/${r.of}`).join(', ') || 'none'}; ` +
        `reference ${Math.round(reference.ms)} ms, runs ${runs.interrupted.map((r) => Math.round(r.ms)).join('/')} + ${Math.round(runs.completed.ms)} ms`,
    );
    expect(runs.survived).toBeGreaterThanOrEqual(2);
    expect(resumes.length, 'no interruption left a checkpoint inside a run').toBeGreaterThanOrEqual(1);
    for (const r of resumes) expect(r.step).toBeLessThanOrEqual(r.of);

    expect(comparable(join(b, 'metrics.json'))).toEqual(comparable(join(a, 'metrics.json')));
    const files = [...listFiles(b).keys()];
    expect(files.filter((path) => /\.tmp/.test(path))).toEqual([]);
    expect(files.sort()).toEqual([...listFiles(a).keys()].sort());
  });
});

// Run folders given to `export --run`, and exported models and tables given to `predict`: the real run folder of A's
// `mae` run and its real ONNX export, broken (the table of cases is test-support/model-file-corpus.ts). In-process
// through `exportRun` and `predictTable`, three through the CLI; none may leave its output file behind.
describe('run folders and exported models (export --run, predict --model/--data)', () => {
  let cases: ModelCorpusCase[];
  let onnx: string;
  beforeAll(async () => {
    expect(reference.code, reference.stderr).toBe(0);
    await initBackend('wasm', { log: null });
    onnx = join(root, 'mae.onnx');
    await exportRun(join(root, 'A', 'runs', 'mae', 'seed-0'), onnx);
    cases = await writeModelFileCorpus(join(root, 'models'), join(root, 'A', 'runs', 'mae', 'seed-0'), onnx);
  }, 120_000);

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
  it.each(cli)('$label through the CLI', async ({ label, args, mentions }) => {
    const byName = (name: string): ModelCorpusCase => cases.find((x) => x.name === name) as ModelCorpusCase;
    const outDir = join(root, 'cli-outputs', label.replace(/[^a-z]+/g, '-'));
    await mkdir(outDir, { recursive: true });
    const target = join(outDir, args(byName)[0] === 'export' ? 'model.onnx' : 'forecasts.csv');
    const run = await runCommand(...sourceCli(CLI, [...args(byName), '--out', target]), { timeoutMs: 240_000 });
    expect(cleanFailureProblems(run, { mentions })).toEqual([]);
    expect(listFiles(outDir).size).toBe(0);
  });
});
