import { join } from 'node:path';

import type { EpochProgress } from '@counterweight/experiment';
import { createDataset, createOptimizer, evaluate, latestCheckpoint, train, type EpochRecord, type InMemoryDataset, type LossFunction } from '@counterweight/runtime';

import type { TokenWindows } from '../data/token-windows.js';
import { createGpt, type GptModel } from '../models/index.js';
import type { GptConfig } from '../models/gpt-config.js';
import type { LmObjective } from '../objectives/objective.js';
import type { LmTrainingSettings } from './settings.js';

/** Rows of a training or validation data set: token windows and the objective's named side inputs. */
export interface LmRows {
  readonly windows: TokenWindows;
  /** Named extra columns, each `[count · width]` (e.g. masked diffusion's `maskedTokens`, `elboWeights`). */
  readonly extras?: Readonly<Record<string, { readonly values: Float32Array; readonly shape: readonly number[] }>>;
}

/** One validation estimate: after `step` optimiser steps (0 = the initial model). */
export interface CurvePoint {
  readonly step: number;
  /** Tokens seen in training up to this step. */
  readonly tokens: number;
  /** Mean training loss over the interval that ended here (null for step 0). */
  readonly trainLoss: number | null;
  readonly validationLoss: number;
  /** Wall-clock seconds of the interval (training and validation). */
  readonly seconds: number;
  /** Training tokens per second of the interval's steps (0 when not timed, e.g. an interval finished before a resume). */
  readonly tokensPerSecond: number;
}

/** What {@link trainLanguageModel} trains. */
export interface LanguageModelSpec {
  readonly config: GptConfig;
  readonly objective: LmObjective;
  readonly training: LmTrainingSettings;
  readonly seed: number;
  /** Checkpoints go to `<dir>/checkpoints`. */
  readonly dir: string;
  /** The training rows of estimate interval `i` (0-based; `evalEvery · batchSize` rows), a pure function of `i`. */
  readonly rowsAt: (interval: number) => LmRows;
  /** Fixed validation rows of every estimate. */
  readonly validation: LmRows;
  /** The validation criterion (plain cross-entropy, or the diffusion ELBO): comparable across steps and methods. */
  readonly validationLoss: LossFunction<string>;
  /** Called after each estimate (before its checkpoint is written). */
  readonly onInterval?: (point: CurvePoint) => void | Promise<void>;
  /** Called before training when a checkpoint in `<dir>/checkpoints` is resumed, with its step (0 < step ≤ steps). */
  readonly onResume?: (step: number) => void;
}

/** A trained model with its curve; dispose the model when done. */
export interface TrainedLanguageModel {
  readonly gpt: GptModel;
  readonly curve: readonly CurvePoint[];
  readonly trainSeconds: number;
}

/** The runtime data set of token rows. */
export function rowsDataset(rows: LmRows): InMemoryDataset {
  const { windows } = rows;
  return createDataset({
    inputs: { values: windows.inputs, shape: [windows.context] },
    targets: { values: windows.targets, shape: [windows.context] },
    ...(rows.extras === undefined ? {} : { extras: rows.extras }),
  });
}

/**
 * Trains a GPT with the objective, nanoGPT-style: `steps` AdamW steps on fresh random windows, a linear warm-up then a
 * cosine decay of the learning rate, global-norm clipping, and a validation estimate every `evalEvery` steps on fixed
 * windows. Each estimate interval is one epoch of the runtime trainer (its rows from `rowsAt`, its loss from
 * `objective.loss(first step of the interval)`), checkpointed, so an interrupted run resumes at the last estimate and
 * gives the same numbers as an uninterrupted one.
 * @throws ConfigError / TrainingError of the model, the objective and the trainer.
 */
export async function trainLanguageModel(spec: LanguageModelSpec, onEpoch?: (progress: EpochProgress) => void): Promise<TrainedLanguageModel> {
  const { training, config } = spec;
  const intervals = training.steps / training.evalEvery;
  const tokensPerStep = training.batchSize * config.context;
  const pointOf = (record: EpochRecord): CurvePoint => ({
    step: (record.epoch + 1) * training.evalEvery,
    tokens: (record.epoch + 1) * training.evalEvery * tokensPerStep,
    trainLoss: record.loss,
    validationLoss: record.validationLoss ?? Number.NaN,
    seconds: record.seconds,
    tokensPerSecond: Number.isFinite(record.samplesPerSecond) ? record.samplesPerSecond * config.context : 0,
  });
  const gpt = createGpt(config, spec.seed);
  const optimizer = createOptimizer({
    name: 'adamw',
    learningRate: training.learningRate,
    beta1: training.beta1,
    beta2: training.beta2,
    weightDecay: training.weightDecay,
    decay: 'matrices',
  });
  try {
    const validation = rowsDataset(spec.validation);
    // Step 0: the freshly initialised model (the same for a resumed run: createGpt is a pure function of the seed).
    const initial = await evaluate(gpt.model, validation, { loss: spec.validationLoss, batchSize: 64 });
    const start: CurvePoint = { step: 0, tokens: 0, trainLoss: null, validationLoss: initial.loss, seconds: 0, tokensPerSecond: 0 };
    const checkpoints = join(spec.dir, 'checkpoints');
    const resumed = await latestCheckpoint(checkpoints);
    if (resumed !== undefined) spec.onResume?.(resumed.step);
    const result = await train({
      model: gpt.model,
      loss: spec.objective.loss(0),
      lossAtEpoch: (interval) => spec.objective.loss(interval * training.evalEvery),
      validationLoss: spec.validationLoss,
      train: rowsDataset(spec.rowsAt(0)),
      trainAtEpoch: (interval) => rowsDataset(spec.rowsAt(interval)),
      validation,
      epochs: intervals,
      batchSize: training.batchSize,
      validationBatchSize: 64,
      shuffle: false,
      optimizer,
      schedule: {
        kind: 'warmup-cosine',
        learningRate: training.learningRate,
        warmupSteps: Math.max(training.warmupSteps, 1),
        totalSteps: training.steps,
        minLearningRate: training.minLearningRate,
      },
      ...(training.clip > 0 ? { clip: { globalNorm: training.clip } } : {}),
      seed: spec.seed,
      checkpoint: { dir: checkpoints, keep: 1 },
      resume: true,
      progress: { quiet: true },
      callbacks: {
        onEpochEnd: async (record) => {
          await spec.onInterval?.(pointOf(record));
          onEpoch?.({ epoch: record.epoch + 1, epochs: intervals, loss: record.loss });
        },
      },
    });
    const history = result.epochs.map(pointOf);
    return { gpt, curve: [start, ...history], trainSeconds: history.reduce((s, p) => s + p.seconds, 0) };
  } catch (error) {
    gpt.dispose();
    throw error;
  } finally {
    optimizer.dispose();
  }
}
