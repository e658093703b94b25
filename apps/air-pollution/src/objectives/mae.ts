import { withExtras } from '@counterweight/runtime';
import * as tf from '@tensorflow/tfjs-core';

import type { ForecastWindows } from '../data/forecast-windows.js';
import type { Objective } from './objective.js';
import { headMae, splitBatch } from './head-batch.js';
import { headLayout } from './head-layout.js';
import { MASK_EXTRA, checkPredictions, checkTargets, pointObjective } from './objective-parts.js';

/**
 * The baseline objective `mae`: masked MAE of each head, summed (AirCast's multi-task total `L_weather + L_chem`,
 * each head's loss a mean over its own observed elements; research note §1.2 item 5):
 *
 *     L = Σ m·|ŷ − y| / Σ m  over the weather head  +  the same over the pollutant head
 *
 * (only the pollutant term without weather targets). Missing targets (mask 0) contribute nothing. Outputs: one per
 * target, `weatherOutputs = H·V_w`, `pollutantOutputs = H·V_p`; extra column `mask` `[H·V]`.
 */
export function buildMaeObjective(windows: ForecastWindows): Objective {
  const layout = headLayout(windows);
  const outputs = layout.weatherTargets.length + layout.pollutantTargets.length;
  const loss = withExtras({ lossName: 'mae', extras: [MASK_EXTRA] }, ({ targets, predictions, extras }) => {
    checkPredictions('mae', predictions, outputs);
    checkTargets('mae', targets, layout);
    return tf.tidy(() => {
      const heads = splitBatch(layout, targets, predictions, extras.mask);
      const pollutant = headMae(heads.pollutant);
      return heads.weather === undefined ? pollutant : tf.add<tf.Scalar>(headMae(heads.weather), pollutant);
    });
  });
  return pointObjective({ name: 'mae', windows, layout, loss });
}
