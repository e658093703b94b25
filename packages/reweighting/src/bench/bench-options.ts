import { parseArgs } from 'node:util';

import { BenchOptionError, listOption } from '@counterweight/bench-kit';

/** The estimators the bench times, in canonical (report) order. */
export const ESTIMATOR_NAMES = [
  'classifier-linear',
  'classifier-quadratic',
  'classifier-isotonic',
  'kliep',
  'double-weighting-d1',
  'double-weighting-d4',
  'ipm-ate',
  'r-learner',
  'shift-attribution',
] as const;

/** One of {@link ESTIMATOR_NAMES}. */
export type EstimatorName = (typeof ESTIMATOR_NAMES)[number];

/** Default sample sizes of the kernel estimators (KLIEP, double weighting, IPM balancing): O(n²) memory or worse. */
export const DEFAULT_KERNEL_SIZES: readonly number[] = [100, 200, 400, 800];
/** Default sample sizes of the estimators on explicit features (classifier ratios, R-learner, shift attribution). */
export const DEFAULT_FEATURE_SIZES: readonly number[] = [1000, 4000, 16000];

/** What one run of the bench measures. */
export interface BenchPlan {
  readonly estimators: readonly EstimatorName[];
  /** n of the kernel estimators, ascending, distinct. */
  readonly kernelSizes: readonly number[];
  /** n of the feature estimators, ascending, distinct. */
  readonly featureSizes: readonly number[];
  /** Timed repetitions per (estimator, n); the median is reported. */
  readonly repetitions: number;
  /** Calls per repetition are doubled until one repetition lasts this long (fast fits get several calls). */
  readonly minSeconds: number;
  /** Seed of the synthetic designs. */
  readonly seed: number;
  /** Larger sizes of an estimator are skipped once one fit takes longer than this (seconds). */
  readonly maxFitSeconds: number;
  /** One repetition and the smallest two sizes of each family: a smoke test, not numbers to quote. */
  readonly quick: boolean;
  /** Output file; undefined: bench-results/reweighting.json at the repository root. */
  readonly out: string | undefined;
}

/** The flags the bench accepts, for the one-line error message. */
export const BENCH_FLAGS = '--estimators, --kernel-sizes, --feature-sizes, --repetitions, --min-seconds, --max-fit-seconds, --seed, --quick, --out';

function integerOption(value: string | undefined, fallback: number, flag: string, minimum: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < minimum) {
    throw new BenchOptionError(flag, `must be an integer ≥ ${minimum}, got "${value}"`);
  }
  return n;
}

function secondsOption(value: string | undefined, fallback: number, flag: string, minimum: number): number {
  if (value === undefined) return fallback;
  const s = Number(value);
  if (value.trim() === '' || !(s >= minimum && s <= 3600)) {
    throw new BenchOptionError(flag, `must be a number of seconds from ${minimum} to 3600, got "${value}"`);
  }
  return s;
}

/**
 * A comma-separated list of sample sizes (`--kernel-sizes 100,200,400`), returned ascending without repeats.
 * @throws BenchOptionError naming `flag` for an empty list or a value that is not an integer ≥ `minimum`.
 */
export function sizesOption(value: string | undefined, fallback: readonly number[], flag: string, minimum: number): readonly number[] {
  if (value === undefined) return fallback;
  const parts = value.split(',').map((v) => v.trim()).filter((v) => v !== '');
  const sizes = parts.map(Number);
  if (sizes.length === 0 || sizes.some((n) => !Number.isInteger(n) || n < minimum)) {
    throw new BenchOptionError(flag, `must be comma-separated integers ≥ ${minimum}, got "${value}"`);
  }
  return [...new Set(sizes)].sort((a, b) => a - b);
}

/**
 * The bench's plan from its command-line arguments (`process.argv.slice(2)`). Defaults: every estimator, kernel sizes
 * 100, 200, 400, 800, feature sizes 1,000, 4,000, 16,000, 5 repetitions, 0.2 s per repetition at least, larger sizes
 * skipped after a fit of over 30 s, seed 1.
 * `--quick`: 1 repetition, 0 s, the two smallest sizes of each list.
 * @throws BenchOptionError (or node:util's `ERR_PARSE_ARGS_*`) for an unknown flag or a bad value, naming the flag.
 */
export function parseBenchOptions(args: readonly string[]): BenchPlan {
  const { values: flags } = parseArgs({
    args: [...args],
    options: {
      estimators: { type: 'string' },
      'kernel-sizes': { type: 'string' },
      'feature-sizes': { type: 'string' },
      repetitions: { type: 'string' },
      'min-seconds': { type: 'string' },
      'max-fit-seconds': { type: 'string' },
      seed: { type: 'string' },
      quick: { type: 'boolean' },
      out: { type: 'string' },
    },
  });
  const quick = flags.quick === true;
  const shorten = (sizes: readonly number[]): readonly number[] => (quick ? sizes.slice(0, 2) : sizes);
  // Kernel methods need a few rows per group and per fold (KLIEP's 5 folds, IPM's two arms): at least 20.
  const kernelSizes = shorten(sizesOption(flags['kernel-sizes'], DEFAULT_KERNEL_SIZES, '--kernel-sizes', 20));
  const featureSizes = shorten(sizesOption(flags['feature-sizes'], DEFAULT_FEATURE_SIZES, '--feature-sizes', 20));
  return {
    estimators: listOption(flags.estimators, ESTIMATOR_NAMES, '--estimators'),
    kernelSizes,
    featureSizes,
    repetitions: integerOption(flags.repetitions, quick ? 1 : 5, '--repetitions', 1),
    minSeconds: secondsOption(flags['min-seconds'], quick ? 0 : 0.2, '--min-seconds', 0),
    maxFitSeconds: secondsOption(flags['max-fit-seconds'], 30, '--max-fit-seconds', 0.001),
    seed: integerOption(flags.seed, 1, '--seed', 0),
    quick,
    out: flags.out,
  };
}
