import { fitTargetHistogram, frequencyTargetWeights, ldsWeights, type TargetHistogram } from '@counterweight/core-losses';
import {
  ConfigError,
  SeededRandom,
  VariableBuilder,
  createDataset,
  dense,
  denseLayers,
  fromVariables,
  isSingleInput,
  type DenseLayer,
  type InMemoryDataset,
  type ModelInputs,
  type TrainableModel,
} from '@counterweight/runtime';
import * as tf from '@tensorflow/tfjs-core';

import { FORECAST_COVARIATES, FORECAST_TARGETS, FORECAST_WINDOW, column, forecastWindows } from './forecast-series.js';

/** Benchmark batch size of the forecasting workload. */
export const FORECAST_BATCH_SIZE = 256;
/** Hidden widths of the forecasting MLP's shared trunk. */
export const FORECAST_HIDDEN = [128, 64] as const;
/** Quantile levels of the pinball member (one output per level and target). */
export const FORECAST_QUANTILE_LEVELS = [0.1, 0.5, 0.9] as const;
/** Classes per target of the classification-aided member's auxiliary head. */
export const FORECAST_CLASS_BINS = 10;
/** Input width: 24 hours × 10 covariates. */
export const FORECAST_INPUT_WIDTH = FORECAST_WINDOW * FORECAST_COVARIATES.length;
/** Default number of batches in the data set (one epoch = this many steps). */
export const FORECAST_DEFAULT_BATCHES = 8;
/**
 * Windows the histograms, class bins, LDS weights and base losses are fitted on: one year of hours, the first
 * windows of the same series (a fixed training split, so that a loss's cost, e.g. the number of `'auto'` histogram
 * bins it looks targets up in, does not change with the number of batches timed).
 */
export const FORECAST_FIT_ROWS = 8760;
/** Name of the data set's extra column of per-element frequency weights (`[B, 3]`). */
export const FREQUENCY_WEIGHTS = 'frequencyWeights';

/** Options of {@link forecastWorkload}. */
export interface ForecastWorkloadOptions {
  /** Seeds the series and the initial weights. */
  readonly seed: number;
  /** Rows per batch (default {@link FORECAST_BATCH_SIZE}). */
  readonly batchSize?: number;
  /** Whole batches in the data set (default {@link FORECAST_DEFAULT_BATCHES}). */
  readonly batches?: number;
}

/** The output heads on the trunk's 64 features; a member's model uses the heads it needs. */
export interface ForecastHeads {
  /** One value per target: `[64, 3]`. */
  readonly point: DenseLayer;
  /** One value per target and quantile level, target-major: `[64, 3·3]`. */
  readonly quantile: DenseLayer;
  /** Class logits per target, target-major: `[64, 3·10]` (classification-aided regression's auxiliary head). */
  readonly classes: DenseLayer;
}

/**
 * The regression workload of the loss bench: a small forecasting MLP (24 h × 10 covariates = 240 inputs → 128 → 64,
 * ReLU, Glorot-uniform kernels, zero biases) with interchangeable output heads, on a seeded synthetic hourly series
 * ({@link forecastWindows}); targets `[B, 3]` are the next hour's PM2.5, NO2 and TEMP (standardised). The data set
 * holds the first `batchSize · batches` windows; its per-sample weights are the LDS weights of their PM2.5 targets
 * (Yang et al. 2021: bins of width 0.1 from the smallest target, Gaussian kernel 5/σ 1, inverse square root, fitted
 * on the {@link FORECAST_FIT_ROWS} training windows), which the trainer hands to every loss (only the LDS member reads
 * them, so slicing them costs every member alike). Likewise an extra column {@link FREQUENCY_WEIGHTS} `[B, 3]` holds
 * each row's frequency weights (`frequencyTargetWeights` of the `'auto'` {@link ForecastWorkload.targetHistograms}),
 * computed once here, outside the training step.
 */
export interface ForecastWorkload {
  readonly data: InMemoryDataset;
  readonly batchSize: number;
  /** The training targets `[FORECAST_FIT_ROWS, 3]`, row-major, that histograms, bins and weights are fitted on. */
  readonly fitTargets: Float32Array;
  /** NumPy-`'auto'` histograms of the three training-target columns (frequency-weighted MAE's, and the extra column's). */
  readonly targetHistograms: readonly TargetHistogram[];
  readonly heads: ForecastHeads;
  /** Trunk + point head: the plain-MAE baseline's model, output `[B, 3]`. */
  readonly model: TrainableModel;
  /**
   * A model of the trunk and `heads` (outputs concatenated along axis 1, in order), plus `extra` variables the loss
   * owns (learnable σ, task-weight parameters) so that the trainer's optimiser updates them too.
   */
  modelWith(heads: readonly DenseLayer[], extra?: Readonly<Record<string, tf.Variable>>): TrainableModel;
  /** Releases every variable of the trunk and heads; the workload is unusable afterwards. */
  dispose(): void;
}

