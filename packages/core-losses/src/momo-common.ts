// The machinery MoMo and MoMo-Adam share: step bookkeeping, the model-based (Polyak-type) step size with its online
// lower-bound estimate, per-variable slots and exact state copies. Not exported from the package index; the public
// classes are `Momo` (momo.ts) and `MomoAdam` (momo-adam.ts).
import * as tf from '@tensorflow/tfjs-core';

import { LossArgumentError } from './errors.js';
import { checkNumberOption } from './validation.js';

/** A variable and its gradient, as passed to `Momo.step` / `MomoAdam.step`. */
export interface MomoGradient {
  readonly variable: tf.Variable;
  readonly gradient: tf.Tensor;
}

/**
 * One named tensor of an optimiser state copy (the shape of tfjs's `NamedTensor`): a global value (see
 * `MOMO_GLOBAL_STATE`) or a per-variable slot named `<tf.Variable name>/<slot>`.
 */
export interface MomoStateTensor {
  readonly name: string;
  readonly tensor: tf.Tensor;
}

/**
 * Names of the global (not per-variable) state tensors of `Momo` and `MomoAdam`, in the order `getState` returns them:
 * `iter` the number of steps taken (int32 scalar), `lossAverage` the moving average f̄ of the batch losses,
 * `innerProductAverage` the moving average γ of ⟨g, x⟩, `lowerBound` the current lower bound f* (float32 scalars).
 */
export const MOMO_GLOBAL_STATE = ['iter', 'lossAverage', 'innerProductAverage', 'lowerBound'] as const;

/** Hyperparameters every MoMo variant has (resolved, validated). */
export interface MomoCommonSettings {
  readonly learningRate: number;
  readonly weightDecay: number;
  readonly lowerBound: number;
  readonly adaptLowerBound: boolean;
}

/** What a variant's moment update hands back to the shared step (tensors live in the step's `tf.tidy`). */
export interface MomoMoments {
  /** ⟨d_k, x_k⟩ summed over all variables. */
  readonly dot: tf.Scalar;
  /** ‖d_k‖² (MoMo) or ⟨d_k, d_k ⊘ D_k⟩ (MoMo-Adam), summed over all variables. */
  readonly norm: tf.Scalar;
  /** The update direction per variable: d_k (MoMo) or d_k ⊘ D_k (MoMo-Adam). */
  readonly directions: readonly tf.Tensor[];
}

/** Checks the options shared by both variants and returns them with the reference defaults filled in. */
export function resolveCommonOptions(
  options: {
    readonly learningRate?: number;
    readonly weightDecay?: number;
    readonly lowerBound?: number;
    readonly adaptLowerBound?: boolean;
  },
  defaultLearningRate: number,
  name: string,
): MomoCommonSettings {
  const learningRate = checkLearningRate(options.learningRate ?? defaultLearningRate, name);
  const weightDecay = checkNumberOption(
    options.weightDecay ?? 0,
    (v) => Number.isFinite(v) && v >= 0,
    'a finite number >= 0',
    'options.weightDecay',
    name,
  );
  const lowerBound = checkNumberOption(options.lowerBound ?? 0, Number.isFinite, 'a finite number', 'options.lowerBound', name);
  const adaptLowerBound = options.adaptLowerBound ?? false;
  if (typeof adaptLowerBound !== 'boolean') {
    throw new LossArgumentError(name, 'options.adaptLowerBound', `must be a boolean, got ${String(adaptLowerBound)}`);
  }
  return { learningRate, weightDecay, lowerBound, adaptLowerBound };
}

/** Checks a learning rate (finite, >= 0). */
export function checkLearningRate(value: number, name: string, argument = 'options.learningRate'): number {
  return checkNumberOption(value, (v) => Number.isFinite(v) && v >= 0, 'a finite number >= 0', argument, name);
}

/** Checks a moving-average weight β ∈ [0, 1). */
export function checkBeta(value: number, argument: string, name: string): number {
  return checkNumberOption(value, (v) => v >= 0 && v < 1, 'in [0, 1)', argument, name);
}

