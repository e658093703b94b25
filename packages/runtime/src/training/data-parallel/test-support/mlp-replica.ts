// Test-only replica factory for the data-parallel tests: the hand-written MLP of the training tests.
import type { Replica } from '../replica.js';
import { handWrittenMlp } from '../../test-support/fixtures.js';
import { maskedSigmoidCrossEntropy, sigmoidCrossEntropy } from '../../test-support/losses.js';

export function mlpReplica(options: { features: number; hidden: number; seed: number }): Replica {
  return { model: handWrittenMlp(options.features, options.hidden, options.seed), loss: sigmoidCrossEntropy };
}

/** {@link mlpReplica} with the loss that reads the `mask` extra column (the data set must carry it). */
export function maskedMlpReplica(options: { features: number; hidden: number; seed: number }): Replica {
  return { model: handWrittenMlp(options.features, options.hidden, options.seed), loss: maskedSigmoidCrossEntropy };
}
