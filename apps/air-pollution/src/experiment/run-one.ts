import { announceResume, type EpochProgress, type Runner, type RunTask } from '@counterweight/experiment';

import type { ForecastWindows } from '../data/forecast-windows.js';
import { evaluateForecasts, persistenceForecast, seasonalNaiveForecast, type ForecastEvaluation } from '../evaluation/index.js';
import { fitQuantileCalibration } from '../objectives/index.js';
import { writeTrainedForecaster } from './export-run.js';
import { forecastSplit, type SplitForecasts } from './forecast-outputs.js';
import { runOrdinalForecasts, type OrdinalRunResult } from './ordinal-run.js';
import { prepareData, type AirData } from './prepare-data.js';
import type { AirMethodOptions, AirSettings } from './settings.js';
import { trainForecaster, type ForecastEpoch, type TaskWeightsAtEpoch } from './train-forecaster.js';
import { episodeForecast } from './worst-episode.js';

/** The worst episode as one method forecast it (the median and its calibrated 10–90 % band for `quantile`). */
export interface EpisodeForecast {
  readonly forecast: readonly (number | null)[];
  readonly lower?: readonly (number | null)[];
  readonly upper?: readonly (number | null)[];
}

/** What a forecasting run (a baseline or a trained forecaster) gives the harness. */
export interface ForecastRunResult {
  readonly kind: 'forecast';
  readonly test: ForecastEvaluation;
  readonly episode: EpisodeForecast | null;
  /** Empty for the baselines. */
  readonly history: readonly ForecastEpoch[];
  readonly taskWeights: readonly TaskWeightsAtEpoch[];
  readonly bestEpoch: number;
  readonly trainSeconds: number;
  /** Baselines: forecast cells without a value, filled by the fallback (see {@link fillBaselineGaps}); 0 for models. */
  readonly filledCells: number;
}

/** A run's result: forecasts, or the ordinal AQI forecasts. */
export type AirRunResult = ForecastRunResult | OrdinalRunResult;

function evaluate(data: AirData, settings: AirSettings, forecasts: SplitForecasts): ForecastEvaluation {
  const w = data.windows;
  return evaluateForecasts({
    split: w.test,
    targets: w.targets,
    pollutantTargets: w.pollutantTargets,
    horizons: w.horizons,
    stations: w.stations,
    point: forecasts.point,
    ...(forecasts.quantiles === undefined ? {} : { quantiles: forecasts.quantiles }),
    extremes: {
      variable: settings.extremes.variable,
      thresholds: settings.extremes.thresholds,
      topDecileThreshold: data.deciles.topDecileThreshold,
      decileEdges: data.deciles.edges,
    },
  });
}

function episodeOf(data: AirData, forecasts: SplitForecasts): EpisodeForecast | null {
  const episode = data.episode;
  if (episode === undefined) return null;
  const forecast = episodeForecast(data.windows, episode, forecasts.point);
  const q = forecasts.quantiles;
  if (q === undefined || q.levels.length < 2) return { forecast };
  const Q = q.levels.length;
  const band = (index: number): (number | null)[] => episodeForecast(data.windows, episode, q.values.filter((_, k) => k % Q === index));
  return { forecast, lower: band(0), upper: band(Q - 1) };
}

/** Calibrates the test quantiles on the validation windows (crossing repair + split-conformal), in place of the raw ones. */
function calibrated(windows: ForecastWindows, validation: SplitForecasts, test: SplitForecasts): SplitForecasts {
  if (validation.quantiles === undefined || test.quantiles === undefined) return test;
  const K = windows.horizons.length * windows.targets.length;
  const Q = validation.quantiles.levels.length;
  const calibration = fitQuantileCalibration(
    { values: validation.quantiles.values, shape: [windows.validation.count, K, Q] },
    windows.validation.raw,
    windows.validation.mask,
    validation.quantiles.levels,
  );
  const values = calibration.apply({ values: test.quantiles.values, shape: [windows.test.count, K, Q] }).values;
  return { point: test.point, quantiles: { levels: test.quantiles.levels, values: Float32Array.from(values) } };
}

