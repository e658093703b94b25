import { Momo, MomoAdam } from '@counterweight/core-losses';
import { FUSED_ADAM_UPDATE, type FusedAdamAttrs } from '@counterweight/wasm-kernels';
import * as tf from '@tensorflow/tfjs-core';

import { TrainingError } from '../errors.js';
import { fusedKernelAvailable, runFusedKernel } from '../layers/fused-kernel.js';

/** Plain stochastic gradient descent. */
export interface SgdConfig {
  readonly name: 'sgd';
  readonly learningRate: number;
}

/** SGD with (optionally Nesterov) momentum. */
export interface MomentumConfig {
  readonly name: 'momentum';
  readonly learningRate: number;
  /** Default 0.9. */
  readonly momentum?: number;
  readonly nesterov?: boolean;
}

/** Adam (Kingma & Ba); defaults beta1 0.9, beta2 0.999, epsilon 1e-7 (the tfjs backend epsilon). */
export interface AdamConfig {
  readonly name: 'adam';
  readonly learningRate: number;
  readonly beta1?: number;
  readonly beta2?: number;
  readonly epsilon?: number;
}

/**
 * Adam with decoupled weight decay (Loshchilov & Hutter, as `torch.optim.AdamW`): before each Adam update every decayed
 * variable is multiplied by `1 - learningRate * weightDecay`.
 */
export interface AdamWConfig {
  readonly name: 'adamw';
  readonly learningRate: number;
  readonly beta1?: number;
  readonly beta2?: number;
  readonly epsilon?: number;
  /** Default 0.01 (as PyTorch). */
  readonly weightDecay?: number;
  /** Which trainable variables decay: `all` (default, as PyTorch) or `matrices` (rank >= 2: no biases, no norms). */
  readonly decay?: 'all' | 'matrices';
}

/**
 * MoMo (Schaipp, Ohana, Eickenberg, Defazio, Gower, ICML 2024; `Momo` of `@counterweight/core-losses`): SGD with
 * momentum whose step is a Polyak-type step on a model of the loss, capped by the learning rate:
 * `τ = min(α/ρ, max(c·(f̄ − ρ·f*) + ⟨d, x⟩ − c·γ, 0) / ‖d‖²)`, `x ← (x − τ·d) / c`, `c = 1 + α·λ`, with f̄, d, γ the
 * moving averages of the loss, the gradient and ⟨g, x⟩. Needs each step's loss, which `train()` passes. Defaults
 * are the reference's (`fabian-sp/MoMo`): beta 0.9, weightDecay 0, lowerBound 0, no bias correction, fixed lower
 * bound; its learning rate is 1.
 */
export interface MomoConfig {
  readonly name: 'momo';
  /**
   * α, the cap of the step size. Required, as in every optimiser config; the reference's default and recommendation
   * is 1, with a constant schedule.
   */
  readonly learningRate: number;
  /** β ∈ [0, 1) of the moving averages. Default 0.9. */
  readonly beta?: number;
  /** λ >= 0, proximal. Default 0. */
  readonly weightDecay?: number;
  /** f*, a lower bound of the loss (the floor of the estimate with `adaptLowerBound`). Default 0. */
  readonly lowerBound?: number;
  /** Averages start at zero with ρ_k = 1 − β^k (reference `bias_correction=True`). Default false. */
  readonly biasCorrection?: boolean;
  /** Estimate f* online (reference `use_fstar=True`). Default false. */
  readonly adaptLowerBound?: boolean;
}

/**
 * MoMo-Adam (`MomoAdam` of `@counterweight/core-losses`): Adam's preconditioned direction `d ⊘ D` with MoMo's
 * model-based step `τ = min(α/ρ, max(c·(f̄ − ρ·f*) + ⟨d, x⟩ − c·γ, 0) / ⟨d, d ⊘ D⟩)`, `ρ = 1 − β1^k`. Needs each
 * step's loss, which `train()` passes. Defaults are the reference's: beta1 0.9, beta2 0.999, epsilon 1e-8,
 * weightDecay 0 (proximal), lowerBound 0, fixed lower bound; its learning rate is 1e-2.
 */
