import { ldsWeights, type LdsWeights } from '@counterweight/core-losses';
import { ConfigError, withExtras } from '@counterweight/runtime';
import * as tf from '@tensorflow/tfjs-core';

import type { ForecastWindows } from '../data/forecast-windows.js';
import type { ExtraColumn, Objective } from './objective.js';
import type { LdsObjectiveOptions } from './objective-options.js';
import { headMae, splitBatch } from './head-batch.js';
import { headLayout, observedPollutantValues, pollutantTargetsOf, type HeadLayout } from './head-layout.js';
import { MASK_EXTRA, POLLUTANT_WEIGHTS_EXTRA, checkPredictions, checkTargets, pointObjective, type ExtrasSplit } from './objective-parts.js';

/** The LDS fit of each pollutant: core-losses' `ldsWeights` on its observed training targets (all horizons pooled). */
export type LdsFit = readonly LdsWeights[];

/**
 * Fits `ldsWeights` per pollutant on its observed TRAINING targets (normalised units): `bins` label bins of equal width
 * from the smallest to the largest training target (`lowest` = min, `binWidth` = range / bins).
 * @throws ConfigError naming `options.lds.bins` (not a whole number ≥ 1) or a pollutant without observed training targets.
 */
export function fitLds(windows: ForecastWindows, layout: HeadLayout, options: LdsObjectiveOptions = {}): LdsFit {
  const bins = options.bins ?? 100;
  if (!Number.isInteger(bins) || bins < 1) throw new ConfigError('options.lds.bins', `must be a whole number >= 1, got ${String(bins)}`);
  const training = pollutantTargetsOf(windows.train, layout);
  return windows.pollutantTargets.map((name, p) => {
    const labels = observedPollutantValues(training, layout, p);
    if (labels.length === 0) throw new ConfigError('objective', `"lds" needs observed training targets of ${name}, the training windows have none`);
    let low = Number.POSITIVE_INFINITY;
    let high = Number.NEGATIVE_INFINITY;
    for (const v of labels) {
      low = Math.min(low, v);
      high = Math.max(high, v);
    }
    const binWidth = high > low ? (high - low) / bins : 1;
    return ldsWeights(labels, {
      numBins: bins,
      binWidth,
      lowest: low,
      ...(options.kernel === undefined ? {} : { kernel: options.kernel }),
      ...(options.kernelSize === undefined ? {} : { kernelSize: options.kernelSize }),
      ...(options.sigma === undefined ? {} : { sigma: options.sigma }),
      ...(options.reweight === undefined ? {} : { reweight: options.reweight }),
    });
  });
}

/**
 * Per-element LDS weights of pollutant targets `[count, H·V_p]` (pollutant-head order): the bin weight
 * (`binWeights[binOf(y)]`, the fit's mean-1 scaling) of each observed target, 0 where missing. On the training split
 * these are exactly `ldsWeights(...).weights` (mean 1 per pollutant over its observed elements).
 */
export function ldsElementWeights(targets: Float32Array, layout: HeadLayout, fit: LdsFit): Float32Array {
  const out = new Float32Array(targets.length);
  for (let k = 0; k < targets.length; k += 1) {
    const y = targets[k] ?? Number.NaN;
    const lds = fit[k % layout.pollutants];
    out[k] = Number.isNaN(y) || lds === undefined ? 0 : (lds.binWeights[lds.binOf(y)] ?? 0);
  }
  return out;
}

/**
 * `lds`: label-distribution-smoothing weighted MAE (Yang, Zha, Chen, Wang & Katabi, ICML 2021) on the pollutant
 * head, plain masked MAE on the weather head, summed:
 *
 *     L = MAE_weather + Σ m·w·|ŷ − y| / Σ m,   w = 1 / (√n ⊛ k)(bin(y)), rescaled to mean 1 (per pollutant)
 *
 * with core-losses' `ldsWeights` fitted per pollutant on the training targets (defaults: 100 bins over the training
 * range, Gaussian kernel of size 5, σ = 1 bin, `sqrtInv`). The weights are computed once per row and travel as the
 * extra column `pollutantWeights` `[H·V_p]`; the loss is core-losses' `meanAbsoluteError` with them as `weights` and
 * the mask. Extra columns: `mask`, `pollutantWeights`. Outputs as `mae`.
 */
export function buildLdsObjective(windows: ForecastWindows, options: LdsObjectiveOptions = {}): Objective {
  const layout = headLayout(windows);
  const fit = fitLds(windows, layout, options);
  const outputs = layout.weatherTargets.length + layout.pollutantTargets.length;
  const loss = withExtras({ lossName: 'lds', extras: [MASK_EXTRA, POLLUTANT_WEIGHTS_EXTRA] }, ({ targets, predictions, extras }) => {
    checkPredictions('lds', predictions, outputs);
    checkTargets('lds', targets, layout);
    return tf.tidy(() => {
      const heads = splitBatch(layout, targets, predictions, extras.mask);
      const weighted = headMae(heads.pollutant, extras.pollutantWeights);
      return heads.weather === undefined ? weighted : tf.add<tf.Scalar>(headMae(heads.weather), weighted);
    });
  });
  const moreExtras = (split: ExtrasSplit): Record<string, ExtraColumn> => ({
    [POLLUTANT_WEIGHTS_EXTRA]: { values: ldsElementWeights(pollutantTargetsOf(windows[split], layout), layout, fit), shape: [layout.pollutantTargets.length] },
  });
  return pointObjective({ name: 'lds', windows, layout, loss, moreExtras });
}
