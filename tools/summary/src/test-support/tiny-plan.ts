import { DOMAINS, type DomainId, type DomainSpec } from '../domains.js';
import type { MainJobStep } from '../main-job.js';

/**
 * The main job with settings small enough for a test (about 30 s of CPU for all four apps): two seeds each (so there
 * are intervals and paired differences), the baseline and one or two objectives, one epoch or twenty steps, a few
 * hundred examples. Real runs of the apps' real comparisons, not their results.
 */
const TINY_ARGS: Readonly<Record<DomainId, readonly string[]>> = {
  vision: ['--imbalance-ratio', '10', '--epochs', '1', '--seeds', '2', '--recipes', 'ce,la-posthoc', '--n-max', '100', '--test-per-class', '20'],
  ctr: ['--auctions', '500', '--epochs', '2', '--seeds', '2', '--losses', 'logloss,welfare'],
  air: ['--stride', '24', '--epochs', '1', '--seeds', '2', '--methods', 'persistence,mae,fmae', '--train-start', '2015-01-01'],
  llm: [
    ...['--layers', '1', '--width', '16', '--heads', '2', '--context', '16', '--batch-size', '4', '--steps', '20', '--eval-every', '10', '--warmup', '5'],
    ...['--reweighting-warmup', '10', '--eval-windows', '16', '--sample-tokens', '0', '--seeds', '2', '--strategies', 'uniform,linupper'],
  ],
};

/** The tiny plan of the given domains (default: all four). */
export function tinyPlan(domains: readonly DomainSpec[] = DOMAINS): MainJobStep[] {
  return domains.map((domain) => ({ domain, args: TINY_ARGS[domain.id] }));
}

/** Flags and environment of every tiny comparison: one worker, no progress output, the wasm backend. */
export const TINY_EXTRA_ARGS: readonly string[] = ['--jobs', '1', '--quiet'];
export const TINY_ENV: Readonly<Record<string, string>> = { COUNTERWEIGHT_BACKEND: 'wasm', COUNTERWEIGHT_QUIET: '1' };
