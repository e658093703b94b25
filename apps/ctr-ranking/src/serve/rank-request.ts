import type { FeatureSpec } from '../data/auction-set.js';
import { findFeatureProblem } from '../models/index.js';

/**
 * One candidate of `POST /rank`, with its features already encoded the way the model was trained (the client does the
 * raw-feature → encoded-feature step for now: standardisation of dense features, hashing/vocabulary lookup of
 * categorical values; a server-side encoder may come later):
 *
 * - `id`: the client's identifier (non-empty string, ≤ 256 characters, unique within the request);
 * - `bid`: cost-per-click bid, a finite number > 0;
 * - `numeric`: the `d` dense features in the spec's `numericNames` order (finite numbers);
 * - `categorical`: the `F` encoded values in the spec's `categoricalFields` order, field `f` an integer in
 *   `[0, buckets[f])` (0 = missing / out of vocabulary).
 */
export interface RankCandidate {
  readonly id: string;
  readonly bid: number;
  readonly numeric: readonly number[];
  readonly categorical: readonly number[];
}

/** Body of `POST /rank`: `{ "candidates": [RankCandidate, …] }` (at least one). */
export interface RankRequest {
  readonly candidates: readonly RankCandidate[];
}

/** One ranked candidate in the response. */
export interface RankedCandidate {
  readonly id: string;
  readonly bid: number;
  /** Predicted click probability, sigmoid of the model's logit. */
  readonly pctr: number;
  /** Expected value per impression `bid · pctr` (multiply by 1000 for a per-mille eCPM). */
  readonly ecpm: number;
  /** 1-based position after sorting by `ecpm` descending (ties: higher pctr, then request order). */
  readonly rank: number;
}

/** Body of a `POST /rank` response: candidates in rank order. */
export interface RankResponse {
  /** Model kind that scored them (`logistic`, `fm`, `dnn`). */
  readonly model: string;
  readonly candidates: readonly RankedCandidate[];
}

/** Largest finite float32 (the model's numeric input type). */
const FLOAT32_MAX = 3.4028234663852886e38;

/** Longest candidate id accepted. */
export const MAX_ID_LENGTH = 256;

/**
 * The JSON schema (draft-07, as fastify's Ajv uses) of a `POST /rank` body for this spec: shapes, types, `bid > 0`,
 * exact feature counts, non-negative integer categorical values, no unknown properties, 1…`maxCandidates` candidates.
 * Per-field categorical ranges, finiteness and unique ids are checked by {@link findRankRequestProblem}.
 */
export function rankRequestSchema(spec: FeatureSpec, maxCandidates: number): Record<string, unknown> {
  const d = spec.numericNames.length;
  const fields = spec.categoricalFields.length;
  return {
    type: 'object',
    required: ['candidates'],
    additionalProperties: false,
    properties: {
      candidates: {
        type: 'array',
        minItems: 1,
        maxItems: maxCandidates,
        items: {
          type: 'object',
          required: ['id', 'bid', 'numeric', 'categorical'],
          additionalProperties: false,
          properties: {
            id: { type: 'string', minLength: 1, maxLength: MAX_ID_LENGTH },
            bid: { type: 'number', exclusiveMinimum: 0 },
            numeric: { type: 'array', minItems: d, maxItems: d, items: { type: 'number' } },
            categorical: { type: 'array', minItems: fields, maxItems: fields, items: { type: 'integer', minimum: 0 } },
          },
        },
      },
    },
  };
}

/** A request's features packed for the model: `numeric [n, d]`, `categorical [n, F]`, row-major. */
export interface PackedCandidates {
  readonly numeric: Float32Array;
  readonly categorical: Int32Array;
  readonly count: number;
}

/**
 * Explicit checks after the schema (which a caller may bypass): finite positive bids, unique ids, feature counts,
 * finite dense values within the float32 range, categorical values in their field's range. Returns the packed features or a message naming
 * the candidate (0-based index and id) and the feature.
 */
export function findRankRequestProblem(request: RankRequest, spec: FeatureSpec): { problem: string } | { packed: PackedCandidates } {
  const { candidates } = request;
  if (!Array.isArray(candidates) || candidates.length === 0) return { problem: 'candidates must be a non-empty array' };
  const d = spec.numericNames.length;
  const fields = spec.categoricalFields.length;
  const count = candidates.length;
  const numeric = new Float32Array(count * d);
  const categorical = new Int32Array(count * fields);
  const ids = new Set<string>();
  for (let i = 0; i < count; i += 1) {
    const c = candidates[i] as RankCandidate;
    const where = `candidate ${i} (id ${JSON.stringify(c.id)})`;
    if (ids.has(c.id)) return { problem: `${where}: id is used twice; candidate ids must be unique` };
    ids.add(c.id);
    if (!(typeof c.bid === 'number' && Number.isFinite(c.bid) && c.bid > 0)) return { problem: `${where}: bid must be a finite number > 0, got ${c.bid}` };
    if (c.numeric.length !== d) return { problem: `${where}: numeric must have ${d} values (${spec.numericNames.join(', ')}), got ${c.numeric.length}` };
    if (c.categorical.length !== fields) {
      return { problem: `${where}: categorical must have ${fields} values (${spec.categoricalFields.join(', ')}), got ${c.categorical.length}` };
    }
    for (let j = 0; j < d; j += 1) {
      const value = c.numeric[j] as number;
      // Finite in JSON but not in the model's float32 input (it would become ±Infinity).
      if (Math.abs(value) > FLOAT32_MAX) {
        return { problem: `${where}: numeric feature "${spec.numericNames[j] ?? j}" is outside the float32 range (±3.4e38), got ${value}` };
      }
    }
    const problem = findFeatureProblem(spec, c.numeric, c.categorical, 1);
    if (problem !== undefined) return { problem: `${where}: ${problem.replace(/^candidate 0: /, '')}` };
    numeric.set(c.numeric, i * d);
    categorical.set(c.categorical, i * fields);
  }
  return { packed: { numeric, categorical, count } };
}

/** Candidates with their pCTRs, sorted by eCPM = bid · pCTR descending (ties: higher pCTR, then request order). */
export function rankByEcpm(candidates: readonly RankCandidate[], pctr: ArrayLike<number>): RankedCandidate[] {
  const scored = candidates.map((c, i) => {
    const p = pctr[i] as number;
    return { id: c.id, bid: c.bid, pctr: p, ecpm: c.bid * p, index: i };
  });
  scored.sort((a, b) => b.ecpm - a.ecpm || b.pctr - a.pctr || a.index - b.index);
  return scored.map(({ id, bid, pctr: p, ecpm }, r) => ({ id, bid, pctr: p, ecpm, rank: r + 1 }));
}
