import * as tf from '@tensorflow/tfjs-core';

import type { Objective } from '../objectives/objective.js';

/**
 * Where an objective's decoders read the model output: for each target index `h·V + v`, the output column of its point
 * forecast, and (quantile objectives) of each quantile. Found by decoding the identity matrix: every decoder of this
 * app selects columns (a gather), so decoding row `r` of `I_W` puts a 1 exactly where output column `r` lands. Lets a
 * program without tfjs (onnxruntime in `predict`) decode an exported model's outputs.
 * @throws RangeError when a decoder is not a column selection (a target fed by no column, or by several).
 */
export function decoderColumns(objective: Objective, width: number): { point: number[]; quantiles?: number[][] } {
  return tf.tidy(() => {
    const eye = tf.eye(width);
    const selection = (decoded: tf.Tensor, what: string): number[] => {
      const values = tf.reshape(decoded, [width, -1]).arraySync() as number[][];
      const cells = values[0]?.length ?? 0;
      return Array.from({ length: cells }, (_, k) => {
        const rows = values.flatMap((row, r) => ((row[k] ?? 0) !== 0 ? [r] : []));
        if (rows.length !== 1 || values[rows[0] ?? 0]?.[k] !== 1) throw new RangeError(`decoderColumns: ${objective.name}'s ${what} is not a selection of output columns (cell ${k})`);
        return rows[0] ?? 0;
      });
    };
    const point = selection(objective.point(eye), 'point');
    const levels = objective.quantileLevels;
    if (objective.quantiles === undefined || levels === undefined) return { point };
    const flat = selection(objective.quantiles(eye), 'quantiles');
    const Q = levels.length;
    return { point, quantiles: Array.from({ length: flat.length / Q }, (_, t) => flat.slice(t * Q, (t + 1) * Q)) };
  });
}
