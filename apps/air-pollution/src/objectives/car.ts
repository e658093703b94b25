import { classificationAidedRegressionLoss, fitTargetBins, type TargetBins } from '@counterweight/core-losses';
import { ConfigError, withExtras } from '@counterweight/runtime';
import * as tf from '@tensorflow/tfjs-core';

import type { ForecastWindows } from '../data/forecast-windows.js';
import type { Objective } from './objective.js';
import type { CarObjectiveOptions } from './objective-options.js';
import { headMae, splitBatch } from './head-batch.js';
import { headLayout, observedPollutantValues, pollutantTargetsOf, type HeadLayout } from './head-layout.js';
import { MASK_EXTRA, checkPredictions, checkTargets, pointObjective } from './objective-parts.js';

/**
 * The class edges of each pollutant: core-losses' `fitTargetBins` on its observed TRAINING targets (normalised units,
 * horizons pooled), `numBins` classes (default 16), `uniform` (default) or `equalFrequency`.
 * @throws ConfigError naming `options.car.numBins`, or the objective for a pollutant without observed training targets.
 */
export function fitCarBins(windows: ForecastWindows, layout: HeadLayout, options: CarObjectiveOptions = {}): readonly TargetBins[] {
  const numBins = options.numBins ?? 16;
  if (!Number.isInteger(numBins) || numBins < 2) throw new ConfigError('options.car.numBins', `must be a whole number >= 2, got ${String(numBins)}`);
  const training = pollutantTargetsOf(windows.train, layout);
  return windows.pollutantTargets.map((name, p) => {
    const values = observedPollutantValues(training, layout, p);
    if (values.length === 0) throw new ConfigError('objective', `"car" needs observed training targets of ${name}, the training windows have none`);
    return fitTargetBins(values, { numBins, method: options.binning ?? 'uniform' });
  });
}

/**
 * `car`: classification-aided regression (Pintea, Lin, Dijkstra & van Gemert, ICCV 2023) on the pollutant head,
 * plain masked MAE on the weather head, summed. The pollutant head has `H·V_p` regression outputs followed by `C_p`
 * class logits for each element `(h, p)` (order h, then p, then class; `C_p` = classes of pollutant p's bins, 16 by
 * default, fewer when equal-frequency edges tie), so `pollutantOutputs = H·V_p + H·Σ_p C_p`; `point` returns only the
 * regression outputs (the classification head is discarded at test time, as in the paper). Per pollutant p, over the
 * batch's observed values of p at every horizon, core-losses' `classificationAidedRegressionLoss`:
 *
 *     l = w_reg·(ŷ − y)² + λ·CE(z, class_p(y)),   class edges fitted on the training targets ({@link fitCarBins})
 *
 * summed over observed elements and divided by their number (a masked mean over the head). Defaults λ = 1,
 * `w_reg` = 1 (the library's: note the regression term is squared error, as in the paper). Extra column `mask`.
 */
export function buildCarObjective(windows: ForecastWindows, options: CarObjectiveOptions = {}): Objective {
  const layout = headLayout(windows);
  const bins = fitCarBins(windows, layout, options);
  const classes = bins.map((b) => b.edges.length - 1);
  const logitsPerStep = classes.reduce((a, b) => a + b, 0);
  const extraPollutantOutputs = layout.horizons * logitsPerStep;
  const outputs = layout.weatherTargets.length + layout.pollutantTargets.length + extraPollutantOutputs;
  const offsets = classes.map((_, p) => classes.slice(0, p).reduce((a, b) => a + b, 0));
  const loss = withExtras({ lossName: 'car', extras: [MASK_EXTRA] }, ({ targets, predictions, extras }) => {
    checkPredictions('car', predictions, outputs);
    checkTargets('car', targets, layout);
    return tf.tidy(() => {
      const heads = splitBatch(layout, targets, predictions, extras.mask);
      const { pollutant } = heads;
      const rows = pollutant.targets.shape[0] ?? 0;
      const H = layout.horizons;
      const shape = [rows, H, layout.pollutants];
      const y = tf.reshape(pollutant.targets, shape);
      const p = tf.reshape(pollutant.predictions, shape);
      const m = tf.reshape(pollutant.mask, shape);
      const logits = tf.reshape(heads.pollutantExtra ?? tf.zeros([rows, 0]), [rows, H, logitsPerStep]);
      const column = (t: tf.Tensor, v: number): tf.Tensor => tf.reshape(tf.slice(t, [0, 0, v], [rows, H, 1]), [rows * H]);
      const sums = bins.map((b, v) =>
        classificationAidedRegressionLoss(column(y, v), column(p, v), {
          classLogits: tf.reshape(tf.slice(logits, [0, 0, offsets[v] ?? 0], [rows, H, classes[v] ?? 0]), [rows * H, classes[v] ?? 0]),
          bins: b,
          mask: column(m, v),
          reduction: 'sum',
          validate: false,
          ...(options.lambda === undefined ? {} : { lambda: options.lambda }),
          ...(options.regressionWeight === undefined ? {} : { regressionWeight: options.regressionWeight }),
        }),
      );
      const total = sums.length === 1 ? (sums[0] as tf.Tensor) : tf.addN(sums);
      const aided = tf.div<tf.Scalar>(total, tf.maximum(tf.sum(m), 1));
      return heads.weather === undefined ? aided : tf.add<tf.Scalar>(headMae(heads.weather), aided);
    });
  });
  return pointObjective({ name: 'car', windows, layout, loss, extraPollutantOutputs });
}
