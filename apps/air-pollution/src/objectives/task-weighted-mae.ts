import { createTaskWeighter, type TaskWeighter } from '@counterweight/core-losses';
import { ConfigError, withExtras } from '@counterweight/runtime';
import * as tf from '@tensorflow/tfjs-core';

import type { ForecastWindows } from '../data/forecast-windows.js';
import type { Objective } from './objective.js';
import type { IgbObjectiveOptions, UncertaintyObjectiveOptions } from './objective-options.js';
import { headMae, splitBatch } from './head-batch.js';
import { headLayout } from './head-layout.js';
import { MASK_EXTRA, checkPredictions, checkTargets, pointObjective } from './objective-parts.js';

/** Task names of the two heads, in weighter order. */
export const HEAD_TASKS = ['weather', 'pollutant'] as const;

function requireWeatherHead(name: 'uncertainty' | 'igb', windows: ForecastWindows): void {
  if (windows.weatherTargets.length === 0) {
    throw new ConfigError(
      'objective',
      `"${name}" needs a weather head: it weighs the weather loss against the pollutant loss, but these windows have no weather targets (a pollutant-only table); use mae, fmae, lds, balanced-mse, car or quantile`,
    );
  }
}

function weightedHeads(name: 'uncertainty' | 'igb', windows: ForecastWindows, weighter: TaskWeighter): Objective {
  const layout = headLayout(windows);
  const outputs = layout.weatherTargets.length + layout.pollutantTargets.length;
  const loss = withExtras({ lossName: name, extras: [MASK_EXTRA] }, ({ targets, predictions, extras }) => {
    checkPredictions(name, predictions, outputs);
    checkTargets(name, targets, layout);
    return tf.tidy(() => {
      const heads = splitBatch(layout, targets, predictions, extras.mask);
      // weather is defined: requireWeatherHead ran before
      const weather = heads.weather === undefined ? tf.scalar(0) : headMae(heads.weather);
      return weighter.combine({ weather, pollutant: headMae(heads.pollutant) });
    });
  });
  return pointObjective({ name, windows, layout, loss, weighter, variables: weighter.variables });
}

/**
 * `uncertainty`: the two heads' masked MAEs combined by homoscedastic uncertainty weighting (Kendall, Gal & Cipolla,
 * CVPR 2018) through core-losses' `createTaskWeighter({ method: 'uncertainty' })`:
 *
 *     L = ½·e^{−s_w}·MAE_weather + ½·s_w + ½·e^{−s_p}·MAE_pollutant + ½·s_p     (kendallEq7, default)
 *
 * `s = ln σ²` `[2]` is learned with the model: it is the objective's `variables` (and `weighter.variables`); the
 * weights over training are `weighter.report()`. Defaults: `kendallEq7`, `s = 0`.
 * @throws ConfigError naming `objective` when the windows have no weather targets ("needs a weather head").
 */
export function buildUncertaintyObjective(windows: ForecastWindows, options: UncertaintyObjectiveOptions = {}): Objective {
  requireWeatherHead('uncertainty', windows);
  const weighter = createTaskWeighter({
    method: 'uncertainty',
    taskNames: HEAD_TASKS,
    ...(options.variant === undefined ? {} : { variant: options.variant }),
    ...(options.initialLogVariances === undefined ? {} : { initialLogVariances: options.initialLogVariances }),
  });
  return weightedHeads('uncertainty', windows, weighter);
}

/**
 * `igb`: the two heads' masked MAEs combined by improvable gap balancing, IGBv1 (Dai, Fei & Lu, UAI 2023), through
 * core-losses' `createTaskWeighter({ method: 'igb' })`: `L = Σ_t w_t·ln MAE_t` with `w = 2·softmax(MAE_t / MAE_t^base)`
 * (detached), `w = 1` until the base losses exist. The base losses are the mean training head losses of epoch
 * `baseEpoch` (default 1), so THE TRAINING LOOP MUST CALL `objective.weighter.onEpochEnd(epoch)` after every epoch;
 * without it the weights stay 1 (the plain log-loss sum). No variables.
 * @throws ConfigError naming `objective` when the windows have no weather targets ("needs a weather head").
 */
export function buildIgbObjective(windows: ForecastWindows, options: IgbObjectiveOptions = {}): Objective {
  requireWeatherHead('igb', windows);
  const weighter = createTaskWeighter({
    method: 'igb',
    taskNames: HEAD_TASKS,
    ...(options.baseEpoch === undefined ? {} : { baseEpoch: options.baseEpoch }),
  });
  return weightedHeads('igb', windows, weighter);
}
