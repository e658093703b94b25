import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel, LayerVariable } from '@tensorflow/tfjs-layers';

import { TrainingError } from '../errors.js';
import type { SeededRandom } from '../random.js';

/** What a model consumes: one tensor, or named tensors for multi-input models (e.g. int32 ids + float32 features). */
export type ModelInputs = tf.Tensor | Readonly<Record<string, tf.Tensor>>;

/** Passed to {@link TrainableModel.predict} on every call. */
export interface PredictContext {
  /** True inside a training step (dropout and similar layers are active), false for evaluation and inference. */
  readonly training: boolean;
  /**
   * The trainer's seeded generator, given only during training steps. Draw from it (e.g. `random.nextSeed()` for a
   * `tf.dropout` seed) to keep training reproducible: its state is saved in checkpoints.
   */
  readonly random?: SeededRandom;
}

/** A model variable with the stable name under which checkpoints store it. */
export interface NamedVariable {
  /** Unique within the model and identical across processes that build the same model (unlike `tf.Variable.name`). */
  readonly name: string;
  readonly variable: tf.Variable;
}

/**
 * A model the training loop can optimise: a forward function plus the variables it reads.
 * `variables` is everything a checkpoint must hold (trainable and non-trainable state); `trainableVariables` are the
 * ones gradients are taken for, and must be a subset of `variables`, in a fixed order.
 */
export interface TrainableModel {
  readonly trainableVariables: readonly tf.Variable[];
  readonly variables: readonly NamedVariable[];
  /** Forward pass. Must return a new tensor (never one of the variables) that the caller disposes. */
  predict(inputs: ModelInputs, context: PredictContext): tf.Tensor;
  /** Extra penalty added to the loss in training steps (e.g. tfjs-layers kernel regularizers); undefined for none. */
  regularizationLoss?(): tf.Scalar | undefined;
}

/** True when `inputs` is a single tensor rather than a record of named tensors. */
export function isSingleInput(inputs: ModelInputs): inputs is tf.Tensor {
  return inputs instanceof tf.Tensor;
}

function assertUniqueNames(names: readonly string[], argument: string): void {
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) {
      throw new TrainingError(argument, `variable name "${name}" is used twice; checkpoint names must be unique`);
    }
    seen.add(name);
  }
}

/** How {@link fromLayersModel} names variables in checkpoints. */
export type LayerVariableNaming = 'position' | 'layer-name';

/** Options of {@link fromLayersModel}. */
export interface FromLayersModelOptions {
  /**
   * `position` (default): `<layer index>:<layer class>/<weight>`, e.g. `1:Dense/kernel`, which does not depend on
   * tfjs's global layer-name counter, so two processes (or two models in one process) agree. `layer-name`:
   * `<layer name>/<weight>`; stable only when every layer is given an explicit `name`.
   */
  readonly naming?: LayerVariableNaming;
}

function underlyingVariable(weight: LayerVariable): tf.Variable {
  const value = weight.read();
  if (!(value instanceof tf.Variable)) {
    throw new TrainingError('model', `layer weight "${weight.name}" is not backed by a tf.Variable`);
  }
  return value as tf.Variable;
}

function layerWeightSuffix(layerName: string, weight: LayerVariable): string {
  const prefix = `${layerName}/`;
  return weight.originalName.startsWith(prefix) ? weight.originalName.slice(prefix.length) : weight.originalName;
}

/**
 * Wraps a tfjs-layers model. `predict` calls `model.apply(inputs, { training })`; named inputs are matched to the
 * model's input layers by name (`tf.input({ name })`). Variables are the layers' underlying `tf.Variable`s
 * (`LayerVariable.read()`), so optimiser updates are seen by the layers model itself (and by `model.save`).
 * Kernel/bias/activity regularizers are added to the training loss through `regularizationLoss`.
 *
 * Note: tfjs-layers' dropout draws unseeded random numbers, so a layers model with dropout does not train
 * reproducibly; use a hand-written model ({@link fromVariables}) with `context.random` for that.
 */