function shapeText(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

/**
 * The step shared by MoMo and MoMo-Adam (Schaipp, Ohana, Eickenberg, Defazio, Gower, ICML 2024), after each variant
 * has updated its moving averages. With c = 1 + α_k·λ (α_k the learning rate, λ the weight decay), f̄_k, γ_k the loss
 * and ⟨g, x⟩ averages, ρ_k the bias factor and f* the lower bound:
 *
 *     N_k = c·(f̄_k − ρ_k·f*) + ⟨d_k, x_k⟩ − c·γ_k
 *     τ_k = min(α_k / ρ_k, max(N_k, 0) / ‖d_k‖²)      (τ_k = α_k / ρ_k when ‖d_k‖² = 0: d_k = 0 moves nothing)
 *
 * and the variant applies x_{k+1} from τ_k. All scalars stay on the device (float32, as the PyTorch reference), so a
 * step never waits for a read-back. Subclasses: `Momo`, `MomoAdam`.
 */
export abstract class MomoBase {
  /** Name used in error messages (`Momo`, `MomoAdam`). */
  protected abstract readonly errorName: string;
  /** Slot names per variable, e.g. `['gradientAverage']`. */
  protected abstract readonly slotNames: readonly string[];

  private rate: number;
  private steps = 0;
  private disposed = false;
  /** Weight decay λ. */
  protected readonly weightDecay: number;
  private readonly initialLowerBound: number;
  private readonly adaptive: boolean;
  private readonly lossAverage: tf.Variable;
  private readonly innerProductAverage: tf.Variable;
  private readonly currentLowerBound: tf.Variable;
  /** Per-variable slots by position, `slots[k][i]` = slot `slotNames[k]` of variable i; created at the first step. */
  private slots: tf.Variable[][] | undefined;
  /** `tf.Variable` name that owns each position (for state names), refreshed every step. */
  private owners: string[] = [];

  protected constructor(settings: MomoCommonSettings) {
    this.rate = settings.learningRate;
    this.weightDecay = settings.weightDecay;
    this.initialLowerBound = settings.lowerBound;
    this.adaptive = settings.adaptLowerBound;
    this.lossAverage = tf.tidy(() => tf.variable(tf.scalar(0), false));
    this.innerProductAverage = tf.tidy(() => tf.variable(tf.scalar(0), false));
    this.currentLowerBound = tf.tidy(() => tf.variable(tf.scalar(settings.lowerBound), false));
  }

  /** The learning rate α_k of the next step: the cap of the step size, τ_k ≤ α_k / ρ_k. */
  get learningRate(): number {
    return this.rate;
  }

  /** Sets α for the following steps (a schedule may change it every step, as the reference's parameter groups). */
  set learningRate(value: number) {
    this.rate = checkLearningRate(value, this.errorName, 'learningRate');
  }

  /** Steps taken (k after step k). */
  get iterations(): number {
    return this.steps;
  }

  /** The lower bound f* the next step starts from (changes only with `adaptLowerBound`); a synchronous read. */
  get lowerBound(): number {
    this.checkAlive();
    return this.currentLowerBound.dataSync()[0] ?? Number.NaN;
  }

  /**
   * One update of every variable from the batch loss f(x_k) and its gradients at the current values x_k (the same
   * variables in the same order every step: slots belong to positions). Does not dispose the gradients.
   * @throws LossArgumentError for a non-finite loss, an empty list, a gradient whose shape differs from its
   *   variable's, a non-float32 variable, or variables that do not match the slots of earlier steps (or of `setState`).
   */
  step(loss: number, gradients: readonly MomoGradient[]): void {
    this.checkAlive();
    if (typeof loss !== 'number' || !Number.isFinite(loss)) {
      throw new LossArgumentError(this.errorName, 'loss', `must be a finite number, got ${String(loss)}`);
    }
    this.checkGradients(gradients);
    if (this.slots === undefined) {
      this.slots = this.slotNames.map(() => gradients.map(({ variable }) => tf.tidy(() => tf.variable(tf.zerosLike(variable), false))));
    }
    this.owners = gradients.map(({ variable }) => variable.name);
    this.steps += 1;
    const k = this.steps;
    const slots = this.slots;
    tf.tidy(() => {
      const alpha = this.rate;
      const c = 1 + alpha * this.weightDecay;
      const lossValue = tf.scalar(loss);
      const innerProduct = sumAll(gradients.map(({ variable, gradient }) => tf.sum(tf.mul(variable, gradient))));
      const beta = this.averagingBeta();
      if (k === 1 && this.startsAtFirstValues()) {
        this.lossAverage.assign(lossValue);
        this.innerProductAverage.assign(innerProduct);
      }
      this.lossAverage.assign(ema(this.lossAverage, lossValue, beta));
      this.innerProductAverage.assign(ema(this.innerProductAverage, innerProduct, beta));
      const fBar = this.lossAverage as tf.Tensor as tf.Scalar;
      const gamma = this.innerProductAverage as tf.Tensor as tf.Scalar;
      const { dot, norm, directions } = this.updateMoments(gradients, slots, k);
      const rho = this.biasFactor(k);

      let lowerBound: tf.Scalar = this.currentLowerBound as tf.Tensor as tf.Scalar;
      if (this.adaptive) {
        // Reset when the model's value at x_k already lies below the bound.
        const cap = tf.sub(tf.add(tf.mul(fBar, c), dot), tf.mul(gamma, c));
        const reset = tf.maximum(tf.div(cap, 2 * c * rho), this.initialLowerBound);
        lowerBound = tf.where(tf.less(cap, tf.mul(lowerBound, c * rho)), reset, lowerBound) as tf.Scalar;
      }
      const numerator = tf.sub(tf.add(tf.mul(tf.sub(fBar, tf.mul(lowerBound, rho)), c), dot), tf.mul(gamma, c));
      const maxStep = alpha / rho;
      const polyak = tf.minimum(tf.div(tf.relu(numerator), norm), maxStep);
      const tau = tf.where(tf.greater(norm, 0), polyak, tf.scalar(maxStep)) as tf.Scalar;
      if (this.adaptive) {
        const h = tf.sub(tf.add(fBar, dot), gamma);
        const next = tf.maximum(tf.div(tf.sub(h, tf.mul(tf.mul(tau, norm), 0.5)), rho), this.initialLowerBound);
        this.currentLowerBound.assign(next);
      }
      gradients.forEach(({ variable }, i) => {
        variable.assign(this.updatedValue(variable, directions[i] as tf.Tensor, tau, alpha, c));
      });
    });
  }

  /**
   * A copy of the complete state: the `MOMO_GLOBAL_STATE` scalars, then each slot kind for every variable in order,
   * named `<tf.Variable name>/<slot>` (no slots before the first step). Restoring it with `setState` continues
   * bitwise identically. The caller owns (and disposes) the returned tensors.
   */
  getState(): MomoStateTensor[] {
    this.checkAlive();
    const state: MomoStateTensor[] = [
      { name: 'iter', tensor: tf.scalar(this.steps, 'int32') },
      { name: 'lossAverage', tensor: tf.clone(this.lossAverage) },
      { name: 'innerProductAverage', tensor: tf.clone(this.innerProductAverage) },
      { name: 'lowerBound', tensor: tf.clone(this.currentLowerBound) },
    ];
    this.slots?.forEach((kind, k) => {
      kind.forEach((slot, i) => state.push({ name: `${this.owners[i] ?? i}/${this.slotNames[k]}`, tensor: tf.clone(slot) }));
    });
    return state;
  }

  /**
   * Restores a {@link MomoBase.getState} copy (of an optimiser of the same kind; hyperparameters are not part of the
   * state). Slots are matched to variables by position, as tfjs optimisers do, so the variables of the next steps
   * may have other names. The tensors are copied: the caller still owns them.
   * @throws LossArgumentError naming the missing, unknown or malformed entry; the state is unchanged then.
   */
  setState(state: readonly MomoStateTensor[]): void {
    this.checkAlive();
    const fail = (message: string): never => {
      throw new LossArgumentError(this.errorName, 'state', message);
    };
    const globals = new Map<string, tf.Tensor>();
    const slotEntries = new Map<string, Array<{ owner: string; tensor: tf.Tensor }>>(this.slotNames.map((s) => [s, []]));
    for (const entry of state) {
      const { name, tensor } = entry;
      if (!(tensor instanceof tf.Tensor) || tensor.isDisposed) fail(`entry "${name}" is not a live tensor`);
      if ((MOMO_GLOBAL_STATE as readonly string[]).includes(name)) {
        if (globals.has(name)) fail(`holds "${name}" twice`);
        if (tensor.rank !== 0) fail(`"${name}" must be a scalar, got shape ${shapeText(tensor.shape)}`);
        globals.set(name, tensor);
        continue;
      }
      const at = name.lastIndexOf('/');
      const list = at > 0 ? slotEntries.get(name.slice(at + 1)) : undefined;
      if (list === undefined) {
        fail(`entry "${name}" is neither one of ${MOMO_GLOBAL_STATE.join(', ')} nor a slot <variable>/<${this.slotNames.join('|')}>`);
      } else {
        if (tensor.dtype !== 'float32') fail(`slot "${name}" must be float32, got ${tensor.dtype}`);
        list.push({ owner: name.slice(0, at), tensor });
      }
    }
    for (const name of MOMO_GLOBAL_STATE) {
      const tensor = globals.get(name);
      if (tensor === undefined) fail(`has no "${name}" entry`);
      else if (name !== 'iter' && tensor.dtype !== 'float32') fail(`"${name}" must be float32, got ${tensor.dtype}`);
    }
    const iter = globals.get('iter')?.dataSync()[0] ?? Number.NaN;
    if (!Number.isInteger(iter) || iter < 0) fail(`"iter" must be a whole number >= 0, got ${iter}`);
    const kinds = this.slotNames.map((s) => slotEntries.get(s) ?? []);
    const first = kinds[0] ?? [];
    kinds.forEach((kind, k) => {
      if (kind.length !== first.length) {
        fail(`has ${kind.length} "${this.slotNames[k]}" slots but ${first.length} "${this.slotNames[0]}" slots`);
      }
      kind.forEach((entry, i) => {
        const owner = first[i] as { owner: string; tensor: tf.Tensor };
        if (entry.owner !== owner.owner || !tf.util.arraysEqual(entry.tensor.shape, owner.tensor.shape)) {
          fail(
            `slot ${i} of "${this.slotNames[k]}" ("${entry.owner}", ${shapeText(entry.tensor.shape)}) does not match ` +
              `slot ${i} of "${this.slotNames[0]}" ("${owner.owner}", ${shapeText(owner.tensor.shape)})`,
          );
        }
      });
    });
    if (iter > 0 && first.length === 0) fail(`has "iter" ${iter} but no slots`);

    this.steps = iter;
    this.lossAverage.assign(globals.get('lossAverage') as tf.Tensor);
    this.innerProductAverage.assign(globals.get('innerProductAverage') as tf.Tensor);
    this.currentLowerBound.assign(globals.get('lowerBound') as tf.Tensor);
    this.disposeSlots();
    if (first.length > 0) {
      this.slots = kinds.map((kind) => kind.map(({ tensor }) => tf.variable(tensor, false)));
      this.owners = first.map((e) => e.owner);
    }
  }

  /** Releases every state tensor; the optimiser cannot be used afterwards. */
  dispose(): void {
    if (this.disposed) return;
    this.disposeSlots();
    tf.dispose([this.lossAverage, this.innerProductAverage, this.currentLowerBound]);
    this.disposed = true;
  }

  /** β of the loss and ⟨g, x⟩ averages (MoMo: β, MoMo-Adam: β1). */
  protected abstract averagingBeta(): number;

  /** Whether the averages start at the first observed values (MoMo without bias correction) instead of at zero. */
  protected abstract startsAtFirstValues(): boolean;

  /** ρ_k of step k (1, or 1 − β^k with bias correction). */
  protected abstract biasFactor(k: number): number;

  /** Updates the variant's averages for step k; returns ⟨d, x⟩, the (preconditioned) ‖d‖² and the directions. */
  protected abstract updateMoments(gradients: readonly MomoGradient[], slots: readonly tf.Variable[][], k: number): MomoMoments;

  /** x_{k+1} of one variable from its direction, the step size τ, α and c = 1 + αλ (weight decay lives here). */
  protected abstract updatedValue(x: tf.Tensor, direction: tf.Tensor, tau: tf.Scalar, alpha: number, c: number): tf.Tensor;

  private checkAlive(): void {
    if (this.disposed) throw new LossArgumentError(this.errorName, 'this', 'is disposed');
  }

  private checkGradients(gradients: readonly MomoGradient[]): void {
    const list: unknown = gradients;
    if (!Array.isArray(list) || list.length === 0) {
      throw new LossArgumentError(this.errorName, 'gradients', 'must be a non-empty array of { variable, gradient }');
    }
    gradients.forEach(({ variable, gradient }, i) => {
      if (!((variable as unknown) instanceof tf.Variable) || variable.isDisposed) {
        throw new LossArgumentError(this.errorName, `gradients[${i}].variable`, 'must be a live tf.Variable');
      }
      if (variable.dtype !== 'float32') {
        throw new LossArgumentError(this.errorName, `gradients[${i}].variable`, `("${variable.name}") must be float32, got ${variable.dtype}`);
      }
      if (!((gradient as unknown) instanceof tf.Tensor) || gradient.isDisposed) {
        throw new LossArgumentError(this.errorName, `gradients[${i}].gradient`, 'must be a live tensor');
      }
      if (gradient.dtype !== 'float32') {
        throw new LossArgumentError(this.errorName, `gradients[${i}].gradient`, `must be float32, got ${gradient.dtype}`);
      }
      if (!tf.util.arraysEqual(gradient.shape, variable.shape)) {
        throw new LossArgumentError(
          this.errorName,
          `gradients[${i}].gradient`,
          `must have the shape of variable "${variable.name}" ${shapeText(variable.shape)}, got ${shapeText(gradient.shape)}`,
        );
      }
    });
    const slots = this.slots;
    if (slots === undefined) return;
    const first = slots[0] ?? [];
    if (first.length !== gradients.length) {
      throw new LossArgumentError(
        this.errorName,
        'gradients',
        `holds ${gradients.length} variables but the optimiser state has slots for ${first.length}; pass the same ` +
          'variables in the same order every step',
      );
    }
    gradients.forEach(({ variable }, i) => {
      const slot = first[i] as tf.Variable;
      if (!tf.util.arraysEqual(slot.shape, variable.shape)) {
        throw new LossArgumentError(
          this.errorName,
          `gradients[${i}].variable`,
          `("${variable.name}") has shape ${shapeText(variable.shape)} but its slot (of "${this.owners[i] ?? i}") has ` +
            `${shapeText(slot.shape)}; pass the same variables in the same order every step`,
        );
      }
    });
  }

  private disposeSlots(): void {
    if (this.slots !== undefined) tf.dispose(this.slots.flat());
    this.slots = undefined;
    this.owners = [];
  }
}

/** β·average + (1 − β)·value. */
export function ema(average: tf.Tensor, value: tf.Tensor, beta: number): tf.Tensor {
  return tf.add(tf.mul(average, beta), tf.mul(value, 1 - beta));
}

/** Σ of scalars (left to right). */
export function sumAll(values: readonly tf.Tensor[]): tf.Scalar {
  return (values.length === 1 ? values[0] : tf.addN([...values])) as tf.Scalar;
}
