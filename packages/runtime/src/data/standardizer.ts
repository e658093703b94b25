import { ConfigError } from '../errors.js';

/** Per-column mean and standard deviation fitted on training rows, applied to any rows with the same columns. */
export interface Standardizer {
  /** Columns per row. */
  readonly width: number;
  readonly mean: readonly number[];
  /** Population standard deviation; a constant column gets 1 so it maps to 0 instead of NaN. */
  readonly std: readonly number[];
  /** `(x − mean) / std` column by column; returns a new array. */
  apply(values: Float32Array): Float32Array;
}

function checkLayout(values: Float32Array, width: number, argument: string): number {
  if (!Number.isInteger(width) || width < 1) throw new ConfigError('width', `must be a positive integer, got ${width}`);
  if (values.length % width !== 0) {
    throw new ConfigError(argument, `holds ${values.length} values, not a whole number of rows of ${width} columns`);
  }
  return values.length / width;
}

/**
 * Fits a {@link Standardizer} on row-major `values` (`rows × width`), in float64.
 * @throws ConfigError naming the row and column of a NaN/Inf value, or when there are no rows.
 */
export function fitStandardizer(values: Float32Array, width: number): Standardizer {
  const rows = checkLayout(values, width, 'values');
  if (rows === 0) throw new ConfigError('values', 'has no rows to fit on');
  const mean = new Array<number>(width).fill(0);
  const std = new Array<number>(width).fill(0);
  for (let r = 0; r < rows; r += 1) {
    for (let c = 0; c < width; c += 1) {
      const v = values[r * width + c] ?? Number.NaN;
      if (!Number.isFinite(v)) throw new ConfigError('values', `row ${r}, column ${c} is ${v}; impute or drop it first`);
      mean[c] = (mean[c] ?? 0) + v;
    }
  }
  for (let c = 0; c < width; c += 1) mean[c] = (mean[c] ?? 0) / rows;
  for (let r = 0; r < rows; r += 1) {
    for (let c = 0; c < width; c += 1) std[c] = (std[c] ?? 0) + ((values[r * width + c] ?? 0) - (mean[c] ?? 0)) ** 2;
  }
  for (let c = 0; c < width; c += 1) std[c] = Math.sqrt((std[c] ?? 0) / rows) || 1;
  return {
    width,
    mean,
    std,
    apply(input: Float32Array): Float32Array {
      checkLayout(input, width, 'apply(values)');
      const out = new Float32Array(input.length);
      for (let i = 0; i < input.length; i += 1) {
        const c = i % width;
        out[i] = ((input[i] ?? Number.NaN) - (mean[c] ?? 0)) / (std[c] ?? 1);
      }
      return out;
    },
  };
}
