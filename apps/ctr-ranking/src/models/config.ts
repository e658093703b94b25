import { ConfigError, finiteNumberOption, integerOption } from '@counterweight/runtime';

import { CTR_MODEL_KINDS } from './model-kinds.js';

export { CTR_MODEL_KINDS } from './model-kinds.js';

/** Logistic regression on hashed features (see `logisticLogits`). */
export interface LogisticConfig {
  readonly kind: 'logistic';
  /** L2 penalty `l2 · Σ w²` over every weight but the bias (default {@link CTR_MODEL_DEFAULTS}`.logistic.l2`). */
  readonly l2?: number;
}

/** Factorization machine, Rendle 2010 (see `fmInteractions`). */
export interface FmConfig {
  readonly kind: 'fm';
  /** Factor size `k` of every feature's latent vector (default 8). */
  readonly embeddingDim?: number;
  /** L2 penalty `l2 · Σ w²` over every weight but the bias, factors included (default 1e-6). */
  readonly l2?: number;
  /** Standard deviation of the N(0, σ) initial factors (default 0.01). */
  readonly initStd?: number;
}

/** Embeddings + MLP, optionally with the logistic part added (wide & deep) (see `dnnLogits`). */
export interface DnnConfig {
  readonly kind: 'dnn';
  /** Embedding width per categorical field (default 8). */
  readonly embeddingDim?: number;
  /** ReLU hidden layer widths (default `[64, 32]`); may be empty (a linear model over the embeddings). */
  readonly hidden?: readonly number[];
  /** Add the logistic part's logit (wide & deep, Cheng et al. 2016) (default false). */
  readonly wide?: boolean;
  /** L2 penalty `l2 · Σ w²` over embeddings and kernels (not biases) (default 1e-6). */
  readonly l2?: number;
  /** Standard deviation of the N(0, σ) initial embeddings (default 0.05; kernels are Glorot-uniform). */
  readonly initStd?: number;
}

/** Which CTR model to build and its hyperparameters; unset fields take {@link CTR_MODEL_DEFAULTS}. */
export type CtrModelConfig = LogisticConfig | FmConfig | DnnConfig;

/** The model kinds of {@link CtrModelConfig}. */
export type CtrModelKind = CtrModelConfig['kind'];

/** A {@link CtrModelConfig} with every default filled in (JSON; stored in ONNX metadata). */
export type ResolvedCtrModelConfig =
  | Required<LogisticConfig>
  | Required<FmConfig>
  | (Required<Omit<DnnConfig, 'hidden'>> & { readonly hidden: readonly number[] });

/** Defaults of each kind's hyperparameters. */
export const CTR_MODEL_DEFAULTS = {
  logistic: { l2: 1e-6 },
  fm: { embeddingDim: 8, l2: 1e-6, initStd: 0.01 },
  dnn: { embeddingDim: 8, hidden: [64, 32] as readonly number[], wide: false, l2: 1e-6, initStd: 0.05 },
} as const;

/**
 * Fills in defaults and validates a config.
 * @throws ConfigError naming the option (e.g. `fm.embeddingDim`) for a value out of range or an unknown kind.
 */
export function resolveCtrModelConfig(config: CtrModelConfig): ResolvedCtrModelConfig {
  switch (config.kind) {
    case 'logistic':
      return { kind: 'logistic', l2: finiteNumberOption(config.l2 ?? CTR_MODEL_DEFAULTS.logistic.l2, 'logistic.l2', 'nonNegative') };
    case 'fm': {
      const d = CTR_MODEL_DEFAULTS.fm;
      return {
        kind: 'fm',
        embeddingDim: integerOption(config.embeddingDim ?? d.embeddingDim, 'fm.embeddingDim'),
        l2: finiteNumberOption(config.l2 ?? d.l2, 'fm.l2', 'nonNegative'),
        initStd: finiteNumberOption(config.initStd ?? d.initStd, 'fm.initStd'),
      };
    }
    case 'dnn': {
      const d = CTR_MODEL_DEFAULTS.dnn;
      const hidden = (config.hidden ?? d.hidden).map((h, i) => integerOption(h, `dnn.hidden[${i}]`));
      return {
        kind: 'dnn',
        embeddingDim: integerOption(config.embeddingDim ?? d.embeddingDim, 'dnn.embeddingDim'),
        hidden,
        wide: config.wide ?? d.wide,
        l2: finiteNumberOption(config.l2 ?? d.l2, 'dnn.l2', 'nonNegative'),
        initStd: finiteNumberOption(config.initStd ?? d.initStd, 'dnn.initStd'),
      };
    }
    default: {
      const kind = (config as { kind?: unknown }).kind;
      throw new ConfigError('kind', `must be one of ${CTR_MODEL_KINDS.join(', ')}, got ${JSON.stringify(kind)}`);
    }
  }
}
