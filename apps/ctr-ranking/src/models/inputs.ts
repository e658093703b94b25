import { isSingleInput, type ModelInputs } from '@counterweight/runtime';
import * as tf from '@tensorflow/tfjs-core';

import type { AuctionSet, FeatureSpec } from '../data/auction-set.js';

/**
 * Candidates flattened to rows, as the model functions take them: `numeric [N, d]` float32 (undefined when `d = 0`)
 * and `rows [N, F]` int32 = categorical values already shifted by the field offsets, i.e. rows of the concatenated
 * table (undefined when `F = 0`).
 */
export interface FlatCtrInputs {
  readonly count: number;
  readonly numeric: tf.Tensor2D | undefined;
  readonly rows: tf.Tensor2D | undefined;
}

/**
 * The named inputs of a CTR model: `numeric [B, S, d]` float32 and `categorical [B, S, F]` int32 (a type alias, not an
 * interface, so it is assignable to the runtime's `ModelInputs` record).
 */
export type CtrInputTensors = {
  readonly numeric: tf.Tensor3D;
  readonly categorical: tf.Tensor3D;
};

/** Checked model inputs: batch `B`, slots `S`, and the two tensors (undefined for an empty feature group). */
export interface CheckedCtrInputs {
  readonly batch: number;
  readonly slots: number;
  readonly numeric: tf.Tensor3D | undefined;
  readonly categorical: tf.Tensor3D | undefined;
}

function describeShape(t: tf.Tensor): string {
  return `[${t.shape.join(', ')}] ${t.dtype}`;
}

/**
 * Checks a CTR model's inputs against its spec: a record `{ numeric: float32 [B, S, d], categorical: int32 [B, S, F] }`
 * with matching `B` and `S`. An input of an empty group (`d = 0` / `F = 0`) may be left out.
 * Values are not checked (that would need a device read); categorical values must lie in `[0, buckets[f])`.
 * @throws RangeError naming the input, the expected shape and dtype, and what was given.
 */
export function checkCtrInputs(inputs: ModelInputs, spec: FeatureSpec): CheckedCtrInputs {
  if (isSingleInput(inputs)) {
    throw new RangeError('CTR models take named inputs { numeric: float32 [B, S, d], categorical: int32 [B, S, F] }, got one tensor');
  }
  const d = spec.numericNames.length;
  const fields = spec.categoricalFields.length;
  const numeric = inputs['numeric'];
  const categorical = inputs['categorical'];
  let batch: number | undefined;
  let slots: number | undefined;
  const check = (name: string, t: tf.Tensor | undefined, width: number, dtype: 'float32' | 'int32'): tf.Tensor3D | undefined => {
    if (t === undefined) {
      if (width === 0) return undefined;
      throw new RangeError(`input "${name}" is missing: expected ${dtype} [batch, slots, ${width}]`);
    }
    if (t.rank !== 3 || t.shape[2] !== width || t.dtype !== dtype) {
      throw new RangeError(`input "${name}" must be ${dtype} [batch, slots, ${width}], got ${describeShape(t)}`);
    }
    const [b = 0, s = 0] = t.shape;
    if ((batch !== undefined && b !== batch) || (slots !== undefined && s !== slots)) {
      throw new RangeError(`inputs "numeric" and "categorical" disagree on [batch, slots]: [${batch}, ${slots}] vs [${b}, ${s}]`);
    }
    batch = b;
    slots = s;
    return width === 0 ? undefined : (t as tf.Tensor3D);
  };
  const num = check('numeric', numeric, d, 'float32');
  const cat = check('categorical', categorical, fields, 'int32');
  const unknown = Object.keys(inputs).filter((k) => k !== 'numeric' && k !== 'categorical');
  if (unknown.length > 0) throw new RangeError(`unknown inputs ${unknown.join(', ')}; CTR models take numeric and categorical`);
  return { batch: batch ?? 0, slots: slots ?? 0, numeric: num, categorical: cat };
}

/**
 * Flattens checked `[B, S, ·]` inputs to `N = B·S` candidate rows and shifts categorical values by the field
 * `offsets` (see `fieldOffsets`). Call inside `tf.tidy`.
 */
export function flattenCtrInputs(inputs: CheckedCtrInputs, offsets: Int32Array): FlatCtrInputs {
  const count = inputs.batch * inputs.slots;
  const numeric = inputs.numeric === undefined ? undefined : tf.reshape<tf.Rank.R2>(inputs.numeric, [count, inputs.numeric.shape[2]]);
  const rows =
    inputs.categorical === undefined
      ? undefined
      : tf.add(tf.reshape(inputs.categorical, [count, offsets.length]), tf.tensor1d(offsets, 'int32'));
  return { count, numeric, rows: rows as tf.Tensor2D | undefined };
}

/**
 * Input tensors `{ numeric [B, S, d] float32, categorical [B, S, F] int32 }` from row-major values (the caller
 * disposes them). With `slots = 1` this scores a flat list of `B` candidates.
 * @throws RangeError when a value count does not match `B·S·d` / `B·S·F`.
 */
export function ctrInputs(spec: FeatureSpec, numeric: Float32Array, categorical: Int32Array, batch: number, slots = 1): CtrInputTensors {
  const d = spec.numericNames.length;
  const fields = spec.categoricalFields.length;
  if (numeric.length !== batch * slots * d) throw new RangeError(`numeric: ${numeric.length} values for [${batch}, ${slots}, ${d}]`);
  if (categorical.length !== batch * slots * fields) {
    throw new RangeError(`categorical: ${categorical.length} values for [${batch}, ${slots}, ${fields}]`);
  }
  return {
    numeric: tf.tensor3d(numeric, [batch, slots, d], 'float32'),
    categorical: tf.tensor3d(categorical, [batch, slots, fields], 'int32'),
  };
}

/** The whole of an {@link AuctionSet} as model inputs `[auctions, slots, ·]` (the caller disposes them). */
export function auctionInputs(set: AuctionSet): CtrInputTensors {
  return ctrInputs(set.spec, set.numeric, set.categorical, set.auctions, set.slots);
}
