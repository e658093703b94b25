import {
  classBalancedLoss,
  drwSchedule,
  ldamLoss,
  logitAdjustedLoss,
  posthocLogitAdjustment,
  posthocLogitScaling,
  softmaxCrossEntropy,
  softmaxFocalLoss,
  vsLoss,
} from '@counterweight/core-losses';
import type { LossFunction } from '@counterweight/runtime';
import * as tf from '@tensorflow/tfjs-core';

import type { Recipe, RecipeContext, TrainingStage } from './recipe.js';
import { drwEpoch, sgdMomentum, warmupCosine } from './schedule.js';

/** Batch size of the single-label recipes (the papers' 128). */
export const SINGLE_LABEL_BATCH = 128;

const scalar = (t: tf.Tensor): tf.Scalar => t as tf.Scalar;

/** Class ids arrive as the data set's float or int targets `[B]`; every loss below accepts either. */
const ce: LossFunction = ({ targets, predictions: logits }) => scalar(softmaxCrossEntropy(targets, logits, { validate: false }));

function plainStage(context: RecipeContext, loss: LossFunction, extra: Partial<TrainingStage> = {}): TrainingStage {
  const optimizer = sgdMomentum(SINGLE_LABEL_BATCH);
  return {
    name: 'train',
    epochs: context.epochs,
    loss,
    trainable: 'all',
    optimizer,
    schedule: warmupCosine(context, optimizer.learningRate),
    ...extra,
  };
}

/** LDAM's logit scale `s` (the `ldamLoss` default, kaidic/LDAM-DRW's `s=30`). */
const LDAM_SCALE = 30;

/**
 * Learning rate of the LDAM recipes at batch 128: the papers' 0.1 with a batch-norm backbone; 0.01 without one. The
 * cosine logits are multiplied by s = 30, which multiplies the backbone's gradients by up to 30; batch norm makes the
 * backbone scale-invariant, a plain CNN is not. Measured on the embedded Fashion-MNIST sample (ρ = 10, 20 epochs,
 * cnn): LDAM-DRW at 0.1 reached 40 % balanced accuracy, at 0.03 70 %, at 0.01 72 %; plain cross-entropy is best at 0.1
 * (74 %; 71 % at 0.03, 64 % at 0.01), so the other recipes keep 0.1.
 */
export function ldamLearningRate(context: RecipeContext): number {
  return ((context.batchNormBackbone ? 0.1 : 0.01) * SINGLE_LABEL_BATCH) / 128;
}

/** LDAM with deferred re-weighting: unweighted until 80 % of training, then class-balanced weights (β 0.9999). */
function ldamDrwStage(context: RecipeContext, extra: Partial<TrainingStage> = {}): TrainingStage {
  const switchEpoch = drwEpoch(context.epochs);
  const weightsAt = drwSchedule(context.classCounts, { switchEpoch });
  const ldam = (classWeights?: readonly number[]): LossFunction => ({ targets, predictions: logits }) =>
    scalar(ldamLoss(targets, logits, { classCounts: context.classCounts, scale: LDAM_SCALE, validate: false, ...(classWeights === undefined ? {} : { classWeights }) }));
  const plain = ldam();
  const weighted = ldam(weightsAt(switchEpoch));
  const learningRate = ldamLearningRate(context);
  return plainStage(context, plain, {
    optimizer: { name: 'momentum', learningRate, momentum: 0.9 },
    schedule: warmupCosine(context, learningRate),
    lossAtEpoch: (epoch) => (weightsAt(epoch) === undefined ? plain : weighted),
    ...extra,
  });
}

/** LDAM's test-time logits: the cosine logits times s, so softmax probabilities are the ones it was trained with. */
const ldamPosthoc = (logits: tf.Tensor): tf.Tensor => tf.mul(logits, LDAM_SCALE);

const LA_TAU = 1;
const WB_TAU = 0.65;

/**
 * The single-label (long-tailed) recipes. Schedules are the papers' CIFAR-LT ones scaled to the run's epochs
 * (see `schedule.ts`); the model is chosen by the caller; heads follow the papers (cosine for LDAM).
 */
