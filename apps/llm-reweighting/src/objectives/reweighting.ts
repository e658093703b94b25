import {
  DEFAULT_IGNORE_INDEX,
  sampleReweightedLoss,
  sampleReweightingWeights,
  softmaxCrossEntropy,
  stopGradient,
  type SampleReweightingStrategy,
} from '@counterweight/core-losses';
import { ConfigError, withExtras, withRowCoupling, type LossFunction } from '@counterweight/runtime';
import * as tf from '@tensorflow/tfjs-core';

import type { LmObjective } from './objective.js';
import type { ObjectiveOptions } from './objective-options.js';
import { checkTokenBatch } from './token-loss-checks.js';
import { plainCrossEntropy } from './uniform.js';
import { WeightRecorder } from './weight-recorder.js';

/** The app's names of the three strategies of Sow et al. (2025), as the reference trainer's `linupper`/`mid`/`extremes`. */
export const REWEIGHTING_METHODS = ['linupper', 'quadratic', 'extremes'] as const;
/** One of {@link REWEIGHTING_METHODS}. */
export type ReweightingMethod = (typeof REWEIGHTING_METHODS)[number];

/** core-losses' strategy of each method. */
export const REWEIGHTING_STRATEGIES: Readonly<Record<ReweightingMethod, SampleReweightingStrategy>> = {
  linupper: 'linUpper',
  quadratic: 'quadratic',
  extremes: 'extremes',
};

/**
 * Default temperature r of each method, from the reference's GPT-2 configs (papers-llm.md §1, "Defaults in the
 * official GPT-2 configs"): `quadratic` r = 1 as `ours_nodr` (mid, the 12-layer model); `linupper` and `extremes`
 * r = 0.4 as the larger configs (`ours_doge_large`/`ours_doremi_large`: linupper 0.4; `ours_nodr_210m`/`_684m`:
 * extremes 0.4).
 */
export const DEFAULT_TEMPERATURES: Readonly<Record<ReweightingMethod, number>> = { linupper: 0.4, quadratic: 1, extremes: 0.4 };

/** Whether the current tfjs computation is a gradient pass (`tf.variableGrads`/`tf.grads`), i.e. a training step. */
function insideGradientPass(): boolean {
  return tf.engine().state.gradientDepth > 0;
}

/**
 * Reads the step's per-sequence losses and weights back (recomputed from the logits under their own `tf.tidy`, so
 * nothing is left behind; weights are constants, so this does not touch the gradient) and hands them to `recorder`.
 */
function recordStep(
  recorder: WeightRecorder,
  step: number,
  predictions: tf.Tensor,
  targets: tf.Tensor,
  strategy: SampleReweightingStrategy,
  temperature: number,
): void {
  const read = tf.tidy(() => {
    const logits = stopGradient(predictions);
    const perToken = softmaxCrossEntropy(targets, logits, { ignoreIndex: DEFAULT_IGNORE_INDEX, reduction: 'none', validate: false });
    const tokens = tf.sum(tf.cast(tf.notEqual(targets, DEFAULT_IGNORE_INDEX), 'float32'), 1);
    const losses = tf.div(tf.sum(perToken, 1), tf.maximum(tokens, 1));
    const active = tf.cast(tf.greater(tokens, 0), 'float32');
    const weights = sampleReweightingWeights(losses, { strategy, temperature, active });
    return { losses: losses.dataSync(), weights: weights.dataSync(), active: active.dataSync() };
  });
  recorder.record(step, read.weights, read.losses, read.active);
}

/** A reweighting objective: an {@link LmObjective} whose {@link WeightRecorder} samples the weights it applied. */
export interface ReweightingObjective extends LmObjective {
  readonly recorder: WeightRecorder;
}

/**
 * Loss-based sample reweighting (Sow, Woisetschläger, Jiang & Liang, ICLR 2025) of next-token cross-entropy, as
 * core-losses' `sampleReweightedLoss` computes it: per sequence `l_i` = mean token CE over its scored tokens, weights
 * `w = softmax(f(h)/r)` from the detached losses min–max normalised to `h ∈ [−1, 1]`, and
 *
 *     loss = B · Σ_i w_i · (n_i/Σn) · l_i        (n_i scored tokens of sequence i; uniform w = 1/B → token mean)
 *
 * with `f` = `min(h + 1, 1)` (linupper), `1 − h²` (quadratic), `|h|` (extremes); `validate: false` in the step.
 *
 * Steps: `loss(s)` is the loss of the training steps from global step `s` on. Each call made inside a gradient pass
 * (a training step of `train()`: the trainer calls the loss once per step inside `tf.variableGrads`) advances the
 * function's step by one, so one function serves a whole epoch (`lossAtEpoch(e) = objective.loss(firstStepOf(e))`)
 * and still switches exactly at `warmupSteps`: steps `< warmupSteps` get the plain token mean (the reference's
 * `burnout_steps`; same value as uniform weights), later ones the reweighted loss. Calls outside a gradient pass
 * (evaluation) do not advance it. The `recorder` (default: a new `WeightRecorder`, every 10th step) records the
 * weights of the steps it asks for.
 * @throws ConfigError naming `options.temperature` (must be > 0) or `options.warmupSteps` (integer ≥ 0).
 */
export function buildReweightingObjective(method: ReweightingMethod, options: ObjectiveOptions = {}): ReweightingObjective {
  const strategy = REWEIGHTING_STRATEGIES[method];
  const temperature = options.temperature ?? DEFAULT_TEMPERATURES[method];
  if (typeof temperature !== 'number' || !(temperature > 0)) {
    throw new ConfigError('options.temperature', `must be a number > 0 (Infinity: uniform weights), got ${String(temperature)}`);
  }
  const warmupSteps = options.warmupSteps ?? 0;
  if (!Number.isSafeInteger(warmupSteps) || warmupSteps < 0) {
    throw new ConfigError('options.warmupSteps', `must be an integer >= 0, got ${String(warmupSteps)}`);
  }
  const recorder = options.recorder ?? new WeightRecorder();
  const plain = plainCrossEntropy(method);
  const lossFrom = (first: number): LossFunction<never> => {
    let step = first;
    const reason = 'the per-sequence losses are min–max normalised over the whole batch (the reference all-gathers them across devices)';
    return withRowCoupling({ lossName: method, reason }, withExtras({ lossName: method, extras: [] }, (inputs): tf.Scalar => {
      const training = insideGradientPass();
      const current = step;
      if (training) step += 1;
      if (current < warmupSteps) return plain(inputs);
      const { predictions, targets } = inputs;
      checkTokenBatch(method, predictions, targets);
      if (training && recorder.due(current)) recordStep(recorder, current, predictions, targets, strategy, temperature);
      return sampleReweightedLoss(targets, predictions, { strategy, temperature, validate: false }) as tf.Scalar;
    }));
  };
  return {
    name: method,
    description: `loss-based sample reweighting, ${method} strategy, r = ${temperature}${warmupSteps > 0 ? `, plain average for the first ${warmupSteps} steps` : ''}`,
    reference: 'Sow, Woisetschläger, Jiang & Liang, ICLR 2025 (sowmaster/Sample-Level-Loss-Reweighting-ICLR-2025, src/trainer.py)',
    causal: true,
    recorder,
    loss: (globalStep) => {
      if (!Number.isSafeInteger(globalStep) || globalStep < 0) throw new ConfigError('globalStep', `must be an integer >= 0, got ${String(globalStep)}`);
      return lossFrom(globalStep);
    },
  };
}
