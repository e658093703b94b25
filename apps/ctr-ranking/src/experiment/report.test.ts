import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { openRunDirectory, type RunRecord } from '@counterweight/experiment';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { removeTempDirs, tempDir } from '../data/test-support/temp.js';
import type { OffPolicyReport } from '../evaluation/off-policy.js';
import { ctrRunMetrics, summarizeCtrRuns, writeCtrReport } from './report.js';
import type { CtrRunResult } from './run-one.js';
import type { CtrMethodOptions } from './settings.js';
import { tinyData, TINY_SETTINGS } from './test-support/tiny.js';

type Run = RunRecord<CtrMethodOptions, CtrRunResult>;

/** A result whose every number is distinct, so that a metric read from the wrong field shows. */
function result(welfareRatio: number, logloss: number, offPolicy?: OffPolicyReport): CtrRunResult {
  return {
    test: {
      candidates: 90,
      auctions: 24,
      auc: 0.71,
      logloss,
      normalizedEntropy: 0.93,
      relativeInformationGain: 0.07,
      ece: 0.021,
      predictedOverObserved: 1.13,
      welfareRatio,
      welfareOutcome: 'exact',
      revenuePerAuction: 0.45,
      recalibrated: { scale: 0.8, logloss: logloss - 0.01, normalizedEntropy: 0.9, relativeInformationGain: 0.1, ece: 0.011, predictedOverObserved: 1.01, revenuePerAuction: 0.46 },
      reliability: [
        { predicted: 0.1, observed: 0.12, count: 45 },
        { predicted: 0.3, observed: 0.27, count: 45 },
      ],
    },
    ...(offPolicy === undefined ? {} : { offPolicy }),
    history: [{ epoch: 1, loss: 0.5, seconds: 0.25, candidatesPerSecond: 1000 }],
    trainSeconds: 0.25,
  };
}

function run(method: string, objective: CtrMethodOptions['objective'], repetition: number, r: CtrRunResult): Run {
  return { method, options: { objective }, repetition, seed: 100 + repetition, dir: `/runs/${method}/seed-${repetition}`, result: r, reused: false };
}

const RUNS: Run[] = [
  run('logloss', 'logloss', 0, result(0.7, 0.4)),
  run('logloss', 'logloss', 1, result(0.72, 0.41)),
  run('welfare', 'welfare', 0, result(0.75, 0.45)),
  run('welfare', 'welfare', 1, result(0.8, 0.47)),
];

let root: string;
beforeAll(async () => {
  root = await tempDir('report');
});
afterAll(removeTempDirs);

describe('ctrRunMetrics', () => {
  it('reads every summarised metric from its own field', () => {
    expect(ctrRunMetrics(result(0.77, 0.39))).toEqual({
      welfareRatio: 0.77,
      revenuePerAuction: 0.45,
      auc: 0.71,
      logloss: 0.39,
      normalizedEntropy: 0.93,
      ece: 0.021,
      predictedOverObserved: 1.13,
      recalibratedLogloss: 0.39 - 0.01,
      recalibratedEce: 0.011,
      recalibratedRevenuePerAuction: 0.46,
      trainSeconds: 0.25,
    });
  });
});

describe('summarizeCtrRuns', () => {
  it('summarises each method over its seeds and pairs it with logloss by repetition', () => {
    const [base, welfare] = summarizeCtrRuns(RUNS, ['logloss', 'welfare']);
    expect(base?.method).toBe('logloss');
    expect(base?.againstBaseline).toBeUndefined();
    expect(welfare?.metrics['welfareRatio']?.values).toEqual([0.75, 0.8]);
    // Paired differences: 0.75 − 0.7 and 0.8 − 0.72.
    const d = welfare?.againstBaseline?.['welfareRatio'];
    expect(d?.values[0]).toBeCloseTo(0.05, 12);
    expect(d?.values[1]).toBeCloseTo(0.08, 12);
  });
});

