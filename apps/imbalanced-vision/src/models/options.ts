import { ConfigError } from '@counterweight/runtime';

/** Backbones {@link createModel} builds. */
export const ARCHITECTURES = ['cnn', 'resnet'] as const;
/** `cnn`: conv → pool → conv → pool → dense; `resnet`: a CIFAR-style ResNet (3 stages of basic blocks, batch norm). */
export type Architecture = (typeof ARCHITECTURES)[number];

/** Classifier heads on the penultimate features. */
export const HEAD_KINDS = ['linear', 'cosine', 'etf'] as const;
/**
 * `linear`: `h·W + b`. `cosine`: LDAM's `NormedLinear`, `ĥ·Ŵ` with unit features and unit class columns, logits in
 * [−1, 1], no bias (the LDAM loss applies its scale s = 30). `etf`: a fixed simplex-ETF kernel (not trainable) plus a
 * trainable bias.
 */
export type HeadKind = (typeof HEAD_KINDS)[number];

/** Auxiliary heads for Dual-Head Knowledge Distillation (Yang et al. 2024). */
export const AUXILIARY_HEAD_KINDS = ['linear', 'mlp'] as const;
/**
 * `linear`: a second `h·W + b`. `mlp`: DHKD's `NonLinearClassifier` — dense 200 → dropout 0.1 → batch norm → ReLU →
 * dense C.
 */
export type AuxiliaryHeadKind = (typeof AUXILIARY_HEAD_KINDS)[number];

/** Which variables a training stage updates: everything, or only the main head (weight balancing's second stage). */
export const TRAINABLE_SETS = ['all', 'classifier'] as const;
/** One of {@link TRAINABLE_SETS}. */
export type TrainableSet = (typeof TRAINABLE_SETS)[number];

/**
 * What {@link createModel} builds. JSON-serialisable, so the same object can be a data-parallel replica's options.
 */
export interface ModelOptions {
  readonly arch: Architecture;
  readonly head: HeadKind;
  /** One image, `[height, width, channels]` (NHWC without the batch axis), e.g. `[28, 28, 1]` or `[56, 56, 1]`. */
  readonly inputShape: readonly number[];
  readonly numClasses: number;
  /** Seeds every initial weight: the same seed gives the same weights on every backend. */
  readonly seed: number;
  /**
   * Base width. `cnn`: conv `w`, conv `2w`, dense `4w` (default 32: conv 32, conv 64, dense 128). `resnet`: stem and
   * stage widths `w, 2w, 4w` (default 16: the CIFAR ResNets' 16/32/64).
   */
  readonly width?: number;
  /** `resnet` only: depth `6n + 2` with `n` basic blocks per stage (8, 14, 20, 32, …; default 8). */
  readonly depth?: number;
  /** An auxiliary head next to the main head (Dual-Head KD); `predict` then returns `[B, 2C]` (main ‖ auxiliary). */
  readonly auxiliaryHead?: AuxiliaryHeadKind;
  /**
   * Initial bias of the main head (every class), e.g. `−log(C − 1)` for the class-balanced sigmoid losses. Default 0
   * (`linear`), uniform in ±1/d (`etf`, as the reference); not allowed with `cosine`, which has no bias.
   */
  readonly headBias?: number;
  /** Batch-norm running-statistics momentum (PyTorch convention: `running ← (1 − m)·running + m·batch`). Default 0.1. */
  readonly batchNormMomentum?: number;
  /** Variables the training loop updates (default `all`). */
  readonly trainable?: TrainableSet;
  /** `λ` of an L2 penalty `λ/2·Σ‖w‖²` over the trainable variables added to the training loss (default 0). */
  readonly weightDecay?: number;
  /** `λ` of the penultimate feature-norm penalty `λ·mean‖h‖²/2` added to the training loss (default 0). */
  readonly featureNormPenalty?: number;
}

/** {@link ModelOptions} with every default filled in. */
export interface ResolvedModelOptions {
  readonly arch: Architecture;
  readonly head: HeadKind;
  readonly inputShape: readonly [number, number, number];
  readonly numClasses: number;
  readonly seed: number;
  readonly width: number;
  /** `resnet`: `6n + 2`; `cnn`: the number of weight layers before the head (3). */
  readonly depth: number;
  readonly auxiliaryHead: AuxiliaryHeadKind | undefined;
  readonly headBias: number | undefined;
  readonly batchNormMomentum: number;
  readonly trainable: TrainableSet;
  readonly weightDecay: number;
  readonly featureNormPenalty: number;
}

