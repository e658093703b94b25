import { awpGradients, samGradients } from '@counterweight/core-losses';
import * as tf from '@tensorflow/tfjs-core';

import { TrainingError } from '../errors.js';
import type { SeededRandom } from '../random.js';
import { batchObjective, withBatch, type GradientStrategy } from './gradient-strategy.js';
import type { SchedulePosition } from './lr-schedule.js';
import type { TrainableModel } from './model.js';

/**
 * A radius (SAM's `rho`, AWP's `gamma`): a constant, or a function of the step's position (the `{ step, epoch }` of
 * learning-rate schedules: `step` is the global step before this one, `epoch` 0-based), e.g. Rangwani et al.'s step
 * schedule of rho on ImageNet-LT or AWP's warm-up epochs with gamma 0. It must give a finite number >= 0; 0 makes that
 * step a plain one (one pass, no perturbation).
 */
export type PerturbationRadius = number | ((position: SchedulePosition) => number);

/**
 * Perturbed-gradient steps: each step takes the gradient at perturbed weights `w + ε` (same batch, same loss) and
 * applies it at `w`, restored bitwise; see `samGradients` and `awpGradients` of `@counterweight/core-losses`.
 *
 * - `sam`: sharpness-aware minimisation (Foret et al. 2021; Rangwani et al. 2022 for long tails),
 *   `ε = rho · g / ‖g‖₂` with ONE norm over all trainable variables. `rho` default 0.05 (Rangwani et al. use 0.1-0.8 on
 *   CIFAR-LT); `adaptive`/`eta`: ASAM as `davda54/sam` (default off, eta 0).
 * - `awp`: adversarial weight perturbation (Wu et al. 2020), `ε_l = gamma · ‖w_l‖ · g_l / ‖g_l‖` per kernel.
 *   `gamma` default 0.01. `kernels` picks the perturbed variables by their stable checkpoint name (default: trainable
 *   variables of rank >= 2; biases and normalisation parameters are never perturbed by default).
 *
 * A step costs two forward and backward passes (about 2x). Clipping and the optimiser act on the final gradient only;
 * a loss-aware optimiser (`momo`, `momo-adam`) gets the loss at `w`.
 * The loss reported per step and per epoch (and checked for NaN/Inf) is the loss at `w`; the loss at `w + ε` is
 * `StepEndInfo.perturbedLoss` (a non-finite one also stops or skips the step). The model's forward pass runs twice, so
 * `context.random` is drawn twice per step (still exact on resume: its state is checkpointed after the step).
 * The perturbation lives only inside a step, so checkpoints and resume are unchanged.
 */
export type WeightPerturbation =
  | {
      readonly kind: 'sam';
      readonly rho?: PerturbationRadius;
      readonly adaptive?: boolean;
      readonly eta?: number;
    }
  | {
      readonly kind: 'awp';
      readonly gamma?: PerturbationRadius;
      readonly kernels?: (name: string, variable: tf.Variable) => boolean;
    };


/** A radius value checked to be a finite number >= 0. */
export function checkRadius(value: number, argument: string, where = ''): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new TrainingError(argument, `must be a finite number >= 0${where}, got ${String(value)}`);
  }
  return value;
}

/** @throws TrainingError naming the field of an invalid {@link WeightPerturbation}. */
export function validateWeightPerturbation(perturbation: WeightPerturbation): void {
  const kind = (perturbation as { kind?: unknown }).kind;
  if (kind !== 'sam' && kind !== 'awp') {
    throw new TrainingError('weightPerturbation.kind', `must be "sam" or "awp", got "${String(kind)}"`);
  }
  const [key, radius] = perturbation.kind === 'sam' ? ['rho', perturbation.rho] : ['gamma', perturbation.gamma];
  if (typeof radius === 'number') checkRadius(radius, `weightPerturbation.${key}`);
  else if (radius !== undefined && typeof radius !== 'function') {
    throw new TrainingError(`weightPerturbation.${key}`, 'must be a number or a function of { step, epoch }');
  }
  if (perturbation.kind === 'sam') {
    if (perturbation.adaptive !== undefined && typeof perturbation.adaptive !== 'boolean') {
      throw new TrainingError('weightPerturbation.adaptive', `must be a boolean, got ${String(perturbation.adaptive)}`);
    }
    if (perturbation.eta !== undefined) checkRadius(perturbation.eta, 'weightPerturbation.eta');
  } else if (perturbation.kernels !== undefined && typeof perturbation.kernels !== 'function') {
    throw new TrainingError('weightPerturbation.kernels', 'must be a function (name, variable) => boolean');
  }
}