export interface MomoAdamConfig {
  readonly name: 'momo-adam';
  /** α, the cap of the step size. Required, as in every optimiser config; the reference's default is 1e-2. */
  readonly learningRate: number;
  readonly beta1?: number;
  readonly beta2?: number;
  /** Added to the preconditioner `sqrt(v̂)`. Default 1e-8 (the reference's, not the tfjs backend epsilon). */
  readonly epsilon?: number;
  /** λ >= 0. Default 0. */
  readonly weightDecay?: number;
  /** `proximal` (default; divide by 1 + αλ after the step) or `decoupled` (multiply by 1 − αλ before it, as AdamW). */
  readonly weightDecayMode?: 'proximal' | 'decoupled';
  /** f*, a lower bound of the loss (the floor of the estimate with `adaptLowerBound`). Default 0. */
  readonly lowerBound?: number;
  /** Estimate f* online (reference `use_fstar=True`). Default false. */
  readonly adaptLowerBound?: boolean;
}

/** Serialisable description of an optimiser; see {@link createOptimizer}. */
export type OptimizerConfig = SgdConfig | MomentumConfig | AdamConfig | AdamWConfig | MomoConfig | MomoAdamConfig;

/** Names of the optimisers that need each step's loss (`applyGradients(gradients, { loss })`). */
export const LOSS_AWARE_OPTIMIZERS = ['momo', 'momo-adam'] as const;

/**
 * Name of an optimiser state tensor that is not a per-variable slot (slots are named `<variable>/<slot>`): tfjs's
 * `iter` and Adam's `accBeta1`/`accBeta2`, and MoMo's `lossAverage`, `innerProductAverage` and `lowerBound` (its
 * `MOMO_GLOBAL_STATE` besides `iter`).
 */
export const OPTIMIZER_GLOBAL_STATE = [
  'iter',
  'accBeta1',
  'accBeta2',
  'lossAverage',
  'innerProductAverage',
  'lowerBound',
] as const;

/** A tensor with a name (the shape of tfjs's `NamedTensor`, which tfjs-core does not export). */
export interface NamedTensor {
  readonly name: string;
  readonly tensor: tf.Tensor;
}

/** A variable and its gradient, in the order the optimiser sees every step. */
export interface VariableGradient {
  readonly variable: tf.Variable;
  readonly gradient: tf.Tensor;
}

/** What an optimiser may need about the step besides the gradients. */
export interface OptimizerStepContext {
  /**
   * The step's loss at the current weights (the weights the gradients are applied to; the loss the gradients come
   * from, regularisation included). Needed by MoMo and MoMo-Adam; the other optimisers ignore it.
   */
  readonly loss?: number;
}

/**
 * An optimiser with a learning rate that can be changed every step and complete, exact state for checkpoints: a
 * wrapped tfjs optimiser (`sgd`, `momentum`, `adam`, `adamw`) or a loss-aware one of `@counterweight/core-losses`
 * (`momo`, `momo-adam`). Slots (Adam's moments, momentum accumulators, MoMo's averages) belong to variables by
 * position, so always pass the same variables in the same order to {@link TrainingOptimizer.applyGradients}.
 */
export interface TrainingOptimizer {
  readonly config: OptimizerConfig;
  /** The wrapped tfjs optimiser; undefined for MoMo and MoMo-Adam, which tfjs does not have. */
  readonly optimizer: tf.Optimizer | undefined;
  /** Whether {@link TrainingOptimizer.applyGradients} needs `{ loss }` (true for `momo` and `momo-adam`). */
  readonly requiresLoss: boolean;
  /** Learning rate used by the next update (for MoMo: the cap α of its step size). */
  readonly learningRate: number;
  setLearningRate(learningRate: number): void;
  /**
   * One update of every variable (AdamW: decay first). `step.loss` is the loss at the current weights, required by
   * the loss-aware optimisers and ignored by the others. Does not dispose the gradients.
   * @throws TrainingError when a loss-aware optimiser gets no finite `step.loss`.
   */
  applyGradients(gradients: readonly VariableGradient[], step?: OptimizerStepContext): void;
  /**
   * A copy of the optimiser state: `iter`, the slots named `<tf.Variable name>/<slot>` in variable order, for
   * Adam/AdamW the bias-correction accumulators `accBeta1`/`accBeta2` (which tfjs's own `setWeights` would recompute
   * as `beta^(t+1)` - not bitwise equal to the accumulated product, so a resumed run would drift), and for MoMo and
   * MoMo-Adam the scalars `lossAverage`, `innerProductAverage` and `lowerBound`. The caller owns (and disposes) the
   * returned tensors.
   */
  getState(): Promise<NamedTensor[]>;
  /** Restores {@link TrainingOptimizer.getState} output; the tensors are copied, the caller still owns them. */
  setState(state: readonly NamedTensor[]): Promise<void>;
  dispose(): void;
}

