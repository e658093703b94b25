import { stepTimes } from './overhead.js';
import { FORECAST_BATCH_SIZE, FORECAST_DEFAULT_BATCHES, forecastWorkload } from './forecast-workload.js';
import { REGRESSION_BASELINE, regressionMembers, type RegressionMemberGroup } from './regression-members.js';

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
  readonly stepMs: number;
  /** `stepMs` over the baseline's (plain MAE) `stepMs`. */
  readonly ratio: number;
  readonly baseline: typeof REGRESSION_BASELINE;
}

/**
 * Times a training step of the forecasting workload with every regression member ({@link regressionMembers}) in one
 * process: alternating rounds (each round trains every member one epoch from the same weights), one untimed warm-up
 * round, the median over `repetitions` rounds; each member's ratio is against plain MAE of the same sitting.
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
      const steps = await stepTimes(workload, members, { repetitions, seed: options.seed ?? 1 });
      const base = steps[REGRESSION_BASELINE] ?? Number.NaN;
      return members.map((m) => {
        const ms = steps[m.name] ?? Number.NaN;
        return {
          workload: 'regression',
          backend,
          batchSize: workload.batchSize,
          stepsPerEpoch,
          repetitions,
          config: m.name,
          group: m.group,
          outputs: m.outputs,
          stepMs: Number(ms.toFixed(3)),
          ratio: Number((ms / base).toFixed(3)),
          baseline: REGRESSION_BASELINE,
        };
      });
    } finally {
      owned.dispose();
    }
  } finally {
    workload.dispose();
  }
}
