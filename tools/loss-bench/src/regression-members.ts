import {
  aircastAuxiliaryLoss,
  balancedMseLoss,
  classificationAidedRegressionLoss,
  createTaskWeighter,
  fitTargetBins,
  fitTargetHistogram,
  frequencyWeightedMae,
  huberLoss,
  logCoshLoss,
  meanAbsoluteError,
  meanSquaredError,
  pinballLoss,
  type TargetBins,
  type TaskWeighter,
  type TaskWeighterSpec,
} from '@counterweight/core-losses';
import type { LossFunction } from '@counterweight/runtime';
import * as tf from '@tensorflow/tfjs-core';

import { FORECAST_TARGETS, column } from './forecast-series.js';
import { FORECAST_CLASS_BINS, FORECAST_QUANTILE_LEVELS, FREQUENCY_WEIGHTS, type ForecastWorkload } from './forecast-workload.js';
import type { StepConfig } from './overhead.js';

/** Name of the regression workload's baseline member. */
export const REGRESSION_BASELINE = 'meanAbsoluteError';

/** The plain-sum weighter's member: the other weighters' second reference (the cost of the weighting alone). */
export const SUM_WEIGHTER_MEMBER = 'taskWeighter: sum';

/** What kind of member a configuration is, for the report. */
export type RegressionMemberGroup = 'baseline' | 'point' | 'quantile' | 'weighted' | 'imbalanced' | 'multi-task';

/** One member of the regression workload: a training-step configuration plus what the report says about it. */
export interface RegressionMember extends StepConfig {
  readonly group: RegressionMemberGroup;
  /** Output width of the member's model (3 for one value per target; more with a quantile or class head). */
  readonly outputs: number;
}

/** The members (their models share the workload's trunk and heads) and the variables and weighters they own. */
export interface RegressionMembers {
  readonly members: readonly RegressionMember[];
  /** Releases the weighters and the learnable σ (the workload's own variables stay). */
  dispose(): void;
}

/** Name of the member that reads the data set's once-per-row frequency weights (target bins, `'auto'`). */
export const FREQUENCY_ROW_WEIGHTS_MEMBER = 'meanAbsoluteError + fMAE per-row weights';

/** Bin count of the fixed-bin frequency-weighted member (the others use NumPy's `'auto'` edges). */
export const FIXED_HISTOGRAM_BINS = 16;

/** Task names of the multi-task members: PM2.5 and NO2 (pollutants) and TEMP (weather), one column each. */
export const REGRESSION_TASKS = ['pm25', 'no2', 'temp'] as const;

/** Task weighters the bench compares, by name, with the settings it uses (fixed: half weight on the weather task). */
const WEIGHTER_SPECS = (baseLosses: readonly number[]): readonly TaskWeighterSpec[] => [
  { method: 'sum', taskNames: REGRESSION_TASKS },
  { method: 'fixed', taskNames: REGRESSION_TASKS, weights: [1, 1, 0.5] },
  { method: 'uncertainty', taskNames: REGRESSION_TASKS },
  { method: 'igb', taskNames: REGRESSION_TASKS, baseLosses },
  { method: 'softmax', taskNames: REGRESSION_TASKS },
];

const scalar = (t: tf.Tensor): tf.Scalar => t as tf.Scalar;

/** Mean of `loss` applied to each target column (`[B, 1]` slices), for the single-target losses. */
function perColumnMean(targets: tf.Tensor, predictions: tf.Tensor, loss: (y: tf.Tensor, p: tf.Tensor, k: number) => tf.Tensor): tf.Scalar {
  const ys = tf.split(targets, FORECAST_TARGETS.length, 1);
  const ps = tf.split(predictions, FORECAST_TARGETS.length, 1);
  return scalar(tf.div(tf.addN(ys.map((y, k) => loss(y, ps[k] as tf.Tensor, k))), FORECAST_TARGETS.length));
}

