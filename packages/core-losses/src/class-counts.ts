import { LossArgumentError } from './errors.js';

/**
 * Checks a per-class training count list (LDAM margins, VS and logit-adjustment priors, DRW weights) and returns it
 * as a float64 array: at least one class, every entry a finite number > 0. Counts need not be integers — these
 * losses only use ratios of counts, so frequencies work as well — but a class with no samples is an error, because
 * it would get an infinite margin, an infinite `Δ` or a log-prior of −∞.
 * @throws LossArgumentError naming `loss` and `argument`.
 */
export function checkClassCounts(counts: ArrayLike<number> | undefined, argument: string, loss: string): number[] {
  if (counts === undefined || counts === null) throw new LossArgumentError(loss, argument, 'is required');
  if (typeof counts !== 'object' || typeof counts.length !== 'number') {
    throw new LossArgumentError(loss, argument, `must be a list of per-class counts, got ${typeof counts}`);
  }
  if (counts.length === 0) throw new LossArgumentError(loss, argument, 'must list at least one class');
  const out: number[] = [];
  for (let c = 0; c < counts.length; c += 1) {
    const n = counts[c];
    if (typeof n !== 'number' || !Number.isFinite(n) || !(n > 0)) {
      throw new LossArgumentError(
        loss,
        argument,
        `holds ${String(n)} for class ${c}; every class count must be a finite number > 0 (a class with no samples ` +
          'has no defined margin or prior: drop the class or count it deliberately)',
      );
    }
    out.push(n);
  }
  return out;
}

/**
 * Class priors from training counts, `π_c = n_c / Σ_j n_j`, in float64 — the `base_probs` of the logit-adjustment
 * code (Menon et al., 2021) and `cls_probs` of VS loss (Kini et al., 2021).
 *
 * @param classCounts per-class training counts (finite, > 0); see `countClasses`.
 * @throws LossArgumentError for an empty list or a count that is zero, negative or not finite.
 */
export function classPriors(classCounts: ArrayLike<number>): number[] {
  const counts = checkClassCounts(classCounts, 'classCounts', 'classPriors');
  const total = counts.reduce((sum, n) => sum + n, 0);
  return counts.map((n) => n / total);
}