function checkPositive(value: number | undefined, argument: string, options: { allowZero?: boolean } = {}): void {
  if (value === undefined) return;
  const ok = Number.isFinite(value) && (options.allowZero === true ? value >= 0 : value > 0);
  if (!ok) throw new TrainingError(argument, `must be a finite number ${options.allowZero === true ? '>= 0' : '> 0'}, got ${value}`);
}

function checkFraction(value: number | undefined, argument: string): void {
  if (value === undefined) return;
  if (!(Number.isFinite(value) && value >= 0 && value < 1)) {
    throw new TrainingError(argument, `must be in [0, 1), got ${value}`);
  }
}

function checkFinite(value: number | undefined, argument: string): void {
  if (value !== undefined && !(typeof value === 'number' && Number.isFinite(value))) {
    throw new TrainingError(argument, `must be a finite number, got ${String(value)}`);
  }
}

function checkBoolean(value: boolean | undefined, argument: string): void {
  if (value !== undefined && typeof value !== 'boolean') {
    throw new TrainingError(argument, `must be true or false, got ${String(value)}`);
  }
}

function isLossAware(config: OptimizerConfig): config is MomoConfig | MomoAdamConfig {
  return (LOSS_AWARE_OPTIMIZERS as readonly string[]).includes(config.name);
}

/** Checks an {@link OptimizerConfig}; throws a TrainingError naming the bad field. */
export function validateOptimizerConfig(config: OptimizerConfig): void {
  const names: ReadonlyArray<OptimizerConfig['name']> = ['sgd', 'momentum', 'adam', 'adamw', 'momo', 'momo-adam'];
  if (!names.includes(config.name)) {
    throw new TrainingError('optimizer.name', `must be one of ${names.join(', ')}, got "${String(config.name)}"`);
  }
  checkPositive(config.learningRate, 'optimizer.learningRate', { allowZero: true });
  if (config.learningRate === undefined) throw new TrainingError('optimizer.learningRate', 'is required');
  if (isLossAware(config)) {
    checkPositive(config.weightDecay, 'optimizer.weightDecay', { allowZero: true });
    checkFinite(config.lowerBound, 'optimizer.lowerBound');
    checkBoolean(config.adaptLowerBound, 'optimizer.adaptLowerBound');
  }
  if (config.name === 'momo') {
    checkFraction(config.beta, 'optimizer.beta');
    checkBoolean(config.biasCorrection, 'optimizer.biasCorrection');
  }
  if (config.name === 'momo-adam') {
    checkFraction(config.beta1, 'optimizer.beta1');
    checkFraction(config.beta2, 'optimizer.beta2');
    checkPositive(config.epsilon, 'optimizer.epsilon');
    const mode = config.weightDecayMode;
    if (mode !== undefined && mode !== 'proximal' && mode !== 'decoupled') {
      throw new TrainingError('optimizer.weightDecayMode', `must be "proximal" or "decoupled", got "${String(mode)}"`);
    }
  }
  if (config.name === 'momentum') checkFraction(config.momentum, 'optimizer.momentum');
  if (config.name === 'adam' || config.name === 'adamw') {
    checkFraction(config.beta1, 'optimizer.beta1');
    checkFraction(config.beta2, 'optimizer.beta2');
    checkPositive(config.epsilon, 'optimizer.epsilon');
  }
  if (config.name === 'adamw') {
    checkPositive(config.weightDecay, 'optimizer.weightDecay', { allowZero: true });
    if (config.decay !== undefined && config.decay !== 'all' && config.decay !== 'matrices') {
      throw new TrainingError('optimizer.decay', `must be "all" or "matrices", got "${String(config.decay)}"`);
    }
  }
}

