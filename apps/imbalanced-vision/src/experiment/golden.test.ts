// The before/after check of issue 13: the README's compare command, on a small configuration, gives the metrics that
// the code before the experiment-harness refactor gave (commit 811bee1), bit for bit on the wasm backend. The golden
// values were recorded by running the command in __golden__/README.md on that commit (see there).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { formatNumber } from '@counterweight/reports';
import { initBackend } from '@counterweight/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { embeddedSampleDir } from '../data/sample.js';
import { removeTempDirs, tempDir } from '../data/test-support/fixtures.js';
import { compare, type CompareResult } from './compare.js';
import type { Evaluation } from './evaluate.js';
import { COMPARE_DEFAULTS } from './options.js';

interface GoldenRun {
  readonly recipe: string;
  readonly repetition: number;
  readonly evaluation: Evaluation;
  readonly trainingLoss: readonly { epoch: number; stage: string; loss: number; learningRate: number }[];
}
interface Golden {
  readonly commit: string;
  readonly command: string;
  readonly runs: readonly GoldenRun[];
  readonly summaries: readonly { readonly recipe: string; readonly metrics: Readonly<Record<string, { mean: number; std: number }>> }[];
}

const golden = JSON.parse(await readFile(join(import.meta.dirname, '__golden__', 'small-compare.json'), 'utf8')) as Golden;

let result: CompareResult;
beforeAll(async () => {
  await initBackend('wasm', { log: null });
  // The golden command: `compare --imbalance-ratio 10 --epochs 2 --seeds 2 --recipes ce,cb-focal`, the rest at the CLI defaults.
  result = await compare({
    ...COMPARE_DEFAULTS,
    dataDir: embeddedSampleDir(),
    imbalanceRatio: 10,
    epochs: 2,
    seeds: 2,
    recipes: ['ce', 'cb-focal'],
    jobs: 1,
    out: join(await tempDir('golden'), 'small'),
    quiet: true,
  });
}, 240_000);
afterAll(removeTempDirs);

/** The new runs, keyed like the golden ones: `<recipe>/<repetition>` (repetition k of seeds `--seed`, `--seed` + 1, …). */
function runsByKey(): Map<string, CompareResult['results'][number]> {
  return new Map(result.results.map((r) => [`${r.recipe}/${r.seed - COMPARE_DEFAULTS.seed}`, r]));
}

/** The rows of the markdown table whose header row starts with `| recipe ` and contains `column`. */
function table(lines: readonly string[], column: string): { header: string[]; rows: string[][] } {
  const cells = (line: string): string[] => line.split('|').slice(1, -1).map((c) => c.trim());
  const start = lines.findIndex((line) => line.startsWith('| recipe ') && cells(line).includes(column));
  expect(start, `table with column ${column}`).toBeGreaterThanOrEqual(0);
  const rows: string[][] = [];
  for (let i = start + 2; i < lines.length && (lines[i] ?? '').startsWith('|'); i++) rows.push(cells(lines[i] ?? ''));
  return { header: cells(lines[start] ?? ''), rows };
}

describe('imbalanced-vision compare: the small README configuration gives the pre-refactor metrics', () => {
  it('has the same runs', () => {
    expect([...runsByKey().keys()].sort()).toEqual(golden.runs.map((r) => `${r.recipe}/${r.repetition}`).sort());
  });

  it('every run has an identical evaluation (every field of result.json) and training-loss curve', () => {
    const runs = runsByKey();
    for (const want of golden.runs) {
      const key = `${want.recipe}/${want.repetition}`;
      const got = runs.get(key);
      expect(got, key).toBeDefined();
      expect(JSON.parse(JSON.stringify(got?.evaluation)), key).toEqual(want.evaluation);
      expect(
        got?.history.map((e) => ({ epoch: e.epoch, stage: e.stage, loss: e.loss, learningRate: e.learningRate })),
        key,
      ).toEqual(want.trainingLoss);
    }
  });

  it('the report tables print the same digits (%, mean ± std over seeds)', async () => {
    const lines = (await readFile(join(result.dir, result.files.markdown), 'utf8')).split('\n');
    /** Report column → summary metric, per table (identified by one of its columns). */
    const tables: Record<string, Record<string, string>> = {
      'balanced acc. ↑': {
        'top-1 ↑': 'top1',
        'balanced acc. ↑': 'balancedAccuracy',
        'macro-F1 ↑': 'macroF1',
        'ECE ↓': 'ece',
        'head ↑': 'group.head',
        'mid ↑': 'group.mid',
        'tail ↑': 'group.tail',
      },
      'all ↓': { 'all ↓': 'ece', 'head ↓': 'ece.head', 'mid ↓': 'ece.mid', 'tail ↓': 'ece.tail' },
    };
    for (const [key, columns] of Object.entries(tables)) {
      const { header, rows } = table(lines, key);
      for (const s of golden.summaries) {
        const row = rows.find((r) => r[0] === `\`${s.recipe}\``);
        expect(row, `${key}: ${s.recipe}`).toBeDefined();
        for (const [column, metric] of Object.entries(columns)) {
          const want = s.metrics[metric];
          expect(want, metric).toBeDefined();
          const printed = `${formatNumber(100 * (want?.mean ?? NaN), 1)} ± ${formatNumber(100 * (want?.std ?? NaN), 1)}`;
          expect(row?.[header.indexOf(column)], `${s.recipe}: ${column}`).toBe(printed);
        }
      }
    }
  });
});
