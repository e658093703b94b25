import type * as tf from '@tensorflow/tfjs-core';

import { TrainingError } from '../errors.js';

/**
 * What a loss (or a metric) sees of one batch, or of the whole validation set in {@link evaluate}: the model's
 * `predictions`, the data set's `targets` and per-sample weights, and the named side inputs (`extras`) the data set
 * carries next to them, rows aligned with `targets` (`[B, ...]` each).
 *
 * Side inputs are passed by name, never packed into `targets`: bids and validity masks of an auction, a teacher's
 * logits, per-token weights, quantile levels. The names follow `EXTRA_NAMES`; a data set carries them as
 * `createDataset({ ..., extras: { bids, mask } })` (or `fromArrowTable({ ..., extras })`).
 *
 * `E` is the union of the extra names the loss reads; `extras` holds at least those (it may hold more).
 */
export interface LossInputs<E extends string = never> {
  /** Model output `[B, ...]` (logits for the classification losses). */
  readonly predictions: tf.Tensor;
  /** Targets `[B, ...]` as stored in the data set (class ids, 0/1 labels, values). */
  readonly targets: tf.Tensor;
  /** Per-sample weights `[B]` when the data set has them (`createDataset({ weights })`); the loss decides how to normalise. */
  readonly sampleWeights: tf.Tensor1D | undefined;
  /** The data set's extra columns by name, each `[B, ...row shape]`. */
  readonly extras: Readonly<Record<E, tf.Tensor>>;
}

/** The side inputs a loss or metric reads, declared so `train()` and `evaluate()` check the data set up front. */
export interface ExtrasDeclaration<E extends string> {
  /** Name of the loss or metric in error messages (e.g. `"welfare"`). */
  readonly lossName?: string;
  /** Extra columns read from {@link LossInputs.extras}; a data set without one of them is rejected before any step. */
  readonly extras?: readonly E[];
}

/**
 * A training objective: the batch's loss reduced to a scalar (mean, sum or whatever the loss's reduction is). A
 * pure function of its inputs; the trainer runs it inside the gradient tape, so intermediate tensors are released.
 *
 * A loss that reads side inputs declares them ({@link withExtras}); a plain `(inputs) => scalar` arrow is a loss
 * without extras. `LossFunction<'bids' | 'mask'>` types `inputs.extras.bids` and `inputs.extras.mask`.
 */
export type LossFunction<E extends string = never> = ((inputs: LossInputs<E>) => tf.Scalar) & ExtrasDeclaration<E>;

/**
 * A validation metric over a whole data set (e.g. accuracy, AUC), given the same inputs as a loss. Runs inside
 * `tf.tidy`, so tensors it creates are released; it must return a plain number.
 */
export type MetricFunction<E extends string = never> = ((inputs: LossInputs<E>) => number) & ExtrasDeclaration<E>;

/**
 * The conventional names of side inputs (`bids`, `mask`, `teacher`, `tokenWeights`, `quantileLevels`, `maskedTokens`,
 * `elboWeights`), defined with the loss catalogue of `@counterweight/core-losses`, which lists the extras each loss takes.
 */
export { EXTRA_NAMES, type ExtraName } from '@counterweight/core-losses';

/**
 * Declares the side inputs a loss (or metric) reads and its name for error messages:
 * `withExtras({ lossName: 'welfare', extras: ['bids', 'mask'] }, ({ targets, predictions, extras }) => ...)`.
 * Returns the same function with the declaration attached; `extras` types `inputs.extras`.
 */
export function withExtras<const E extends string, R extends tf.Scalar | number>(
  declaration: { readonly lossName: string; readonly extras: readonly E[] },
  fn: (inputs: LossInputs<E>) => R,
): ((inputs: LossInputs<E>) => R) & Required<ExtrasDeclaration<E>> {
  const declared = (inputs: LossInputs<E>): R => fn(inputs);
  return Object.assign(declared, { lossName: declaration.lossName, extras: Object.freeze([...declaration.extras]) });
}

/**
 * A data set lacks an extra column that a loss or metric declared ({@link withExtras}).
 * `argument` is the option that holds the loss (`loss`, `lossAtEpoch`, `metrics.<name>`, `parallel.replica`).
 */
export class MissingExtraError extends TrainingError {
  /** The missing column. */
  readonly extra: string;
  /** The loss's declared name (`lossName`), or the option name when it has none. */
  readonly loss: string;
  /** Which data set lacks it: `train`, `validation`, `trainAtEpoch(<e>)`, `evaluate`. */
  readonly dataset: string;

  constructor(options: { argument: string; loss: string; extra: string; dataset: string; available: readonly string[] }) {
    super(
      options.argument,
      `loss "${options.loss}" needs the extra column "${options.extra}", which the ${options.dataset} data set does not ` +
        `carry (its extras: ${options.available.length === 0 ? 'none' : options.available.join(', ')}); add it as ` +
        `createDataset({ ..., extras: { ${options.extra}: { values, shape } } })`,
    );
    this.extra = options.extra;
    this.loss = options.loss;
    this.dataset = options.dataset;
  }
}

/**
 * Checks that a data set with extra columns `available` carries every extra `fn` declares.
 * @throws MissingExtraError naming the first missing column, the loss and the data set.
 */
export function checkExtras(
  fn: ExtrasDeclaration<string>,
  available: readonly string[],
  where: { readonly argument: string; readonly dataset: string },
): void {
  for (const extra of fn.extras ?? []) {
    if (!available.includes(extra)) {
      throw new MissingExtraError({ ...where, loss: fn.lossName ?? where.argument, extra, available });
    }
  }
}

/**
 * The value a loss or metric returned, checked to be a scalar tensor.
 * @throws TrainingError naming `argument` with the shape it got otherwise.
 */
export function checkScalar(value: tf.Tensor, argument: string): tf.Scalar {
  if (value.rank !== 0) {
    throw new TrainingError(argument, `must return a scalar, got shape [${value.shape.join(', ')}]; reduce it (e.g. tf.mean)`);
  }
  return value as tf.Scalar;
}
