// Test-only replica factory for the data-parallel tests: the hand-written MLP of the training tests.
import type { Replica } from '../replica.js';
import { handWrittenMlp } from '../../training/test-support/fixtures.js';
import { sigmoidCrossEntropy } from '../../training/test-support/losses.js';

export function mlpReplica(options: { features: number; hidden: number; seed: number }): Replica {
  return { model: handWrittenMlp(options.features, options.hidden, options.seed), loss: sigmoidCrossEntropy };
}
