import { SeededRandom } from '@counterweight/runtime';

import type { FeatureSpec } from '../data/auction-set.js';
import type { RankCandidate } from '../serve/index.js';

/** Encoded features of `count` random candidates: dense N(0, 1), categorical uniform in `[0, buckets[f])`. */
export interface RandomCandidates {
  readonly count: number;
  /** `[count, d]` row-major. */
  readonly numeric: Float32Array;
  /** `[count, F]` row-major. */
  readonly categorical: Int32Array;
}

/** Seeded random encoded candidates for a spec (bench inputs; same seed → same candidates). */
export function randomCandidates(spec: FeatureSpec, count: number, seed: number): RandomCandidates {
  const random = SeededRandom.fromSeed(seed, 'bench-candidates');
  const d = spec.numericNames.length;
  const fields = spec.categoricalFields.length;
  const numeric = random.normalArray(count * d);
  const categorical = new Int32Array(count * fields);
  for (let i = 0; i < categorical.length; i += 1) categorical[i] = random.int(0, (spec.buckets[i % fields] as number) - 1);
  return { count, numeric, categorical };
}

/** The same candidates as `POST /rank` JSON candidates (`id` `c<i>`, bids uniform in [0.1, 2.1)). */
export function rankCandidates(spec: FeatureSpec, count: number, seed: number): RankCandidate[] {
  const { numeric, categorical } = randomCandidates(spec, count, seed);
  const bids = SeededRandom.fromSeed(seed, 'bench-bids');
  const d = spec.numericNames.length;
  const fields = spec.categoricalFields.length;
  return Array.from({ length: count }, (_, i) => ({
    id: `c${i}`,
    bid: 0.1 + 2 * bids.uniform(),
    numeric: Array.from(numeric.subarray(i * d, (i + 1) * d)),
    categorical: Array.from(categorical.subarray(i * fields, (i + 1) * fields)),
  }));
}
