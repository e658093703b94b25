import { featureNormPenalty } from '@counterweight/core-losses';
import {
  SeededRandom,
  VariableBuilder,
  fromVariables,
  isSingleInput,
  type ModelInputs,
  type NamedVariable,
  type PredictContext,
  type TrainableModel,
} from '@counterweight/runtime';
import * as tf from '@tensorflow/tfjs-core';

import { cnnBackbone } from './cnn.js';
import { auxiliaryHead, mainHead } from './heads.js';
import { applyLayers, buildLayers, flattenLayers, type Layer, type LayerContext } from './layers.js';
import {
  resolveModelOptions,
  resolveStageSettings,
  type ModelOptions,
  type ResolvedModelOptions,
  type StageSettings,
} from './options.js';
import { resnetBackbone } from './resnet.js';

/**
 * An image classifier: a backbone (penultimate features), a main head and optionally a Dual-Head-KD auxiliary head,
 * usable directly as the runtime's {@link TrainableModel}.
 *
 * `predict(images [B, H, W, C] float32 NHWC, context)` returns the main head's logits `[B, C]`, or `[B, 2C]` (main ‖
 * auxiliary, see {@link splitDualHeadLogits}) when the model has an auxiliary head. In training mode batch norm uses
 * batch statistics and updates its running statistics, dropout is active; with `trainable: 'classifier'` the backbone
 * runs in inference mode (frozen features). `regularizationLoss()` returns the configured weight decay over the
 * trainable variables plus the feature-norm penalty of the features of the preceding training-mode `predict` (the
 * trainer calls the two in that order inside one gradient scope).
 */
export interface VisionModel extends TrainableModel {
  /** The options it was built from, defaults filled in (JSON; rebuilds the same architecture and initial weights). */
  readonly options: ResolvedModelOptions;
  /** Backbone layers (images → penultimate features). */
  readonly backbone: readonly Layer[];
  /** Main head layers (features → logits). */
  readonly head: readonly Layer[];
  /** Auxiliary head layers (Dual-Head KD), or undefined. */
  readonly auxiliary: readonly Layer[] | undefined;
  /** Width `d` of the penultimate features. */
  readonly featureSize: number;
  /** Columns of `predict`'s output: `C`, or `2C` with an auxiliary head. */
  readonly outputSize: number;
  /** Penultimate features `[B, d]` (inference mode unless `context.training`); the caller disposes them. */
  features(images: tf.Tensor, context?: PredictContext): tf.Tensor2D;
  /** The main head's logits `[B, C]` from penultimate features (inference mode); the caller disposes them. */
  classify(features: tf.Tensor): tf.Tensor2D;
  /** The main head's logits `[B, C]` for images in inference mode (no auxiliary head); the caller disposes them. */
  logits(images: tf.Tensor): tf.Tensor2D;
  /**
   * The trainable classifier kernel `[d, C]` (class vectors are columns), for weight balancing's MaxNorm:
   * `head/kernel` of the linear and cosine heads; undefined for the ETF head, whose kernel is fixed.
   */
  readonly classifierKernel: NamedVariable | undefined;
  /** The main head's bias (`head/bias`), undefined for the cosine head. */
  readonly classifierBias: NamedVariable | undefined;
  /** Names of the convolution and dense kernels (rank ≥ 2, trainable in stage `all`): the variables AWP perturbs. */
  readonly kernelNames: readonly string[];
  /** True for a name in {@link kernelNames}; usable as `weightPerturbation: { kind: 'awp', kernels: model.isKernel }`. */
  isKernel(name: string): boolean;
  /** The variable with this checkpoint name. @throws RangeError naming the unknown variable. */
  variable(name: string): tf.Variable;
  /**
   * Changes the trainable set and the loss terms between training stages (call before `train()`, which reads the
   * trainable variables once). `classifier` trains only the main head's kernel and bias and freezes the backbone
   * (batch norm on running statistics); `all` trains everything but batch-norm statistics and the ETF kernel.
   */
  configure(settings: StageSettings): void;
  /** Releases every variable; the model is unusable afterwards. */
  dispose(): void;
}

function checkImages(inputs: ModelInputs, shape: readonly [number, number, number]): tf.Tensor4D {
  if (!isSingleInput(inputs)) throw new RangeError('the image model takes one input tensor [batch, height, width, channels]');
  const [, h, w, c] = inputs.shape;
  if (inputs.rank !== 4 || h !== shape[0] || w !== shape[1] || c !== shape[2]) {
    throw new RangeError(`images must have shape [batch, ${shape.join(', ')}] (NHWC), got [${inputs.shape.join(', ')}]`);
  }
  return inputs as tf.Tensor4D;
}