export const SINGLE_LABEL_RECIPES: readonly Recipe[] = [
  {
    name: 'ce',
    task: 'single-label',
    description: 'plain softmax cross-entropy (the baseline)',
    reference: 'ERM baseline of every paper below',
    head: 'linear',
    stages: (context) => [plainStage(context, ce)],
  },
  {
    name: 'cb-ce',
    task: 'single-label',
    description: 'class-balanced softmax cross-entropy, β = 0.9999',
    reference: 'Cui et al. 2019, richardaecn/class-balanced-loss (`lossType: softmax`)',
    head: 'linear',
    stages: (context) => [
      plainStage(context, ({ targets: t, predictions: z }) => scalar(classBalancedLoss(t, z, { samplesPerClass: context.classCounts, lossType: 'softmax', validate: false }))),
    ],
  },
  {
    name: 'cb-focal',
    task: 'single-label',
    description: 'class-balanced sigmoid focal loss, β = 0.9999, γ = 1, bias initialised to −log(C − 1)',
    reference: 'Cui et al. 2019, richardaecn/class-balanced-loss (`lossType: focal`)',
    head: 'linear',
    priorBias: true,
    stages: (context) => [
      plainStage(context, ({ targets: t, predictions: z }) =>
        scalar(classBalancedLoss(t, z, { samplesPerClass: context.classCounts, lossType: 'focal', gamma: 1, validate: false })),
      ),
    ],
  },
  {
    name: 'focal',
    task: 'single-label',
    description: 'softmax focal loss, γ = 1',
    reference: 'Lin et al. 2017 as trained in kaidic/LDAM-DRW (`--loss_type Focal`, γ = 1)',
    head: 'linear',
    stages: (context) => [plainStage(context, ({ targets: t, predictions: z }) => scalar(softmaxFocalLoss(t, z, { gamma: 1, validate: false })))],
  },
  {
    name: 'ldam-drw',
    task: 'single-label',
    description: 'LDAM (max margin 0.5, scale 30) on a cosine head, deferred re-weighting at 80 % of training; lr 0.01 on the cnn (no batch norm), 0.1 on the resnet',
    reference: 'Cao et al. 2019, kaidic/LDAM-DRW',
    head: 'cosine',
    stages: (context) => [ldamDrwStage(context)],
    posthoc: ldamPosthoc,
  },
  {
    name: 'la-loss',
    task: 'single-label',
    description: `logit-adjusted cross-entropy, τ = ${LA_TAU}`,
    reference: 'Menon et al. 2021, google-research/logit_adjustment (`--mode=loss`)',
    head: 'linear',
    stages: (context) => [
      plainStage(context, ({ targets: t, predictions: z }) => scalar(logitAdjustedLoss(t, z, { classCounts: context.classCounts, tau: LA_TAU, validate: false }))),
    ],
  },
  {
    name: 'la-posthoc',
    task: 'single-label',
    description: `plain cross-entropy, logits adjusted by −τ·log π at test time, τ = ${LA_TAU}`,
    reference: 'Menon et al. 2021, google-research/logit_adjustment (`--mode=posthoc`)',
    head: 'linear',
    stages: (context) => [plainStage(context, ce)],
    posthoc: (logits, context) => posthocLogitAdjustment(logits, { classCounts: context.classCounts, tau: LA_TAU }),
  },
  {
    name: 'vs',
    task: 'single-label',
    description: 'vector-scaling loss, γ = 0.3, τ = 1 (the repository defaults)',
    reference: 'Kini et al. 2021, orparask/VS-Loss',
    head: 'linear',
    stages: (context) => [
      plainStage(context, ({ targets: t, predictions: z }) => scalar(vsLoss(t, z, { classCounts: context.classCounts, validate: false }))),
    ],
  },
  {
    name: 'wb-two-stage',
    task: 'single-label',
    description:
      'weight balancing: cross-entropy with weight decay 5e-3, then the classifier alone with class-balanced ' +
      'cross-entropy, weight decay 0.1 and MaxNorm for 1/8 of the epochs',
    reference: 'Alshammari et al. 2022, ShadeAlsha/LTR-weight-balancing',
    head: 'linear',
    stages: (context) => {
      const second = Math.max(1, Math.round(context.epochs / 8));
      const first = Math.max(1, context.epochs - second); // total = epochs (for epochs >= 2)
      const optimizer = sgdMomentum(SINGLE_LABEL_BATCH);
      const cb: LossFunction = ({ targets: t, predictions: z }) =>
        scalar(classBalancedLoss(t, z, { samplesPerClass: context.classCounts, lossType: 'softmax', validate: false }));
      return [
        { ...plainStage(context, ce), name: 'stage 1', epochs: first, weightDecay: 5e-3, schedule: warmupCosine(context, optimizer.learningRate, first) },
        {
          name: 'stage 2',
          epochs: second,
          loss: cb,
          trainable: 'classifier',
          optimizer,
          schedule: { kind: 'warmup-cosine', learningRate: optimizer.learningRate, warmupSteps: 1, totalSteps: second * context.stepsPerEpoch },
          weightDecay: 0.1,
          maxNorm: true,
        },
      ];
    },
  },
  {
    name: 'wb-one-stage',
    task: 'single-label',
    description: `fixed simplex-ETF classifier, cross-entropy + weight decay 5e-3 + feature-norm penalty 1e-2, logits × π^−τ at test time (τ = ${WB_TAU})`,
    reference: 'Hasegawa & Sato 2024, HN410/Exploring-Weight-Balancing-on-Long-Tailed-Recognition-Problem',
    head: 'etf',
    stages: (context) => [plainStage(context, ce, { weightDecay: 5e-3, featureNormPenalty: 1e-2 })],
    posthoc: (logits, context) => posthocLogitScaling(logits, context.classCounts, { tau: WB_TAU }),
  },
  {
    name: 'ce-sam',
    task: 'single-label',
    description: 'plain cross-entropy with SAM, ρ = 0.1',
    reference: 'Rangwani et al. 2022, val-iisc/Saddle-LongTail (CIFAR-10-LT CE: ρ = 0.1)',
    head: 'linear',
    stages: (context) => [plainStage(context, ce, { weightPerturbation: { kind: 'sam', rho: 0.1 } })],
  },
  {
    name: 'ldam-drw-sam',
    task: 'single-label',
    description: 'LDAM-DRW with SAM, ρ = 0.8',
    reference: 'Rangwani et al. 2022, val-iisc/Saddle-LongTail (CIFAR-10-LT LDAM+DRW: ρ = 0.8)',
    head: 'cosine',
    stages: (context) => [ldamDrwStage(context, { weightPerturbation: { kind: 'sam', rho: 0.8 } })],
    posthoc: ldamPosthoc,
  },
];
