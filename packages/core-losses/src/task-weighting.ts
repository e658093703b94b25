import * as tf from '@tensorflow/tfjs-core';

import { LossArgumentError } from './errors.js';
import { toFloatTensor, type TensorInput } from './validation.js';

/**
 * Per-task losses handed to a {@link TaskWeighter}: a `[T]` tensor (or number array) in task order, or a record of
 * scalar losses keyed by task name (every name of {@link TaskWeighter.taskNames}, nothing else).
 */
export type TaskLosses = TensorInput | Readonly<Record<string, tf.Tensor>>;

/** The multi-task weighting methods of this package (see each weighter's doc comment). */
export const TASK_WEIGHTING_METHODS = ['sum', 'fixed', 'uncertainty', 'igb', 'softmax'] as const;
/** One of {@link TASK_WEIGHTING_METHODS}. */
export type TaskWeightingMethod = (typeof TASK_WEIGHTING_METHODS)[number];

/** What a weighter did at one step, as plain numbers (for logs and charts). */
export interface TaskWeightReport {
  /** Number of {@link TaskWeighter.combine} calls so far (0 before the first). */
  readonly step: number;
  /** The task losses of the last step (`NaN` before the first). */
  readonly losses: readonly number[];
  /**
   * The weight each task got at the last step, in the sense of the method (its doc comment says which): for `sum`,
   * `fixed`, `softmax` and `uncertainty` the factor that multiplies `L_t` in the total; for `igb` the factor that
   * multiplies `ln L_t`. Before the first step: the weights the current state gives.
   */
  readonly weights: readonly number[];
}

/**
 * One interface for multi-task loss weighting: turns per-task losses into one scalar total, may own trainable
 * variables (learned log-variances or weight logits) and reports the weights it used at every step.
 *
 * Use inside the gradient closure, and give the optimizer the weighter's variables with the model's:
 *
 *     const total = () => weighter.combine([lossA(), lossB()] stacked, or { a: lossA(), b: lossB() });
 *     optimizer.minimize(total, false, [...modelVariables, ...weighter.variables]);
 *     chart.push(weighter.report().weights);
 *     weighter.onEpochEnd(epoch);            // IGB takes its base losses here; a no-op for the others
 *     weighter.dispose();                    // frees the variables
 *
 * `combine` reads the task losses back (a `[T]` sync per step) to record them and, for IGB, to average them over an
 * epoch; everything else stays on the backend. Errors are `LossArgumentError`s naming the weighter and argument.
 */
export interface TaskWeighter {
  /** Which method this is. */
  readonly method: TaskWeightingMethod;
  /** Task names in task order (`task0`, `task1`, … unless given). */
  readonly taskNames: readonly string[];
  /** Trainable variables owned by the weighter (empty for `sum`, `fixed`, `igb`). */
  readonly variables: readonly tf.Variable[];
  /** The weighted total, a scalar; differentiable with respect to the task losses and {@link variables}. */
  combine(taskLosses: TaskLosses): tf.Scalar;
  /** Weights and losses of the last step. */
  report(): TaskWeightReport;
  /** Called by the training loop after each epoch (0-based); only IGB uses it. */
  onEpochEnd(epoch: number): void;
  /** Disposes the variables; the weighter cannot be used afterwards. */
  dispose(): void;
}

/** Options every weighter takes: the tasks, by count or by name. */
export interface TaskWeighterOptions {
  /** Number of tasks T ≥ 1; implied by `taskNames` when those are given. */
  readonly numTasks?: number;
  /** Task names, in task order (the keys of a record passed to `combine`). Default `task0`, `task1`, …. */
  readonly taskNames?: readonly string[];
}

/** Whether `value` is an array (without narrowing a readonly array type to `any[]`). */
function isList(value: unknown): boolean {
  return Array.isArray(value);
}

