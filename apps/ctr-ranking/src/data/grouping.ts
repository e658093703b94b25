import { ConfigError, SeededRandom } from '@counterweight/runtime';

import { allocateAuctionArrays, type AuctionSet, type FeatureSpec } from './auction-set.js';

/**
 * Candidate rows before they are grouped into auctions: row `r` has `numeric[r·d .. r·d+d)`,
 * `categorical[r·F .. r·F+F)`, `label[r]`, `bid[r]` and optionally `trueCtr[r]`.
 */
export interface CandidateRows {
  readonly spec: FeatureSpec;
  readonly rows: number;
  readonly numeric: Float32Array;
  readonly categorical: Int32Array;
  readonly label: Float32Array;
  readonly bid: Float32Array;
  readonly trueCtr?: Float32Array;
}

function checkPositiveInteger(value: number, option: string): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new ConfigError(option, `must be a positive integer, got ${value}`);
  return value;
}

/** Groups `order` (row indices) into consecutive chunks of `size`; the last chunk may be shorter. */
export function fixedSizeGroups(order: ArrayLike<number>, size: number): Int32Array[] {
  checkPositiveInteger(size, 'candidates per auction');
  const groups: Int32Array[] = [];
  for (let start = 0; start < order.length; start += size) {
    groups.push(Int32Array.from({ length: Math.min(size, order.length - start) }, (_, i) => order[start + i] ?? 0));
  }
  return groups;
}

/** `0..n-1` in a seeded random order, then chunks of `size` (the construction used where the source has no auctions). */
export function randomGroups(rows: number, size: number, seed: number, label: string): Int32Array[] {
  return fixedSizeGroups(SeededRandom.fromSeed(seed, label).permutation(rows), size);
}

/**
 * Groups rows by key, keeping the order of first appearance of each key and the row order inside a group; with
 * `maxSize`, a group larger than that is cut into consecutive chunks of `maxSize`.
 */
export function groupsByKey(keys: ArrayLike<string | number>, maxSize?: number): Int32Array[] {
  if (maxSize !== undefined) checkPositiveInteger(maxSize, 'maximum candidates per auction');
  const byKey = new Map<string | number, number[]>();
  for (let r = 0; r < keys.length; r += 1) {
    const key = keys[r] as string | number;
    let members = byKey.get(key);
    if (members === undefined) {
      members = [];
      byKey.set(key, members);
    }
    members.push(r);
  }
  const groups: Int32Array[] = [];
  for (const members of byKey.values()) {
    if (maxSize === undefined) groups.push(Int32Array.from(members));
    else groups.push(...fixedSizeGroups(members, maxSize));
  }
  return groups;
}

/**
 * Lays candidate rows out as an {@link AuctionSet}: auction `a` holds the rows `groups[a]` in that order, padded with
 * zero slots (mask 0, bid 0, label 0, categorical 0) up to `slots` (default: the largest group).
 * @throws ConfigError when a group is empty or larger than `slots`, a row index is out of range, or a real
 *   candidate's bid is not a finite positive number.
 */
export function assembleAuctions(
  rows: CandidateRows,
  groups: readonly ArrayLike<number>[],
  description: string,
  slots?: number,
): AuctionSet {
  const width = slots ?? groups.reduce((max, g) => Math.max(max, g.length), 0);
  const d = rows.spec.numericNames.length;
  const f = rows.spec.categoricalFields.length;
  const auctions = groups.length;
  const arrays = allocateAuctionArrays(rows.spec, auctions, width, rows.trueCtr !== undefined);
  const { numeric, categorical, label, bid, mask, trueCtr } = arrays;
  groups.forEach((group, a) => {
    if (group.length === 0 || group.length > width) {
      throw new ConfigError('groups', `auction ${a} has ${group.length} candidates; expected 1..${width}`);
    }
    for (let s = 0; s < group.length; s += 1) {
      const r = group[s] ?? -1;
      if (!(r >= 0 && r < rows.rows)) throw new ConfigError('groups', `auction ${a} names row ${r}, outside 0..${rows.rows - 1}`);
      const b = rows.bid[r] ?? Number.NaN;
      if (!(b > 0) || !Number.isFinite(b)) throw new ConfigError('bid', `row ${r} has bid ${b}; bids must be finite and > 0`);
      const slot = a * width + s;
      numeric.set(rows.numeric.subarray(r * d, r * d + d), slot * d);
      categorical.set(rows.categorical.subarray(r * f, r * f + f), slot * f);
      label[slot] = rows.label[r] ?? 0;
      bid[slot] = b;
      mask[slot] = 1;
      if (trueCtr !== undefined) trueCtr[slot] = rows.trueCtr?.[r] ?? 0;
    }
  });
  return {
    spec: rows.spec,
    auctions,
    slots: width,
    ...arrays,
    description,
  };
}

/** Summary counts of an {@link AuctionSet}: real candidates, clicks, and the click rate over real candidates. */
export function auctionSetStats(set: AuctionSet): { readonly candidates: number; readonly clicks: number; readonly clickRate: number } {
  let candidates = 0;
  let clicks = 0;
  for (let i = 0; i < set.mask.length; i += 1) {
    if (set.mask[i] === 1) {
      candidates += 1;
      clicks += set.label[i] ?? 0;
    }
  }
  return { candidates, clicks, clickRate: candidates === 0 ? 0 : clicks / candidates };
}
