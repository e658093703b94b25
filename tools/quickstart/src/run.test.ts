import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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
    expect(tf.memory().numTensors).toBe(before);
    const files = await readdir(run.dir);
    expect(files.sort()).toEqual(['checkpoints', 'config.json', 'metrics.json', 'metrics.png', 'report.md', 'validation-logloss.png']);
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
    expect(report).toContain('| cb-ce ');
    expect(report).toContain('![validation metrics](metrics.png)');
    const metrics = JSON.parse(await readFile(run.path('metrics.json'), 'utf8')) as { results: unknown[] };
    expect(metrics.results).toEqual(JSON.parse(JSON.stringify(results)));
  });

  it('gives identical metrics for the same seed, and resumes a finished run from its checkpoints', async () => {
    const a = await runQuickstart({ ...BASE, recipes: ['focal'], out: root, runId: 'a' });
    const b = await runQuickstart({ ...BASE, recipes: ['focal'], out: root, runId: 'b' });
    expect(b.results).toEqual(a.results);
    const resumed = await runQuickstart({ ...BASE, recipes: ['focal'], out: root, runId: 'a', resume: true });
    expect(resumed.results).toEqual(a.results);
  });

  it('refuses to overwrite an existing run without --resume', async () => {
    await expect(runQuickstart({ ...BASE, recipes: ['ce'], out: root, runId: 'first' })).rejects.toThrow(/first/);
  });

  it('names the file when the data cannot be read', async () => {
    const missing = join(root, 'nope.csv');
    await expect(runQuickstart({ ...BASE, out: root, runId: 'missing-data', data: missing })).rejects.toThrow(missing);
  });
});