/**
 * Splits the `[B, 2C]` output of a dual-head model into the main and auxiliary logits (`[B, C]` each; the caller
 * disposes them, e.g. inside the loss's tidy scope).
 */
export function splitDualHeadLogits(predictions: tf.Tensor, numClasses: number): { main: tf.Tensor2D; auxiliary: tf.Tensor2D } {
  if (predictions.rank !== 2 || predictions.shape[1] !== 2 * numClasses) {
    throw new RangeError(`dual-head predictions must have shape [batch, ${2 * numClasses}], got [${predictions.shape.join(', ')}]`);
  }
  const rows = predictions.shape[0] ?? 0;
  return {
    main: tf.slice(predictions, [0, 0], [rows, numClasses]) as tf.Tensor2D,
    auxiliary: tf.slice(predictions, [0, numClasses], [rows, numClasses]) as tf.Tensor2D,
  };
}

function backboneLayers(options: ResolvedModelOptions) {
  return options.arch === 'cnn' ? cnnBackbone(options.width) : resnetBackbone(options.width, options.depth);
}

/**
 * Builds an image classifier (see {@link VisionModel}) from JSON options: `arch` `cnn` | `resnet`, `head` `linear` |
 * `cosine` | `etf`, `inputShape` `[H, W, C]`, `numClasses`, `seed`, and the optional settings of {@link ModelOptions}.
 * Initial weights are drawn in JavaScript from `SeededRandom` streams: the same seed gives the same weights on every
 * backend, and the backbone's initial weights do not depend on the head (recipes with different heads start from
 * the same backbone). Variables are named `<layer>/<weight>` (e.g. `stage2/block1/conv1/kernel`, `head/bias`).
 *
 * As a data-parallel replica factory (`ReplicaSpec`), export a function that returns
 * `{ model: createModel(options.model), loss }` with the recipe's loss; the replica must get the same options
 * (including `trainable`, `weightDecay` and `featureNormPenalty` of the stage) as the main model.
 * @throws ConfigError naming the option for invalid options.
 */
