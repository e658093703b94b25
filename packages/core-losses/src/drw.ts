import { classBalancedWeights } from './class-weights.js';
import { LossArgumentError } from './errors.js';

const NAME = 'drwSchedule';

/** Options of {@link drwSchedule}. */
export interface DrwScheduleOptions {
  /** First (0-based) epoch that uses the class-balanced weights. Default 160 (LDAM-DRW's CIFAR schedule of 200). */
  readonly switchEpoch?: number;
  /** β of the effective-number weights used after the switch, in [0, 1). Default 0.9999. */
  readonly beta?: number;
}

/** The class weights to use at a given epoch: `undefined` (no class weights) before the switch. */
export type DrwWeightsAt = (epoch: number) => number[] | undefined;

/**
 * Deferred re-weighting (DRW; Cao et al., NeurIPS 2019): train without class weights, then from `switchEpoch` on
 * with the class-balanced (effective-number) weights of Cui et al. 2019,
 *
 *     w(epoch) = undefined                                  epoch < switchEpoch
 *     w(epoch) = classBalancedWeights(classCounts, β)       epoch ≥ switchEpoch   (Σ_c w_c = C)
 *
 * Returns a pure function of the 0-based epoch (the weights are computed once, float64; every call returns a fresh
 * array); feed its result to the
 * `classWeights` option of {@link ldamLoss}, {@link vsLoss}, {@link softmaxCrossEntropy} or
 * {@link softmaxFocalLoss}. Defaults: `switchEpoch` 160, β = 0.9999.
 *
 * Reference: `train_rule == 'DRW'` in kaidic/LDAM-DRW `cifar_train.py` (commit 2536330): `idx = epoch // 160`,
 * `betas = [0, 0.9999]`, weights normalised to sum to C. Two deliberate differences, neither changing a loss value:
 * before the switch the reference builds β = 0 weights, which are all ones — under the PyTorch weighted mean (the
 * default of those losses) that equals no class weights, returned here as `undefined`; and from epoch
 * `2·switchEpoch` on the reference indexes past its two-entry `betas` list (an IndexError), whereas here the
 * class-balanced weights stay in force (as the large-scale variants of the rule clamp `idx` to 1).
 *
 * @param classCounts training count of every class (positive integers, as {@link classBalancedWeights} requires).
 * @throws LossArgumentError for a bad `switchEpoch`, β or count list (named `drwSchedule`), and from the returned
 *   function for an epoch that is not a non-negative integer.
 */
export function drwSchedule(classCounts: ArrayLike<number>, options: DrwScheduleOptions = {}): DrwWeightsAt {
  const switchEpoch = options.switchEpoch ?? 160;
  if (typeof switchEpoch !== 'number' || !Number.isInteger(switchEpoch) || switchEpoch < 0) {
    throw new LossArgumentError(NAME, 'options.switchEpoch', `must be a non-negative integer, got ${String(switchEpoch)}`);
  }
  const beta = options.beta ?? 0.9999;
  if (typeof beta !== 'number' || !(beta >= 0 && beta < 1)) {
    throw new LossArgumentError(NAME, 'options.beta', `must lie in [0, 1), got ${String(beta)}`);
  }
  if (classCounts === undefined || classCounts === null || classCounts.length === 0) {
    throw new LossArgumentError(NAME, 'classCounts', 'must list at least one class');
  }
  for (let c = 0; c < classCounts.length; c += 1) {
    const n = classCounts[c];
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) {
      throw new LossArgumentError(NAME, 'classCounts', `holds ${String(n)} for class ${c}; every count must be a positive integer`);
    }
  }
  const weights = classBalancedWeights(classCounts, { beta }).weights;
  return (epoch: number) => {
    if (typeof epoch !== 'number' || !Number.isInteger(epoch) || epoch < 0) {
      throw new LossArgumentError(NAME, 'epoch', `must be a non-negative integer (0-based), got ${String(epoch)}`);
    }
    // A fresh array per call: callers may keep or modify it; the schedule itself never changes.
    return epoch < switchEpoch ? undefined : [...weights];
  };
}
