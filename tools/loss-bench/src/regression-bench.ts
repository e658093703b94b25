import { median } from '@counterweight/bench-kit';

import { stepTimeRounds } from './overhead.js';
import { FORECAST_BATCH_SIZE, FORECAST_DEFAULT_BATCHES, forecastWorkload } from './forecast-workload.js';
import { REGRESSION_BASELINE, SUM_WEIGHTER_MEMBER, regressionMembers, type RegressionMemberGroup } from './regression-members.js';

/** Options of {@link regressionStepRecords}; defaults are the bench's. */
export interface RegressionBenchOptions {
  /** Seeds the series and the initial weights (default 1). */
  readonly seed?: number;
  /** Rows per batch (default {@link FORECAST_BATCH_SIZE}). */
  readonly batchSize?: number;
  /** Steps per timed epoch (default {@link FORECAST_DEFAULT_BATCHES}). */
  readonly batches?: number;
  /** Timed rounds after the warm-up round; each round trains every member one epoch (default 10). */
  readonly repetitions?: number;
}

/** One member's measurement: median milliseconds per training step and the ratio to the baseline of the same sitting. */
export interface RegressionStepRecord {
  readonly workload: 'regression';
  readonly backend: string;
  readonly batchSize: number;
  readonly stepsPerEpoch: number;
  readonly repetitions: number;
  readonly config: string;
  readonly group: RegressionMemberGroup;
  /** Output width of the member's model. */
  readonly outputs: number;
  /** The process's CPU time per step (steadier on a shared machine: waiting for a core is not counted). */
  readonly cpu: StepSummary;
  /** Wall-clock time per step (the trainer's samples per second). */
  readonly wall: StepSummary;
  /**
   * Multi-task members only: CPU time against the plain-sum weighter's in the same round — what the weighting itself
   * costs, apart from splitting the loss into per-task losses (which every weighter needs).
   */
  readonly againstSum?: StepSummary;
  readonly baseline: typeof REGRESSION_BASELINE;
}

/** One clock's summary of a member's step times against the baseline's. */
export interface StepSummary {
  /** Median milliseconds per training step over the timed rounds. */
  readonly stepMs: number;
  /** `stepMs` minus the baseline's `stepMs`: what the member adds to a step, in milliseconds. */
  readonly extraMs: number;
  /** Median over rounds of the member's step time over the baseline's (plain MAE) in the same round. */
  readonly ratio: number;
  /** First and third quartile of those per-round ratios (the spread a busy machine leaves). */
  readonly ratioQuartiles: readonly [number, number];
}

/** Summarises a member's per-round step times against the baseline's of the same rounds (3 decimals). */
export function summarizeRounds(times: readonly number[], baseRounds: readonly number[]): StepSummary {
  const ms = median(times);
  const ratios = times.map((t, r) => t / (baseRounds[r] ?? Number.NaN));
  const round3 = (v: number): number => Number(v.toFixed(3));
  return {
    stepMs: round3(ms),
    extraMs: round3(ms - median(baseRounds)),
    ratio: round3(median(ratios)),
    ratioQuartiles: [round3(quantile(ratios, 0.25)), round3(quantile(ratios, 0.75))],
  };
}

/** The q-quantile of `values` (linear interpolation between order statistics, as NumPy's default); NaN when empty. */
export function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const at = (sorted.length - 1) * q;
  const low = Math.floor(at);
  const a = sorted[low] ?? Number.NaN;
  const b = sorted[Math.min(low + 1, sorted.length - 1)] ?? Number.NaN;
  return a + (b - a) * (at - low);
}

/**
 * Times a training step of the forecasting workload with every regression member ({@link regressionMembers}) in one
 * process: alternating rounds (each round trains every member one epoch from the same weights), one untimed warm-up
 * round, the median over `repetitions` rounds, on two clocks (process CPU time and wall time); each member's ratio is
 * the median over rounds of its step time over plain MAE's in the same round (paired, so a slow stretch of a shared
 * machine cancels out), with the quartiles.
 * Leaves no tensor behind (the workload and the members' variables are disposed).
 */
export async function regressionStepRecords(backend: string, options: RegressionBenchOptions = {}): Promise<RegressionStepRecord[]> {
  const workload = forecastWorkload({
    seed: options.seed ?? 1,
    batchSize: options.batchSize ?? FORECAST_BATCH_SIZE,
    batches: options.batches ?? FORECAST_DEFAULT_BATCHES,
  });
  const stepsPerEpoch = options.batches ?? FORECAST_DEFAULT_BATCHES;
  const repetitions = options.repetitions ?? 10;
  try {
    const owned = regressionMembers(workload);
    const { members } = owned;
    try {
      const { wallMs, cpuMs } = await stepTimeRounds(workload, members, { repetitions, seed: options.seed ?? 1 });
      return members.map((m) => ({
          workload: 'regression',
          backend,
          batchSize: workload.batchSize,
          stepsPerEpoch,
          repetitions,
          config: m.name,
          group: m.group,
          outputs: m.outputs,
          cpu: summarizeRounds(cpuMs[m.name] ?? [], cpuMs[REGRESSION_BASELINE] ?? []),
          wall: summarizeRounds(wallMs[m.name] ?? [], wallMs[REGRESSION_BASELINE] ?? []),
          ...(m.group === 'multi-task' ? { againstSum: summarizeRounds(cpuMs[m.name] ?? [], cpuMs[SUM_WEIGHTER_MEMBER] ?? []) } : {}),
          baseline: REGRESSION_BASELINE,
      }));
    } finally {
      owned.dispose();
    }
  } finally {
    workload.dispose();
  }
}
