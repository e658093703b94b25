import type { RunTask } from '@counterweight/experiment';

import { syntheticAuctions, TINY_SPEC } from '../../models/test-support/synthetic.js';
import type { CtrData } from '../prepare-data.js';
import type { CtrMethodOptions, CtrSettings } from '../settings.js';

/**
 * Tiny auctions for unit tests of the experiment modules: 48 training, 16 validation and 24 test auctions of 4 slots
 * (3 numeric features, 2 categorical fields, the last slot of every third auction padded, true CTRs known), from
 * independent seeds.
 */
export function tinyData(): CtrData {
  return {
    train: syntheticAuctions(TINY_SPEC, 48, 4, 11),
    validation: syntheticAuctions(TINY_SPEC, 16, 4, 12),
    test: syntheticAuctions(TINY_SPEC, 24, 4, 13),
    description: 'tiny test auctions',
  };
}

/** Settings of a tiny comparison: logistic model, Adam lr 0.05, 3 epochs of 16 auctions, a logistic teacher of 2 epochs. */
export const TINY_SETTINGS: CtrSettings = {
  data: { kind: 'synthetic', generator: 'A', auctions: 48, candidates: 4 },
  dataSeed: 5,
  model: { kind: 'logistic' },
  optimizer: 'adam',
  learningRate: 0.05,
  epochs: 3,
  batchSize: 16,
  temperature: 0.05,
  teacherMix: 1,
  teacher: { kind: 'model', model: { kind: 'logistic' }, epochs: 2 },
};

/** A run task of `options` with training seed `seed` in `dir` (repetition 0). */
export function tinyTask(dir: string, options: CtrMethodOptions, seed = 7, input?: Float32Array): RunTask<CtrSettings, CtrMethodOptions> {
  const method = options.objective === 'combined' ? `combined-${options.lambda ?? 0.5}` : options.objective;
  return { method, options, repetition: 0, seed, settings: TINY_SETTINGS, dir, ...(input === undefined ? {} : { input }) };
}