/**
 * Fills the cells of a baseline forecast `[count, H, V]` that have no value (persistence without an observation in the
 * history, seasonal-naive without one a day/week earlier): first from `fallback` when given, then with the target's
 * training mean (climatology), so a baseline is scored on the same windows as the models. Returns how many were filled.
 */
export function fillBaselineGaps(windows: ForecastWindows, point: Float32Array, fallback?: Float32Array): number {
  const V = windows.targets.length;
  const means = windows.targets.map((t) => windows.scaling[t]?.mean ?? 0);
  let filled = 0;
  for (let k = 0; k < point.length; k += 1) {
    if (Number.isFinite(point[k] ?? Number.NaN)) continue;
    const other = fallback?.[k] ?? Number.NaN;
    point[k] = Number.isFinite(other) ? other : (means[k % V] ?? 0);
    filled += 1;
  }
  return filled;
}

/** A baseline's forecasts of the test windows (gaps filled, see {@link fillBaselineGaps}), scored like a model's. */
export function runBaseline(task: RunTask<AirSettings, AirMethodOptions>, data: AirData, baseline: 'persistence' | 'seasonal-naive'): ForecastRunResult {
  const w = data.windows;
  const persistence = persistenceForecast(w.test, w.horizons.length);
  const point = baseline === 'persistence' ? persistence : seasonalNaiveForecast(w.test);
  const filled = fillBaselineGaps(w, point, baseline === 'persistence' ? undefined : persistence);
  const forecasts = { point };
  return { kind: 'forecast', test: evaluate(data, task.settings, forecasts), episode: episodeOf(data, forecasts), history: [], taskWeights: [], bestEpoch: 0, trainSeconds: 0, filledCells: filled };
}

/**
 * Trains the method's objective (resuming from `task.dir/checkpoints`), forecasts the validation and test windows,
 * calibrates quantiles on validation, scores the test forecasts, and records how to rebuild the model (`export`).
 */
export async function runObjective(task: RunTask<AirSettings, AirMethodOptions>, data: AirData, onEpoch?: (progress: EpochProgress) => void): Promise<ForecastRunResult> {
  const options = task.options;
  if (options?.kind !== 'objective') throw new RangeError(`run ${task.method}: not an objective method`);
  const { settings } = task;
  const trained = await trainForecaster(
    data.windows,
    { objective: options.objective, model: settings.model, training: settings.training, seed: task.seed, dir: task.dir },
    onEpoch,
    // One line on stderr when an interrupted run picks up its checkpoint: the user sees the work was kept.
    (step, steps) => announceResume(task, step, steps),
  );
  try {
    const validation = forecastSplit(trained.model, trained.objective, data.windows, data.windows.validation);
    const test = calibrated(data.windows, validation, forecastSplit(trained.model, trained.objective, data.windows, data.windows.test));
    await writeTrainedForecaster(task.dir, trained, data.windows, settings.data.interpolateMaxGap);
    return {
      kind: 'forecast',
      test: evaluate(data, settings, test),
      episode: episodeOf(data, test),
      history: trained.history,
      taskWeights: trained.taskWeights,
      bestEpoch: trained.bestEpoch,
      trainSeconds: trained.trainSeconds,
      filledCells: 0,
    };
  } finally {
    trained.model.dispose();
    trained.objective.dispose();
  }
}

/** The harness's runner of air-pollution: loads and windows the table once per thread, runs one method. */
export const airRunner: Runner<AirSettings, AirMethodOptions, AirData, AirRunResult> = {
  prepare: (settings) => prepareData(settings),
  run: async (task, data, context) => {
    const options = task.options;
    switch (options?.kind) {
      case 'baseline':
        return runBaseline(task, data, options.baseline);
      case 'objective':
        return runObjective(task, data, context.report);
      case 'ordinal':
        return runOrdinalForecasts(data, task.seed);
      default:
        throw new RangeError(`run ${task.method}: the method has no options`);
    }
  },
};
