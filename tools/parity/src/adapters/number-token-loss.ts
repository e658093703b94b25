import { digitTokenIdsOf, expectedDigitValue, numberTokenLoss, type NumberTokenLossOptions, type NumberTokenLossVariant } from '@counterweight/core-losses';
import * as tf from '@tensorflow/tfjs-core';

import { flatten } from '../vectors.js';
import type { ParityAdapter } from './adapter.js';
import { assertKnownParams, CaseFormatError, inputTensor, valueAndGradient, values } from './common.js';
import type { VectorCase } from '../vectors.js';

/**
 * The digit ids read off the case's vocabulary (`inputs.vocab`) by the library, as a tokenizer's would be; they must
 * agree with `inputs.digit_token_ids` (digit d at index d).
 */
function digitIds(testCase: VectorCase): number[] {
  const vocab = testCase.inputs['vocab'];
  if (!Array.isArray(vocab) || !vocab.every((t) => typeof t === 'string')) throw new CaseFormatError('inputs.vocab must be a list of token strings');
  const ids = digitTokenIdsOf(vocab);
  const raw = testCase.inputs['digit_token_ids'];
  if (raw === undefined) throw new CaseFormatError('inputs.digit_token_ids is missing');
  const given = flatten(raw, 'inputs.digit_token_ids');
  if (given.join(',') !== ids.join(',')) throw new CaseFormatError(`inputs.digit_token_ids [${given.join(', ')}] differ from the vocabulary's digits [${ids.join(', ')}]`);
  return ids;
}

/**
 * The positions the loss counts, 0/1 row-major, as the library defines them: the target (after the reference's
 * handling of −100) is one of the digit tokens. Used to list `loss_none` over those positions, the reference's layout.
 */
function countedPositions(labels: readonly number[], ids: readonly number[], variant: NumberTokenLossVariant, vocab: number): number[] {
  return labels.map((label) => {
    const id = label === -100 ? (variant === 'was' ? 0 : vocab - 100) : label;
    return ids.includes(id) ? 1 : 0;
  });
}

function run(testCase: VectorCase, variant: NumberTokenLossVariant): Record<string, number[]> {
  assertKnownParams(testCase, variant === 'mse' ? ['loss_function', 'weight_in_total_loss'] : ['weight_in_total_loss']);
  if (variant === 'mse' && testCase.params['loss_function'] !== 'torch.nn.functional.mse_loss') {
    throw new CaseFormatError(`params.loss_function ${JSON.stringify(testCase.params['loss_function'])} is not mse_loss`);
  }
  const digitTokenIds = digitIds(testCase);
  // weight_in_total_loss (λ) is not applied by the reference's forward, whose outputs these are.
  const options: NumberTokenLossOptions = { digitTokenIds, variant, ignoredLabels: 'reference' };
  return tf.tidy(() => {
    const logits = inputTensor(testCase, 'logits');
    const labels = inputTensor(testCase, 'labels', 'int32');
    const mean = valueAndGradient((x) => numberTokenLoss(labels, x, options), logits);
    const counted = countedPositions(Array.from(labels.dataSync()), digitTokenIds, variant, logits.shape[logits.rank - 1] ?? 0);
    const none = values(() => numberTokenLoss(labels, logits, { ...options, reduction: 'none' })).filter((_, i) => counted[i] === 1);
    const out: Record<string, number[]> = {
      loss_mean: mean.value,
      grad: mean.grad,
      loss_sum: values(() => numberTokenLoss(labels, logits, { ...options, reduction: 'sum' })),
      loss_none: none,
      valid_mask: counted,
    };
    if (variant === 'mse') out['yhat'] = values(() => expectedDigitValue(logits, { digitTokenIds }));
    // The CDF form of the 1-D Wasserstein distance equals Σ p_k |k − y| for a one-hot target: the same function.
    else out['loss_mean_cdf_wasserstein_class'] = mean.value;
    return out;
  });
}

/** NTL-MSE: `NumberTokenLoss(loss_function=F.mse_loss)` of tum-ai/number-token-loss; labels hold no −100. */
export const ntlMseAdapter: ParityAdapter = {
  loss: 'ntl_mse',
  implementation: "numberTokenLoss (variant 'mse', ignoredLabels 'reference'), expectedDigitValue",
  run: (testCase) => run(testCase, 'mse'),
};

/** NTL-WAS: `AbsDiffNumberTokenLoss` (−100 → token 0, a non-digit) and the base class's `sum`/`none` reductions. */
export const ntlWasAdapter: ParityAdapter = {
  loss: 'ntl_was',
  implementation: "numberTokenLoss (variant 'was', ignoredLabels 'reference')",
  run: (testCase) => run(testCase, 'was'),
};