describe('writeCtrReport', () => {
  it('writes metrics.json, the charts and report.md: table, reading against logloss, no off-policy section without logs', async () => {
    const out = await openRunDirectory(join(root, 'plain'), { app: 'ctr-ranking', mode: 'new' });
    const summaries = summarizeCtrRuns(RUNS, ['logloss', 'welfare']);
    const files = await writeCtrReport(out, { settings: TINY_SETTINGS, data: tinyData(), runs: RUNS, summaries, seeds: [100, 101] });
    expect(files.charts).toEqual(['tradeoff.png', 'reliability.png']);
    for (const file of [files.markdown, files.metrics, ...files.charts]) expect(existsSync(join(out.dir, file)), file).toBe(true);
    const metrics = JSON.parse(await readFile(join(out.dir, files.metrics), 'utf8')) as { settings: unknown; runs: unknown[]; summaries: unknown[] };
    expect(metrics.settings).toEqual(TINY_SETTINGS);
    expect(metrics.runs).toHaveLength(4);
    expect(metrics.summaries).toHaveLength(2);
    const report = await readFile(join(out.dir, files.markdown), 'utf8');
    // welfare ratio of welfare: mean 0.775, sample std of (0.75, 0.8) = 0.05/√2 = 0.0354.
    expect(report).toMatch(/^\| `welfare` +\| +0\.7750 ± 0\.0354 \|/m);
    expect(report).toContain('Auctions: train 48, validation 16, test 24; 4 candidate slots each.');
    expect(report).toMatch(/Difference in welfare ratio \(exact, true CTRs known\) against `logloss`/);
    expect(report).toMatch(/- `welfare`: \+6\.50 points \(95 % interval/);
    expect(report).not.toContain('Off-policy');
    expect(report).toContain('## Provenance');
  });

  it('adds the off-policy section when the runs have off-policy estimates', async () => {
    const e = (estimate: number): { estimate: number; stdError: number; ci95: [number, number] } => ({ estimate, stdError: 0.001, ci95: [estimate - 0.002, estimate + 0.002] });
    const offPolicy: OffPolicyReport = {
      rows: 3000,
      matched: 88,
      ips: { clickRate: e(0.0051), welfare: e(0.0062) },
      snips: { clickRate: e(0.0049), welfare: e(0.0058) },
      logged: { clickRate: e(0.0046), welfare: e(0.0055) },
    };
    // The second repetition's model never picks the logged item: no SNIPS (its ratio is undefined).
    const { snips: _none, ...unmatched } = { ...offPolicy, matched: 0 };
    const runs = RUNS.map((r) => ({ ...r, result: result(r.result.test.welfareRatio, r.result.test.logloss, r.repetition === 0 ? offPolicy : unmatched) }));
    const out = await openRunDirectory(join(root, 'logged'), { app: 'ctr-ranking', mode: 'new' });
    const files = await writeCtrReport(out, { settings: TINY_SETTINGS, data: tinyData(), runs, summaries: summarizeCtrRuns(runs, ['logloss', 'welfare']), seeds: [100, 101] });
    const report = await readFile(join(out.dir, files.markdown), 'utf8');
    expect(report).toContain('## Off-policy estimates on the logged test impressions');
    expect(report).toContain('3000 impressions');
    // Per 100 impressions: 0.0051 → 0.510 [0.310, 0.710]; the method is named on its first row only.
    expect(report).toMatch(/^\| `logloss` +\| +0 \| +88 \| +0\.510 \[0\.310, 0\.710\] \| +0\.620 \[0\.420, 0\.820\] \| +0\.580 \[0\.380, 0\.780\] \|$/m);
    expect(report).toMatch(/^\| +\| +1 \| +0 \| .* \| +— \(none matched\) \|$/m);
    expect(report).toContain('Uniform logging policy itself: clicks / 100 0.460 [0.260, 0.660], welfare / 100 0.550 [0.350, 0.750].');
  });
});
