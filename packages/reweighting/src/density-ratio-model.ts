import type { Matrix } from './matrix.js';

/**
 * A fitted estimate of the density ratio `r(x) = p_target(x) / p_source(x)` over a fixed set of columns. Every
 * density-ratio estimator of this package (domain classifier, KLIEP) returns one; shift attribution composes them.
 */
export interface DensityRatioModel {
  /** Number of columns the model was fitted on (rows given to {@link DensityRatioModel.ratio} must have as many). */
  readonly cols: number;
  /** `r(x)` for every row of `x`, after the estimator's own clipping. */
  ratio(x: Matrix): Float64Array;
}

/** Fits a {@link DensityRatioModel} from source rows and target rows of the same columns. */
export type DensityRatioFitter = (source: Matrix, target: Matrix) => DensityRatioModel;
