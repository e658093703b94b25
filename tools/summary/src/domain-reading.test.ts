import { summarizeRuns } from '@counterweight/experiment';
import { describe, expect, it } from 'vitest';

import { domainReading } from './domain-reading.js';
import { DOMAINS, type DomainSpec } from './domains.js';

const ctr = DOMAINS.find((d) => d.id === 'ctr') as DomainSpec;
const air = DOMAINS.find((d) => d.id === 'air') as DomainSpec;

/** Summaries of welfare ratios per method and repetition, with paired differences against logloss. */
function ctrSummaries(values: Record<string, number[]>) {
  const runs = Object.entries(values).flatMap(([method, vs]) => vs.map((v, repetition) => ({ method, repetition, seed: 100 + repetition, result: { welfareRatio: v, logloss: 0.4 } })));
  return summarizeRuns(runs, { metrics: (r) => r, baseline: 'logloss' });
}

describe('domainReading', () => {
  it('names the best objective and says its interval excludes zero when the paired differences agree', () => {
    const reading = domainReading(ctr, ctrSummaries({ logloss: [0.9, 0.91, 0.92], welfare: [0.95, 0.961, 0.969], combined: [0.9, 0.92, 0.91] }));
    expect(reading).toMatch(/^`welfare` has the best welfare ratio, \+0\.0500 against `logloss`'s 0\.9100 \(95 % interval \+0\.\d{4} to \+0\.\d{4}, 3 paired seeds: the interval excludes zero\)/);
    expect(reading).toContain('with an interval excluding zero: 1 of 2 (`welfare`).');
  });

  it('says the interval includes zero when the best mean difference is not supported by the seeds', () => {
    const reading = domainReading(ctr, ctrSummaries({ logloss: [0.9, 0.91], welfare: [0.95, 0.9] }));
    expect(reading).toMatch(/^`welfare` has the best mean welfare ratio, \+0\.0200 .* but the interval includes zero; .*: 0 of 1\.$/);
  });

  it('says no objective improves when every mean difference is on the worse side, and counts the worse ones', () => {
    const reading = domainReading(ctr, ctrSummaries({ logloss: [0.9, 0.91], welfare: [0.8, 0.81], combined: [0.899, 0.905] }));
    expect(reading).toMatch(/^No objective improves on `logloss`'s 0\.9050 welfare ratio: the closest, `combined`, is −0\.0030 /);
    expect(reading).toContain(': 0 of 2, worse: 1.');
  });

  it('reads a lower-is-better metric the other way and leaves the reference forecasters out', () => {
    const runs = Object.entries({ mae: [80, 90], lds: [60, 71], persistence: [10, 10] }).flatMap(([method, vs]) =>
      vs.map((v, repetition) => ({ method, repetition, seed: repetition, result: { 'extremeMae150.PM2.5': v, 'extremeMae75.PM2.5': v / 2 } })),
    );
    const reading = domainReading(air, summarizeRuns(runs, { metrics: (r) => r, baseline: 'mae' }));
    expect(reading).toMatch(/^`lds` has the best MAE on targets ≥ 150 µg\/m³, −19\.50 µg\/m³ against `mae`'s 85\.00 µg\/m³ \(95 % interval −25\.85 to −13\.15 µg\/m³, 2 paired seeds: the interval excludes zero\)/);
    expect(reading).not.toContain('persistence');
  });

  it('says so when there is nothing to compare', () => {
    expect(domainReading(ctr, ctrSummaries({ logloss: [0.9, 0.91] }))).toMatch(/^No objective has a paired difference in welfare ratio against `logloss`/);
  });
});
