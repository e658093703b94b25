import { ConfigError } from '@counterweight/runtime';
import { describe, expect, it } from 'vitest';

import { loadOpenBandit } from '../data/open-bandit.js';
import type { OffPolicyLog } from '../data/off-policy-log.js';
import { argmaxWelfare, evaluateCtrModel, evaluateOffPolicy } from './off-policy.js';

/** 4 impressions, 2 candidates worth 1 and 2 per click, logged uniformly (p = 0.5). */
const tiny: OffPolicyLog = {
  spec: { numericNames: [], categoricalFields: [], buckets: [] },
  rows: 4,
  candidates: 2,
  numeric: new Float32Array(0),
  categorical: new Int32Array(0),
  value: Float32Array.from([1, 2, 1, 2, 1, 2, 1, 2]),
  action: Int32Array.from([0, 1, 0, 1]),
  click: Float32Array.from([1, 0, 0, 1]),
  propensity: Float64Array.from([0.5, 0.5, 0.5, 0.5]),
  description: 'hand-computed',
};

describe('evaluateOffPolicy', () => {
  it('matches a hand-computed log', () => {
    const report = evaluateOffPolicy(tiny, [1, 1, 1, 1]);
    expect(report.matched).toBe(2);
    // IPS click terms [0, 0, 0, 2]: mean 0.5, sample sd 1, SE 0.5
    expect(report.ips.clickRate.estimate).toBe(0.5);
    expect(report.ips.clickRate.stdError).toBeCloseTo(0.5, 12);
    expect(report.ips.clickRate.ci95[0]).toBeCloseTo(0.5 - 1.959964 * 0.5, 5);
    // IPS welfare terms [0, 0, 0, 4]: mean 1, SE 1
    expect(report.ips.welfare.estimate).toBe(1);
    expect(report.ips.welfare.stdError).toBeCloseTo(1, 12);
    // SNIPS: weights [0, 2, 0, 2], clicks [1, 0, 0, 1] -> 2 / 4; delta SE sqrt((-1)^2 + 1^2) / 4
    expect(report.snips?.clickRate.estimate).toBe(0.5);
    expect(report.snips?.clickRate.stdError).toBeCloseTo(Math.SQRT2 / 4, 12);
    expect(report.snips?.welfare.estimate).toBe(1);
    // logging policy: clicks [1, 0, 0, 1], welfare [1, 0, 0, 2]
    expect(report.logged.clickRate.estimate).toBe(0.5);
    expect(report.logged.welfare.estimate).toBe(0.75);
    const never = evaluateOffPolicy(tiny, [1, 0, 1, 0]);
    expect(never.matched).toBe(0);
    expect(never.ips.clickRate.estimate).toBe(0);
    expect(never.snips).toBeUndefined(); // nothing matched: the ratio is undefined, not NaN
  });

  it('picks argmax value·p̂ and validates its inputs', () => {
    expect([...argmaxWelfare(tiny, [0.5, 0.2, 0.1, 0.3, 0.4, 0.2, 0, 0])]).toEqual([0, 1, 0, 0]);
    expect(evaluateCtrModel(tiny, [0.1, 0.9, 0.1, 0.9, 0.1, 0.9, 0.1, 0.9]).ips.welfare.estimate).toBe(1);
    expect(() => argmaxWelfare(tiny, [1])).toThrow(ConfigError);
    expect(() => evaluateOffPolicy(tiny, [0, 0, 0, 2])).toThrow(/row 3: 2 is not a candidate/);
  });

  it('on the real Open Bandit random/men log: constant policies average to the logged click rate, SNIPS to per-item rates', async () => {
    const data = await loadOpenBandit({ campaign: 'men', seed: 0, testFraction: 0.5 });
    const log = data.testLog;
    expect(log.candidates).toBe(34);
    let sum = 0;
    let snipsClicks = 0;
    for (let item = 0; item < 34; item += 1) {
      const report = evaluateOffPolicy(log, new Int32Array(log.rows).fill(item));
      sum += report.ips.clickRate.estimate;
      // SNIPS of "always item j" = observed click rate of item j (constant propensity)
      let shown = 0;
      let clicked = 0;
      for (let r = 0; r < log.rows; r += 1) {
        if (log.action[r] === item) {
          shown += 1;
          clicked += log.click[r] ?? 0;
        }
      }
      expect(report.matched).toBe(shown);
      expect(report.snips?.clickRate.estimate).toBeCloseTo(clicked / shown, 12);
      snipsClicks += clicked;
    }
    const logged = evaluateOffPolicy(log, log.action).logged.clickRate.estimate;
    // uniform logging with p = 1/34: the mean of the 34 constant policies' IPS equals the observed click rate
    expect(sum / 34).toBeCloseTo(logged, 12);
    expect(snipsClicks / log.rows).toBeCloseTo(logged, 12);
    // the logging policy evaluated on itself: every row matches, IPS = 34 × observed rate (no division by 34 without the others)
    const self = evaluateOffPolicy(log, log.action);
    expect(self.matched).toBe(log.rows);
    expect(self.snips?.clickRate.estimate).toBeCloseTo(logged, 12);
    // a per-item CTR "model" fitted on the training impressions (Laplace-smoothed): finite estimates, ordered intervals
    const shown = new Float64Array(34).fill(1);
    const clicked = new Float64Array(34).fill(0.005);
    for (let r = 0; r < data.trainLog.rows; r += 1) {
      const a = data.trainLog.action[r] ?? 0;
      shown[a] = (shown[a] ?? 0) + 1;
      clicked[a] = (clicked[a] ?? 0) + (data.trainLog.click[r] ?? 0);
    }
    const ctr = Float32Array.from({ length: log.rows * 34 }, (_, i) => (clicked[i % 34] ?? 0) / (shown[i % 34] ?? 1));
    const model = evaluateCtrModel(log, ctr);
    expect(model.matched).toBeGreaterThan(0);
    expect(model.snips).toBeDefined();
    for (const e of [model.ips.clickRate, model.ips.welfare, ...(model.snips === undefined ? [] : [model.snips.welfare])]) {
      expect(Number.isFinite(e.stdError)).toBe(true);
      expect(e.ci95[0]).toBeLessThanOrEqual(e.estimate);
      expect(e.ci95[1]).toBeGreaterThanOrEqual(e.estimate);
    }
  });
});
