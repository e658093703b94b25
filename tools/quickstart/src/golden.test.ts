// The before/after check of issue 13 for the quickstart: a small configuration gives, bit for bit on wasm, the metrics
// the quickstart gave before it moved onto the experiment harness (commit 811bee1; see __golden__/README.md).
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { initBackend } from '@counterweight/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { runQuickstart } from './run.js';

interface Golden {
  readonly results: ReadonlyArray<{ recipe: string; seed: number; logLoss: number; auc: number; balancedAccuracy: number; recall: number }>;
}

const golden = JSON.parse(await readFile(join(import.meta.dirname, '__golden__', 'small-run.json'), 'utf8')) as Golden;

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'cw-quickstart-golden-'));
  await initBackend('wasm', { log: null });
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('quickstart: the small configuration gives the pre-harness metrics', () => {
  it('every recipe and seed, in the printed order, to every digit', async () => {
    const { results } = await runQuickstart({
      recipes: ['ce', 'cb-focal'],
      seeds: 2,
      epochs: 3,
      batchSize: 128,
      learningRate: 3e-3,
      hidden: 32,
      out: root,
      runId: 'golden',
      quiet: true,
    });
    expect(results).toEqual(golden.results);
  });
});
