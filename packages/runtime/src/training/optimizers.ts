import * as tf from '@tensorflow/tfjs-core';

import { TrainingError } from '../errors.js';

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

/** Serialisable description of an optimiser; see {@link createOptimizer}. */
export type OptimizerConfig = SgdConfig | MomentumConfig | AdamConfig | AdamWConfig;

/** Name of an optimiser state tensor that is not a per-variable slot (slots are named `<variable>/<slot>`). */
export const OPTIMIZER_GLOBAL_STATE = ['iter', 'accBeta1', 'accBeta2'] as const;

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

/**
 * A tfjs optimiser with a learning rate that can be changed every step and complete, exact state for checkpoints.
 * Slots (Adam's moments, momentum accumulators) belong to variables by position, so always pass the same variables in
 * the same order to {@link TrainingOptimizer.applyGradients}.
 */
export interface TrainingOptimizer {
  readonly config: OptimizerConfig;
  /** The wrapped tfjs optimiser. */
  readonly optimizer: tf.Optimizer;
  /** Learning rate used by the next update. */
  readonly learningRate: number;
  setLearningRate(learningRate: number): void;
  /** One update of every variable (AdamW: decay first). Does not dispose the gradients. */
  applyGradients(gradients: readonly VariableGradient[]): void;
  /**
   * A copy of the optimiser state: `iter`, the slots named `<tf.Variable name>/<slot>` in variable order, and for
   * Adam/AdamW the bias-correction accumulators `accBeta1`/`accBeta2` (which tfjs's own `setWeights` would recompute
   * as `beta^(t+1)` - not bitwise equal to the accumulated product, so a resumed run would drift). The caller owns
   * (and disposes) the returned tensors.
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

/** Checks an {@link OptimizerConfig}; throws a TrainingError naming the bad field. */
export function validateOptimizerConfig(config: OptimizerConfig): void {
  const names: ReadonlyArray<OptimizerConfig['name']> = ['sgd', 'momentum', 'adam', 'adamw'];
  if (!names.includes(config.name)) {
    throw new TrainingError('optimizer.name', `must be one of ${names.join(', ')}, got "${String(config.name)}"`);
  }
  checkPositive(config.learningRate, 'optimizer.learningRate', { allowZero: true });
  if (config.learningRate === undefined) throw new TrainingError('optimizer.learningRate', 'is required');
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
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
}

function adamInternals(optimizer: tf.AdamOptimizer): AdamInternals {
  const internals = optimizer as unknown as Partial<AdamInternals>;
  if (
    typeof internals.learningRate !== 'number' ||
    !(internals.accBeta1 instanceof tf.Variable) ||
    !(internals.accBeta2 instanceof tf.Variable)
  ) {
    throw new TrainingError('optimizer', 'this tfjs version has no AdamOptimizer.learningRate/accBeta1/accBeta2 fields');
  }
  return internals as AdamInternals;
}

/**
 * Creates a {@link TrainingOptimizer} over `tf.train.sgd` / `momentum` / `adam` (AdamW = tfjs Adam plus decoupled
 * decay).
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
  }
}

abstract class BaseOptimizer implements TrainingOptimizer {
  abstract readonly config: OptimizerConfig;
  abstract readonly optimizer: tf.Optimizer;
  abstract readonly learningRate: number;
  abstract setLearningRate(learningRate: number): void;

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

  protected override beforeApply(gradients: readonly VariableGradient[]): void {
    if (this.config.name !== 'adamw') return;
    const factor = 1 - this.internals.learningRate * (this.config.weightDecay ?? 0.01);
    if (factor === 1) return;
    const matricesOnly = this.config.decay === 'matrices';
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
