// Test-only: generator A of the CTR research note's pilot (synthetic single-slot auctions with known CTRs), written
// from its definition, and the exact welfare ratio of an allocation. The app (apps/ctr-ranking) has the full,
// configurable generator; this one exists so core-losses can test the loss's promise without depending on an app.
import { auctionWelfare } from '@counterweight/metrics';

import { makeRandom } from './random-inputs.js';

export interface PilotAuctions {
  readonly auctions: number;
  readonly candidates: number;
  /** [A·K·8] features, row-major. */
  readonly x: Float32Array;
  readonly bids: Float32Array;
  readonly clicks: Float32Array;
  readonly trueCtr: Float64Array;
}

const FEATURES = 8;

function gaussian(random: () => number): () => number {
  return () => {
    const u = Math.max(random(), 1e-12);
    const v = random();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
}

/** Generator A: x ~ N(0, I₈); f = 0.8·wᵀx − 3 + 1.2(x₀² − 1) + sin(2x₁)·x₂, w = linspace(−1, 1, 8); b = e^{0.8z + 0.5x₃}. */
export function pilotGeneratorA(auctions: number, seed: number, candidates = 10): PilotAuctions {
  const random = makeRandom(seed);
  const normal = gaussian(random);
  const n = auctions * candidates;
  const x = new Float32Array(n * FEATURES);
  const bids = new Float32Array(n);
  const clicks = new Float32Array(n);
  const trueCtr = new Float64Array(n);
  const w = Array.from({ length: FEATURES }, (_, k) => -1 + (2 * k) / (FEATURES - 1));
  for (let r = 0; r < n; r += 1) {
    const xr = Array.from({ length: FEATURES }, () => normal());
    xr.forEach((v, k) => (x[r * FEATURES + k] = v));
    const linear = xr.reduce((s, v, k) => s + v * (w[k] ?? 0), 0);
    const [x0 = 0, x1 = 0, x2 = 0, x3 = 0] = xr;
    const f = 0.8 * linear - 3 + 1.2 * (x0 * x0 - 1) + Math.sin(2 * x1) * x2;
    const p = 1 / (1 + Math.exp(-f));
    trueCtr[r] = p;
    clicks[r] = random() < p ? 1 : 0;
    bids[r] = Math.exp(0.8 * normal() + 0.5 * x3);
  }
  return { auctions, candidates, x, bids, clicks, trueCtr };
}

/** Exact welfare ratio of allocating by `b·σ(score)` (true CTRs known), with the metrics package's `auctionWelfare`. */
export function welfareRatio(data: PilotAuctions, scores: ArrayLike<number>): number {
  const predicted = Float64Array.from({ length: scores.length }, (_, i) => 1 / (1 + Math.exp(-(scores[i] ?? 0))));
  return auctionWelfare({ slots: data.candidates, bids: data.bids, predicted, outcome: data.trueCtr }).ratio;
}
