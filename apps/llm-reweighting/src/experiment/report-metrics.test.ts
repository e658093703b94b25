import type { RunRecord } from '@counterweight/experiment';
import { describe, expect, it } from 'vitest';

import type { LmMethodOptions } from './methods.js';
import { lmRunMetrics, stepsToBaseline } from './report-metrics.js';
import type { LmRunResult } from './run-one.js';

function run(method: string, repetition: number, losses: number[]): RunRecord<LmMethodOptions, LmRunResult> {
  return {
    method,
    repetition,
    seed: 100 + repetition,
    dir: `runs/${method}/seed-${repetition}`,
    reused: false,
    options: { objective: method },
    result: {
      kind: 'lm',
      objective: method,
      curve: losses.map((loss, i) => ({ step: i * 10, tokens: i * 80, trainLoss: i === 0 ? null : loss + 0.1, validationLoss: loss, seconds: 1, tokensPerSecond: i === 0 ? 0 : 80 })),
      final: { tokens: 100, loss: losses.at(-1) ?? 0, perplexity: Math.exp(losses.at(-1) ?? 0), bitsPerToken: (losses.at(-1) ?? 0) / Math.LN2, bitsPerUnit: (losses.at(-1) ?? 0) / Math.LN2 },
      trainSeconds: 3,
      tokensPerSecond: 80,
      samples: null,
      weights: [],
    },
  };
}

describe('steps to the plain baseline’s final loss', () => {
  it("pairs every run with uniform's last estimate of the same repetition", () => {
    const runs = [run('uniform', 0, [4, 3, 2.5, 2.2]), run('uniform', 1, [4, 3, 2.4, 2.1]), run('linupper', 0, [4, 2.9, 2.2, 2.0]), run('linupper', 1, [4, 3.1, 2.6, 2.3])];
    expect(stepsToBaseline(runs)).toEqual([
      { method: 'uniform', repetition: 0, target: 2.2, steps: 30 },
      { method: 'uniform', repetition: 1, target: 2.1, steps: 30 },
      { method: 'linupper', repetition: 0, target: 2.2, steps: 20 },
      { method: 'linupper', repetition: 1, target: 2.1, steps: null },
    ]);
  });

  it('reads the metrics of a run from its curve and final evaluation', () => {
    const metrics = lmRunMetrics(run('uniform', 0, [4, 3, 2.5, 2.7]).result, 'character');
    expect(metrics).toMatchObject({ validationLoss: 2.7, estimateLoss: 2.7, bestEstimateLoss: 2.5, tokensPerSecond: 80, trainSeconds: 3 });
    expect(metrics['bitsPerCharacter']).toBeCloseTo(2.7 / Math.LN2, 12);
  });
});
