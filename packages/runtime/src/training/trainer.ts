import * as tf from '@tensorflow/tfjs-core';
// Registers every op's gradient (tfjs-core alone fails with "gradient function not found"), as backend.ts does, so
// train() works even when the caller selected a backend some other way.
import '@tensorflow/tfjs-layers';

import { TrainingError } from '../errors.js';
import { createProgress } from '../progress.js';
import type { SeededRandom } from '../random.js';
import { dataParallelGradients } from './data-parallel/data-parallel-gradients.js';
import { InMemoryDataset } from './dataset.js';
import { clipGradients } from './gradient-clipping.js';
import { plainGradients, type GradientStrategy, type StepGradients } from './gradient-strategy.js';
import { checkExtras, type LossFunction } from './loss-inputs.js';
import { learningRateAt } from './lr-schedule.js';
import { perturbedGradients } from './perturbed-gradients.js';
import { validateOptions, type EpochRecord, type TrainOptions, type TrainingHistory } from './train-options.js';
import { TrainingState, type EpochProgress } from './trainer-state.js';
import { EarlyStoppingTracker, evaluate } from './validation.js';

/** The gradient strategy of a run: data-parallel, SAM/AWP-perturbed, or plain. */
async function gradientStrategy(options: TrainOptions, random: SeededRandom): Promise<GradientStrategy> {
  const plain = plainGradients(options.model, random);
  if (options.parallel !== undefined) {
    return dataParallelGradients(options.parallel, { model: options.model, train: options.train, seed: options.seed, local: plain });
  }
  if (options.weightPerturbation !== undefined) return perturbedGradients(options.model, random, options.weightPerturbation, plain);
  return plain;
}

/** The objective of `epoch` (`lossAtEpoch`, else `loss`), checked against the data sets it runs on. */
function epochLoss(options: TrainOptions, epoch: number): LossFunction<string> {
  const loss = options.lossAtEpoch?.(epoch) ?? options.loss;
  if (typeof loss !== 'function') throw new TrainingError('lossAtEpoch', `returned no function for epoch ${epoch}`);
  if (loss !== options.loss) {
    checkExtras(loss, options.train.extraNames, { argument: 'lossAtEpoch', dataset: 'train' });
    if (options.validation !== undefined) {
      checkExtras(loss, options.validation.extraNames, { argument: 'lossAtEpoch', dataset: 'validation' });
    }
  }
  return loss;
}

/** The rows of `epoch` (`trainAtEpoch`, else `train`), checked to match `train` in size and to carry the loss's extras. */
async function epochRows(options: TrainOptions, epoch: number, loss: LossFunction<string>): Promise<InMemoryDataset> {
  if (options.trainAtEpoch === undefined) return options.train;
  const rows = await options.trainAtEpoch(epoch);
  const size = options.train.size;
  if (!(rows instanceof InMemoryDataset) || rows.size !== size) {
    throw new TrainingError(
      'trainAtEpoch',
      `must return an InMemoryDataset of ${size} rows (as \`train\`) for epoch ${epoch}, got ${rows instanceof InMemoryDataset ? `${rows.size} rows` : typeof rows}`,
    );
  }
  checkExtras(loss, rows.extraNames, { argument: 'trainAtEpoch', dataset: `trainAtEpoch(${epoch})` });
  return rows;
}

/**
 * Clips and applies one step's gradients unless its loss is NaN/Inf (then throws, or skips with
 * `onNonFiniteLoss: 'skip'`). Returns whether the step was skipped. Disposes the gradients.
 */
function applyStep(options: TrainOptions, trainable: readonly tf.Variable[], step: StepGradients, where: string): boolean {
  const { loss, perturbedLoss } = step;
  try {
    if (!Number.isFinite(loss) || (perturbedLoss !== undefined && !Number.isFinite(perturbedLoss))) {
      if ((options.onNonFiniteLoss ?? 'error') === 'skip') return true;
      const what = Number.isFinite(loss)
        ? `is ${loss}, but the loss at the perturbed weights (weightPerturbation "${options.weightPerturbation?.kind}") is ${perturbedLoss}`
        : `is ${loss}`;
      throw new TrainingError(
        'loss',
        `${what} at ${where}; lower the learning rate${perturbedLoss === undefined ? '' : ' or the perturbation radius'}, ` +
          `clip gradients, check the data for NaN/Inf, or pass onNonFiniteLoss: 'skip'`,
      );
    }
    const clipped = options.clip === undefined ? step.grads : clipGradients(step.grads, options.clip);
    try {
      // The loss at the current weights w, from the same pass(es) as the gradients: the local batch, the
      // shard-weighted mean over the workers (parallel), or the first pass at w (weightPerturbation, whose
      // gradient is taken at w + ε). Loss-aware optimisers (momo, momo-adam) need it; the others ignore it.
      options.optimizer.applyGradients(
        trainable.map((variable, i) => ({ variable, gradient: clipped[i] as tf.Tensor })),
        { loss },
      );
    } finally {
      if (clipped !== step.grads) tf.dispose(clipped);
    }
    return false;
  } finally {
    tf.dispose(step.grads);
  }
}