/** Resolves `numTasks` / `taskNames` to the names (internal). */
export function resolveTaskNames(options: TaskWeighterOptions, weighter: string): string[] {
  const { numTasks, taskNames } = options;
  if (taskNames !== undefined) {
    if (!isList(taskNames) || taskNames.length === 0 || taskNames.some((n) => typeof n !== 'string' || n === '')) {
      throw new LossArgumentError(weighter, 'options.taskNames', 'must be a non-empty array of non-empty strings');
    }
    if (new Set(taskNames).size !== taskNames.length) {
      throw new LossArgumentError(weighter, 'options.taskNames', `must not repeat a name, got [${taskNames.join(', ')}]`);
    }
    if (numTasks !== undefined && numTasks !== taskNames.length) {
      throw new LossArgumentError(weighter, 'options.numTasks', `is ${numTasks} but 'options.taskNames' names ${taskNames.length} tasks`);
    }
    return [...taskNames];
  }
  if (numTasks === undefined) throw new LossArgumentError(weighter, 'options.numTasks', 'is required (or pass options.taskNames)');
  if (!Number.isInteger(numTasks) || numTasks < 1) {
    throw new LossArgumentError(weighter, 'options.numTasks', `must be an integer >= 1, got ${String(numTasks)}`);
  }
  return Array.from({ length: numTasks }, (_, t) => `task${t}`);
}

/** Checks a per-task number list option (length T, finite, optionally positive) and returns a copy (internal). */
export function taskNumbers(
  values: readonly number[] | undefined,
  fallback: number,
  numTasks: number,
  argument: string,
  weighter: string,
  positive: boolean,
): number[] {
  if (values === undefined) return new Array<number>(numTasks).fill(fallback);
  if (!isList(values) || values.length !== numTasks) {
    throw new LossArgumentError(weighter, argument, `must hold ${numTasks} numbers (one per task), got ${isList(values) ? values.length : typeof values}`);
  }
  values.forEach((v, t) => {
    if (typeof v !== 'number' || !Number.isFinite(v) || (positive && !(v > 0))) {
      throw new LossArgumentError(weighter, argument, `must hold finite${positive ? ', positive' : ''} numbers, got ${String(v)} for task ${t}`);
    }
  });
  return [...values];
}

/**
 * Shared machinery of the weighters: converts and checks the task losses, records the report, guards disposal.
 * Subclasses implement {@link weigh}.
 */
export abstract class BaseTaskWeighter implements TaskWeighter {
  abstract readonly method: TaskWeightingMethod;
  readonly taskNames: readonly string[];
  protected readonly weighterName: string;
  private step = 0;
  private lastLosses: number[];
  private lastWeights: number[] | undefined;
  private disposed = false;

  protected constructor(options: TaskWeighterOptions, weighterName: string) {
    this.weighterName = weighterName;
    this.taskNames = resolveTaskNames(options, weighterName);
    this.lastLosses = new Array<number>(this.taskNames.length).fill(Number.NaN);
  }

  get variables(): readonly tf.Variable[] {
    return [];
  }

  /** The total and the weights reported for it, given the `[T]` losses and their values. */
  protected abstract weigh(losses: tf.Tensor1D, values: readonly number[]): { total: tf.Scalar; weights: number[] };

  /** The weights the current state gives before any step. */
  protected abstract currentWeights(): number[];

  combine(taskLosses: TaskLosses): tf.Scalar {
    this.assertUsable();
    return tf.tidy(() => {
      const losses = this.toLossVector(taskLosses);
      const values = Array.from(losses.dataSync());
      values.forEach((v, t) => {
        if (!Number.isFinite(v)) {
          throw new LossArgumentError(this.weighterName, 'taskLosses', `must be finite, got ${v} for task '${this.taskNames[t] ?? t}'`);
        }
      });
      const { total, weights } = this.weigh(losses, values);
      this.step += 1;
      this.lastLosses = values;
      this.lastWeights = weights;
      return total;
    });
  }

  report(): TaskWeightReport {
    return { step: this.step, losses: [...this.lastLosses], weights: [...(this.lastWeights ?? this.currentWeights())] };
  }

