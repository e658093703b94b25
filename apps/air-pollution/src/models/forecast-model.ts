import {
  SeededRandom,
  TrainingError,
  VariableBuilder,
  fromVariables,
  isSingleInput,
  type ModelInputs,
  type PredictContext,
  type TrainableModel,
} from '@counterweight/runtime';
import * as tf from '@tensorflow/tfjs-core';

import type { ForecastModelConfig, ForecastModelShape } from './forecast-model-config.js';
import { validateForecastModelConfig, validateForecastModelShape } from './forecast-model-validation.js';
import { applyMlpTrunk, createMlpTrunk, type MlpTrunk } from './mlp-trunk.js';
import { applyTaskHead, createTaskHead, type TaskHead } from './task-heads.js';
import { applyTcnTrunk, createTcnTrunk, type TcnTrunk } from './tcn-trunk.js';

/** Name of the weather head (its variables are `weather/...`). */
export const WEATHER_HEAD = 'weather';
/** Name of the pollutant head (its variables are `pollutant/...`). */
export const POLLUTANT_HEAD = 'pollutant';

/**
 * A multi-task forecaster usable as the runtime's {@link TrainableModel}: a shared trunk (MLP or TCN) and a weather
 * head and a pollutant head on its features.
 *
 * `predict(windows, context)` takes one float32 tensor `[B, history·features]` (each window flattened row-major from
 * `[history, features]`) and returns `[B, weatherOutputs + pollutantOutputs]`: the weather head's columns first,
 * then the pollutant head's (no weather columns when `weatherOutputs` is 0). The model has no dropout or batch
 * norm, so training and inference run the same computation.
 */
export interface ForecastModel extends TrainableModel {
  /** The architecture options it was built from. */
  readonly config: ForecastModelConfig;
  readonly shape: ForecastModelShape;
  /** The seed of its initial weights. */
  readonly seed: number;
  /** `history·features`. */
  readonly inputSize: number;
  /** `weatherOutputs + pollutantOutputs`. */
  readonly outputSize: number;
  readonly trunk: MlpTrunk | TcnTrunk;
  /** Undefined when `weatherOutputs` is 0. */
  readonly weatherHead: TaskHead | undefined;
  readonly pollutantHead: TaskHead;
  /** Number of scalar weights (every variable's size summed). */
  readonly parameterCount: number;
  /** Releases every variable; the model is unusable afterwards. */
  dispose(): void;
}

function checkWindows(inputs: ModelInputs, inputSize: number, shape: ForecastModelShape): tf.Tensor2D {
  if (!isSingleInput(inputs)) {
    throw new TrainingError('inputs', `the forecaster takes one tensor [batch, ${inputSize}], not a record of named tensors`);
  }
  if (inputs.rank !== 2 || inputs.shape[1] !== inputSize) {
    throw new TrainingError(
      'inputs',
      `windows must have shape [batch, ${inputSize}] (history ${shape.history} × features ${shape.features}, flattened), got [${inputs.shape.join(', ')}]`,
    );
  }
  return inputs as tf.Tensor2D;
}

/**
 * Builds a forecaster (see {@link ForecastModel}).
 *
 * - `mlp`: flatten → `layers` × dense(`hidden`, ReLU) → heads.
 * - `tcn`: reshape to `[B, history, features]` → `layers` causal convolution blocks (`kernelSize`, `hidden` channels,
 *   ReLU, dilations 1, 2, 4, …, residual where the widths match) → the last step's channels → heads.
 * - Each head: dense(`headHidden`, ReLU) → dense(outputs).
 *
 * Initial weights are drawn in JavaScript from `SeededRandom` streams (Glorot-uniform kernels, zero biases): the same
 * seed gives bitwise the same weights on every backend, and the trunk, the weather head and the pollutant head each
 * have their own stream, so the pollutant head starts the same with or without a weather head. Variables are named
 * `trunk/dense<i>/…` or `trunk/conv<i>/…`, `weather/{hidden,output}/{kernel,bias}`, `pollutant/…`.
 *
 * @throws ConfigError naming the field for an invalid config (`model.<field>`) or shape (`shape.<field>`).
 */
export function createForecastModel(config: ForecastModelConfig, shape: ForecastModelShape, seed: number): ForecastModel {
  validateForecastModelConfig(config, 'model.');
  validateForecastModelShape(shape);
  const inputSize = shape.history * shape.features;
  const builders = {
    trunk: new VariableBuilder(SeededRandom.fromSeed(seed, 'air-pollution', 'trunk', config.kind)),
    weather: new VariableBuilder(SeededRandom.fromSeed(seed, 'air-pollution', 'head', WEATHER_HEAD)),
    pollutant: new VariableBuilder(SeededRandom.fromSeed(seed, 'air-pollution', 'head', POLLUTANT_HEAD)),
  };
  const disposeAll = (): void => Object.values(builders).forEach((b) => b.dispose());
  let trunk: MlpTrunk | TcnTrunk;
  let weatherHead: TaskHead | undefined;
  let pollutantHead: TaskHead;
  try {
    trunk =
      config.kind === 'mlp'
        ? createMlpTrunk(builders.trunk, inputSize, config.hidden, config.layers)
        : createTcnTrunk(builders.trunk, shape.history, shape.features, config);
    weatherHead =
      shape.weatherOutputs > 0 ? createTaskHead(builders.weather, WEATHER_HEAD, trunk.outputSize, config.headHidden, shape.weatherOutputs) : undefined;
    pollutantHead = createTaskHead(builders.pollutant, POLLUTANT_HEAD, trunk.outputSize, config.headHidden, shape.pollutantOutputs);
  } catch (error) {
    disposeAll();
    throw error;
  }
  const variables: Record<string, tf.Variable> = {
    ...builders.trunk.variables,
    ...builders.weather.variables,
    ...builders.pollutant.variables,
  };
  const forward = (inputs: ModelInputs, _context: PredictContext): tf.Tensor => {
    const windows = checkWindows(inputs, inputSize, shape);
    return tf.tidy(() => {
      const features = trunk.kind === 'mlp' ? applyMlpTrunk(trunk, windows) : applyTcnTrunk(trunk, windows);
      const pollutant = applyTaskHead(pollutantHead, features);
      return weatherHead === undefined ? pollutant : tf.concat([applyTaskHead(weatherHead, features), pollutant], 1);
    });
  };
  const base = fromVariables({ variables, forward });
  return {
    get trainableVariables() {
      return base.trainableVariables;
    },
    variables: base.variables,
    predict: forward,
    config,
    shape,
    seed,
    inputSize,
    outputSize: shape.weatherOutputs + shape.pollutantOutputs,
    trunk,
    weatherHead,
    pollutantHead,
    parameterCount: Object.values(variables).reduce((sum, v) => sum + v.size, 0),
    dispose: disposeAll,
  };
}
