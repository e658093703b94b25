import type { ParityAdapter } from './adapter.js';
import { cbWeightsAdapter } from './cb-weights.js';
import { sigmoidFocalLossAdapter } from './sigmoid-focal-loss.js';
import { softmaxFocalLossAdapter } from './softmax-focal-loss.js';

/** Every vector-file `loss` name the library implements, mapped to its adapter. Others are reported as skipped. */
export const ADAPTERS: ReadonlyMap<string, ParityAdapter> = new Map(
  [sigmoidFocalLossAdapter, softmaxFocalLossAdapter, cbWeightsAdapter].map((adapter) => [adapter.loss, adapter]),
);