// tfjs keeps these fields protected/private; this file is the only place that reaches them.
interface AdamInternals {
  learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  /** The backend's epsilon when the config gives none (tfjs resolves it in the constructor). */
  readonly epsilon: number;
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  /** The moment slots by position in the gradient list (tfjs's indexing), created on first use. */
  readonly accumulatedFirstMoment: Array<AdamSlot | undefined>;
  readonly accumulatedSecondMoment: Array<AdamSlot | undefined>;
  incrementIterations(): void;
}

/** One moment slot of tfjs's AdamOptimizer (`OptimizerVariable`, which tfjs-core does not export). */
interface AdamSlot {
  readonly originalName: string;
  readonly variable: tf.Variable;
}

function adamInternals(optimizer: tf.AdamOptimizer): AdamInternals {
  const internals = optimizer as unknown as Partial<AdamInternals>;
  if (
    typeof internals.learningRate !== 'number' ||
    typeof internals.beta1 !== 'number' ||
    typeof internals.beta2 !== 'number' ||
    typeof internals.epsilon !== 'number' ||
    !Array.isArray(internals.accumulatedFirstMoment) ||
    !Array.isArray(internals.accumulatedSecondMoment) ||
    typeof internals.incrementIterations !== 'function' ||
    !(internals.accBeta1 instanceof tf.Variable) ||
    !(internals.accBeta2 instanceof tf.Variable)
  ) {
    throw new TrainingError(
      'optimizer',
      'this tfjs version has no AdamOptimizer.learningRate/beta1/beta2/epsilon/accBeta1/accBeta2/accumulated*Moment fields',
    );
  }
  return internals as AdamInternals;
}

/** Whether {@link AdamFamilyOptimizer} can take the fused path for these gradients (see its `applyGradients`). */
function fusedAdamApplies(gradients: readonly VariableGradient[]): boolean {
  if (!fusedKernelAvailable(FUSED_ADAM_UPDATE)) return false;
  return gradients.every(
    ({ variable, gradient }) =>
      variable.dtype === 'float32' && gradient.dtype === 'float32' && tf.util.arraysEqual(variable.shape, gradient.shape),
  );
}

/** The value of a scalar variable (a float32 value, exactly representable as a number). */
function scalarValue(scalar: tf.Variable): number {
  const value = scalar.dataSync()[0];
  if (value === undefined) throw new TrainingError('optimizer', 'an Adam accumulator is empty');
  return value;
}

/**
 * Moment slot `i` of tfjs's AdamOptimizer, created as tfjs creates it on first use (zeros like the variable,
 * non-trainable, named `<variable>/<slot>`).
 */
function adamSlot(slots: Array<AdamSlot | undefined>, i: number, variable: tf.Variable, slot: 'm' | 'v'): tf.Variable {
  let entry = slots[i];
  if (entry === undefined || entry === null) {
    entry = { originalName: `${variable.name}/${slot}`, variable: tf.tidy(() => tf.zerosLike(variable).variable(false)) };
    slots[i] = entry;
  }
  return entry.variable;
}

/**
 * Creates a {@link TrainingOptimizer} over `tf.train.sgd` / `momentum` / `adam` (AdamW = tfjs Adam plus decoupled
 * decay), or over `Momo` / `MomoAdam` of `@counterweight/core-losses` (`momo`, `momo-adam`: loss-aware, see
 * {@link MomoConfig} and {@link MomoAdamConfig}).
 * @throws TrainingError naming the invalid field.
 */
export function createOptimizer(config: OptimizerConfig): TrainingOptimizer {
  validateOptimizerConfig(config);
  switch (config.name) {
    case 'sgd':
      return new SgdFamilyOptimizer(config, tf.train.sgd(config.learningRate));
    case 'momentum':
      return new SgdFamilyOptimizer(
        config,
        tf.train.momentum(config.learningRate, config.momentum ?? 0.9, config.nesterov ?? false),
      );
    case 'adam':
    case 'adamw':
      return new AdamFamilyOptimizer(config);
    case 'momo':
    case 'momo-adam':
      return new MomoFamilyOptimizer(config);
  }
}

abstract class BaseOptimizer implements TrainingOptimizer {
  abstract readonly config: OptimizerConfig;
  abstract readonly optimizer: tf.Optimizer;
  abstract readonly learningRate: number;
  abstract setLearningRate(learningRate: number): void;
  readonly requiresLoss = false;

