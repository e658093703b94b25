import { classBalancedWeights } from '@counterweight/core-losses';

import type { ParityAdapter } from './adapter.js';
import { assertKnownParams, CaseFormatError, numberParam } from './common.js';
import { flatten } from '../vectors.js';

/** Class-balanced weights by effective number (Cui et al.): weights, effective numbers and their sum. */
export const cbWeightsAdapter: ParityAdapter = {
  loss: 'cb_weights',
  implementation: 'classBalancedWeights',
  run(testCase) {
    assertKnownParams(testCase, ['beta']);
    const counts = testCase.inputs['samples_per_cls'];
    if (counts === undefined) throw new CaseFormatError('inputs.samples_per_cls is missing');
    const result = classBalancedWeights(flatten(counts, 'inputs.samples_per_cls'), { beta: numberParam(testCase, 'beta') });
    return {
      weights: [...result.weights],
      effective_num: [...result.effectiveNumbers],
      weights_sum: [result.weights.reduce((a, b) => a + b, 0)],
    };
  },
};
