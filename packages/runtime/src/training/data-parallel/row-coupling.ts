import { ConfigError } from '../../errors.js';
import type { LossFunction, LossInputs } from '../loss-inputs.js';

/**
 * What a loss declares when its value couples the rows of a batch: it is not a mean (or weighted mean) of per-row
 * terms, because each row's contribution depends on the other rows. Example: loss-based sample reweighting (Sow et
 * al., ICLR 2025; `sampleReweightedLoss` of `@counterweight/core-losses`), whose per-sequence losses are min–max
 * normalised over the whole batch before the softmax weights, and whose token share `n_i / Σ n` spans the batch.
 *
 * Data-parallel steps split a batch into shards and combine the shard gradients weighted by shard size
 * (`combineShards`), which is the full-batch gradient only for per-row means; for a row-coupling loss each shard
 * would normalise over its own rows, a different objective. `train()` therefore refuses `parallel` with such a loss.
 */
export interface RowCouplingDeclaration {
  /** Name of the loss in error messages. */
  readonly lossName?: string;
  /** Why the rows are coupled (e.g. "per-sequence losses are min–max normalised over the whole batch"). */
  readonly couplesRows?: string;
}

/**
 * Declares that `loss` couples the rows of a batch (see {@link RowCouplingDeclaration}):
 * `withRowCoupling({ lossName: 'sample-reweighted', reason: 'per-sequence losses are min–max normalised over the
 * whole batch' }, loss)`. Returns a new loss function that computes the same value and keeps `loss`'s declared
 * extras (and its `lossName` unless one is given).
 */
export function withRowCoupling<E extends string>(
  declaration: { readonly lossName?: string; readonly reason: string },
  loss: LossFunction<E>,
): LossFunction<E> & { readonly lossName: string; readonly couplesRows: string } {
  if (typeof declaration.reason !== 'string' || declaration.reason.trim() === '') {
    throw new ConfigError('withRowCoupling.reason', 'must say why the loss couples the rows of a batch');
  }
  const coupled = (inputs: LossInputs<E>) => loss(inputs);
  return Object.assign(coupled, {
    lossName: declaration.lossName ?? loss.lossName ?? 'loss',
    couplesRows: declaration.reason,
    ...(loss.extras === undefined ? {} : { extras: loss.extras }),
  });
}

/** The row coupling a loss declares, if any: `{ lossName, reason }`. */
export function rowCouplingOf(loss: object): { readonly lossName: string; readonly reason: string } | undefined {
  const { lossName, couplesRows } = loss as RowCouplingDeclaration;
  return typeof couplesRows === 'string' ? { lossName: lossName ?? 'loss', reason: couplesRows } : undefined;
}

/**
 * The error for data-parallel steps with a loss that couples rows, naming the option, the loss and the reason.
 */
export function rowCouplingError(option: string, coupling: { readonly lossName: string; readonly reason: string }): ConfigError {
  return new ConfigError(
    option,
    `loss "${coupling.lossName}" couples the rows of a batch (${coupling.reason}), so the size-weighted sum of shard ` +
      'gradients that data-parallel steps compute is not its gradient (each shard would weight its rows among ' +
      'themselves only); train it without `parallel`',
  );
}

/**
 * @throws ConfigError (see {@link rowCouplingError}) when `loss` declares that it couples the rows of a batch.
 */
export function checkNoRowCoupling(loss: object, option: string): void {
  const coupling = rowCouplingOf(loss);
  if (coupling !== undefined) throw rowCouplingError(option, coupling);
}
