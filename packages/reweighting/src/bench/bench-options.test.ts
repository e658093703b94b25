import { BenchOptionError } from '@counterweight/bench-kit';
import { describe, expect, it } from 'vitest';

import { DEFAULT_FEATURE_SIZES, DEFAULT_KERNEL_SIZES, ESTIMATOR_NAMES, parseBenchOptions, sizesOption } from './bench-options.js';

describe('parseBenchOptions', () => {
  it('defaults to every estimator at the default sizes, 5 repetitions, seed 1', () => {
    expect(parseBenchOptions([])).toEqual({
      estimators: ESTIMATOR_NAMES,
      kernelSizes: DEFAULT_KERNEL_SIZES,
      featureSizes: DEFAULT_FEATURE_SIZES,
      repetitions: 5,
      minSeconds: 0.2,
      maxFitSeconds: 30,
      seed: 1,
      quick: false,
      out: undefined,
    });
  });

  it('reads every flag; subsets come back in canonical order, sizes ascending without repeats', () => {
    const plan = parseBenchOptions([
      '--estimators', 'shift-attribution, kliep',
      '--kernel-sizes', '400,100,100',
      '--feature-sizes=2000',
      '--repetitions', '3',
      '--min-seconds', '0.5',
      '--max-fit-seconds', '10',
      '--seed', '7',
      '--out', '/tmp/x.json',
    ]);
    expect(plan.estimators).toEqual(['kliep', 'shift-attribution']);
    expect(plan.kernelSizes).toEqual([100, 400]);
    expect(plan.featureSizes).toEqual([2000]);
    expect(plan).toMatchObject({ repetitions: 3, minSeconds: 0.5, maxFitSeconds: 10, seed: 7, out: '/tmp/x.json', quick: false });
  });

  it('--quick: one repetition, no calibration time, the two smallest sizes', () => {
    const plan = parseBenchOptions(['--quick', '--kernel-sizes', '300,50,100']);
    expect(plan).toMatchObject({ quick: true, repetitions: 1, minSeconds: 0, kernelSizes: [50, 100], featureSizes: [1000, 4000] });
    expect(parseBenchOptions(['--quick', '--repetitions', '2']).repetitions).toBe(2);
  });

  it('rejects bad values with an error naming the flag', () => {
    const fails = (args: string[], pattern: RegExp): void => {
      expect(() => parseBenchOptions(args)).toThrow(BenchOptionError);
      expect(() => parseBenchOptions(args)).toThrow(pattern);
    };
    fails(['--estimators', 'kmm'], /^--estimators: unknown or empty value "kmm"/);
    fails(['--estimators', ','], /^--estimators: unknown or empty value/);
    fails(['--kernel-sizes', '100,abc'], /^--kernel-sizes: must be comma-separated integers ≥ 20, got "100,abc"/);
    fails(['--kernel-sizes', '10'], /^--kernel-sizes: .*got "10"/);
    fails(['--feature-sizes', ''], /^--feature-sizes: must be comma-separated integers/);
    fails(['--repetitions', '0'], /^--repetitions: must be an integer ≥ 1, got "0"/);
    fails(['--repetitions', '2.5'], /^--repetitions: /);
    fails(['--seed=-1'], /^--seed: must be an integer ≥ 0/);
    fails(['--min-seconds=-0.1'], /^--min-seconds: must be a number of seconds from 0 to 3600/);
    fails(['--max-fit-seconds', '0'], /^--max-fit-seconds: /);
    expect(() => parseBenchOptions(['--sizes', '100'])).toThrow(expect.objectContaining({ code: 'ERR_PARSE_ARGS_UNKNOWN_OPTION' }));
  });
});

describe('sizesOption', () => {
  it('returns the fallback when absent and parses blanks around values', () => {
    expect(sizesOption(undefined, [5], '--x', 1)).toEqual([5]);
    expect(sizesOption(' 30 , 20 ,', [5], '--x', 20)).toEqual([20, 30]);
  });
});