  applyGradients(gradients: readonly VariableGradient[]): void {
    this.beforeApply(gradients);
    this.optimizer.applyGradients(gradients.map((g) => ({ name: g.variable.name, tensor: g.gradient })));
  }

  protected beforeApply(gradients: readonly VariableGradient[]): void {
    void gradients;
  }

  async getState(): Promise<NamedTensor[]> {
    const weights = await this.optimizer.getWeights();
    // Only `iter` is a fresh tensor; the rest are the optimiser's own variables, so copy them.
    return weights.map((w) => (w.name === 'iter' ? w : { name: w.name, tensor: tf.clone(w.tensor) }));
  }

  async setState(state: readonly NamedTensor[]): Promise<void> {
    const old = await this.optimizer.getWeights();
    const copies = state.map((s) => ({ name: s.name, tensor: tf.clone(s.tensor) }));
    await this.optimizer.setWeights(copies);
    // tfjs's setWeights wraps the given tensors in new variables without releasing the previous slots.
    for (const w of old) w.tensor.dispose();
    tf.dispose(copies.map((c) => c.tensor));
  }

  dispose(): void {
    this.optimizer.dispose();
  }
}

class SgdFamilyOptimizer extends BaseOptimizer {
  private rate: number;

  constructor(
    readonly config: SgdConfig | MomentumConfig,
    readonly optimizer: tf.SGDOptimizer,
  ) {
    super();
    this.rate = config.learningRate;
  }

  get learningRate(): number {
    return this.rate;
  }

  setLearningRate(learningRate: number): void {
    checkPositive(learningRate, 'learningRate', { allowZero: true });
    if (learningRate === this.rate) return;
    this.optimizer.setLearningRate(learningRate);
    this.rate = learningRate;
  }

  override dispose(): void {
    super.dispose();
    // tfjs 4.22's MomentumOptimizer.dispose releases its accumulators but not SGD's learning-rate scalar `c`
    // (it does not call super.dispose()); release it here. Disposing a tensor twice is a no-op (plain SGD).
    (this.optimizer as unknown as { c?: tf.Tensor }).c?.dispose();
  }
}

class AdamFamilyOptimizer extends BaseOptimizer {
  readonly optimizer: tf.AdamOptimizer;
  private readonly internals: AdamInternals;

  constructor(readonly config: AdamConfig | AdamWConfig) {
    super();
    this.optimizer = tf.train.adam(config.learningRate, config.beta1 ?? 0.9, config.beta2 ?? 0.999, config.epsilon);
    this.internals = adamInternals(this.optimizer);
  }

  get learningRate(): number {
    return this.internals.learningRate;
  }

  setLearningRate(learningRate: number): void {
    checkPositive(learningRate, 'learningRate', { allowZero: true });
    // AdamOptimizer reads this field on every applyGradients call.
    this.internals.learningRate = learningRate;
  }

  /**
   * One Adam/AdamW step. When the active backend has `@counterweight/wasm-kernels`' fused update
   * (`CounterweightAdamUpdate`, wasm) and every variable and gradient is float32 of one shape, each variable is
   * updated by one fused kernel call instead of tfjs's ~14 ops (plus AdamW's decay op), with bitwise the same
   * result; the tfjs optimiser's own state (moment slots, `accBeta1`/`accBeta2`, `iterations`) is updated exactly
   * as its `applyGradients` would, so state, checkpoints and a switch of path mid-run are unaffected. Otherwise the
   * tfjs optimiser runs (after the decay).
   */
  override applyGradients(gradients: readonly VariableGradient[]): void {
    if (!fusedAdamApplies(gradients)) {
      super.applyGradients(gradients);
      return;
    }
    const internals = this.internals;
    const decay = this.decayFactor();
    const matricesOnly = this.config.name === 'adamw' && this.config.decay === 'matrices';
    const common: FusedAdamAttrs = {
      learningRate: internals.learningRate,
      beta1: internals.beta1,
      beta2: internals.beta2,
      epsilon: internals.epsilon,
      accBeta1: scalarValue(internals.accBeta1),
      accBeta2: scalarValue(internals.accBeta2),
    };
    const withDecay: FusedAdamAttrs = decay === undefined ? common : { ...common, decayFactor: decay };
    tf.tidy(() => {
      gradients.forEach(({ variable, gradient }, i) => {
        const m = adamSlot(internals.accumulatedFirstMoment, i, variable, 'm');
        const v = adamSlot(internals.accumulatedSecondMoment, i, variable, 'v');
        const attrs = matricesOnly && variable.rank < 2 ? common : withDecay;
        const [x1, m1, v1] = runFusedKernel(FUSED_ADAM_UPDATE, { x: variable, g: gradient, m, v }, { ...attrs }) as [
          tf.Tensor,
          tf.Tensor,
          tf.Tensor,
        ];
        m.assign(m1);
        v.assign(v1);
        variable.assign(x1);
      });
      // As tfjs: the bias-correction accumulators advance by one float32 product per step.
      internals.accBeta1.assign(tf.mul(internals.accBeta1, internals.beta1));
      internals.accBeta2.assign(tf.mul(internals.accBeta2, internals.beta2));
    });
    internals.incrementIterations();
  }