/**
 * AWP's perturbed variables, chosen once by stable name (default: trainable variables of rank >= 2).
 * @throws TrainingError when the selection is empty.
 */
function awpKernels(model: TrainableModel, perturbation: Extract<WeightPerturbation, { kind: 'awp' }>): tf.Variable[] {
  const names = new Map(model.variables.map((v) => [v.variable, v.name]));
  const pick = perturbation.kernels ?? ((_name: string, variable: tf.Variable) => variable.rank >= 2);
  const kernels = model.trainableVariables.filter((v) => pick(names.get(v) ?? v.name, v));
  if (kernels.length === 0) {
    throw new TrainingError(
      'weightPerturbation.kernels',
      perturbation.kernels === undefined
        ? 'selects no trainable variable: none has rank >= 2; pass kernels: (name, variable) => boolean'
        : 'selects no trainable variable',
    );
  }
  return [...kernels];
}

/** The perturbation radius at a step's position (SAM's rho, default 0.05; AWP's gamma, default 0.01). */
function radiusAt(perturbation: WeightPerturbation, position: SchedulePosition): number {
  const [key, radius, fallback] =
    perturbation.kind === 'sam' ? ['rho', perturbation.rho, 0.05] : ['gamma', perturbation.gamma, 0.01];
  if (typeof radius !== 'function') return radius ?? fallback;
  return checkRadius(radius(position), `weightPerturbation.${key}`, ` (returned at epoch ${position.epoch}, step ${position.step})`);
}

/**
 * Perturbed-gradient steps (SAM or AWP, see {@link WeightPerturbation}): the gradient at `w + ε` of the batch
 * objective, applied by the trainer at `w`. A step whose radius is 0 is a plain one (`plain`).
 * @throws TrainingError when AWP selects no variable.
 */
export function perturbedGradients(
  model: TrainableModel,
  random: SeededRandom,
  perturbation: WeightPerturbation,
  plain: GradientStrategy,
): GradientStrategy {
  const trainable = [...model.trainableVariables];
  const kernels = perturbation.kind === 'awp' ? awpKernels(model, perturbation) : undefined;
  return {
    gradients: async (request) => {
      const radius = radiusAt(perturbation, request.position);
      if (radius <= 0) return plain.gradients(request);
      return withBatch(request.data, request.rows, async (batch) => {
        const objective = batchObjective(model, request.loss, batch, random);
        const result =
          perturbation.kind === 'sam'
            ? samGradients(objective, trainable, {
                rho: radius,
                ...(perturbation.adaptive === undefined ? {} : { adaptive: perturbation.adaptive }),
                ...(perturbation.eta === undefined ? {} : { eta: perturbation.eta }),
              })
            : awpGradients(objective, trainable, { gamma: radius, ...(kernels === undefined ? {} : { kernels }) });
        try {
          const [loss, perturbedLoss] = await Promise.all([result.loss.data(), result.perturbedLoss.data()]);
          return { loss: loss[0] as number, perturbedLoss: perturbedLoss[0] as number, grads: result.grads, rows: batch.size };
        } catch (error) {
          tf.dispose(result.grads);
          throw error;
        } finally {
          tf.dispose([result.loss, result.perturbedLoss]);
        }
      });
    },
    close: () => plain.close(),
  };
}
