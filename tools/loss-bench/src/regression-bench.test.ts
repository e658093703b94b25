import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { initBackend } from '@counterweight/runtime';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { writeBenchReport, type LossBenchReport } from './bench-report.js';
import { quantile, regressionStepRecords, summarizeRounds } from './regression-bench.js';

let dir = '';
beforeAll(async () => {
  await initBackend('wasm', { log: null });
  dir = await mkdtemp(join(tmpdir(), 'loss-bench-regression-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const EXPECTED_MEMBERS = [
  'meanAbsoluteError',
  'meanSquaredError',
  'huberLoss',
  'logCoshLoss',
  'pinballLoss (3 levels)',
  'frequencyWeightedMae (target bins)',
  'frequencyWeightedMae (prediction bins)',
  'frequencyWeightedMae (target bins, 16 fixed)',
  'aircastAuxiliaryLoss (0.75 MAE + 0.25 fMAE)',
  'meanAbsoluteError + LDS weights',
  'meanAbsoluteError + fMAE per-row weights',
  'balancedMseLoss (fixed σ)',
  'balancedMseLoss (learnable σ)',
  'classificationAidedRegressionLoss (10 bins)',
  'taskWeighter: sum',
  'taskWeighter: fixed',
  'taskWeighter: uncertainty',
  'taskWeighter: igb',
  'taskWeighter: softmax',
];

/**
 * `ratio` (rounded to 3 decimals) is `stepMs / base` of the unrounded times, given both times rounded to 3 decimals:
 * the rounding of each (±0.0005) bounds the difference; a fast baseline step makes that bound wide, so a fixed number
 * of decimals would fail on a fast machine.
 */
function expectRatioOfRounded(ratio: number, stepMs: number, base: number): void {
  const bound = 0.0005 * (1 / base + stepMs / (base * base)) + 0.0005 + 1e-12;
  expect(Math.abs(ratio - stepMs / base), `ratio ${ratio} against ${stepMs} / ${base}`).toBeLessThanOrEqual(bound);
}

describe('regression workload of the loss bench', () => {
  it('times every regression member against plain MAE, leaks nothing and writes well-formed JSON', async () => {
    const tensors = tf.memory().numTensors;
    const records = await regressionStepRecords('wasm', { batchSize: 16, batches: 2, repetitions: 1, seed: 2 });
    expect(tf.memory().numTensors).toBe(tensors);
    expect(records.map((r) => r.config)).toEqual(EXPECTED_MEMBERS);
    const byName = new Map(records.map((r) => [r.config, r]));
    expect(byName.get('meanAbsoluteError')?.cpu.ratio).toBe(1);
    expect(byName.get('meanAbsoluteError')?.wall).toMatchObject({ ratio: 1, extraMs: 0, ratioQuartiles: [1, 1] });
    expect(byName.get('meanAbsoluteError')?.group).toBe('baseline');
    expect(byName.get('pinballLoss (3 levels)')?.outputs).toBe(9);
    expect(byName.get('classificationAidedRegressionLoss (10 bins)')?.outputs).toBe(33);
    for (const r of records) {
      expect(r.againstSum === undefined, r.config).toBe(r.group !== 'multi-task');
      if (r.againstSum !== undefined) {
        const sumCpu = byName.get('taskWeighter: sum')?.cpu.stepMs ?? Number.NaN;
        expectRatioOfRounded(r.againstSum.ratio, r.cpu.stepMs, sumCpu);
      }
      for (const clock of ['cpu', 'wall'] as const) {
        const summary = r[clock];
        expect(summary.stepMs, `${r.config} ${clock}`).toBeGreaterThan(0);
        expect(Number.isFinite(summary.ratio) && summary.ratio > 0).toBe(true);
        const base = byName.get('meanAbsoluteError')?.[clock].stepMs ?? Number.NaN;
        // one round: the median of the per-round ratios is the ratio of the two step times
        expectRatioOfRounded(summary.ratio, summary.stepMs, base);
        expect(summary.extraMs).toBeCloseTo(summary.stepMs - base, 2);
        expect(summary.ratioQuartiles).toEqual([summary.ratio, summary.ratio]);
      }
      expect(r).toMatchObject({ workload: 'regression', backend: 'wasm', batchSize: 16, stepsPerEpoch: 2, repetitions: 1, baseline: 'meanAbsoluteError' });
    }

    const out = join(dir, 'nested', 'loss-bench-regression.json');
    await writeBenchReport(out, { workload: 'regression', backend: 'wasm', seconds: 1.25, results: records.map((r) => ({ ...r })) });
    const parsed = JSON.parse(await readFile(out, 'utf8')) as LossBenchReport;
    expect(parsed.benchmark).toBe('loss-bench');
    expect(parsed.workload).toBe('regression');
    expect(Number.isNaN(Date.parse(parsed.date))).toBe(false);
    expect(parsed.machine.backend).toBe('wasm');
    expect(parsed.machine.tfjs).toBe(tf.version_core);
    expect(parsed.machine.cpu.length).toBeGreaterThan(0);
    expect(parsed.seconds).toBe(1.3);
    expect(parsed.results).toEqual(JSON.parse(JSON.stringify(records)));
  });
});

describe('quantile', () => {
  it('interpolates linearly between order statistics as NumPy does', () => {
    // numpy.quantile([4, 1, 3, 2], [0.25, 0.5, 0.75]) = [1.75, 2.5, 3.25]
    expect([0.25, 0.5, 0.75].map((q) => quantile([4, 1, 3, 2], q))).toEqual([1.75, 2.5, 3.25]);
    expect(quantile([], 0.5)).toBeNaN();
  });
});

describe('summarizeRounds', () => {
  it('pairs each round with the baseline of the same round', () => {
    // a member 10 % slower than the baseline in every round, while the machine slows down threefold
    const base = [1, 2, 3, 1, 2];
    const member = base.map((b) => 1.1 * b);
    const s = summarizeRounds(member, base);
    expect(s.ratio).toBe(1.1);
    expect(s.ratioQuartiles).toEqual([1.1, 1.1]);
    expect(s.stepMs).toBe(2.2);
    expect(s.extraMs).toBe(0.2);
    // rounds where the two disagree spread the ratios: [1/3, 3] has quartiles 1/3 + (3 − 1/3)/4 and 3 − (3 − 1/3)/4
    expect(summarizeRounds([1, 3], [3, 1]).ratioQuartiles).toEqual([1, 2.333]);
  });
});
