import { summarizeRuns, type MethodSummary, type RunRecord } from '@counterweight/experiment';

import { stepsToTarget } from '../evaluation/index.js';
import { BASELINE_METHOD, type LmMethodOptions } from './methods.js';
import type { LmRunResult } from './run-one.js';

/** A column of the summary table. */
export interface HeadlineColumn {
  readonly metric: string;
  readonly title: string;
  readonly digits: number;
  readonly higherIsBetter: boolean;
}

/** One run's metrics by key (all finite). */
export function lmRunMetrics(result: LmRunResult, unit: 'character' | 'byte'): Record<string, number> {
  const last = result.curve.at(-1);
  const best = Math.min(...result.curve.map((p) => p.validationLoss));
  return {
    validationLoss: result.final.loss,
    [unit === 'character' ? 'bitsPerCharacter' : 'bitsPerByte']: result.final.bitsPerUnit ?? Number.NaN,
    perplexity: result.final.perplexity,
    estimateLoss: last?.validationLoss ?? Number.NaN,
    bestEstimateLoss: best,
    trainSeconds: result.trainSeconds,
    tokensPerSecond: result.tokensPerSecond,
  };
}

/** The summary table's columns. */
export function headlineColumns(unit: 'character' | 'byte'): HeadlineColumn[] {
  return [
    { metric: 'validationLoss', title: 'validation loss (full split)', digits: 4, higherIsBetter: false },
    { metric: unit === 'character' ? 'bitsPerCharacter' : 'bitsPerByte', title: unit === 'character' ? 'bits/char' : 'bits/byte', digits: 4, higherIsBetter: false },
    { metric: 'perplexity', title: 'perplexity', digits: 3, higherIsBetter: false },
    { metric: 'estimateLoss', title: 'last estimate', digits: 4, higherIsBetter: false },
    { metric: 'bestEstimateLoss', title: 'best estimate', digits: 4, higherIsBetter: false },
    { metric: 'tokensPerSecond', title: 'train tokens/s', digits: 0, higherIsBetter: true },
    { metric: 'trainSeconds', title: 'train s', digits: 1, higherIsBetter: false },
  ];
}

/** Summaries over seeds of every method, in the order of `methods`, with paired differences against `uniform`. */
export function summarizeLmRuns(runs: readonly RunRecord<LmMethodOptions, LmRunResult>[], methods: readonly string[], unit: 'character' | 'byte'): MethodSummary[] {
  const names = methods.filter((m) => runs.some((r) => r.method === m));
  const rows = runs.map((run) => ({ ...run, result: lmRunMetrics(run.result, unit) }));
  return summarizeRuns(rows, { metrics: (metrics: Record<string, number>) => metrics, methods: names, baseline: BASELINE_METHOD });
}

/** Steps a run needed to reach the baseline's final estimate of the same seed (null: not reached). */
export interface StepsToBaseline {
  readonly method: string;
  readonly repetition: number;
  readonly target: number;
  readonly steps: number | null;
}

/**
 * For every run, the first estimate step at which its validation estimate is at or below `uniform`'s last estimate in
 * the same repetition (same seed, same data, same initialisation): the steps each method needs to reach the plain
 * baseline's final loss. `uniform` reaches its own target at its last step or earlier.
 */
export function stepsToBaseline(runs: readonly RunRecord<LmMethodOptions, LmRunResult>[]): StepsToBaseline[] {
  const targets = new Map<number, number>();
  for (const run of runs) {
    const last = run.result.curve.at(-1);
    if (run.method === BASELINE_METHOD && last !== undefined && run.result.objective === BASELINE_METHOD) targets.set(run.repetition, last.validationLoss);
  }
  return runs.flatMap((run) => {
    const target = targets.get(run.repetition);
    if (target === undefined || !run.result.curve.length) return [];
    return [{ method: run.method, repetition: run.repetition, target, steps: stepsToTarget(run.result.curve.map((p) => ({ step: p.step, loss: p.validationLoss })), target) }];
  });
}