  /** AdamW's decoupled decay factor `1 − lr·λ` of this step; undefined for Adam or when it is 1. */
  private decayFactor(): number | undefined {
    if (this.config.name !== 'adamw') return undefined;
    const factor = 1 - this.internals.learningRate * (this.config.weightDecay ?? 0.01);
    return factor === 1 ? undefined : factor;
  }

  protected override beforeApply(gradients: readonly VariableGradient[]): void {
    const factor = this.decayFactor();
    if (factor === undefined) return;
    const matricesOnly = this.config.name === 'adamw' && this.config.decay === 'matrices';
    tf.tidy(() => {
      for (const { variable } of gradients) {
        if (matricesOnly && variable.rank < 2) continue;
        variable.assign(tf.mul(variable, factor));
      }
    });
  }

  override async getState(): Promise<NamedTensor[]> {
    const state = await super.getState();
    state.push({ name: 'accBeta1', tensor: tf.clone(this.internals.accBeta1) });
    state.push({ name: 'accBeta2', tensor: tf.clone(this.internals.accBeta2) });
    return state;
  }

  override async setState(state: readonly NamedTensor[]): Promise<void> {
    const acc1 = state.find((s) => s.name === 'accBeta1');
    const acc2 = state.find((s) => s.name === 'accBeta2');
    await super.setState(state.filter((s) => s !== acc1 && s !== acc2));
    if (acc1 !== undefined) this.internals.accBeta1.assign(acc1.tensor);
    if (acc2 !== undefined) this.internals.accBeta2.assign(acc2.tensor);
  }
}

/** `momo` / `momo-adam`: the core-losses optimisers, which take the step's loss besides the gradients. */
class MomoFamilyOptimizer implements TrainingOptimizer {
  readonly optimizer = undefined;
  readonly requiresLoss = true;
  private readonly inner: Momo | MomoAdam;

  constructor(readonly config: MomoConfig | MomoAdamConfig) {
    // The config's fields are the options' (minus `name`); unset ones take the core-losses defaults, the reference's.
    this.inner = config.name === 'momo' ? new Momo(config) : new MomoAdam(config);
  }

  get learningRate(): number {
    return this.inner.learningRate;
  }

  setLearningRate(learningRate: number): void {
    checkPositive(learningRate, 'learningRate', { allowZero: true });
    this.inner.learningRate = learningRate;
  }

  applyGradients(gradients: readonly VariableGradient[], step?: OptimizerStepContext): void {
    const loss = step?.loss;
    if (typeof loss !== 'number' || !Number.isFinite(loss)) {
      throw new TrainingError(
        'optimizer',
        `"${this.config.name}" needs the step's loss at the current weights: applyGradients(gradients, { loss }) ` +
          `with a finite number, got ${loss === undefined ? 'no loss' : String(loss)}`,
      );
    }
    this.inner.step(loss, gradients);
  }

  getState(): Promise<NamedTensor[]> {
    return Promise.resolve(this.inner.getState());
  }

  setState(state: readonly NamedTensor[]): Promise<void> {
    try {
      this.inner.setState(state);
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  dispose(): void {
    this.inner.dispose();
  }
}
