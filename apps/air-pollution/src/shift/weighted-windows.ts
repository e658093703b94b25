import type { ForecastWindows } from '../data/forecast-windows.js';

/**
 * The windows with per-window weights `w` on the training split, carried by its target mask: row `i`'s mask
 * (1 observed, 0 missing) becomes `w_i · mask_i`. The app's objectives weight each target element by its mask and
 * divide by the mask's sum per head, so the `mae` objective on these windows is the weighted masked MAE
 *
 *     L = Σ_i w_i Σ_k m_ik |ŷ_ik − y_ik| / Σ_i w_i Σ_k m_ik   (per head, per batch),
 *
 * the self-normalised importance-weighted loss. Validation and test splits are unchanged (early stopping on the
 * unweighted source validation MAE). A new object; `windows` is not changed.
 * @throws RangeError when `weights` has not one finite, non-negative value per training window.
 */
export function withTrainingWeights(windows: ForecastWindows, weights: ArrayLike<number>): ForecastWindows {
  const train = windows.train;
  if (weights.length !== train.count) throw new RangeError(`withTrainingWeights: ${weights.length} weights for ${train.count} training windows`);
  const width = train.count === 0 ? 0 : train.mask.length / train.count;
  const mask = new Float32Array(train.mask.length);
  for (let i = 0; i < train.count; i++) {
    const w = weights[i]!;
    if (!(w >= 0 && Number.isFinite(w))) throw new RangeError(`withTrainingWeights: weight ${i} is ${w}`);
    for (let k = i * width; k < (i + 1) * width; k++) mask[k] = train.mask[k]! * w;
  }
  return { ...windows, train: { ...train, mask } };
}
