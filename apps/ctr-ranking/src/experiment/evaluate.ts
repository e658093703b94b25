import {
  auctionWelfare,
  binaryAuc,
  binaryExpectedCalibrationError,
  binaryLogLoss,
  binaryReliabilityBins,
  calibrationRatio,
  normalizedEntropy,
} from '@counterweight/metrics';
import { applyMultiplicativeCalibration, type MultiplicativeCalibration } from '@counterweight/solvers';

import type { AuctionSet } from '../data/auction-set.js';

/** Calibration numbers of one set of probabilities. */
export interface CalibrationSummary {
  readonly logloss: number;
  /** Normalised entropy (He et al., 2014) against the training base rate; relative information gain = 1 − NE. */
  readonly normalizedEntropy: number;
  readonly relativeInformationGain: number;
  /** Expected calibration error, 15 equal-mass bins (CTRs are small: equal-width bins would put nearly all in one). */
  readonly ece: number;
  /** Mean predicted CTR over the observed CTR (1 = calibrated in the mean). */
  readonly predictedOverObserved: number;
}

/** One bin of the reliability diagram. */
export interface ReliabilityPoint {
  readonly predicted: number;
  readonly observed: number;
  readonly count: number;
}

/** What `compare` reports for one trained model on one evaluation set. */
export interface CtrEvaluation extends CalibrationSummary {
  readonly candidates: number;
  readonly auctions: number;
  readonly auc: number;
  /**
   * Welfare ratio of the allocation by predicted eCPM: exact (true CTRs) on synthetic data, else estimated with the
   * clicks (Σ b·click of the winners over Σ max b·click).
   */
  readonly welfareRatio: number;
  /** `exact` when the set knows its true CTRs, else `clicks`. */
  readonly welfareOutcome: 'exact' | 'clicks';
  /** Second-price revenue per auction (bid units), with the raw model's CTRs. */
  readonly revenuePerAuction: number;
  /** The same numbers after the multiplicative recalibration fitted on the validation set (welfare unchanged). */
  readonly recalibrated: CalibrationSummary & { readonly scale: number; readonly revenuePerAuction: number };
  readonly reliability: readonly ReliabilityPoint[];
}

function calibration(labels: Float64Array, probabilities: ArrayLike<number>, baseRate: number): CalibrationSummary {
  const ne = normalizedEntropy(labels, probabilities, { baseRate });
  return {
    logloss: binaryLogLoss(labels, probabilities),
    normalizedEntropy: ne,
    relativeInformationGain: 1 - ne,
    ece: binaryExpectedCalibrationError(labels, probabilities, { binning: 'quantile' }),
    predictedOverObserved: calibrationRatio(labels, probabilities),
  };
}

/** Valid candidates' values of a padded `[A·S]` array. */
export function validValues(set: AuctionSet, values: ArrayLike<number>): Float64Array {
  const out: number[] = [];
  for (let k = 0; k < set.mask.length; k += 1) if ((set.mask[k] ?? 0) > 0) out.push(values[k] ?? 0);
  return Float64Array.from(out);
}

/**
 * Evaluates predicted probabilities (`[A·S]`, padded slots ignored) on an auction set: ranking (AUC), calibration
 * (logloss, NE/RIG, ECE, predicted/observed) raw and after `calibration`, and the auction outcome (welfare ratio,
 * second-price revenue).
 * @param baseRate the training click rate, the baseline of normalised entropy.
 */
export function evaluateProbabilities(
  set: AuctionSet,
  probabilities: Float32Array,
  calibrationFit: Pick<MultiplicativeCalibration, 'scale'>,
  baseRate: number,
): CtrEvaluation {
  const labels = validValues(set, set.label);
  const predicted = validValues(set, probabilities);
  const recalibratedAll = applyMultiplicativeCalibration(probabilities, calibrationFit);
  const recalibrated = validValues(set, recalibratedAll);
  const outcome = set.trueCtr ?? set.label;
  const auctionsOf = (p: ArrayLike<number>) =>
    auctionWelfare({ slots: set.slots, bids: maskedBids(set), predicted: p, outcome, mask: set.mask });
  const raw = auctionsOf(probabilities);
  const afterScale = auctionsOf(recalibratedAll);
  return {
    candidates: labels.length,
    auctions: raw.auctions,
    auc: binaryAuc(labels, predicted),
    ...calibration(labels, predicted, baseRate),
    welfareRatio: raw.ratio,
    welfareOutcome: set.trueCtr === undefined ? 'clicks' : 'exact',
    revenuePerAuction: raw.revenue / Math.max(raw.auctions, 1),
    recalibrated: {
      scale: calibrationFit.scale,
      ...calibration(labels, recalibrated, baseRate),
      revenuePerAuction: afterScale.revenue / Math.max(afterScale.auctions, 1),
    },
    reliability: binaryReliabilityBins(labels, predicted, { bins: 10, binning: 'quantile' })
      .filter((b) => b.count > 0)
      .map((b) => ({ predicted: b.confidence, observed: b.accuracy, count: b.count })),
  };
}

/** Bids with padded slots set to 1 (the metric checks bids only where the mask is 1, but keeps arrays aligned). */
function maskedBids(set: AuctionSet): Float32Array {
  const out = Float32Array.from(set.bid);
  for (let k = 0; k < out.length; k += 1) if ((set.mask[k] ?? 0) === 0) out[k] = 1;
  return out;
}
