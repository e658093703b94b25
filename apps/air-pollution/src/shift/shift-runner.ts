import type { EpochProgress, Runner, RunTask } from '@counterweight/experiment';

import type { WindowSplit } from '../data/forecast-windows.js';
import { evaluateForecasts, type ForecastEvaluation } from '../evaluation/index.js';
import { forecastSplit } from '../experiment/forecast-outputs.js';
import { trainForecaster, type ForecastEpoch } from '../experiment/train-forecaster.js';
import { attributeShift, type ShiftAttributionSummary } from './attribute-shift.js';
import { attributionRows } from './attribution-rows.js';
import type { ShiftData } from './shift-data.js';
import { prepareShiftData } from './shift-data.js';
import type { ShiftMethodOptions, ShiftSettings } from './shift-settings.js';
import type { WeightingName } from './shift-weights.js';
import { withTrainingWeights } from './weighted-windows.js';

/** One run of a shift experiment: a forecaster trained on the source domain with one weighting, scored on the target. */
export interface ShiftRunResult {
  readonly weighting: WeightingName;
  /** Scores on the target-domain (test) windows. */
  readonly test: ForecastEvaluation;
  /** Headline scores on the source stations over the test period (station shift only): the in-domain reference. */
  readonly sourceTest: Readonly<Record<string, number>> | null;
  /** Kish effective sample size of the training weights (the training window count when unweighted). */
  readonly effectiveSampleSize: number;
  readonly maxWeight: number;
  readonly weightNote: string;
  readonly weightSeconds: number;
  /** The shift attribution of the unweighted forecaster's error change (source validation → target); `none` only. */
  readonly attribution: ShiftAttributionSummary | null;
  readonly history: readonly ForecastEpoch[];
  readonly bestEpoch: number;
  readonly trainSeconds: number;
}

function evaluate(data: ShiftData, settings: ShiftSettings, split: WindowSplit, point: Float32Array): ForecastEvaluation {
  const w = data.shift.windows;
  return evaluateForecasts({
    split,
    targets: w.targets,
    pollutantTargets: w.pollutantTargets,
    horizons: w.horizons,
    stations: w.stations,
    point,
    extremes: { variable: settings.extremes.variable, thresholds: settings.extremes.thresholds, topDecileThreshold: data.deciles.topDecileThreshold, decileEdges: data.deciles.edges },
  });
}

/**
 * Trains the app's forecaster with the `mae` objective on the source training windows weighted by the task's
 * weighting (see `withTrainingWeights`; checkpoints in the run folder, so an interrupted run resumes), forecasts the
 * target windows (and the source stations' test-period windows), scores them with the app's evaluation, and for the
 * unweighted run attributes the error change from the source validation windows to the target windows.
 */
export async function runShift(task: RunTask<ShiftSettings, ShiftMethodOptions>, data: ShiftData, onEpoch?: (progress: EpochProgress) => void): Promise<ShiftRunResult> {
  const weighting = task.options?.weighting;
  if (weighting === undefined) throw new RangeError(`run ${task.method}: no weighting`);
  const { settings } = task;
  const windows = data.shift.windows;
  const weights = data.weightsFor(weighting);
  const trainOn = weighting === 'none' ? windows : withTrainingWeights(windows, weights.weights);
  const trained = await trainForecaster(trainOn, { objective: 'mae', model: settings.model, training: settings.training, seed: task.seed, dir: task.dir }, onEpoch);
  try {
    const forecast = (split: WindowSplit): Float32Array => forecastSplit(trained.model, trained.objective, windows, split).point;
    const testPoint = forecast(windows.test);
    const sourceTest = data.shift.sourceTest;
    const variable = settings.extremes.variable;
    const attribution =
      weighting === 'none'
        ? attributeShift(attributionRows(windows, windows.validation, forecast(windows.validation), variable), attributionRows(windows, windows.test, testPoint, variable))
        : null;
    return {
      weighting,
      test: evaluate(data, settings, windows.test, testPoint),
      sourceTest: sourceTest === undefined ? null : evaluate(data, settings, sourceTest, forecast(sourceTest)).headline,
      effectiveSampleSize: weights.effectiveSampleSize,
      maxWeight: weights.maxWeight,
      weightNote: weights.note,
      weightSeconds: weights.seconds,
      attribution,
      history: trained.history,
      bestEpoch: trained.bestEpoch,
      trainSeconds: trained.trainSeconds,
    };
  } finally {
    trained.model.dispose();
    trained.objective.dispose();
  }
}

/** The harness's runner of `shift`: loads and windows the table once per thread, trains one weighting. */
export const shiftRunner: Runner<ShiftSettings, ShiftMethodOptions, ShiftData, ShiftRunResult> = {
  prepare: (settings) => prepareShiftData(settings),
  run: (task, data, context) => runShift(task, data, context.report),
};