export function createModel(options: ModelOptions): VisionModel {
  const resolved = resolveModelOptions(options);
  const { arch, seed, numClasses, inputShape } = resolved;
  const builders = {
    backbone: new VariableBuilder(SeededRandom.fromSeed(seed, 'imbalanced-vision', arch, 'backbone')),
    head: new VariableBuilder(SeededRandom.fromSeed(seed, 'imbalanced-vision', 'head', resolved.head)),
    auxiliary: new VariableBuilder(SeededRandom.fromSeed(seed, 'imbalanced-vision', 'auxiliary')),
  };
  const disposeAll = () => Object.values(builders).forEach((b) => b.dispose());
  let built: {
    backbone: Layer[];
    head: Layer[];
    auxiliary: Layer[] | undefined;
    featureSize: number;
  };
  try {
    const backbone = buildLayers(backboneLayers(resolved), inputShape, builders.backbone);
    const featureSize = backbone.outputShape[0] ?? 0;
    const head = buildLayers(mainHead(resolved.head, featureSize, numClasses, seed, resolved.headBias), backbone.outputShape, builders.head);
    const auxiliary =
      resolved.auxiliaryHead === undefined
        ? undefined
        : buildLayers(auxiliaryHead(resolved.auxiliaryHead, numClasses), backbone.outputShape, builders.auxiliary).layers;
    built = { backbone: backbone.layers, head: head.layers, auxiliary, featureSize };
  } catch (error) {
    disposeAll();
    throw error;
  }
  const variables: Record<string, tf.Variable> = {
    ...builders.backbone.variables,
    ...builders.head.variables,
    ...builders.auxiliary.variables,
  };
  const names = new Map(Object.entries(variables).map(([name, v]) => [v, name]));
  const nameOf = (v: tf.Variable): string => names.get(v) ?? v.name;

  const headLayer = built.head[0];
  const classifierKernel =
    headLayer !== undefined && (headLayer.kind === 'dense' || headLayer.kind === 'cosine')
      ? { name: nameOf(headLayer.kernel), variable: headLayer.kernel as tf.Variable }
      : undefined;
  const classifierBias =
    headLayer !== undefined && (headLayer.kind === 'dense' || headLayer.kind === 'etf')
      ? { name: nameOf(headLayer.biasVariable), variable: headLayer.biasVariable as tf.Variable }
      : undefined;
  const allLayers = flattenLayers([...built.backbone, ...built.head, ...(built.auxiliary ?? [])]);
  const kernelNames = allLayers.flatMap((layer) =>
    layer.kind === 'conv' || layer.kind === 'dense' || layer.kind === 'cosine' ? [nameOf(layer.kernel)] : [],
  );
  const kernelSet = new Set(kernelNames);
  // Batch-norm running statistics and the ETF kernel are state, never trained.
  const neverTrainable = new Set(Object.entries(variables).filter(([, v]) => !v.trainable).map(([name]) => name));
  const classifierNames = new Set([classifierKernel?.name, classifierBias?.name].filter((n): n is string => n !== undefined));

  let settings = resolveStageSettings(resolved);
  const applyTrainable = (): void => {
    for (const [name, v] of Object.entries(variables)) {
      v.trainable = !neverTrainable.has(name) && (settings.trainable === 'all' || classifierNames.has(name));
    }
  };
  applyTrainable();

  const fallbackRandom = SeededRandom.fromSeed(seed, 'imbalanced-vision', 'dropout');
  const layerContext = (training: boolean, random: SeededRandom | undefined): LayerContext => ({
    training,
    random: random ?? fallbackRandom,
    momentum: resolved.batchNormMomentum,
  });
  let pendingPenalty: tf.Scalar | undefined;

  const forward = (inputs: ModelInputs, context: PredictContext): tf.Tensor => {
    const images = checkImages(inputs, inputShape);
    const training = context.training;
    // With only the classifier trained, everything else (backbone, auxiliary head) runs frozen, in inference mode.
    const frozenContext = layerContext(training && settings.trainable === 'all', context.random);
    const headContext = layerContext(training, context.random);
    const penaltyWeight = training ? settings.featureNormPenalty : 0;
    const result = tf.tidy(() => {
      const features = applyLayers(built.backbone, images, frozenContext);
      const main = applyLayers(built.head, features, headContext);
      const output =
        built.auxiliary === undefined ? main : tf.concat([main, applyLayers(built.auxiliary, features, frozenContext)], 1);
      return penaltyWeight > 0
        ? { output, penalty: featureNormPenalty(features, { lambda: penaltyWeight, validate: false }) }
        : { output };
    });
    if (pendingPenalty !== undefined) pendingPenalty.dispose();
    pendingPenalty = result.penalty;
    return result.output;
  };
  const base = fromVariables({ variables, forward });

  const model: VisionModel = {
    get trainableVariables() {
      return base.trainableVariables;
    },
    variables: base.variables,
    predict: forward,
    regularizationLoss(): tf.Scalar | undefined {
      const terms: tf.Scalar[] = [];
      if (pendingPenalty !== undefined) {
        terms.push(pendingPenalty);
        pendingPenalty = undefined;
      }
      const decay = settings.weightDecay;
      if (decay > 0) {
        const trainable = base.trainableVariables;
        if (trainable.length > 0) {
          terms.push(tf.tidy(() => tf.mul<tf.Scalar>(decay / 2, tf.addN(trainable.map((v) => tf.sum(tf.square(v)))))));
        }
      }
      if (terms.length <= 1) return terms[0];
      return tf.addN(terms);
    },
    options: resolved,
    backbone: built.backbone,
    head: built.head,
    auxiliary: built.auxiliary,
    featureSize: built.featureSize,
    outputSize: built.auxiliary === undefined ? numClasses : 2 * numClasses,
    features(images: tf.Tensor, context: PredictContext = { training: false }): tf.Tensor2D {
      const checked = checkImages(images, inputShape);
      const layers = layerContext(context.training && settings.trainable === 'all', context.random);
      return tf.tidy(() => applyLayers(built.backbone, checked, layers) as tf.Tensor2D);
    },
    classify(features: tf.Tensor): tf.Tensor2D {
      return tf.tidy(() => applyLayers(built.head, features, layerContext(false, undefined)) as tf.Tensor2D);
    },
    logits(images: tf.Tensor): tf.Tensor2D {
      const checked = checkImages(images, inputShape);
      return tf.tidy(() => {
        const context = layerContext(false, undefined);
        return applyLayers(built.head, applyLayers(built.backbone, checked, context), context) as tf.Tensor2D;
      });
    },
    classifierKernel,
    classifierBias,
    kernelNames,
    isKernel: (name: string) => kernelSet.has(name),
    variable(name: string): tf.Variable {
      const v = variables[name];
      if (v === undefined) throw new RangeError(`the model has no variable "${name}"`);
      return v;
    },
    configure(next: StageSettings): void {
      settings = resolveStageSettings({ ...settings, ...next });
      applyTrainable();
    },
    dispose(): void {
      if (pendingPenalty !== undefined) pendingPenalty.dispose();
      pendingPenalty = undefined;
      disposeAll();
    },
  };
  return model;
}