/**
 * Every regression member of `@counterweight/core-losses` as a training step of `workload`, with `validate: false`
 * (the hot-loop setting every bench member uses):
 *
 * - baseline `meanAbsoluteError` on `[B, 3]`; `meanSquaredError`, `huberLoss` (δ 1), `logCoshLoss` likewise;
 * - `pinballLoss` at levels 0.1/0.5/0.9 on the quantile head `[B, 3·3]` (viewed `[B, 3, 3]`, targets broadcast);
 * - `frequencyWeightedMae` with one `'auto'` histogram per target fitted on the training targets (8760 windows:
 *   182, 182 and 53 bins at seed 1), bins chosen by the target and by the detached prediction; the same with 16 fixed
 *   bins per target; and AirCast's 0.75·MAE + 0.25·fMAE mix (`aircastAuxiliaryLoss`, `'auto'` bins);
 * - `meanAbsoluteError` with the data set's LDS weights as per-sample weights;
 * - `meanAbsoluteError` with the data set's per-element frequency weights (extra column {@link FREQUENCY_WEIGHTS}:
 *   `frequencyTargetWeights` of the same `'auto'` histograms, computed once per row outside the step) — the
 *   target-bins frequency-weighted MAE without a lookup in the step;
 * - `balancedMseLoss` per target column (it takes one target per sample), mean over the three, σ fixed at 1 and
 *   σ learnable (one scalar variable per target, trained with the model);
 * - `classificationAidedRegressionLoss` per target column (10 uniform bins fitted on the training targets, λ 1)
 *   with the class head `[B, 3·10]` beside the point head;
 * - the task weighters `sum`, `fixed` (1, 1, 0.5), `uncertainty` (Kendall eq. 7), `igb` (base losses: the MAE of
 *   predicting 0, i.e. mean |y|, per task) and `softmax` over the three per-target MAEs; the weighters' variables are
 *   trained with the model.
 */