function positiveInteger(value: number | undefined, fallback: number, option: string): number {
  const resolved = value ?? fallback;
  if (!Number.isInteger(resolved) || resolved < 1) throw new ConfigError(option, `must be a positive integer, got ${String(resolved)}`);
  return resolved;
}

/** Builds the regression workload (see {@link ForecastWorkload}). */
export function forecastWorkload(options: ForecastWorkloadOptions): ForecastWorkload {
  const batchSize = positiveInteger(options.batchSize, FORECAST_BATCH_SIZE, 'batchSize');
  const batches = positiveInteger(options.batches, FORECAST_DEFAULT_BATCHES, 'batches');
  const rows = batchSize * batches;
  const windows = forecastWindows(Math.max(rows, FORECAST_FIT_ROWS), options.seed);
  const numTargets = FORECAST_TARGETS.length;
  const inputs = windows.inputs.subarray(0, rows * FORECAST_INPUT_WIDTH);
  const targets = windows.targets.subarray(0, rows * numTargets);
  const fitTargets = windows.targets.slice(0, FORECAST_FIT_ROWS * numTargets);
  const fitPm25 = column(fitTargets, numTargets, 0);
  const lowest = fitPm25.reduce((m, v) => Math.min(m, v), Number.POSITIVE_INFINITY);
  const lds = ldsWeights(fitPm25, { lowest, binWidth: 0.1 });
  const sampleWeights = Float32Array.from(column(targets, numTargets, 0), (y) => lds.binWeights[lds.binOf(y)] ?? Number.NaN);
  const targetHistograms = FORECAST_TARGETS.map((_, k) => fitTargetHistogram(column(fitTargets, numTargets, k), { bins: 'auto' }));
  const frequencyWeights = frequencyTargetWeights(targets, { histogram: targetHistograms, shape: [rows, numTargets] });

  const init = new VariableBuilder(SeededRandom.fromSeed(options.seed, 'loss-bench', 'forecast', 'init'));
  const trunk = denseLayers(init, [FORECAST_INPUT_WIDTH, ...FORECAST_HIDDEN]);
  const features = FORECAST_HIDDEN[FORECAST_HIDDEN.length - 1] ?? 0;
  const head = (name: string, units: number): DenseLayer => ({
    kernel: init.glorotUniform(`${name}/kernel`, [features, units], features, units) as tf.Variable<tf.Rank.R2>,
    bias: init.constant(`${name}/bias`, [units], 0) as tf.Variable<tf.Rank.R1>,
  });
  const heads: ForecastHeads = {
    point: head('point', numTargets),
    quantile: head('quantile', numTargets * FORECAST_QUANTILE_LEVELS.length),
    classes: head('classes', numTargets * FORECAST_CLASS_BINS),
  };
  const headName = new Map<DenseLayer, string>(Object.entries(heads).map(([name, layer]) => [layer as DenseLayer, name]));

  const modelWith = (outputs: readonly DenseLayer[], extra: Readonly<Record<string, tf.Variable>> = {}): TrainableModel => {
    if (outputs.length === 0) throw new ConfigError('heads', 'must name at least one output head');
    const variables: Record<string, tf.Variable> = {};
    trunk.forEach((layer, i) => {
      variables[`dense${i}/kernel`] = layer.kernel;
      variables[`dense${i}/bias`] = layer.bias;
    });
    for (const layer of outputs) {
      const name = headName.get(layer);
      if (name === undefined) throw new ConfigError('heads', 'must be heads of this workload');
      variables[`${name}/kernel`] = layer.kernel;
      variables[`${name}/bias`] = layer.bias;
    }
    Object.assign(variables, extra);
    const forward = (inputs: ModelInputs): tf.Tensor =>
      tf.tidy(() => {
        if (!isSingleInput(inputs)) throw new TypeError(`the forecasting workload takes one input tensor [batch, ${FORECAST_INPUT_WIDTH}]`);
        let h = inputs as tf.Tensor2D;
        for (const layer of trunk) h = dense(h, layer.kernel, layer.bias, true);
        const out = outputs.map((layer) => dense(h, layer.kernel, layer.bias));
        return out.length === 1 ? (out[0] as tf.Tensor) : tf.concat(out, 1);
      });
    return fromVariables({ variables, forward });
  };

  return {
    data: createDataset({
      inputs: { values: inputs, shape: [FORECAST_INPUT_WIDTH] },
      targets: { values: targets, shape: [numTargets] },
      weights: sampleWeights,
      extras: { [FREQUENCY_WEIGHTS]: { values: frequencyWeights, shape: [numTargets] } },
    }),
    batchSize,
    fitTargets,
    targetHistograms,
    heads,
    model: modelWith([heads.point]),
    modelWith,
    dispose: () => init.dispose(),
  };
}
