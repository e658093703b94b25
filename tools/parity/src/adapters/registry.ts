import type { ParityAdapter } from './adapter.js';
import { aircastFreqMaeAdapter } from './aircast.js';
import { aslMultiLabelAdapter, aslOptimizedAdapter } from './asl.js';
import { aslSingleLabelAdapter } from './asl-single-label.js';
import { cbFocalAdapter, cbSigmoidAdapter, cbSoftmaxAdapter } from './class-balanced-loss.js';
import { cbWeightsAdapter } from './cb-weights.js';
import { kendallUncertaintyAdapter } from './kendall-uncertainty.js';
import { ldamDrwAdapter } from './ldam-drw.js';
import { logitAdjustmentAdapter } from './logit-adjustment.js';
import { ntlMseAdapter, ntlWasAdapter } from './number-token-loss.js';
import { ranknetPairwiseLogisticAdapter, softmaxListwiseAdapter } from './ranking.js';
import { huberAdapter, logCoshAdapter, pinballAdapter } from './regression.js';
import { sigmoidFocalLossAdapter } from './sigmoid-focal-loss.js';
import { softmaxFocalLossAdapter } from './softmax-focal-loss.js';
import { vsLossAdapter } from './vs-loss.js';

/** Every vector-file `loss` name the library implements, mapped to its adapter. Others are reported as skipped. */
export const ADAPTERS: ReadonlyMap<string, ParityAdapter> = new Map(
  [
    sigmoidFocalLossAdapter,
    softmaxFocalLossAdapter,
    cbWeightsAdapter,
    aslMultiLabelAdapter,
    aslOptimizedAdapter,
    aslSingleLabelAdapter,
    cbSoftmaxAdapter,
    cbSigmoidAdapter,
    cbFocalAdapter,
    ldamDrwAdapter,
    logitAdjustmentAdapter,
    vsLossAdapter,
    kendallUncertaintyAdapter,
    ranknetPairwiseLogisticAdapter,
    softmaxListwiseAdapter,
    huberAdapter,
    logCoshAdapter,
    pinballAdapter,
    aircastFreqMaeAdapter,
    ntlMseAdapter,
    ntlWasAdapter,
  ].map((adapter) => [adapter.loss, adapter]),
);