export function regressionMembers(workload: ForecastWorkload): RegressionMembers {
  const numTargets = FORECAST_TARGETS.length;
  const { heads, fitTargets } = workload;
  const columns = FORECAST_TARGETS.map((_, k) => column(fitTargets, numTargets, k));
  // the 'auto' histograms the data set's per-row frequency weights come from (one per target column)
  const histograms = workload.targetHistograms;
  const fixedHistograms = columns.map((values) => fitTargetHistogram(values, { bins: FIXED_HISTOGRAM_BINS }));
  const bins = columns.map((values) => fitTargetBins(values, { numBins: FORECAST_CLASS_BINS }));
  const baseLosses = columns.map((values) => values.reduce((s, v) => s + Math.abs(v), 0) / values.length);
  const levels = [...FORECAST_QUANTILE_LEVELS];
  const sigmas = tf.tidy(() => FORECAST_TARGETS.map(() => tf.variable(tf.scalar(1), true)));
  const weighters: TaskWeighter[] = WEIGHTER_SPECS(baseLosses).map((spec) => createTaskWeighter(spec));

  const point = workload.model;
  const member = (group: RegressionMemberGroup, name: string, loss: LossFunction, options: { model?: typeof point; outputs?: number } = {}): RegressionMember => ({
    group,
    name,
    loss,
    model: options.model ?? point,
    outputs: options.outputs ?? numTargets,
  });
  const histogramOptions = { histogram: histograms, variableAxis: 1, validate: false } as const;

  const members: RegressionMember[] = [
    member('baseline', REGRESSION_BASELINE, ({ targets: y, predictions: p }) => scalar(meanAbsoluteError(y, p, { validate: false }))),
    member('point', 'meanSquaredError', ({ targets: y, predictions: p }) => scalar(meanSquaredError(y, p, { validate: false }))),
    member('point', 'huberLoss', ({ targets: y, predictions: p }) => scalar(huberLoss(y, p, { validate: false }))),
    member('point', 'logCoshLoss', ({ targets: y, predictions: p }) => scalar(logCoshLoss(y, p, { validate: false }))),
    member(
      'quantile',
      'pinballLoss (3 levels)',
      ({ targets: y, predictions: q }) =>
        scalar(pinballLoss(y, tf.reshape(q, [-1, numTargets, levels.length]), { quantileLevels: levels, validate: false })),
      { model: workload.modelWith([heads.quantile]), outputs: numTargets * levels.length },
    ),
    member('weighted', 'frequencyWeightedMae (target bins)', ({ targets: y, predictions: p }) =>
      scalar(frequencyWeightedMae(y, p, { ...histogramOptions, binBy: 'target' })),
    ),
    member('weighted', 'frequencyWeightedMae (prediction bins)', ({ targets: y, predictions: p }) =>
      scalar(frequencyWeightedMae(y, p, { ...histogramOptions, binBy: 'prediction' })),
    ),
    member('weighted', `frequencyWeightedMae (target bins, ${FIXED_HISTOGRAM_BINS} fixed)`, ({ targets: y, predictions: p }) =>
      scalar(frequencyWeightedMae(y, p, { ...histogramOptions, histogram: fixedHistograms, binBy: 'target' })),
    ),
    member('weighted', 'aircastAuxiliaryLoss (0.75 MAE + 0.25 fMAE)', ({ targets: y, predictions: p }) =>
      scalar(aircastAuxiliaryLoss(y, p, histogramOptions)),
    ),
    member('weighted', 'meanAbsoluteError + LDS weights', ({ targets: y, predictions: p, sampleWeights }) => {
      if (sampleWeights === undefined) throw new Error('the LDS member needs the data set\'s per-sample (LDS) weights');
      return scalar(meanAbsoluteError(y, p, { weights: sampleWeights, validate: false }));
    }),
    member('weighted', FREQUENCY_ROW_WEIGHTS_MEMBER, ({ targets: y, predictions: p, extras }) => {
      const weights = (extras as Readonly<Record<string, tf.Tensor>>)[FREQUENCY_WEIGHTS];
      if (weights === undefined) throw new Error(`the per-row fMAE member needs the data set's '${FREQUENCY_WEIGHTS}' column`);
      return scalar(meanAbsoluteError(y, p, { weights, validate: false }));
    }),
    member('imbalanced', 'balancedMseLoss (fixed σ)', ({ targets: y, predictions: p }) =>
      perColumnMean(y, p, (yk, pk) => balancedMseLoss(yk, pk, { noiseSigma: 1, validate: false })),
    ),
    member(
      'imbalanced',
      'balancedMseLoss (learnable σ)',
      ({ targets: y, predictions: p }) => perColumnMean(y, p, (yk, pk, k) => balancedMseLoss(yk, pk, { noiseSigma: sigmas[k] as tf.Variable, validate: false })),
      { model: workload.modelWith([heads.point], Object.fromEntries(sigmas.map((s, k) => [`balancedMse/sigma${k}`, s]))) },
    ),
    member(
      'imbalanced',
      `classificationAidedRegressionLoss (${FORECAST_CLASS_BINS} bins)`,
      ({ targets: y, predictions: out }) => {
        const [p, logits] = tf.split(out, [numTargets, numTargets * FORECAST_CLASS_BINS], 1) as [tf.Tensor, tf.Tensor];
        const classLogits = tf.split(logits, numTargets, 1);
        return perColumnMean(y, p, (yk, pk, k) =>
          classificationAidedRegressionLoss(yk, pk, { classLogits: classLogits[k] as tf.Tensor, bins: bins[k] as TargetBins, validate: false }),
        );
      },
      { model: workload.modelWith([heads.point, heads.classes]), outputs: numTargets * (1 + FORECAST_CLASS_BINS) },
    ),
    ...weighters.map((weighter) =>
      member(
        'multi-task',
        `taskWeighter: ${weighter.method}`,
        ({ targets: y, predictions: p }) => {
          const ys = tf.split(y, numTargets, 1);
          const ps = tf.split(p, numTargets, 1);
          const losses = Object.fromEntries(REGRESSION_TASKS.map((task, k) => [task, meanAbsoluteError(ys[k] as tf.Tensor, ps[k] as tf.Tensor, { validate: false })]));
          return weighter.combine(losses);
        },
        {
          model:
            weighter.variables.length === 0
              ? point
              : workload.modelWith([heads.point], Object.fromEntries(weighter.variables.map((v, i) => [`${weighter.method}/${i}`, v]))),
        },
      ),
    ),
  ];
  return {
    members,
    dispose: () => {
      weighters.forEach((w) => w.dispose());
      tf.dispose(sigmas);
    },
  };
}
