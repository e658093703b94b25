import { fitTargetHistogram, frequencyTargetWeights, frequencyWeightedMae, type TargetHistogram } from '@counterweight/core-losses';
import { ConfigError, withExtras } from '@counterweight/runtime';
import * as tf from '@tensorflow/tfjs-core';

import type { ForecastWindows } from '../data/forecast-windows.js';
import type { ExtraColumn, Objective } from './objective.js';
import type { FmaeOptions } from './objective-options.js';
import { headMae, splitBatch } from './head-batch.js';
import { headLayout, observedPollutantValues, pollutantTargetsOf, type HeadLayout } from './head-layout.js';
import { MASK_EXTRA, POLLUTANT_WEIGHTS_EXTRA, checkPredictions, checkTargets, pointObjective, type ExtrasSplit } from './objective-parts.js';

/** The training-fitted parts of fMAE: one histogram per pollutant and the factor that brings its weights to mean 1. */
export interface FmaeFit {
  /** Histogram of each pollutant's observed TRAINING targets (normalised units, all horizons pooled). */
  readonly histograms: readonly TargetHistogram[];
  /** Per pollutant, the factor applied to its weights (1 / mean training weight; 1 without normalisation). */
  readonly scales: readonly number[];
}

/**
 * Fits the per-pollutant histograms on the training split and the mean-1 scales (see {@link buildFmaeObjective}).
 * @throws ConfigError naming `objective` for a pollutant without observed training targets; core-losses'
 *   LossArgumentError naming `options.bins`, `options.beta` or `options.weighting` for a bad value.
 */
export function fitFmae(windows: ForecastWindows, layout: HeadLayout, options: FmaeOptions = {}): FmaeFit {
  const training = pollutantTargetsOf(windows.train, layout);
  const histograms = windows.pollutantTargets.map((name, p) => {
    const values = observedPollutantValues(training, layout, p);
    if (values.length === 0) throw new ConfigError('objective', `"fmae" needs observed training targets of ${name}, the training windows have none`);
    return fitTargetHistogram(values, { bins: options.bins ?? 'auto' });
  });
  const raw = rawWeights(training, layout, histograms, options);
  const scales = windows.pollutantTargets.map((_, p) => {
    if (options.normalize === false) return 1;
    let sum = 0;
    let n = 0;
    for (let k = p; k < raw.length; k += layout.pollutants) {
      if (Number.isNaN(training[k] ?? Number.NaN)) continue;
      sum += raw[k] ?? 0;
      n += 1;
    }
    return n === 0 || sum === 0 ? 1 : n / sum;
  });
  return { histograms, scales };
}

/** core-losses' `frequencyTargetWeights` of pollutant targets `[count, H·V_p]` (a list of histograms over axis 2). */
function rawWeights(targets: Float32Array, layout: HeadLayout, histograms: readonly TargetHistogram[], options: FmaeOptions): Float32Array {
  const count = targets.length / Math.max(layout.pollutantTargets.length, 1);
  return frequencyTargetWeights(targets, {
    histogram: histograms,
    shape: [count, layout.horizons, layout.pollutants],
    variableAxis: 2,
    beta: options.beta,
    weighting: options.weighting,
  });
}

/**
 * The per-element fMAE weights of a split's pollutant targets `[count, H·V_p]` (pollutant-head order): core-losses'
 * `frequencyTargetWeights` with the training histograms (bin of the TARGET), times each pollutant's mean-1 scale;
 * 0 where the target is missing.
 */
export function fmaeWeights(targets: Float32Array, layout: HeadLayout, fit: FmaeFit, options: FmaeOptions = {}): Float32Array {
  const weights = rawWeights(targets, layout, fit.histograms, options);
  for (let k = 0; k < weights.length; k += 1) {
    weights[k] = Number.isNaN(targets[k] ?? Number.NaN) ? 0 : (weights[k] ?? 0) * (fit.scales[k % layout.pollutants] ?? 1);
  }
  return weights;
}

/**
 * `fmae`: frequency-weighted MAE on the pollutant head (AirCast, Nedungadi et al. 2025, after the class-balanced
 * weights of Cui et al. 2019), plain masked MAE on the weather head, summed:
 *
 *     L = MAE_weather + Σ m·w·|ŷ − y| / Σ m,   w = s_p·(1 − β)/(1 − β^{n_bin(y)})
 *
 * `n_bin(y)` is the count of the target's bin in the histogram of that pollutant's TRAINING targets (normalised units,
 * horizons pooled; NumPy `'auto'` bins). The bin is looked up by the target, not by the detached prediction as
 * AirCast's code does — our documented departure (research note §1.2, §1.5): a prediction in an empty bin would get
 * weight 0 and no gradient. `s_p` rescales each pollutant's weights to mean 1 over its observed training elements
 * (`normalize`, default true; AirCast does not). Defaults β = 0.8, `effectiveNumber`.
 *
 * The weights do not depend on the model, so they are computed once per row (core-losses' `frequencyTargetWeights`)
 * and travel as the extra column `pollutantWeights` `[H·V_p]`; the loss is core-losses' `frequencyWeightedMae` with
 * `histogram: null` and those weights (equal to its on-the-fly target-bin form). Extra columns: `mask`,
 * `pollutantWeights`. Outputs as `mae`.
 */
export function buildFmaeObjective(windows: ForecastWindows, options: FmaeOptions = {}): Objective {
  const layout = headLayout(windows);
  const fit = fitFmae(windows, layout, options);
  const outputs = layout.weatherTargets.length + layout.pollutantTargets.length;
  const loss = withExtras({ lossName: 'fmae', extras: [MASK_EXTRA, POLLUTANT_WEIGHTS_EXTRA] }, ({ targets, predictions, extras }) => {
    checkPredictions('fmae', predictions, outputs);
    checkTargets('fmae', targets, layout);
    return tf.tidy(() => {
      const heads = splitBatch(layout, targets, predictions, extras.mask);
      const { pollutant } = heads;
      const frequency = frequencyWeightedMae(pollutant.targets, pollutant.predictions, {
        histogram: null,
        mask: pollutant.mask,
        weights: extras.pollutantWeights,
        validate: false,
      }) as tf.Scalar;
      return heads.weather === undefined ? frequency : tf.add<tf.Scalar>(headMae(heads.weather), frequency);
    });
  });
  const moreExtras = (split: ExtrasSplit): Record<string, ExtraColumn> => ({
    [POLLUTANT_WEIGHTS_EXTRA]: {
      values: fmaeWeights(pollutantTargetsOf(windows[split], layout), layout, fit, options),
      shape: [layout.pollutantTargets.length],
    },
  });
  return pointObjective({ name: 'fmae', windows, layout, loss, moreExtras });
}
