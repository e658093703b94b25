import { describe, expect, it } from 'vitest';

import { auctionWelfare } from './auction-welfare.js';
import { MetricArgumentError } from './errors.js';
import { seededRandom } from './test-support/random.js';

/** Independent reference: sort each auction's valid candidates by eCPM (stable, so ties keep the first slot). */
function sortedReference(slots: number, bids: number[], predicted: number[], outcome: number[], mask: number[]) {
  let welfare = 0;
  let optimal = 0;
  let revenue = 0;
  for (let q = 0; q < bids.length / slots; q += 1) {
    const ids = Array.from({ length: slots }, (_, i) => q * slots + i).filter((k) => mask[k] === 1);
    if (ids.length === 0) continue;
    const byEcpm = [...ids].sort((a, b) => (bids[b] ?? 0) * (predicted[b] ?? 0) - (bids[a] ?? 0) * (predicted[a] ?? 0));
    const w = byEcpm[0] ?? 0;
    const runnerUp = byEcpm[1];
    welfare += (bids[w] ?? 0) * (outcome[w] ?? 0);
    optimal += Math.max(...ids.map((k) => (bids[k] ?? 0) * (outcome[k] ?? 0)));
    const price = runnerUp === undefined ? 0 : ((bids[runnerUp] ?? 0) * (predicted[runnerUp] ?? 0)) / (predicted[w] ?? 1);
    revenue += (outcome[w] ?? 0) * price;
  }
  return { welfare, optimal, revenue };
}

describe('auctionWelfare', () => {
  it('equals a sort-based reference on random padded auctions, with ties', () => {
    const rand = seededRandom(5);
    const slots = 7;
    const n = 400 * slots;
    const bids = Array.from({ length: n }, () => 0.1 + Math.round(rand() * 10) / 4);
    const predicted = Array.from({ length: n }, () => Math.round(rand() * 20) / 40); // coarse: eCPM ties
    const outcome = Array.from({ length: n }, () => rand() * 0.3);
    const mask = Array.from({ length: n }, (_, k) => (k % slots < 3 || rand() < 0.7 ? 1 : 0));
    for (let i = 0; i < slots; i += 1) mask[5 * slots + i] = 0; // an auction without candidates
    const got = auctionWelfare({ slots, bids, predicted, outcome, mask });
    const ref = sortedReference(slots, bids, predicted, outcome, mask);
    expect(got.welfare).toBeCloseTo(ref.welfare, 10);
    expect(got.optimal).toBeCloseTo(ref.optimal, 10);
    expect(got.revenue).toBeCloseTo(ref.revenue, 10);
    expect(got.ratio).toBeCloseTo(ref.welfare / ref.optimal, 12);
    expect(got.auctions).toBe(399);
    expect(got.winners[5]).toBe(-1);
  });

  it('gives ratio 1 for predictions equal to the outcomes, and revenue ≤ welfare then', () => {
    const rand = seededRandom(8);
    const slots = 4;
    const bids = Array.from({ length: 40 }, () => 0.5 + rand());
    const ctr = Array.from({ length: 40 }, () => rand() * 0.2);
    const result = auctionWelfare({ slots, bids, predicted: ctr, outcome: ctr });
    expect(result.ratio).toBe(1);
    expect(result.revenue).toBeLessThanOrEqual(result.welfare);
  });

  it('prices a lone candidate at 0 and names bad arguments', () => {
    expect(auctionWelfare({ slots: 2, bids: [2, 1], predicted: [0.5, 0.1], outcome: [1, 0], mask: [1, 0] }).revenue).toBe(0);
    expect(() => auctionWelfare({ slots: 2, bids: [2, 0], predicted: [0.5, 0.1], outcome: [1, 0] })).toThrow(/'bids'\[1\] is 0/);
    expect(() => auctionWelfare({ slots: 2, bids: [2, 1], predicted: [0.5, 1.1], outcome: [1, 0] })).toThrow(MetricArgumentError);
    expect(() => auctionWelfare({ slots: 3, bids: [2, 1], predicted: [0.5, 0.1], outcome: [1, 0] })).toThrow(/not a multiple of slots/);
    expect(() => auctionWelfare({ slots: 2, bids: [2, 1], predicted: [0.5], outcome: [1, 0] })).toThrow(/'predicted' has 1 entries/);
  });
});
