import {
  crossEntropyWithNumberTokenLoss,
  logPartitionPenalty,
  maskedDiffusionLoss,
  md4MaskTokens,
  sampleReweightedLoss,
  SampleReweighter,
  softmaxCrossEntropy,
  sphericalZLoss,
  type Md4ScheduleType,
} from '@counterweight/core-losses';
import { GPT_BATCH_SIZE, GPT_CONTEXT, gptWorkload } from '@counterweight/train-bench';
import type * as tf from '@tensorflow/tfjs-core';

import { stepTimes, type StepConfig } from './overhead.js';

/** The baseline of the GPT workload: the workload's own loss, softmax cross-entropy averaged over every token. */
export const GPT_BASELINE = 'softmaxCrossEntropy';

/** The synthetic vocabulary's tokens 0–9 stand for the digits 0–9 (the number token loss needs some digit ids). */
const DIGIT_TOKEN_IDS = Array.from({ length: 10 }, (_, d) => d);

/**
 * One MD4 step as a training loss: draws the step's masks and ELBO weights from the targets with `md4MaskTokens` (a new
 * seed every call; mask id = V) and returns `maskedDiffusionLoss` in bits per token. The workload's model still reads
 * the clean tokens: the bench times the sampler and the loss, not a diffusion model.
 */
function md4Member(type: Md4ScheduleType): StepConfig {
  let step = 0;
  return {
    name: `maskedDiffusionLoss (${type}, with md4MaskTokens)`,
    loss: ({ targets, predictions }) => {
      const vocab = predictions.shape[predictions.rank - 1] ?? 0;
      const drawn = md4MaskTokens(targets, { maskTokenId: vocab, seed: step, schedule: { type } });
      step += 1;
      return maskedDiffusionLoss(targets, predictions, { maskedTokens: drawn.maskedTokens, elboWeights: drawn.elboWeights, validate: false }) as tf.Scalar;
    },
  };
}

/**
 * The language-model members of core-losses as training losses of the train-bench `gpt` workload (targets `[B, T]`
 * next tokens, logits `[B, T, V]`), each with the settings a run would use: sample reweighting (LinUpper, r = 0.4,
 * the loss alone and through `SampleReweighter`, which also reads the weights back to report them), CE + 0.3·NTL-WAS,
 * the spherical Z-loss (mean over tokens), CE + 1e-4·(log Z)² and MD4's masked diffusion loss with its masking sampler
 * (linear and cosine schedules). The baseline is first.
 */
export function gptMembers(): StepConfig[] {
  const reweighter = new SampleReweighter({ strategy: 'linUpper', temperature: 0.4, warmupSteps: 0 });
  const scalar = (t: tf.Tensor): tf.Scalar => t as tf.Scalar;
  return [
    { name: GPT_BASELINE, loss: ({ targets, predictions }) => scalar(softmaxCrossEntropy(targets, predictions, { validate: false })) },
    { name: 'sampleReweightedLoss (linUpper, r 0.4)', loss: ({ targets, predictions }) => scalar(sampleReweightedLoss(targets, predictions, { strategy: 'linUpper', temperature: 0.4, validate: false })) },
    { name: 'SampleReweighter (linUpper, r 0.4, reports)', loss: ({ targets, predictions }) => reweighter.loss(targets, predictions) },
    {
      name: 'crossEntropyWithNumberTokenLoss (WAS, λ 0.3)',
      loss: ({ targets, predictions }) => scalar(crossEntropyWithNumberTokenLoss(targets, predictions, { digitTokenIds: DIGIT_TOKEN_IDS, validate: false })),
    },
    { name: 'sphericalZLoss (a 1, b 0, mean)', loss: ({ targets, predictions }) => scalar(sphericalZLoss(targets, predictions, { reduction: 'sumOverWeights', validate: false })) },
    { name: 'logPartitionPenalty (c 1e-4)', loss: ({ targets, predictions }) => scalar(logPartitionPenalty(targets, predictions, { validate: false })) },
    md4Member('linear'),
    md4Member('cosine'),
  ];
}

/** Options of {@link gptStepRecords}; defaults are the bench's. */
export interface GptBenchOptions {
  /** Seeds the token streams and the initial weights (default 1). */
  readonly seed?: number;
  /** Sequences per batch (default {@link GPT_BATCH_SIZE}). */
  readonly batchSize?: number;
  /** Steps per timed epoch (default 2). */
  readonly batches?: number;
  /** Tokens per sequence (default {@link GPT_CONTEXT}). */
  readonly context?: number;
  /** Timed rounds after the warm-up round (default 3). */
  readonly repetitions?: number;
}

/** One member's measurement on the GPT workload. */
export interface GptStepRecord {
  readonly workload: 'gpt';
  readonly backend: string;
  readonly batchSize: number;
  readonly context: number;
  readonly stepsPerEpoch: number;
  readonly repetitions: number;
  readonly config: string;
  readonly stepMs: number;
  /** `stepMs` over the baseline's (plain cross-entropy) `stepMs` of the same sitting. */
  readonly ratio: number;
  readonly baseline: typeof GPT_BASELINE;
}

/**
 * Times a training step of the train-bench `gpt` workload (2-block character transformer, vocabulary 65) with every
 * language-model member ({@link gptMembers}) in one process: alternating rounds from the same weights, one untimed
 * warm-up round, the median over `repetitions` rounds, each ratio against plain cross-entropy of the same sitting.
 * Leaves no tensor behind.
 */
export async function gptStepRecords(backend: string, options: GptBenchOptions = {}): Promise<GptStepRecord[]> {
  const batches = options.batches ?? 2;
  const repetitions = options.repetitions ?? 3;
  const context = options.context ?? GPT_CONTEXT;
  const workload = gptWorkload({ seed: options.seed ?? 1, batchSize: options.batchSize ?? GPT_BATCH_SIZE, batches, context });
  try {
    const members = gptMembers();
    const steps = await stepTimes(workload, members, { repetitions, seed: options.seed ?? 1 });
    const base = steps[GPT_BASELINE] ?? Number.NaN;
    return members.map((m) => {
      const ms = steps[m.name] ?? Number.NaN;
      return {
        workload: 'gpt',
        backend,
        batchSize: workload.batchSize,
        context,
        stepsPerEpoch: batches,
        repetitions,
        config: m.name,
        stepMs: Number(ms.toFixed(3)),
        ratio: Number((ms / base).toFixed(3)),
        baseline: GPT_BASELINE,
      };
    });
  } finally {
    workload.dispose();
  }
}
