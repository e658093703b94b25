import { ConfigError } from '@counterweight/runtime';

/** Multi-class Brier score and its per-category parts. */
export interface BrierScores {
  /** Mean over samples of `Σ_k (p_ik − o_ik)²`, in [0, 2]; 0 for a perfect forecast. */
  readonly score: number;
  /** Per category k: mean over samples of `(p_ik − o_ik)²` (they sum to `score`). */
  readonly perCategory: readonly number[];
}

/**
 * Brier score of probabilistic forecasts of K categories (Brier 1950, "Verification of forecasts expressed in terms of
 * probability", Mon. Wea. Rev. 78: 1–3; the original multi-category form, also ordinalNet's and PRESTO's):
 *
 *     BS = (1/N) Σ_i Σ_k (p_ik − o_ik)²,    o_ik = 1[y_i = k]
 *
 * and its per-category terms `BS_k = (1/N) Σ_i (p_ik − o_ik)²`, the binary Brier score of "category k vs the rest".
 *
 * @param targets category ids `[N]`, N ≥ 1, in [0, K).
 * @param probabilities `[N]` rows of K probabilities (used as given, not renormalised).
 * @throws ConfigError naming the argument and index for an empty input, ragged rows, non-finite probabilities or bad ids.
 */
export function brierScores(targets: ArrayLike<number>, probabilities: ReadonlyArray<ArrayLike<number>>): BrierScores {
  const n = targets.length;
  if (n === 0) throw new ConfigError('targets', 'must hold at least one category id');
  if (probabilities.length !== n) throw new ConfigError('probabilities', `has ${probabilities.length} rows, expected ${n} (one per target)`);
  const k = probabilities[0]?.length ?? 0;
  if (k < 2) throw new ConfigError('probabilities', `rows have ${k} columns, expected at least 2 categories`);
  const per = new Float64Array(k);
  for (let i = 0; i < n; i += 1) {
    const y = targets[i] ?? -1;
    if (!Number.isInteger(y) || y < 0 || y >= k) throw new ConfigError('targets', `holds ${y} at index ${i}, expected a category id in [0, ${k - 1}]`);
    const row = probabilities[i];
    if (row === undefined || row.length !== k) throw new ConfigError('probabilities', `row ${i} has ${row?.length ?? 0} columns, row 0 has ${k}`);
    for (let c = 0; c < k; c += 1) {
      const p = row[c] ?? Number.NaN;
      if (!Number.isFinite(p)) throw new ConfigError('probabilities', `is ${p} at row ${i}, column ${c}; expected a finite probability`);
      const d = p - (c === y ? 1 : 0);
      per[c] = (per[c] ?? 0) + d * d;
    }
  }
  const perCategory = Array.from(per, (s) => s / n);
  return { score: perCategory.reduce((s, x) => s + x, 0), perCategory };
}
