import type { Replica } from '@counterweight/runtime';

import type { ModelOptions } from '../options.js';
import { createModel } from '../vision-model.js';
import { crossEntropy } from './training.js';

/** Data-parallel replica factory for the tests: the image model of `options` with softmax cross-entropy. */
export function visionReplica(options: ModelOptions): Replica {
  return { model: createModel(options), loss: crossEntropy };
}