  onEpochEnd(epoch: number): void {
    if (!Number.isInteger(epoch) || epoch < 0) {
      throw new LossArgumentError(this.weighterName, 'epoch', `must be an integer >= 0, got ${String(epoch)}`);
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.variables.forEach((v) => v.dispose());
    this.disposed = true;
  }

  protected assertUsable(): void {
    if (this.disposed) throw new LossArgumentError(this.weighterName, 'this', 'was disposed');
  }

  private toLossVector(taskLosses: TaskLosses): tf.Tensor1D {
    const numTasks = this.taskNames.length;
    const name = this.weighterName;
    if (isLossRecord(taskLosses)) {
      const keys = Object.keys(taskLosses);
      const extra = keys.filter((k) => !this.taskNames.includes(k));
      if (extra.length > 0) {
        throw new LossArgumentError(name, 'taskLosses', `has unknown task(s) ${extra.map((k) => `'${k}'`).join(', ')}; tasks are ${this.taskNames.join(', ')}`);
      }
      const scalars = this.taskNames.map((task) => {
        const loss = taskLosses[task];
        if (loss === undefined) throw new LossArgumentError(name, 'taskLosses', `lacks task '${task}'`);
        if (loss.size !== 1) throw new LossArgumentError(name, 'taskLosses', `task '${task}' must be a scalar loss, got shape [${loss.shape.join(',')}]`);
        return tf.reshape(toFloatTensor(loss, `taskLosses.${task}`, name), []);
      });
      return tf.stack(scalars) as tf.Tensor1D;
    }
    const losses = toFloatTensor(taskLosses, 'taskLosses', name);
    if (losses.rank !== 1 || losses.shape[0] !== numTasks) {
      throw new LossArgumentError(name, 'taskLosses', `must have shape [${numTasks}] (one loss per task), got [${losses.shape.join(',')}]`);
    }
    return losses as tf.Tensor1D;
  }
}

function isLossRecord(value: TaskLosses): value is Readonly<Record<string, tf.Tensor>> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !(value instanceof tf.Tensor) &&
    !Array.isArray(value) &&
    !ArrayBuffer.isView(value) &&
    Object.values(value).every((v) => v instanceof tf.Tensor)
  );
}

/** Options of {@link FixedTaskWeighter}. */
export interface FixedTaskWeighterOptions extends TaskWeighterOptions {
  /** Weight of each task, finite and ≥ 0 (length T). Default all 1 (the plain sum). */
  readonly weights?: readonly number[];
}

/**
 * Fixed task weights: `total = Σ_t w_t·L_t` with constant `w` (default all 1, the plain sum — the "equal weighting"
 * baseline of the multi-task literature, e.g. AirCast's `L_weather + L_chem`). Reports `w` at every step. No
 * variables. Shapes: task losses `[T]` → scalar.
 */
export class FixedTaskWeighter extends BaseTaskWeighter {
  readonly method: TaskWeightingMethod;
  private readonly weights: number[];

  constructor(options: FixedTaskWeighterOptions, weighterName = 'FixedTaskWeighter') {
    super(options, weighterName);
    this.weights = taskNumbers(options.weights, 1, this.taskNames.length, 'options.weights', weighterName, false);
    this.weights.forEach((w, t) => {
      if (w < 0) throw new LossArgumentError(weighterName, 'options.weights', `must be >= 0, got ${w} for task ${t}`);
    });
    this.method = options.weights === undefined ? 'sum' : 'fixed';
  }

  protected weigh(losses: tf.Tensor1D): { total: tf.Scalar; weights: number[] } {
    return { total: tf.sum<tf.Scalar>(tf.mul(losses, tf.tensor1d(this.weights))), weights: [...this.weights] };
  }

  protected currentWeights(): number[] {
    return [...this.weights];
  }
}

/** The plain sum `Σ_t L_t` as a weighter (every weight 1, method `sum`). */
export function sumTaskWeighter(options: TaskWeighterOptions): FixedTaskWeighter {
  return new FixedTaskWeighter({ ...options, weights: undefined }, 'sumTaskWeighter');
}
