import * as tf from '@tensorflow/tfjs-core';

import { TrainingError } from '../errors.js';
import { assignVariables } from './checkpoint.js';
import { disposeBatch, type InMemoryDataset } from './dataset.js';
import { EarlyStopping, type EarlyStoppingConfig, type EarlyStoppingState } from './early-stopping.js';
import { checkExtras, checkScalar, type LossFunction, type MetricFunction } from './loss-inputs.js';
import type { TrainableModel } from './model.js';
import type { NamedTensor } from './optimizers.js';

/** Loss and metrics of {@link evaluate}. */
export interface EvaluationResult {
  readonly loss: number;
  readonly metrics: Readonly<Record<string, number>>;
}

/** Options of {@link evaluate}. */
export interface EvaluateOptions {
  readonly loss: LossFunction<string>;
  readonly metrics?: Readonly<Record<string, MetricFunction<string>>>;
  readonly batchSize: number;
}

/**
 * Evaluates a model on a data set: predictions are computed batch by batch (inference mode), then the loss and every
 * metric are computed once over all rows, with the data set's targets, weights and extra columns, so they are exact
 * for any reduction (including non-decomposable metrics such as AUC). Leaves no tensors behind.
 * @throws MissingExtraError when the data set lacks an extra column the loss or a metric declares.
 */
export async function evaluate(
  model: TrainableModel,
  dataset: InMemoryDataset,
  options: EvaluateOptions,
): Promise<EvaluationResult> {
  checkExtras(options.loss, dataset.extraNames, { argument: 'loss', dataset: 'evaluated' });
  for (const [name, metric] of Object.entries(options.metrics ?? {})) {
    checkExtras(metric, dataset.extraNames, { argument: `metrics.${name}`, dataset: 'evaluated' });
  }
  const parts: tf.Tensor[] = [];
  let predictions: tf.Tensor | undefined;
  let columns: ReturnType<InMemoryDataset['columnTensors']> | undefined;
  try {
    for (const batch of dataset.batches({ batchSize: options.batchSize })) {
      try {
        parts.push(tf.tidy(() => model.predict(batch.inputs, { training: false })));
      } finally {
        disposeBatch(batch);
      }
    }
    predictions = parts.length === 1 ? parts[0] : tf.concat(parts, 0);
    columns = dataset.columnTensors();
    const inputs = {
      predictions: predictions as tf.Tensor,
      targets: columns.targets,
      sampleWeights: columns.weights,
      extras: columns.extras,
    };
    const lossTensor = tf.tidy(() => checkScalar(options.loss(inputs), 'loss'));
    const loss = (await lossTensor.data())[0] as number;
    lossTensor.dispose();
    const metrics: Record<string, number> = {};
    for (const [name, metric] of Object.entries(options.metrics ?? {})) {
      const value = tf.tidy(() => metric(inputs));
      if (typeof value !== 'number') throw new TrainingError(`metrics.${name}`, 'must return a number');
      metrics[name] = value;
    }
    return { loss, metrics };
  } finally {
    tf.dispose([...parts, ...(predictions === undefined || parts.includes(predictions) ? [] : [predictions])]);
    if (columns !== undefined) {
      tf.dispose([columns.targets, ...Object.values(columns.extras), ...(columns.weights === undefined ? [] : [columns.weights])]);
    }
  }
}

function snapshot(model: TrainableModel): tf.Tensor[] {
  return model.variables.map((v) => tf.keep(tf.clone(v.variable)));
}

/**
 * Early stopping over the epochs' values and, with `restoreBestWeights`, a copy of the weights of the best epoch:
 * updated after each epoch's validation, saved in checkpoints (state and the `best` tensor group) and restored on
 * resume, and put back into the model at the end of training.
 */
export class EarlyStoppingTracker {
  private readonly model: TrainableModel;
  private readonly restoreBest: boolean;
  private stopping: EarlyStopping | undefined;
  private best: tf.Tensor[] | undefined;

  constructor(config: EarlyStoppingConfig | undefined, model: TrainableModel) {
    this.model = model;
    this.stopping = config === undefined ? undefined : new EarlyStopping(config);
    this.restoreBest = config?.restoreBestWeights === true;
  }

  /** 0-based epoch of the best value (undefined without early stopping). */
  get bestEpoch(): number | undefined {
    return this.stopping?.bestEpoch;
  }

  /** The early-stopping state for a checkpoint (undefined without early stopping). */
  get state(): EarlyStoppingState | undefined {
    return this.stopping?.getState();
  }

  /** The best weights by stable name, for a checkpoint's `best` group (undefined when none are kept). */
  get bestWeights(): NamedTensor[] | undefined {
    const best = this.best;
    if (best === undefined) return undefined;
    return this.model.variables.map((v, i) => ({ name: v.name, tensor: best[i] as tf.Tensor }));
  }

  /**
   * Continues from a checkpoint: the early-stopping state and the saved best weights (validated by name and shape
   * against the model through `current`, the checkpoint's own weights, which the model holds afterwards).
   */
  restore(
    config: EarlyStoppingConfig | undefined,
    saved: { readonly state?: EarlyStoppingState; readonly best?: tf.NamedTensorMap; readonly current: tf.NamedTensorMap; readonly path: string },
  ): void {
    if (config !== undefined) this.stopping = new EarlyStopping(config, saved.state);
    if (this.restoreBest && saved.best !== undefined) {
      assignVariables(this.model, saved.best, saved.path); // validates names and shapes
      this.replaceBest(snapshot(this.model));
      assignVariables(this.model, saved.current, saved.path);
    }
  }

  /**
   * Records an epoch's values (`loss`, `validationLoss`, metrics); keeps a copy of the weights when it improved and
   * `restoreBestWeights` is on. Returns whether training should stop (always false without early stopping).
   */
  update(epoch: number, values: Readonly<Record<string, number>>): boolean {
    if (this.stopping === undefined) return false;
    const decision = this.stopping.update(epoch, values);
    if (decision.improved && this.restoreBest) this.replaceBest(snapshot(this.model));
    return decision.stop;
  }

  /** Puts the best epoch's weights back into the model when they are kept and the last epoch was not the best. */
  restoreBestWeights(epochs: number): void {
    const best = this.best;
    if (this.restoreBest && best !== undefined && this.stopping !== undefined && this.stopping.bestEpoch !== epochs - 1) {
      this.model.variables.forEach((v, i) => v.variable.assign(best[i] as tf.Tensor));
    }
  }

  /** Releases the copy of the best weights. */
  dispose(): void {
    this.replaceBest(undefined);
  }

  private replaceBest(next: tf.Tensor[] | undefined): void {
    if (this.best !== undefined) tf.dispose(this.best);
    this.best = next;
  }
}