export function fromLayersModel(model: LayersModel, options: FromLayersModelOptions = {}): TrainableModel {
  const naming = options.naming ?? 'position';
  const named: NamedVariable[] = [];
  const seen = new Set<tf.Variable>();
  model.layers.forEach((layer, index) => {
    for (const weight of layer.weights) {
      const variable = underlyingVariable(weight);
      if (seen.has(variable)) continue; // shared weights are stored once
      seen.add(variable);
      const suffix = layerWeightSuffix(layer.name, weight);
      const name = naming === 'position' ? `${index}:${layer.getClassName()}/${suffix}` : `${layer.name}/${suffix}`;
      named.push({ name, variable });
    }
  });
  if (named.length === 0) {
    throw new TrainingError(
      'model',
      'has no weights yet; give the first layer an inputShape (or build the model) before wrapping it',
    );
  }
  assertUniqueNames(
    named.map((v) => v.name),
    'model',
  );
  return {
    get trainableVariables(): readonly tf.Variable[] {
      return model.trainableWeights.map(underlyingVariable);
    },
    variables: named,
    predict(inputs: ModelInputs, context: PredictContext): tf.Tensor {
      // Read on every call: a Sequential model only knows its input names once built (on its first apply).
      const inputNames: readonly string[] = model.inputNames ?? [];
      let feed: tf.Tensor | tf.Tensor[];
      if (isSingleInput(inputs)) {
        if (inputNames.length > 1) {
          throw new TrainingError(
            'inputs',
            `the model has ${inputNames.length} inputs (${inputNames.join(', ')}); pass a record of named tensors`,
          );
        }
        feed = inputs;
      } else {
        const given = Object.keys(inputs);
        const only = given.length === 1 ? inputs[given[0] as string] : undefined;
        if (inputNames.length === 0 && only !== undefined) {
          feed = only; // unbuilt Sequential: one input, name not known yet
        } else {
          const missing = inputNames.filter((name) => inputs[name] === undefined);
          const unknown = given.filter((name) => !inputNames.includes(name));
          if (missing.length > 0 || unknown.length > 0) {
            throw new TrainingError(
              'inputs',
              `names must match the model's input layers [${inputNames.join(', ')}]; got [${given.join(', ')}]`,
            );
          }
          feed = inputNames.map((name) => inputs[name] as tf.Tensor);
        }
      }
      const output = model.apply(feed, { training: context.training });
      if (Array.isArray(output) || !(output instanceof tf.Tensor)) {
        throw new TrainingError('model', 'must have exactly one output tensor');
      }
      return output;
    },
    regularizationLoss(): tf.Scalar | undefined {
      const losses = model.calculateLosses();
      if (losses.length === 0) return undefined;
      return tf.tidy(() => tf.addN(losses));
    },
  };
}

/** Options of {@link fromVariables}. */
export interface FromVariablesOptions {
  /** Every variable of the model under its stable checkpoint name. Trainability comes from `tf.Variable.trainable`. */
  readonly variables: Readonly<Record<string, tf.Variable>>;
  /** The forward pass; it reads the variables it closes over. */
  readonly forward: (inputs: ModelInputs, context: PredictContext) => tf.Tensor;
  /** Optional penalty added to the training loss (e.g. an L2 term); return a scalar the caller disposes. */
  readonly regularization?: () => tf.Scalar;
}

/**
 * Wraps hand-written `tf.Variable`s and a forward function as a {@link TrainableModel}. The record's keys are the
 * checkpoint names; its insertion order fixes the order of the trainable variables.
 */
export function fromVariables(options: FromVariablesOptions): TrainableModel {
  const named: NamedVariable[] = Object.entries(options.variables).map(([name, variable]) => {
    if (!(variable instanceof tf.Variable)) {
      throw new TrainingError(`variables.${name}`, 'must be a tf.Variable (create it with tf.variable(...))');
    }
    return { name, variable };
  });
  if (named.length === 0) throw new TrainingError('variables', 'must hold at least one tf.Variable');
  const unique = new Set(named.map((v) => v.variable));
  if (unique.size !== named.length) {
    throw new TrainingError('variables', 'the same tf.Variable is listed under two names');
  }
  const regularization = options.regularization;
  return {
    get trainableVariables(): readonly tf.Variable[] {
      return named.filter((v) => v.variable.trainable).map((v) => v.variable);
    },
    variables: named,
    predict: options.forward,
    ...(regularization === undefined ? {} : { regularizationLoss: () => regularization() }),
  };
}
