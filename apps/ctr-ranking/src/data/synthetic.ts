import { ConfigError, SeededRandom, integerOption } from '@counterweight/runtime';

import type { AuctionSet } from './auction-set.js';

/** The two generators of the Pilot in `shared/research/papers-ctr.md`. */
export type SyntheticGenerator = 'A' | 'B';

/** Options of {@link generateSyntheticAuctions}; every knob of the generators. Defaults reproduce the Pilot. */
export interface SyntheticOptions {
  readonly generator: SyntheticGenerator;
  readonly seed: number;
  /** Number of auctions. Default 20,000 (the Pilot's training and test size). */
  readonly auctions?: number;
  /** Candidates per auction K. Default 10. */
  readonly candidates?: number;
  /** Feature count d (x ~ N(0, I_d), w = linspace(−1, 1, d)). Default 8; at least 4 for A (it reads x₀..x₃), 2 for B. */
  readonly features?: number;
  /** Constant of the true logit (sets the base CTR). Default −3 (mean true CTR ≈ 0.137 for A, ≈ 0.10 for B). */
  readonly baseOffset?: number;
  /** Multiplier of the nonlinear terms of the logit (0 = the linear model is well specified). Default 1. */
  readonly nonlinearity?: number;
  /** σ of the bid's own noise: log b = bidSigma·z + bidFeatureCorrelation·x_j. Default 0.8 (A), 0.6 (B). */
  readonly bidSigma?: number;
  /** Coefficient of the feature in log b (x₃ for A, x₀ for B): how strongly bids move with a feature. Default 0.5 (A), 0.9 (B). */
  readonly bidFeatureCorrelation?: number;
}

interface GeneratorParameters {
  readonly linear: number;
  readonly nonlinear: (x: Float64Array) => number;
  readonly bidFeature: number;
  readonly bidSigma: number;
  readonly bidFeatureCorrelation: number;
  readonly minFeatures: number;
}

const GENERATORS: Readonly<Record<SyntheticGenerator, GeneratorParameters>> = {
  A: {
    linear: 0.8,
    nonlinear: (x) => 1.2 * ((x[0] ?? 0) ** 2 - 1) + Math.sin(2 * (x[1] ?? 0)) * (x[2] ?? 0),
    bidFeature: 3,
    bidSigma: 0.8,
    bidFeatureCorrelation: 0.5,
    minFeatures: 4,
  },
  B: {
    linear: 0.5,
    nonlinear: (x) => 1.5 * Math.sin(1.5 * (x[0] ?? 0)) + 0.8 * ((x[1] ?? 0) ** 2 - 1),
    bidFeature: 0,
    bidSigma: 0.6,
    bidFeatureCorrelation: 0.9,
    minFeatures: 2,
  },
};

function finite(value: number, option: string): number {
  if (!Number.isFinite(value)) throw new ConfigError(option, `must be a finite number, got ${value}`);
  return value;
}

/**
 * Synthetic auctions with known click probabilities: the Pilot generators of `shared/research/papers-ctr.md`
 * (section "Pilot"), every constant exposed as an option. Per candidate (K per auction, all slots real):
 *
 * - features x ~ N(0, I_d); w = linspace(−1, 1, d) (w_i = −1 + 2i/(d−1); w = [0] when d = 1);
 * - **A**: true logit f = 0.8·wᵀx + c + λ·[1.2·(x₀² − 1) + sin(2·x₁)·x₂]; bid b = exp(σ_b·z + ρ·x₃)
 *   with defaults c = −3, λ = 1, σ_b = 0.8, ρ = 0.5;
 * - **B**: f = 0.5·wᵀx + c + λ·[1.5·sin(1.5·x₀) + 0.8·(x₁² − 1)]; b = exp(σ_b·z + ρ·x₀) with σ_b = 0.6, ρ = 0.9
 *   (bids rise with the feature whose CTR effect is non-monotone);
 * - z ~ N(0, 1); true CTR p = σ(f); click y ~ Bernoulli(p).
 *
 * Note: the Pilot text says "mean ≈ 0.07" for A, but its formula as written gives a mean true CTR of ≈ 0.137 (median
 * ≈ 0.034; the x₀² term has a heavy upper tail); B gives ≈ 0.10. The formula is implemented as written.
 *
 * Randomness: one {@link SeededRandom} from `(seed, "synthetic", generator)`; per candidate, in auction then slot
 * order, d normals for x, one normal for z, one uniform u for the click (y = 1 iff u < p). Output: numeric features
 * only (`x0..x{d−1}`, no categorical fields), `trueCtr` = p, not standardised (already N(0, 1)).
 */
export function generateSyntheticAuctions(options: SyntheticOptions): AuctionSet {
  const params = GENERATORS[options.generator] as GeneratorParameters | undefined;
  if (params === undefined) throw new ConfigError('generator', `must be "A" or "B", got ${JSON.stringify(options.generator)}`);
  const auctions = integerOption(options.auctions ?? 20_000, 'auctions');
  const k = integerOption(options.candidates ?? 10, 'candidates');
  const d = integerOption(options.features ?? 8, 'features', params.minFeatures);
  const offset = finite(options.baseOffset ?? -3, 'baseOffset');
  const lambda = finite(options.nonlinearity ?? 1, 'nonlinearity');
  const bidSigma = finite(options.bidSigma ?? params.bidSigma, 'bidSigma');
  if (bidSigma < 0) throw new ConfigError('bidSigma', `must be ≥ 0, got ${bidSigma}`);
  const rho = finite(options.bidFeatureCorrelation ?? params.bidFeatureCorrelation, 'bidFeatureCorrelation');

  const w = Float64Array.from({ length: d }, (_, i) => (d === 1 ? 0 : -1 + (2 * i) / (d - 1)));
  const random = SeededRandom.fromSeed(options.seed, 'synthetic', options.generator);
  const n = auctions * k;
  const numeric = new Float32Array(n * d);
  const label = new Float32Array(n);
  const bid = new Float32Array(n);
  const trueCtr = new Float32Array(n);
  const x = new Float64Array(d);
  for (let i = 0; i < n; i += 1) {
    let dot = 0;
    for (let j = 0; j < d; j += 1) {
      const v = random.normal();
      x[j] = v;
      numeric[i * d + j] = v;
      dot += (w[j] ?? 0) * v;
    }
    const z = random.normal();
    const f = params.linear * dot + offset + lambda * params.nonlinear(x);
    const p = 1 / (1 + Math.exp(-f));
    trueCtr[i] = p;
    bid[i] = Math.exp(bidSigma * z + rho * (x[params.bidFeature] ?? 0));
    label[i] = random.uniform() < p ? 1 : 0;
  }
  return {
    spec: { numericNames: Array.from({ length: d }, (_, j) => `x${j}`), categoricalFields: [], buckets: [] },
    auctions,
    slots: k,
    numeric,
    categorical: new Int32Array(0),
    label,
    bid,
    mask: new Float32Array(n).fill(1),
    trueCtr,
    description:
      `synthetic generator ${options.generator} (seed ${options.seed}): ${auctions} auctions × ${k} candidates, ${d} features, ` +
      `offset ${offset}, nonlinearity ${lambda}, bid σ ${bidSigma}, bid–feature coefficient ${rho}`,
  };
}