/** Default base width per architecture. */
export const DEFAULT_WIDTH: Readonly<Record<Architecture, number>> = { cnn: 32, resnet: 16 };
/** Default ResNet depth (ResNet-8: one basic block per stage). */
export const DEFAULT_RESNET_DEPTH = 8;
/** Smallest image side the `cnn` backbone accepts (two valid 3×3 convolutions and two 2×2 pools leave ≥ 1 pixel). */
export const CNN_MIN_SIDE = 10;

function oneOf<T extends string>(value: unknown, allowed: readonly T[], option: string): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new ConfigError(option, `must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
  }
  return value as T;
}

function integerAtLeast(value: unknown, min: number, option: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new ConfigError(option, `must be an integer >= ${min}, got ${JSON.stringify(value)}`);
  }
  return value;
}

function finiteInRange(value: unknown, min: number, max: number, option: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new ConfigError(option, `must be a number in [${min}, ${max}], got ${JSON.stringify(value)}`);
  }
  return value;
}

/**
 * Checks {@link ModelOptions} and fills in the defaults.
 * @throws ConfigError naming the option (`model.<name>`) and what is wrong.
 */
export function resolveModelOptions(options: ModelOptions): ResolvedModelOptions {
  const arch = oneOf(options.arch, ARCHITECTURES, 'model.arch');
  const head = oneOf(options.head, HEAD_KINDS, 'model.head');
  const shape = options.inputShape as unknown;
  if (!Array.isArray(shape) || shape.length !== 3) {
    throw new ConfigError('model.inputShape', `must be [height, width, channels], got ${JSON.stringify(shape)}`);
  }
  const [height, width, channels] = shape.map((v, i) => integerAtLeast(v, 1, `model.inputShape[${i}]`)) as [number, number, number];
  if (arch === 'cnn' && (height < CNN_MIN_SIDE || width < CNN_MIN_SIDE)) {
    throw new ConfigError('model.inputShape', `the cnn needs images of at least ${CNN_MIN_SIDE}×${CNN_MIN_SIDE}, got ${height}×${width}`);
  }
  const numClasses = integerAtLeast(options.numClasses, 2, 'model.numClasses');
  const seed = integerAtLeast(options.seed, 0, 'model.seed');
  const baseWidth = integerAtLeast(options.width ?? DEFAULT_WIDTH[arch], 1, 'model.width');
  let depth = 3;
  if (arch === 'resnet') {
    depth = integerAtLeast(options.depth ?? DEFAULT_RESNET_DEPTH, 8, 'model.depth');
    if ((depth - 2) % 6 !== 0) throw new ConfigError('model.depth', `must be 6n + 2 (8, 14, 20, 32, …), got ${depth}`);
  } else if (options.depth !== undefined && options.depth !== 3) {
    // 3 is the cnn's own depth (as in resolved options, which must resolve to themselves).
    throw new ConfigError('model.depth', 'applies to the resnet only');
  }
  const auxiliaryHead =
    options.auxiliaryHead === undefined ? undefined : oneOf(options.auxiliaryHead, AUXILIARY_HEAD_KINDS, 'model.auxiliaryHead');
  if (options.headBias !== undefined && head === 'cosine') {
    throw new ConfigError('model.headBias', 'the cosine head has no bias');
  }
  const headBias =
    options.headBias === undefined ? undefined : finiteInRange(options.headBias, -1e6, 1e6, 'model.headBias');
  return {
    arch,
    head,
    inputShape: [height, width, channels],
    numClasses,
    seed,
    width: baseWidth,
    depth,
    auxiliaryHead,
    headBias,
    batchNormMomentum: finiteInRange(options.batchNormMomentum ?? 0.1, 0, 1, 'model.batchNormMomentum'),
    ...resolveStageSettings(options),
  };
}

/** Settings a training stage may change on an existing model (`VisionModel.configure`). */
export interface StageSettings {
  readonly trainable?: TrainableSet;
  readonly weightDecay?: number;
  readonly featureNormPenalty?: number;
}

/**
 * Checks {@link StageSettings} and fills in the defaults (`all`, no weight decay, no feature-norm penalty).
 * @throws ConfigError naming the setting.
 */
export function resolveStageSettings(settings: StageSettings): Required<StageSettings> {
  return {
    trainable: oneOf(settings.trainable ?? 'all', TRAINABLE_SETS, 'model.trainable'),
    weightDecay: finiteInRange(settings.weightDecay ?? 0, 0, Number.MAX_VALUE, 'model.weightDecay'),
    featureNormPenalty: finiteInRange(settings.featureNormPenalty ?? 0, 0, Number.MAX_VALUE, 'model.featureNormPenalty'),
  };
}
