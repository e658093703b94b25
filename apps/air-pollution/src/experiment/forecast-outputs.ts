import type { TrainableModel } from '@counterweight/runtime';
import * as tf from '@tensorflow/tfjs-core';

import type { ForecastWindows, WindowSplit } from '../data/forecast-windows.js';
import type { Objective } from '../objectives/objective.js';

/** A model's forecasts of one split in original units: point `[count, H, V]`, and quantiles `[count, H, V, Q]` when the objective has them. */
export interface SplitForecasts {
  readonly point: Float32Array;
  readonly quantiles?: { readonly levels: readonly number[]; readonly values: Float32Array };
}

/** `values` (normalised, `[count, H·V, per]` flattened) back in original units, in place: `x·std + mean` of target `v`. */
export function denormalize(windows: ForecastWindows, values: Float32Array, per = 1): Float32Array {
  const V = windows.targets.length;
  const scale = windows.targets.map((name) => windows.scaling[name] ?? { mean: 0, std: 1 });
  const cells = values.length / per;
  for (let cell = 0; cell < cells; cell += 1) {
    const s = scale[cell % V] ?? { mean: 0, std: 1 };
    for (let q = 0; q < per; q += 1) {
      const k = cell * per + q;
      values[k] = (values[k] ?? 0) * s.std + s.mean;
    }
  }
  return values;
}

/**
 * Runs the model over a split in batches and decodes its outputs with the objective: the point forecast (and the
 * quantiles, levels ascending, raw — crossing repair and calibration come after) in original units.
 */
export function forecastSplit(model: TrainableModel, objective: Objective, windows: ForecastWindows, split: WindowSplit, batchSize = 4096): SplitForecasts {
  const width = windows.history * windows.features.length;
  const cells = windows.horizons.length * windows.targets.length;
  const point = new Float32Array(split.count * cells);
  const levels = objective.quantileLevels;
  const Q = levels?.length ?? 0;
  const quantiles = objective.quantiles !== undefined && Q > 0 ? new Float32Array(split.count * cells * Q) : undefined;
  for (let start = 0; start < split.count; start += batchSize) {
    const size = Math.min(batchSize, split.count - start);
    tf.tidy(() => {
      const inputs = tf.tensor2d(split.inputs.subarray(start * width, (start + size) * width), [size, width]);
      const outputs = model.predict(inputs, { training: false }) as tf.Tensor2D;
      point.set(objective.point(outputs).dataSync(), start * cells);
      if (quantiles !== undefined && objective.quantiles !== undefined) quantiles.set(objective.quantiles(outputs).dataSync(), start * cells * Q);
    });
  }
  denormalize(windows, point);
  if (quantiles !== undefined && levels !== undefined) {
    denormalize(windows, quantiles, Q);
    return { point, quantiles: { levels, values: quantiles } };
  }
  return { point };
}