/** What every epoch of a run shares. */
interface RunContext {
  readonly state: TrainingState;
  readonly strategy: GradientStrategy;
  /** The model's trainable variables at the start of the run, the order of every gradient list. */
  readonly trainable: readonly tf.Variable[];
  readonly stepsPerEpoch: number;
  /** Saves a checkpoint (when checkpointing is on) and calls `onCheckpoint`. */
  readonly save: (epoch: number, stepInEpoch: number) => Promise<void>;
}

/**
 * One epoch's training phase: its steps from the first one not yet taken, with progress bar, callbacks and step
 * checkpoints. Returns the epoch's totals and its wall-clock seconds so far (those of an interrupted run included).
 */
async function trainEpoch(
  options: TrainOptions,
  run: RunContext,
  epoch: number,
  data: InMemoryDataset,
  loss: LossFunction<string>,
): Promise<{ readonly progress: EpochProgress; readonly seconds: () => number }> {
  const { state, strategy, stepsPerEpoch } = run;
  const { batchSize, epochs } = options;
  const everySteps = options.checkpoint?.everySteps;
  const everyEpoch = options.checkpoint?.everyEpoch ?? true;
  const order = options.train.epochOrder((options.shuffle ?? true) ? options.seed : undefined, epoch);
  const { firstStep, progress: start } = state.epochStart(epoch);
  const bar = createProgress({
    total: stepsPerEpoch,
    label: `epoch ${epoch + 1}/${epochs}`,
    ...(options.progress?.quiet === undefined ? {} : { quiet: options.progress.quiet }),
    ...(options.progress?.stream === undefined ? {} : { stream: options.progress.stream }),
  });
  const epochStarted = performance.now();
  if (firstStep > 0) bar.tick(firstStep);
  let progress = start;
  try {
    for (let step = firstStep; step < stepsPerEpoch; step += 1) {
      const stepStarted = performance.now();
      const globalStep = state.globalStep;
      const learningRate =
        options.schedule === undefined ? options.optimizer.learningRate : learningRateAt(options.schedule, { step: globalStep, epoch });
      options.optimizer.setLearningRate(learningRate);
      const gradients = await strategy.gradients({
        data,
        rows: InMemoryDataset.batchRows(order, step, batchSize),
        loss,
        position: { step: globalStep, epoch },
      });
      const skipped = applyStep(
        options,
        run.trainable,
        gradients,
        `epoch ${epoch + 1}/${epochs}, step ${step + 1}/${stepsPerEpoch} (global step ${globalStep + 1})`,
      );
      progress = {
        lossSum: skipped ? progress.lossSum : progress.lossSum + gradients.loss * gradients.rows,
        rows: skipped ? progress.rows : progress.rows + gradients.rows,
        steps: progress.steps + 1,
        skippedSteps: progress.skippedSteps + (skipped ? 1 : 0),
        stepSeconds: progress.stepSeconds + (performance.now() - stepStarted) / 1000,
        learningRate,
        seconds: start.seconds + (performance.now() - epochStarted) / 1000,
      };
      state.stepDone(progress);
      bar.tick(1, { loss: progress.rows > 0 ? progress.lossSum / progress.rows : Number.NaN, lr: learningRate });
      await options.callbacks?.onStepEnd?.({
        epoch,
        step,
        stepsPerEpoch,
        globalStep: state.globalStep,
        loss: gradients.loss,
        ...(gradients.perturbedLoss === undefined ? {} : { perturbedLoss: gradients.perturbedLoss }),
        learningRate,
        skipped,
      });
      const endOfEpoch = step + 1 === stepsPerEpoch;
      if (everySteps !== undefined && state.globalStep % everySteps === 0 && !(endOfEpoch && everyEpoch)) {
        await run.save(epoch, step + 1);
      }
    }
  } finally {
    bar.stop();
  }
  return { progress, seconds: () => start.seconds + (performance.now() - epochStarted) / 1000 };
}

