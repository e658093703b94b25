import tQuantile from '@stdlib/stats-base-dists-t-quantile';

/** A closed interval `[lower, upper]`. */
export interface Interval {
  readonly lower: number;
  readonly upper: number;
}

/**
 * One metric over the seeds of a method: mean, sample standard deviation (n − 1 in the denominator; 0 for one value)
 * and the two-sided 95 % Student-t interval of the mean, `mean ± t(0.975, n − 1) · std / √n` (null for one value:
 * one seed says nothing about the spread). `values` are in repetition order.
 */
export interface SeedStatistics {
  readonly n: number;
  readonly mean: number;
  readonly std: number;
  readonly interval95: Interval | null;
  readonly values: readonly number[];
}

/**
 * Mean, sample standard deviation and 95 % t-interval of `values`.
 * The t quantile is `@stdlib/stats-base-dists-t-quantile` (e.g. t(0.975, 1) = 12.706, t(0.975, 4) = 2.776).
 * @throws RangeError for no values or a non-finite value (a summary of NaN would hide a failed run).
 */
export function seedStatistics(values: readonly number[]): SeedStatistics {
  const n = values.length;
  if (n === 0) throw new RangeError('seedStatistics: no values');
  const bad = values.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new RangeError(`seedStatistics: value ${bad} is ${String(values[bad])}, not a finite number`);
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const std = n > 1 ? Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1)) : 0;
  const half = n > 1 ? tQuantile(0.975, n - 1) * (std / Math.sqrt(n)) : Number.NaN;
  return { n, mean, std, interval95: n > 1 ? { lower: mean - half, upper: mean + half } : null, values: [...values] };
}

/** The part of a run record {@link summarizeRuns} reads. */
export interface SummarizedRun<R> {
  readonly method: string;
  readonly repetition: number;
  readonly seed: number;
  readonly result: R;
}

/** A method's metrics over seeds and, for every method but the baseline, its paired difference from the baseline. */
export interface MethodSummary {
  readonly method: string;
  /** Training seeds, in repetition order. */
  readonly seeds: readonly number[];
  readonly metrics: Readonly<Record<string, SeedStatistics>>;
  /**
   * Per metric, statistics of `metric(method) − metric(baseline)` over the repetitions both have (paired by
   * repetition: the same seed, split and initialisation). Absent for the baseline itself and when there is none.
   */
  readonly againstBaseline?: Readonly<Record<string, SeedStatistics>>;
}

/** Options of {@link summarizeRuns}. */
export interface SummarizeOptions<R> {
  /** The metrics of one run's result, by key (every run of a method must give the same keys). */
  readonly metrics: (result: R) => Readonly<Record<string, number>>;
  /** Methods in the order of the summaries. Default: order of first appearance in `runs`. */
  readonly methods?: readonly string[];
  /** The method every other one is compared against; no paired differences when undefined or absent from `runs`. */
  readonly baseline?: string;
}

/**
 * Summaries over seeds, one per method: every metric's {@link SeedStatistics} and the paired difference of every
 * method against the baseline (method minus baseline, per repetition, then the same statistics).
 * @throws RangeError naming a method without runs, or a run whose metric is missing or not finite.
 */
export function summarizeRuns<R>(runs: readonly SummarizedRun<R>[], options: SummarizeOptions<R>): MethodSummary[] {
  const order = options.methods ?? [...new Set(runs.map((r) => r.method))];
  const perMethod = new Map<string, Array<{ repetition: number; seed: number; metrics: Readonly<Record<string, number>> }>>();
  for (const method of order) {
    const own = runs.filter((r) => r.method === method).sort((a, b) => a.repetition - b.repetition);
    if (own.length === 0) throw new RangeError(`summarizeRuns: no runs of method ${method}`);
    perMethod.set(method, own.map((r) => ({ repetition: r.repetition, seed: r.seed, metrics: options.metrics(r.result) })));
  }
  const statsOf = (method: string, rows: ReadonlyArray<Readonly<Record<string, number>>>, keys: readonly string[]): Record<string, SeedStatistics> =>
    Object.fromEntries(
      keys.map((k) => {
        const values = rows.map((m, i) => {
          const v = m[k];
          if (v === undefined) throw new RangeError(`summarizeRuns: run ${i} of ${method} has no metric ${k}`);
          return v;
        });
        try {
          return [k, seedStatistics(values)];
        } catch (error) {
          throw new RangeError(`summarizeRuns: ${method}, metric ${k}: ${(error as Error).message}`);
        }
      }),
    );
  const base = options.baseline === undefined ? undefined : perMethod.get(options.baseline);
  return order.map((method) => {
    const rows = perMethod.get(method) ?? [];
    const keys = [...new Set(rows.flatMap((r) => Object.keys(r.metrics)))];
    const summary: MethodSummary = { method, seeds: rows.map((r) => r.seed), metrics: statsOf(method, rows.map((r) => r.metrics), keys) };
    if (base === undefined || method === options.baseline) return summary;
    const paired = rows.flatMap((r) => {
      const b = base.find((x) => x.repetition === r.repetition);
      return b === undefined ? [] : [Object.fromEntries(keys.map((k) => [k, (r.metrics[k] ?? Number.NaN) - (b.metrics[k] ?? Number.NaN)]))];
    });
    if (paired.length === 0) return summary;
    // Metrics the baseline does not have (e.g. an interval score of quantile forecasts against point forecasts) have no
    // paired difference.
    const shared = keys.filter((k) => base.every((b) => b.metrics[k] !== undefined));
    return { ...summary, againstBaseline: statsOf(`${method} − ${options.baseline ?? ''}`, paired, shared) };
  });
}
