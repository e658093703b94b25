// Test-only: float64 references of the objectives' terms in plain JavaScript, independent of tfjs and core-losses.
import type { HeadLayout } from '../head-layout.js';

/** One head of a plain batch: targets, mask, per-target predictions (head order), optional weights. */
export interface PlainHead {
  readonly targets: number[];
  readonly mask: number[];
  readonly predictions: number[];
}

/**
 * Splits plain rows (targets and mask `[rows, H·V]` target order, predictions `[rows, outputs]`) into heads, each
 * flattened row by row; `perTarget` outputs per target (quantiles).
 */
export function plainHeads(
  layout: HeadLayout,
  rows: number,
  targets: ArrayLike<number>,
  mask: ArrayLike<number>,
  predictions: ArrayLike<number>,
  perTarget = 1,
): { weather: PlainHead; pollutant: PlainHead } {
  const width = layout.horizons * (layout.weather + layout.pollutants);
  const outputs = predictions.length / rows;
  const head = (columns: Int32Array, start: number): PlainHead => {
    const h: { targets: number[]; mask: number[]; predictions: number[] } = { targets: [], mask: [], predictions: [] };
    for (let i = 0; i < rows; i += 1) {
      columns.forEach((c, e) => {
        h.targets.push(targets[i * width + c] ?? Number.NaN);
        h.mask.push(mask[i * width + c] ?? Number.NaN);
        for (let j = 0; j < perTarget; j += 1) h.predictions.push(predictions[i * outputs + start + e * perTarget + j] ?? Number.NaN);
      });
    }
    return h;
  };
  return {
    weather: head(layout.weatherTargets, 0),
    pollutant: head(layout.pollutantTargets, layout.weatherTargets.length * perTarget),
  };
}

/** `Σ w·m·|p − y| / max(Σ m, 1)` in float64. */
export function maskedMae64(head: PlainHead, weights?: ArrayLike<number>): number {
  let sum = 0;
  let count = 0;
  head.targets.forEach((y, k) => {
    const m = head.mask[k] ?? 0;
    if (m === 0) return;
    sum += (weights === undefined ? 1 : (weights[k] ?? Number.NaN)) * Math.abs((head.predictions[k] ?? Number.NaN) - y);
    count += 1;
  });
  return sum / Math.max(count, 1);
}

/** `log Σ exp(v)` in float64. */
export function logSumExp64(values: readonly number[]): number {
  const max = Math.max(...values);
  return max + Math.log(values.reduce((s, v) => s + Math.exp(v - max), 0));
}
