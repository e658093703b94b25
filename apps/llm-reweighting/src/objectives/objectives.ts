import { ConfigError } from '@counterweight/runtime';

import { OBJECTIVE_NAMES, type ObjectiveName } from './objective-names.js';
import type { LmObjective } from './objective.js';
import { NTL_VARIANTS, type ObjectiveOptions } from './objective-options.js';
import { buildLogPartitionObjective } from './log-partition.js';
import { buildMd4Objective } from './md4.js';
import { buildNumberTokenObjective } from './number-token.js';
import { DEFAULT_TEMPERATURES, buildReweightingObjective } from './reweighting.js';
import { buildSphericalZObjective } from './spherical-z.js';
import { buildUniformObjective } from './uniform.js';

export { OBJECTIVE_NAMES, type ObjectiveName } from './objective-names.js';

/** One entry of {@link OBJECTIVES}. */
export interface ObjectiveEntry {
  /** One line for reports. */
  readonly description: string;
  /** Authors and year of the paper (and the reference code) the objective follows. */
  readonly reference: string;
  /** The defaults of the options this objective reads (JSON data, for the report). */
  readonly defaults: Readonly<Record<string, number | string | null>>;
  readonly build: (options: ObjectiveOptions) => LmObjective;
}

const SOW = 'Sow, Woisetschläger, Jiang & Liang, ICLR 2025';
const NTL = 'Zausinger et al., ICML 2025';

/** The objectives by name (each builder's doc comment has the formula). */
export const OBJECTIVES: Readonly<Record<ObjectiveName, ObjectiveEntry>> = {
  uniform: {
    description: 'plain next-token cross-entropy, mean over scored tokens (the baseline)',
    reference: 'maximum-likelihood language modelling (Radford et al., 2019)',
    defaults: {},
    build: () => buildUniformObjective(),
  },
  linupper: {
    description: 'loss-based sample reweighting, LinUpper f(h) = min(h + 1, 1): down-weights the lowest-loss sequences',
    reference: SOW,
    defaults: { temperature: DEFAULT_TEMPERATURES.linupper, warmupSteps: 0 },
    build: (options) => buildReweightingObjective('linupper', options),
  },
  quadratic: {
    description: 'loss-based sample reweighting, Quadratic f(h) = 1 − h²: favours mid-range losses',
    reference: SOW,
    defaults: { temperature: DEFAULT_TEMPERATURES.quadratic, warmupSteps: 0 },
    build: (options) => buildReweightingObjective('quadratic', options),
  },
  extremes: {
    description: 'loss-based sample reweighting, Extremes f(h) = |h|: favours the lowest and highest losses',
    reference: SOW,
    defaults: { temperature: DEFAULT_TEMPERATURES.extremes, warmupSteps: 0 },
    build: (options) => buildReweightingObjective('extremes', options),
  },
  'ntl-was': {
    description: 'cross-entropy + λ·NTL-WAS (Wasserstein-1 over the digit distribution) at digit targets',
    reference: NTL,
    defaults: { lambda: 0.3 },
    build: (options) => buildNumberTokenObjective('ntl-was', NTL_VARIANTS['ntl-was'], options),
  },
  'ntl-mse': {
    description: 'cross-entropy + λ·NTL-MSE (squared error of the expected digit) at digit targets',
    reference: NTL,
    defaults: { lambda: 0.3 },
    build: (options) => buildNumberTokenObjective('ntl-mse', NTL_VARIANTS['ntl-mse'], options),
  },
  'z-loss': {
    description: 'spherical Z-loss: softplus of the standardised target logit (shift- and scale-invariant)',
    reference: 'de Brébisson & Vincent, 2016',
    defaults: { a: 1, b: 0 },
    build: (options) => buildSphericalZObjective(options),
  },
  'log-partition': {
    description: 'cross-entropy + c·(log Z)² (PaLM-style log-partition penalty)',
    reference: 'Chowdhery et al., 2022 (PaLM)',
    defaults: { coef: 1e-4 },
    build: (options) => buildLogPartitionObjective(options),
  },
  md4: {
    description: 'masked diffusion (MD4): ELBO-weighted masked-token cross-entropy, bidirectional denoiser',
    reference: 'Shi, Han, Wang, Doucet & Titsias, NeurIPS 2024',
    defaults: { schedule: 'linear', eps: 1e-4 },
    build: (options) => buildMd4Objective(options),
  },
};

/**
 * Builds the named objective. Each objective reads the options it uses (see {@link ObjectiveOptions}) and ignores
 * the rest.
 * @throws ConfigError naming `objective` for an unknown name (listing the valid ones), or `options.<field>` for a
 *   bad or missing option (e.g. `options.digitTokenIds` for the NTL objectives without digit tokens).
 */
export function createObjective(name: ObjectiveName, options: ObjectiveOptions = {}): LmObjective {
  if (!Object.prototype.hasOwnProperty.call(OBJECTIVES, name)) {
    throw new ConfigError('objective', `unknown objective "${String(name)}"; valid: ${OBJECTIVE_NAMES.join(', ')}`);
  }
  return OBJECTIVES[name].build(options);
}
