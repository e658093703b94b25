import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { RESULT_FILE } from '@counterweight/experiment';
import { initBackend } from '@counterweight/runtime';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { runQuickstart, type QuickstartOptions } from './run.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'cw-quickstart-'));
  await initBackend('wasm', { log: null });
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const BASE: QuickstartOptions = {
  recipes: ['ce', 'cb-ce'],
  seeds: 1,
  epochs: 4,
  batchSize: 128,
  learningRate: 3e-3,
  hidden: 16,
  out: '',
  quiet: true,
};

describe('runQuickstart on the embedded Bank Marketing sample', () => {
  it('writes the report, and class-balanced weighting finds more of the rare class than plain cross-entropy', async () => {
    const before = tf.memory().numTensors;
    const { run, results } = await runQuickstart({ ...BASE, out: root, runId: 'first' });
    // Training and evaluation in this thread leave no tensor behind.
    expect(tf.memory().numTensors).toBe(before);
    const files = await readdir(run.dir);
    expect(files.sort()).toEqual(['config.json', 'metrics.json', 'metrics.png', 'report.md', 'runs', 'validation-logloss.png']);
    expect(existsSync(join(run.dir, 'runs', 'cb-ce', 'seed-0', RESULT_FILE))).toBe(true);
    const ce = results.find((r) => r.recipe === 'ce');
    const cb = results.find((r) => r.recipe === 'cb-ce');
    if (ce === undefined || cb === undefined) throw new Error('missing results');
    for (const r of [ce, cb]) {
      expect(r.auc).toBeGreaterThan(0.65);
      expect(r.logLoss).toBeGreaterThan(0);
    }
    expect(cb.recall).toBeGreaterThan(ce.recall + 0.15);
    expect(cb.logLoss).toBeGreaterThan(ce.logLoss); // reweighting shifts probabilities upward: worse calibration
    const report = await readFile(run.path('report.md'), 'utf8');
    expect(report).toContain('| `cb-ce` ');
    expect(report).toContain('![Validation metrics](metrics.png)');
    expect(report).toMatch(/Difference in recall of the rare class \(yes\) against `ce`[\s\S]*- `cb-ce`: \+0\.\d{3} \(one seed: no interval\)/);
    const metrics = JSON.parse(await readFile(run.path('metrics.json'), 'utf8')) as { results: Array<{ recipe: string; recall: number }> };
    expect(metrics.results.map((r) => [r.recipe, r.recall])).toEqual(results.map((r) => [r.recipe, r.recall]));
  });

  it('gives identical metrics for the same seed, in one thread or two, and resumes a finished run without retraining', async () => {
    const a = await runQuickstart({ ...BASE, recipes: ['focal'], seeds: 2, out: root, runId: 'a' });
    const b = await runQuickstart({ ...BASE, recipes: ['focal'], seeds: 2, out: root, runId: 'b', jobs: 2 });
    expect(b.results).toEqual(a.results);
    const resumed = await runQuickstart({ ...BASE, recipes: ['focal'], seeds: 2, out: root, runId: 'a', resume: true });
    expect(resumed.results).toEqual(a.results);
  });

  it('refuses to overwrite an existing run without --resume, in user terms', async () => {
    const again = runQuickstart({ ...BASE, recipes: ['ce'], out: root, runId: 'first' });
    await expect(again).rejects.toThrow(/^--run-id: directory .*first exists already; add --resume to continue it, or choose another --run-id$/);
  });

  it('a failed start leaves no folder behind, and the retry works', async () => {
    const missing = join(root, 'nope.csv');
    await expect(runQuickstart({ ...BASE, out: root, runId: 'x', data: missing })).rejects.toThrow(missing);
    expect(existsSync(join(root, 'quickstart', 'x'))).toBe(false);
    const retry = await runQuickstart({ ...BASE, recipes: ['ce'], out: root, runId: 'x' });
    expect(retry.results).toHaveLength(1);
  });

  it('--resume with other settings is refused naming them, and leaves config.json and report.md as they were', async () => {
    const dir = join(root, 'quickstart', 'first');
    const config = await readFile(join(dir, 'config.json'), 'utf8');
    const report = await readFile(join(dir, 'report.md'), 'utf8');
    const other = runQuickstart({ ...BASE, epochs: 5, hidden: 8, out: root, runId: 'first', resume: true });
    await expect(other).rejects.toThrow(/^--run-id: .*config\.json holds a comparison with other settings \(epochs: 4 → 5; hidden: 16 → 8\)/);
    // A resume whose data cannot be read fails before touching the folder.
    await expect(runQuickstart({ ...BASE, out: root, runId: 'first', resume: true, data: join(root, 'gone.csv') })).rejects.toThrow(/gone\.csv/);
    expect(await readFile(join(dir, 'config.json'), 'utf8')).toBe(config);
    expect(await readFile(join(dir, 'report.md'), 'utf8')).toBe(report);
  });

  it('--resume of a run id that does not exist is an error, not a new run', async () => {
    const unknown = runQuickstart({ ...BASE, out: root, runId: 'unknown', resume: true });
    await expect(unknown).rejects.toThrow(/^--run-id: there is no directory to resume at .*unknown; check the name, or leave out --resume to start a new one$/);
    expect(existsSync(join(root, 'quickstart', 'unknown'))).toBe(false);
  });

  it('never names an internal API in its errors', async () => {
    const errors = await Promise.all([
      runQuickstart({ ...BASE, out: root, runId: 'first' }).catch((e: unknown) => String(e)),
      runQuickstart({ ...BASE, out: root, runId: 'unknown', resume: true }).catch((e: unknown) => String(e)),
      runQuickstart({ ...BASE, out: root, runId: '../escape' }).catch((e: unknown) => String(e)),
    ]);
    for (const text of errors) expect(text).not.toMatch(/allowExisting|mode|openRunDirectory|new-or-resume/);
    expect(errors[2]).toMatch(/--run-id: "\.\.\/escape" is not a safe path segment/);
  });
});
