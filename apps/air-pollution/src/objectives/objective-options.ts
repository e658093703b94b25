import type { FrequencyWeighting, LdsKernel, LdsReweight, TargetBinning, UncertaintyVariant } from '@counterweight/core-losses';

/** Options of the `fmae` objective (frequency-weighted MAE on the pollutant head). */
export interface FmaeOptions {
  /** β of the effective number of samples, in [0, 1). Default 0.8 (AirCast). */
  readonly beta?: number;
  /** `effectiveNumber` (default, AirCast's code: `(1 − β)/(1 − β^n)`) or `inverseLog` (`1/ln n`). */
  readonly weighting?: FrequencyWeighting;
  /**
   * Rescale each pollutant's weights so they average 1 over its observed training elements (default true). Without it
   * β = 0.8 puts every well-populated bin at 0.2, which shrinks the pollutant term against the weather term 5-fold
   * (AirCast does not renormalise; research note §1.2, §1.5).
   */
  readonly normalize?: boolean;
  /** Bins of the histograms: NumPy's `'auto'` (default, AirCast's `compute_freq.py`), `'autoUncapped'` or a count. */
  readonly bins?: 'auto' | 'autoUncapped' | number;
}

/** Options of the `uncertainty` objective. */
export interface UncertaintyObjectiveOptions {
  /** Form of the uncertainty weighting (core-losses `UncertaintyVariant`). Default `kendallEq7` (both heads regression). */
  readonly variant?: UncertaintyVariant;
  /** Initial `s = ln σ²` of [weather, pollutant]. Default [0, 0]. */
  readonly initialLogVariances?: readonly [number, number];
}

/** Options of the `igb` objective. */
export interface IgbObjectiveOptions {
  /** 0-based epoch whose mean training head losses become the base losses. Default 1 (IGB4MTL's `--base_epoch`). */
  readonly baseEpoch?: number;
}

/** Options of the `lds` objective (label-distribution smoothing weights, per pollutant). */
export interface LdsObjectiveOptions {
  /** Label bins per pollutant over its training range (normalised units). Default 100. */
  readonly bins?: number;
  /** Kernel. Default `gaussian`. */
  readonly kernel?: LdsKernel;
  /** Kernel size. Default 5. */
  readonly kernelSize?: number;
  /** Kernel σ (in bins). Default 1 (the reference's `train.py`). */
  readonly sigma?: number;
  /** `sqrtInv` (default) or `inverse`. */
  readonly reweight?: LdsReweight;
}

/** Options of the `balanced-mse` objective (BMC form). */
export interface BalancedMseObjectiveOptions {
  /** Initial (or fixed) noise scale σ in normalised units. Default 0.1 (DEFAULT_NOISE_SIGMA in balanced-mse.ts says why). */
  readonly noiseSigma?: number;
  /** Learn σ with the model (a `tf.Variable` in `variables`, as the reference). Default true. */
  readonly learnNoiseSigma?: boolean;
}

/** Options of the `car` objective (classification-aided regression). */
export interface CarObjectiveOptions {
  /** Classes per pollutant. Default 16 (within the reference's sweep 4 … 1024). */
  readonly numBins?: number;
  /** `uniform` (default, the reference) or `equalFrequency` class edges. */
  readonly binning?: TargetBinning;
  /** λ, weight of the cross-entropy term. Default 1. */
  readonly lambda?: number;
  /** Weight of the squared-error term. Default 1. */
  readonly regressionWeight?: number;
}

/** Options of the `quantile` objective. */
export interface QuantileObjectiveOptions {
  /** Levels, strictly increasing in (0, 1), containing 0.5 (the point forecast). Default [0.1, 0.5, 0.9]. */
  readonly levels?: readonly number[];
}

/** Per-objective options of {@link createObjective} (JSON data; each objective reads its own entry). */
export interface ObjectiveOptions {
  readonly fmae?: FmaeOptions;
  readonly uncertainty?: UncertaintyObjectiveOptions;
  readonly igb?: IgbObjectiveOptions;
  readonly lds?: LdsObjectiveOptions;
  readonly balancedMse?: BalancedMseObjectiveOptions;
  readonly car?: CarObjectiveOptions;
  readonly quantile?: QuantileObjectiveOptions;
}
