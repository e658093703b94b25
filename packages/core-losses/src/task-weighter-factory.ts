import { LossArgumentError } from './errors.js';
import { ImprovableGapWeighter, type ImprovableGapWeighterOptions } from './igb-weighting.js';
import { SoftmaxTaskWeighter, type SoftmaxTaskWeighterOptions } from './softmax-task-weighting.js';
import {
  FixedTaskWeighter,
  TASK_WEIGHTING_METHODS,
  sumTaskWeighter,
  type FixedTaskWeighterOptions,
  type TaskWeighter,
  type TaskWeighterOptions,
} from './task-weighting.js';
import { UncertaintyTaskWeighter, type UncertaintyTaskWeighterOptions } from './uncertainty-weighting.js';

/** A weighter by name with its options, e.g. from a run configuration. */
export type TaskWeighterSpec =
  | ({ readonly method: 'sum' } & TaskWeighterOptions)
  | ({ readonly method: 'fixed' } & FixedTaskWeighterOptions)
  | ({ readonly method: 'uncertainty' } & UncertaintyTaskWeighterOptions)
  | ({ readonly method: 'igb' } & ImprovableGapWeighterOptions)
  | ({ readonly method: 'softmax' } & SoftmaxTaskWeighterOptions);

/**
 * Builds the {@link TaskWeighter} a spec names: `sum` ({@link sumTaskWeighter}), `fixed` ({@link FixedTaskWeighter}),
 * `uncertainty` ({@link UncertaintyTaskWeighter}), `igb` ({@link ImprovableGapWeighter}) or `softmax`
 * ({@link SoftmaxTaskWeighter}); the remaining fields are that weighter's options.
 *
 * @throws LossArgumentError naming `spec.method` for an unknown method, or the weighter's own argument errors.
 */
export function createTaskWeighter(spec: TaskWeighterSpec): TaskWeighter {
  switch (spec.method) {
    case 'sum':
      return sumTaskWeighter(spec);
    case 'fixed':
      return new FixedTaskWeighter(spec);
    case 'uncertainty':
      return new UncertaintyTaskWeighter(spec);
    case 'igb':
      return new ImprovableGapWeighter(spec);
    case 'softmax':
      return new SoftmaxTaskWeighter(spec);
    default: {
      const method: unknown = (spec as { method?: unknown }).method;
      throw new LossArgumentError(
        'createTaskWeighter',
        'spec.method',
        `must be one of ${TASK_WEIGHTING_METHODS.map((m) => `'${m}'`).join(', ')}, got ${typeof method === 'string' ? `'${method}'` : String(method)}`,
      );
    }
  }
}
