// The before/after check of issue 13: the README's compare command, on a small configuration, gives the metrics that
// the code before the experiment-harness refactor gave (commit 811bee1), bit for bit on the wasm backend. The golden
// values were recorded by running the command in __golden__/README.md on that commit (see there).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { formatNumber } from '@counterweight/reports';
import { initBackend } from '@counterweight/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { removeTempDirs, tempDir } from '../data/test-support/temp.js';
import { compareObjectives, type CtrComparison } from './compare.js';
import type { CtrEvaluation } from './evaluate.js';
import type { CtrSettings } from './settings.js';

interface GoldenRun {
  readonly label: string;
  readonly repetition: number;
  readonly test: CtrEvaluation;
  readonly trainingLoss: readonly number[];
}
/** The file's runs and summaries (its `commit` and `command` say where they come from; see __golden__/README.md). */
interface Golden {
  readonly runs: readonly GoldenRun[];
  readonly summaries: readonly { readonly label: string; readonly metrics: Readonly<Record<string, { mean: number; std: number }>> }[];
}

const golden = JSON.parse(await readFile(join(import.meta.dirname, '__golden__', 'small-compare.json'), 'utf8')) as Golden;

/**
 * The golden command's settings: `--auctions 2000 --epochs 3 --batch-size 256 --seeds 2 --losses
 * logloss,welfare,welfare-teacher,combined --lambdas 0.1,0.5`, the other flags at their CLI defaults.
 */
const SETTINGS: CtrSettings = {
  data: { kind: 'synthetic', generator: 'A', auctions: 2000, candidates: 10 },
  dataSeed: 1,
  model: { kind: 'logistic' },
  optimizer: 'adam',
  learningRate: 0.02,
  epochs: 3,
  batchSize: 256,
  temperature: 0.05,
  teacherMix: 1,
  teacher: { kind: 'model', model: { kind: 'dnn' }, epochs: 3 },
};

let result: CtrComparison;
beforeAll(async () => {
  await initBackend('wasm', { log: null });
  result = await compareObjectives({
    settings: SETTINGS,
    objectives: ['logloss', 'welfare', 'welfare-teacher', 'combined'],
    lambdas: [0.1, 0.5],
    seeds: 2,
    jobs: 1,
    out: join(await tempDir('golden'), 'small'),
    quiet: true,
  });
}, 120_000);
afterAll(removeTempDirs);

/** The method of a golden label: the old report labelled `combined` runs `combined λ=<λ>`, the harness names them `combined-<λ>`. */
const methodOf = (label: string): string => label.replace(/^combined λ=/, 'combined-');

/** The new runs, keyed like the golden ones: `<method>/<repetition>`. */
function runsByKey(): Map<string, CtrComparison['runs'][number]> {
  return new Map(result.runs.map((r) => [`${r.method}/${r.repetition}`, r]));
}

describe('ctr-ranking compare: the small README configuration gives the pre-refactor metrics', () => {
  it('has the same runs', () => {
    expect([...runsByKey().keys()].sort()).toEqual(golden.runs.map((r) => `${methodOf(r.label)}/${r.repetition}`).sort());
  });

  it('every run has identical test metrics (every field of result.json) and training losses', () => {
    const runs = runsByKey();
    for (const want of golden.runs) {
      const key = `${methodOf(want.label)}/${want.repetition}`;
      const got = runs.get(key);
      expect(got, key).toBeDefined();
      expect(JSON.parse(JSON.stringify(got?.result.test)), key).toEqual(want.test);
      expect(got?.result.history.map((e) => e.loss), key).toEqual(want.trainingLoss);
    }
  });

  it('the report table prints the same digits (mean ± std over seeds)', async () => {
    const lines = (await readFile(join(result.out.dir, result.files.markdown), 'utf8')).split('\n');
    const cells = (line: string): string[] => line.split('|').slice(1, -1).map((c) => c.trim());
    const header = cells(lines.find((line) => line.startsWith('| method ')) ?? '');
    /** Report column → summary metric and the digits it is printed with. */
    const columns: Record<string, [string, number]> = {
      'welfare ratio': ['welfareRatio', 4],
      'revenue / auction': ['revenuePerAuction', 4],
      AUC: ['auc', 4],
      logloss: ['logloss', 4],
      NE: ['normalizedEntropy', 3],
      ECE: ['ece', 4],
      'pred/obs': ['predictedOverObserved', 3],
      'logloss recal.': ['recalibratedLogloss', 4],
      'ECE recal.': ['recalibratedEce', 4],
    };
    expect(header).toEqual(expect.arrayContaining(Object.keys(columns)));
    for (const s of golden.summaries) {
      const method = `\`${methodOf(s.label)}\``;
      const row = cells(lines.find((line) => cells(line)[0] === method) ?? '');
      expect(row[0], s.label).toBe(method);
      for (const [column, [metric, digits]] of Object.entries(columns)) {
        const want = s.metrics[metric];
        expect(want, metric).toBeDefined();
        expect(row[header.indexOf(column)], `${s.label}: ${column}`).toBe(`${formatNumber(want?.mean ?? NaN, digits)} ± ${formatNumber(want?.std ?? NaN, digits)}`);
      }
    }
  });
});
