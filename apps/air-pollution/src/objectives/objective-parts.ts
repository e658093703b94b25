import type { TaskWeighter } from '@counterweight/core-losses';
import type { LossFunction } from '@counterweight/runtime';
import * as tf from '@tensorflow/tfjs-core';

import type { ForecastWindows } from '../data/forecast-windows.js';
import type { ExtraColumn, Objective, ObjectiveName } from './objective.js';
import { ObjectiveArgumentError } from './objective-error.js';
import type { HeadLayout } from './head-layout.js';

/** Name of the extra column holding the observed-target mask `[H·V]` (target order; 1 observed, 0 missing). */
export const MASK_EXTRA = 'mask';
/** Name of the extra column holding per-element pollutant weights `[H·V_p]` (pollutant-head order; `fmae`, `lds`). */
export const POLLUTANT_WEIGHTS_EXTRA = 'pollutantWeights';

/** A data-set split an objective makes extra columns for. */
export type ExtrasSplit = 'train' | 'validation';

/** The mask extra column of a split: the windows' mask, one row `[H·V]` per window. */
export function maskColumn(windows: ForecastWindows, split: ExtrasSplit): ExtraColumn {
  return { values: windows[split].mask, shape: [windows.horizons.length * windows.targets.length] };
}

/** What an objective with one point output per target (plus optional extra pollutant outputs) is made of. */
export interface PointObjectiveParts {
  readonly name: ObjectiveName;
  readonly windows: ForecastWindows;
  readonly layout: HeadLayout;
  readonly loss: LossFunction<string>;
  /** Extra columns besides the mask (computed once per split, then cached). */
  readonly moreExtras?: (split: ExtrasSplit) => Readonly<Record<string, ExtraColumn>>;
  /** Pollutant-head outputs after the `H·V_p` point outputs (the class logits of `car`). Default 0. */
  readonly extraPollutantOutputs?: number;
  readonly variables?: readonly tf.Variable[];
  readonly weighter?: TaskWeighter;
}

/** Checks a prediction batch `[B, outputs]` against an objective's output count (shape only, no reads). */
export function checkPredictions(name: string, predictions: tf.Tensor, outputs: number): void {
  if (predictions.rank !== 2 || predictions.shape[1] !== outputs) {
    throw new ObjectiveArgumentError(name, 'predictions', `must be [B, ${outputs}] (weather outputs + pollutant outputs), got [${predictions.shape.join(', ')}]`);
  }
}

/** Checks a target batch `[B, H·V]` (shape only). */
export function checkTargets(name: string, targets: tf.Tensor, layout: HeadLayout): void {
  const width = layout.horizons * (layout.weather + layout.pollutants);
  if (targets.rank !== 2 || targets.shape[1] !== width) {
    throw new ObjectiveArgumentError(name, 'targets', `must be [B, ${width}] (H·V, horizon-major), got [${targets.shape.join(', ')}]`);
  }
}

/** A cache of each split's extra columns (mask first, then `more`). */
export function extrasProvider(
  windows: ForecastWindows,
  more?: (split: ExtrasSplit) => Readonly<Record<string, ExtraColumn>>,
): (split: ExtrasSplit) => Readonly<Record<string, ExtraColumn>> {
  const cache = new Map<ExtrasSplit, Readonly<Record<string, ExtraColumn>>>();
  return (split) => {
    let columns = cache.get(split);
    if (columns === undefined) {
      columns = Object.freeze({ [MASK_EXTRA]: maskColumn(windows, split), ...(more === undefined ? {} : more(split)) });
      cache.set(split, columns);
    }
    return columns;
  };
}

/**
 * An {@link Objective} whose heads have one point output per target (`weatherOutputs = H·V_w`, `pollutantOutputs =
 * H·V_p + extraPollutantOutputs`): `point` gathers the point outputs into target order.
 */
export function pointObjective(parts: PointObjectiveParts): Objective {
  const { layout } = parts;
  const weatherOutputs = layout.weatherTargets.length;
  const pollutantOutputs = layout.pollutantTargets.length + (parts.extraPollutantOutputs ?? 0);
  const variables = parts.variables ?? [];
  return {
    name: parts.name,
    weatherOutputs,
    pollutantOutputs,
    loss: parts.loss,
    extras: extrasProvider(parts.windows, parts.moreExtras),
    variables,
    ...(parts.weighter === undefined ? {} : { weighter: parts.weighter }),
    point(predictions: tf.Tensor2D): tf.Tensor2D {
      checkPredictions(parts.name, predictions, weatherOutputs + pollutantOutputs);
      return tf.tidy(() => tf.gather(predictions, tf.tensor1d(layout.headElementOfTarget, 'int32'), 1));
    },
    dispose(): void {
      if (parts.weighter !== undefined) parts.weighter.dispose();
      for (const v of variables) if (!v.isDisposed && !(parts.weighter?.variables.includes(v) ?? false)) v.dispose();
    },
  };
}