/**
 * A custom training loop for tfjs models with per-sample weights (which `LayersModel.fit` rejects), named side inputs
 * of the loss (the data set's extra columns), seeded shuffles, learning-rate schedules, gradient clipping, early
 * stopping and exact, crash-safe checkpoint/resume.
 *
 * Each step: `tf.variableGrads` of the loss (plus the model's regularisation) over the trainable variables (with
 * `weightPerturbation`, the gradient at SAM/AWP-perturbed weights instead; with `parallel`, shards over worker
 * threads), optional clipping, `optimizer.applyGradients(gradients, { loss })` with the step's loss at the current
 * weights (which the loss-aware optimisers `momo` and `momo-adam` use; with `parallel` the shard-weighted mean of the
 * shards' losses, the same combination as the gradients), and every intermediate tensor disposed; the loss is read
 * once per step. After each epoch the validation set is evaluated with {@link evaluate}. With `checkpoint` and
 * `resume`, a run killed at any point continues from the newest checkpoint at the exact step inside the epoch, and
 * ends with bitwise the same weights as an uninterrupted run on the same backend.
 *
 * @throws TrainingError naming the argument for invalid options, or naming epoch and step for a NaN/Inf loss.
 * @throws MissingExtraError naming the loss and the column when a data set lacks an extra the loss declares.
 * @throws CheckpointError when resuming from a checkpoint that does not match the model or the run's settings.
 */
export async function train(options: TrainOptions): Promise<TrainingHistory> {
  validateOptions(options);
  const { model, batchSize, epochs } = options;
  const stepsPerEpoch = options.train.batchCount(batchSize, options.dropRemainder ?? false);
  const trainable = [...model.trainableVariables];
  const earlyStopping = new EarlyStoppingTracker(options.earlyStopping, model);
  let strategy: GradientStrategy | undefined;
  try {
    const state = await TrainingState.open({
      model,
      optimizer: options.optimizer,
      run: {
        seed: options.seed,
        batchSize,
        trainRows: options.train.size,
        dropRemainder: options.dropRemainder ?? false,
        shuffle: options.shuffle ?? true,
      },
      earlyStopping,
      ...(options.earlyStopping === undefined ? {} : { earlyStoppingConfig: options.earlyStopping }),
      ...(options.checkpoint === undefined ? {} : { checkpoint: options.checkpoint }),
      ...(options.resume === undefined ? {} : { resume: options.resume }),
      ...(options.schedule === undefined ? {} : { schedule: options.schedule }),
    });
    if (state.resumedFromStep !== undefined) await options.callbacks?.onResume?.({ globalStep: state.resumedFromStep, totalSteps: stepsPerEpoch * epochs });
    strategy = await gradientStrategy(options, state.random);
    const run: RunContext = {
      state,
      strategy,
      trainable,
      stepsPerEpoch,
      save: async (epoch, stepInEpoch) => {
        const event = await state.save(epoch, stepInEpoch);
        if (event !== undefined) await options.callbacks?.onCheckpoint?.(event);
      },
    };
    for (let epoch = state.firstEpoch; epoch < epochs && !state.stoppedEarly; epoch += 1) {
      const loss = epochLoss(options, epoch);
      const data = await epochRows(options, epoch, loss);
      const { progress, seconds } = await trainEpoch(options, run, epoch, data, loss);
      await options.callbacks?.onTrainPhaseEnd?.({ epoch, globalStep: state.globalStep });
      const validation =
        options.validation === undefined
          ? undefined
          : await evaluate(model, options.validation, {
              loss: options.validationLoss ?? loss,
              batchSize: options.validationBatchSize ?? batchSize,
              ...(options.metrics === undefined ? {} : { metrics: options.metrics }),
            });
      const { lossSum, rows, stepSeconds } = progress;
      const record: EpochRecord = {
        epoch,
        loss: rows > 0 ? lossSum / rows : Number.NaN,
        ...(validation === undefined ? {} : { validationLoss: validation.loss }),
        metrics: validation?.metrics ?? {},
        learningRate: progress.learningRate,
        seconds: seconds(),
        samplesPerSecond: stepSeconds > 0 ? rows / stepSeconds : Number.NaN,
        steps: progress.steps,
        skippedSteps: progress.skippedSteps,
      };
      const stop = earlyStopping.update(epoch, {
        loss: record.loss,
        ...(record.validationLoss === undefined ? {} : { validationLoss: record.validationLoss }),
        ...record.metrics,
      });
      state.epochDone(record, stop);
      await options.callbacks?.onEpochEnd?.(record);
      if (options.checkpoint?.everyEpoch ?? true) await run.save(epoch + 1, 0);
    }
    earlyStopping.restoreBestWeights(state.history.length);
    const bestEpoch = earlyStopping.bestEpoch;
    return {
      epochs: state.history,
      globalStep: state.globalStep,
      stoppedEarly: state.stoppedEarly,
      ...(bestEpoch === undefined ? {} : { bestEpoch }),
      ...(state.resumedFromStep === undefined ? {} : { resumedFromStep: state.resumedFromStep }),
    };
  } finally {
    earlyStopping.dispose();
    await strategy?.close();
  }
}
