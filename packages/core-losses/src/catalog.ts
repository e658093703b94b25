import * as tf from '@tensorflow/tfjs-core';

import { asymmetricLoss } from './asl.js';
import { asymmetricLossSingleLabel } from './asl-single-label.js';
import { classBalancedLoss } from './class-balanced-loss.js';
import { densityNormalizedLoss } from './density-normalized.js';
import { distillationKL, dualHeadBinaryKL } from './distillation.js';
import { ldamLoss } from './ldam.js';
import { logPartitionPenalty } from './log-partition-penalty.js';
import { maskedDiffusionLoss } from './md4-loss.js';
import { md4ElboWeights } from './md4-schedule.js';
import { logitAdjustedLoss } from './logit-adjustment.js';
import { crossEntropyWithNumberTokenLoss, numberTokenLoss } from './number-token-loss.js';
import { jaccardLoss, softDiceLoss, tverskyLoss } from './overlap.js';
import { pairwiseHingeLoss } from './pairwise-hinge.js';
import { pairwiseLogisticLoss } from './pairwise-logistic.js';
import { combinedWelfareLoss, welfareRankLoss } from './welfare-rank.js';
import { cumulativeLogitLoss } from './cumulative-logit.js';
import { balancedMseLoss } from './balanced-mse.js';
import { classificationAidedRegressionLoss } from './classification-aided-regression.js';
import { aircastAuxiliaryLoss, frequencyWeightedMae } from './frequency-weighted-mae.js';
import { pinballLoss } from './pinball.js';
import type { TargetHistogram } from './target-histogram.js';
import { huberLoss, logCoshLoss, meanAbsoluteError, meanSquaredError } from './point-losses.js';
import { poly1SoftmaxListwiseLoss } from './poly1-softmax-listwise.js';
import { sampleReweightedLoss } from './sample-reweighting.js';
import { sigmoidCrossEntropy } from './sigmoid-cross-entropy.js';
import { sigmoidFocalLoss } from './sigmoid-focal.js';
import { softmaxCrossEntropy } from './softmax-cross-entropy.js';
import { softmaxFocalLoss } from './softmax-focal.js';
import { softmaxListwiseLoss } from './softmax-listwise.js';
import { sphericalZLoss } from './spherical-z-loss.js';
import { vsLoss } from './vs-loss.js';

/**
 * A single-label classification batch, the common ground on which every loss of the catalog can be run: class ids
 * `[B]` (int32), the number of classes and the training class counts (for the losses that need priors).
 */
export interface ClassificationTask {
  readonly targets: tf.Tensor1D;
  readonly numClasses: number;
  readonly classCounts: readonly number[];
}

/**
 * The task kinds the library's losses serve, in the order of {@link TASK_CATALOG}:
 *
 * - `classification` — one class per row (or per pixel): class ids `[B]`, logits `[B, C]`;
 * - `multi-label` — any number of classes per row: 0/1 targets `[B, C]`, logits `[B, C]`;
 * - `ranking` — lists of items scored together (search results, the candidates of an ad auction): relevance or
 *   clicks `[B, S]`, scores `[B, S]`;
 * - `regression` — ordered or real-valued targets: real values `[B]` / `[B, D]` with predictions of the same shape
 *   (point losses, frequency-weighted and balanced losses), quantile columns `[B, Q]` (pinball), or ordinal class ids
 *   of `K + 1` ordered classes with `K` boundary logits per row (cumulative logit);
 * - `language-modelling` — next-token prediction: token ids `[N]` (the `B·T` tokens of a batch) or `[B, T]` (losses of
 *   whole sequences: sample reweighting), logits `[N, V]` / `[B, T, V]`.
 */
export const TASK_KINDS = ['classification', 'multi-label', 'ranking', 'regression', 'language-modelling'] as const;
/** One of {@link TASK_KINDS}. */
export type TaskKind = (typeof TASK_KINDS)[number];

/**
 * The conventional names of side inputs (the named extra columns a training data set carries next to its targets,
 * `LossInputs.extras` of `@counterweight/runtime`), so losses, apps and data sets agree:
 *
 * - `bids` — `[B, S]` bid (value per click) of every candidate of an auction;
 * - `mask` — `[B, S]` (or `[B, T]`) 1 for a real item / token, 0 for padding;
 * - `teacher` — a teacher's outputs for the same rows: logits `[B, C]` (distillation) or CTRs `[B, S]` (welfare);
 * - `tokenWeights` — `[N]` per-token weights of language modelling (0 drops a token);
 * - `quantileLevels` — `[B, Q]` (or `[Q]`) quantile levels of quantile regression;
 * - `maskedTokens` — `[B, T]` 1 where masked diffusion masked a token (the positions scored), drawn each step;
 * - `elboWeights` — `[B]` per-sequence ELBO weights `w(t_b)` of masked diffusion, drawn with `maskedTokens`.
 */
export const EXTRA_NAMES = ['bids', 'mask', 'teacher', 'tokenWeights', 'quantileLevels', 'maskedTokens', 'elboWeights'] as const;
/** One of {@link EXTRA_NAMES}. */
export type ExtraName = (typeof EXTRA_NAMES)[number];

/** A side input a loss takes: which extra column, where the loss takes it, and whether it is required. */
export interface LossExtraInput {
  readonly name: ExtraName;
  /**
   * The loss argument it is passed as, as the loss's errors name it: an option (`options.bids`) or a positional
   * argument (`teacherLogits`, the first argument of the distillation losses).
   */
  readonly passedAs: string;
  readonly required: boolean;
}

/** What a loss takes, besides its options: targets, predictions and side inputs. */
export interface LossInputsSpec {
  /** Targets: shape, dtype and meaning. */
  readonly targets: string;
  /** Predictions: shape and meaning (logits unless said otherwise). */
  readonly predictions: string;
  /** Named side inputs (extra columns), required or optional; empty for losses of targets and predictions alone. */
  readonly extras: readonly LossExtraInput[];
}

/** One task kind, what its rows look like and the losses that serve it. */
export interface TaskCatalogEntry {
  readonly kind: TaskKind;
  readonly description: string;
  /** Names of the {@link LOSS_CATALOG} losses that serve it, in catalogue order. */
  readonly losses: readonly string[];
}

/** One loss of `@counterweight/core-losses`, with what it reproduces and how to run it on a classification batch. */
export interface LossCatalogEntry {
  /** Exported function name. */
  readonly name: string;
  /** The task kinds it serves. */
  readonly tasks: readonly TaskKind[];
  /** Its targets, predictions and side inputs (named as {@link EXTRA_NAMES}). */
  readonly inputs: LossInputsSpec;
  /** Paper(s), authors and year; `—` for textbook losses. */
  readonly paper: string;
  /** The reference implementation it matches. */
  readonly reference: string;
  /** Its default reduction (the reference's), as the README states it. */
  readonly defaultReduction: string;
  /** `loss` names of the vector files in `shared/parity` it is checked against (none for losses without vectors). */
  readonly vectors: readonly string[];
  /**
   * The loss as a function of `[B, C]` logits for a classification batch (multi-label losses get one-hot targets,
   * distillation a fixed teacher that puts 4 logits on the true class, density normalisation treats class 0 as
   * background, ranking losses treat each row as a list whose one relevant item is the true class, the welfare losses
   * each row as an auction whose one click is the true class, with bids 1 + 0.5·class; the cumulative-logit loss reads
   * the C logits as the C boundaries of C + 1 ordered classes; the real-valued regression losses regress the class id
   * from the softmax expectation `Σ_c c·softmax(z)_c` (pinball: the C logits as C quantile columns at levels
   * (k + ½)/C; the frequency-weighted MAE with the class counts as its histogram; classification-aided regression
   * with one bin per class and the logits as its class head); the language-model losses read the rows as tokens (sample
   * reweighting: each row a one-token sequence; number token losses: class c is the digit token c; masked diffusion:
   * each row a one-token sequence, masked, at times (b + ½)/B)), reduced to a scalar, inputs unvalidated (for hot loops; the task is trusted). Call inside a tidy.
   */
  readonly classification: (task: ClassificationTask) => (logits: tf.Tensor) => tf.Scalar;
}

const oneHot = (task: ClassificationTask): tf.Tensor => tf.cast(tf.oneHot(task.targets, task.numClasses), 'float32');
const scalar = (t: tf.Tensor): tf.Scalar => t as tf.Scalar;
const CLASS_IDS = { targets: 'class ids `[B]` (int32, or float holding integers)', predictions: 'logits `[B, C]`', extras: [] } as const;
const MULTI_HOT = { targets: '0/1 indicators `[B, C]` (or soft labels in [0, 1])', predictions: 'logits `[B, C]`', extras: [] } as const;
const TEACHER_LOGITS: LossInputsSpec = {
  targets: "none: the teacher's logits `[B, C]` take the targets' place (first argument)",
  predictions: "the student's logits `[B, C]`",
  extras: [{ name: 'teacher', passedAs: 'teacherLogits', required: true }],
};
const MASKED_LISTS: LossInputsSpec = {
  targets: 'graded relevance or clicks `[B, S]` (negative = padding)',
  predictions: 'scores `[B, S]`',
  extras: [{ name: 'mask', passedAs: 'options.mask', required: false }],
};
const AUCTIONS = {
  targets: 'clicks `[A, S]` (0/1) of the candidates of each auction',
  predictions: 'click logits `[A, S]`',
} as const;

/**
 * A classification batch as regression: the class id is the real-valued target, the softmax expectation
 * `Σ_c c·softmax(z)_c` of the logits the prediction (`[B]`).
 */
const classIdValues = (task: ClassificationTask): tf.Tensor => tf.cast(task.targets, 'float32');
const expectedClass = (logits: tf.Tensor): tf.Tensor => tf.sum(tf.mul(tf.softmax(logits), tf.range(0, logits.shape[1] ?? 1)), 1);
const REAL_VALUES: LossInputsSpec = {
  targets: 'real values `[B]` or `[B, D]` (NaN where missing, with `mask`)',
  predictions: 'real values of the targets\' shape',
  extras: [{ name: 'mask', passedAs: 'options.mask', required: false }],
};

/** The training histogram of the class ids (one bin per class, the task's class counts) as a {@link TargetHistogram}. */
const classHistogram = (task: ClassificationTask): TargetHistogram => ({
  kind: 'targetHistogram',
  edges: Array.from({ length: task.numClasses + 1 }, (_, k) => k - 0.5),
  counts: [...task.classCounts],
});

const classBids = (task: ClassificationTask): tf.Tensor =>
  tf.add(tf.zeros([task.targets.shape[0] ?? 0, task.numClasses]), tf.add(tf.mul(tf.range(0, task.numClasses), 0.5), 1));

const TOKEN_IDS = {
  targets: 'token ids `[B, T]` or `[N]` (int32; −100 = padding)',
  predictions: 'logits `[B, T, V]` or `[N, V]`',
} as const;

/** Optional per-token weights, taken as `options.weights`. */
const TOKEN_WEIGHTS: LossExtraInput = { name: 'tokenWeights', passedAs: 'options.weights', required: false };

/** Token ids and logits with optional per-token weights (the number-token losses and the normaliser penalties). */
const WEIGHTED_TOKEN_IDS = { ...TOKEN_IDS, extras: [TOKEN_WEIGHTS] };

/** A classification batch as number tokens: class c is the digit token c (the first ten classes; ids 0..min(C, 10) − 1). */
const classDigits = (task: ClassificationTask): number[] => Array.from({ length: Math.min(task.numClasses, 10) }, (_, d) => d);

const TASK_DESCRIPTIONS: Readonly<Record<TaskKind, string>> = {
  classification: 'one class per row (or pixel): class ids `[B]`, logits `[B, C]`; long-tail reweighting, margins, distillation, overlap',
  'multi-label': 'any number of classes per row: 0/1 targets `[B, C]`, independent sigmoid logits `[B, C]`',
  ranking: 'lists scored together: relevance or clicks `[B, S]`, scores `[B, S]`; padding by `mask`, auctions by `bids`',
  regression:
    'real-valued or ordered targets: values `[B]`/`[B, D]` with missing ones by `mask`, quantile columns by `quantileLevels`; ordinal class ids with K boundary logits (cumulative logit)',
  'language-modelling':
    'next-token prediction: token ids `[N]` or `[B, T]` (−100 = padding), logits `[N, V]` / `[B, T, V]`, per-token weights `tokenWeights`, token masks `mask`; sample reweighting, number tokens, normaliser penalties; masked diffusion (masked-token prediction with `maskedTokens`, `elboWeights`)',
};

/**
 * Every loss of the package in one list, in README order: metadata for the documentation and the backend-support
 * table, and a uniform way to train or benchmark any of them on the same classification batch.
 */
export const LOSS_CATALOG: readonly LossCatalogEntry[] = [
  {
    name: 'softmaxCrossEntropy',
    tasks: ['classification', 'language-modelling'],
    inputs: { ...CLASS_IDS, targets: 'class ids `[B]` (or `[N]` tokens; int32) or a distribution `[B, C]`', predictions: 'logits `[B, C]` (`[N, V]` over a vocabulary)', extras: [TOKEN_WEIGHTS] },
    paper: '—',
    reference: 'PyTorch `cross_entropy` (`weight`, `label_smoothing`, `ignore_index`)',
    defaultReduction: '`sumOverWeights` (PyTorch weighted mean)',
    vectors: [],
    classification: (task) => (logits) => scalar(softmaxCrossEntropy(task.targets, logits, { validate: false })),
  },
  {
    name: 'sigmoidCrossEntropy',
    tasks: ['multi-label', 'classification'],
    inputs: MULTI_HOT,
    paper: '—',
    reference: 'PyTorch `binary_cross_entropy_with_logits` (`weight`, `pos_weight`) + label smoothing',
    defaultReduction: '`mean`',
    vectors: [],
    classification: (task) => (logits) => scalar(sigmoidCrossEntropy(oneHot(task), logits, { validate: false })),
  },
  {
    name: 'sigmoidFocalLoss',
    tasks: ['multi-label', 'classification'],
    inputs: MULTI_HOT,
    paper: 'Lin et al., 2017',
    reference: '`torchvision.ops.sigmoid_focal_loss`',
    defaultReduction: '`none` (torchvision)',
    vectors: ['sigmoid_focal_loss'],
    classification: (task) => (logits) => scalar(sigmoidFocalLoss(oneHot(task), logits, { reduction: 'mean', validate: false })),
  },
  {
    name: 'softmaxFocalLoss',
    tasks: ['classification'],
    inputs: CLASS_IDS,
    paper: 'Lin et al., 2017',
    reference: '`FocalLoss` of kaidic/LDAM-DRW',
    defaultReduction: '`mean`',
    vectors: ['softmax_focal_loss'],
    classification: (task) => (logits) => scalar(softmaxFocalLoss(task.targets, logits, { validate: false })),
  },
  {
    name: 'asymmetricLoss',
    tasks: ['multi-label'],
    inputs: MULTI_HOT,
    paper: 'Ridnik et al., 2021',
    reference: '`AsymmetricLoss` / `AsymmetricLossOptimized` of Alibaba-MIIL/ASL',
    defaultReduction: '`sum` (the reference returns only a sum)',
    vectors: ['asl', 'asl_optimized'],
    classification: (task) => (logits) => scalar(asymmetricLoss(oneHot(task), logits, { validate: false })),
  },
  {
    name: 'asymmetricLossSingleLabel',
    tasks: ['classification'],
    inputs: CLASS_IDS,
    paper: 'Ridnik et al., 2021',
    reference: '`ASLSingleLabel` of Alibaba-MIIL/ASL',
    defaultReduction: '`mean`',
    vectors: ['asl_single_label'],
    classification: (task) => (logits) => scalar(asymmetricLossSingleLabel(task.targets, logits, { validate: false })),
  },
  {
    name: 'classBalancedLoss',
    tasks: ['classification'],
    inputs: CLASS_IDS,
    paper: 'Cui et al., 2019',
    reference: '`_tower_fn` / `focal_loss` of richardaecn/class-balanced-loss (softmax, sigmoid, focal)',
    defaultReduction: '`mean` (softmax: ÷ B; sigmoid/focal: ÷ positive labels)',
    vectors: ['cb_softmax', 'cb_sigmoid', 'cb_focal'],
    classification: (task) => (logits) =>
      scalar(classBalancedLoss(task.targets, logits, { samplesPerClass: task.classCounts, lossType: 'focal', validate: false })),
  },
  {
    name: 'ldamLoss',
    tasks: ['classification'],
    inputs: CLASS_IDS,
    paper: 'Cao et al., 2019',
    reference: '`LDAMLoss` of kaidic/LDAM-DRW',
    defaultReduction: '`sumOverWeights` (PyTorch weighted mean)',
    vectors: ['ldam_drw'],
    classification: (task) => (logits) => scalar(ldamLoss(task.targets, logits, { classCounts: task.classCounts, validate: false })),
  },
  {
    name: 'logitAdjustedLoss',
    tasks: ['classification'],
    inputs: CLASS_IDS,
    paper: 'Menon et al., 2021',
    reference: '`build_loss_fn(use_la_loss=True)` of google-research `logit_adjustment`',
    defaultReduction: '`mean`',
    vectors: ['logit_adjustment'],
    classification: (task) => (logits) =>
      scalar(logitAdjustedLoss(task.targets, logits, { classCounts: task.classCounts, validate: false })),
  },
  {
    name: 'vsLoss',
    tasks: ['classification'],
    inputs: CLASS_IDS,
    paper: 'Kini et al., 2021',
    reference: '`VSLoss` of orparask/VS-Loss',
    defaultReduction: '`sumOverWeights` (PyTorch weighted mean)',
    vectors: ['vs_loss'],
    classification: (task) => (logits) => scalar(vsLoss(task.targets, logits, { classCounts: task.classCounts, validate: false })),
  },
  {
    name: 'densityNormalizedLoss',
    tasks: ['classification'],
    inputs: CLASS_IDS,
    paper: 'Knyazev et al., 2020',
    reference: "`edge_losses('dnorm')` of bknyaz/sgg (`perBatch` = the code, `perGroup` = the paper)",
    defaultReduction: '`mean` over groups',
    vectors: [],
    classification: (task) => (logits) => scalar(densityNormalizedLoss(task.targets, logits, { validate: false })),
  },
  {
    name: 'softDiceLoss',
    tasks: ['classification'],
    inputs: { ...CLASS_IDS, targets: 'class ids `[B]` (pixels of a segmentation, flattened)' },
    paper: 'Milletari et al., 2016; Lacombe et al., 2023',
    reference: 'overlap losses of lhendre/ClimateNet (reduction axes differ on purpose)',
    defaultReduction: '`sumOverWeights` (class-weighted mean)',
    vectors: [],
    classification: (task) => (logits) => scalar(softDiceLoss(task.targets, logits, { validate: false })),
  },
  {
    name: 'jaccardLoss',
    tasks: ['classification'],
    inputs: { ...CLASS_IDS, targets: 'class ids `[B]` (pixels of a segmentation, flattened)' },
    paper: 'Lacombe et al., 2023',
    reference: 'overlap losses of lhendre/ClimateNet (reduction axes differ on purpose)',
    defaultReduction: '`sumOverWeights` (class-weighted mean)',
    vectors: [],
    classification: (task) => (logits) => scalar(jaccardLoss(task.targets, logits, { validate: false })),
  },
  {
    name: 'tverskyLoss',
    tasks: ['classification'],
    inputs: { ...CLASS_IDS, targets: 'class ids `[B]` (pixels of a segmentation, flattened)' },
    paper: 'Salehi et al., 2017',
    reference: 'Tversky index with α = 0.3, β = 0.7',
    defaultReduction: '`sumOverWeights` (class-weighted mean)',
    vectors: [],
    classification: (task) => (logits) => scalar(tverskyLoss(task.targets, logits, { validate: false })),
  },
  {
    name: 'distillationKL',
    tasks: ['classification'],
    inputs: TEACHER_LOGITS,
    paper: 'Hinton et al., 2015',
    reference: '`DistillKL` of penghui-yang/DHKD (T² · KL, batch mean)',
    defaultReduction: '`mean` over rows',
    vectors: [],
    classification: (task) => (logits) =>
      scalar(distillationKL(tf.mul(oneHot(task), 4), logits, { validate: false })),
  },
  {
    name: 'dualHeadBinaryKL',
    tasks: ['classification'],
    inputs: TEACHER_LOGITS,
    paper: 'Yang et al., 2024',
    reference: '`BinaryKLNorm` of penghui-yang/DHKD (auxiliary head)',
    defaultReduction: '`mean` over rows',
    vectors: [],
    classification: (task) => (logits) =>
      scalar(dualHeadBinaryKL(tf.mul(oneHot(task), 4), logits, { validate: false })),
  },
  {
    name: 'pairwiseLogisticLoss',
    tasks: ['ranking'],
    inputs: MASKED_LISTS,
    paper: 'Burges et al., 2005',
    reference: '`PairwiseLogisticLoss` of tensorflow/ranking (RankNet pairs y_i > y_j, padding masked)',
    defaultReduction: '`sumByNonzeroWeights` (TF-Ranking estimator: ÷ number of pairs)',
    vectors: ['ranknet_pairwise_logistic'],
    classification: (task) => (logits) => scalar(pairwiseLogisticLoss(oneHot(task), logits, { validate: false })),
  },
  {
    name: 'pairwiseHingeLoss',
    tasks: ['ranking'],
    inputs: MASKED_LISTS,
    paper: 'Joachims, 2002',
    reference: '`PairwiseHingeLoss` of tensorflow/ranking (margin 1)',
    defaultReduction: '`sumByNonzeroWeights` (TF-Ranking estimator: ÷ number of pairs)',
    vectors: [],
    classification: (task) => (logits) => scalar(pairwiseHingeLoss(oneHot(task), logits, { validate: false })),
  },
  {
    name: 'softmaxListwiseLoss',
    tasks: ['ranking'],
    inputs: MASKED_LISTS,
    paper: 'Cao et al., 2007',
    reference: '`SoftmaxLoss` of tensorflow/ranking (lists weighted by their label sum)',
    defaultReduction: '`sumByNonzeroWeights` (TF-Ranking estimator: ÷ lists with relevant items)',
    vectors: ['softmax_listwise'],
    classification: (task) => (logits) => scalar(softmaxListwiseLoss(oneHot(task), logits, { validate: false })),
  },
  {
    name: 'poly1SoftmaxListwiseLoss',
    tasks: ['ranking'],
    inputs: MASKED_LISTS,
    paper: 'Leng et al., 2022; Zhuang et al., 2023',
    reference: '`PolyOneSoftmaxLoss` of tensorflow/ranking (ε = 1)',
    defaultReduction: '`sumByNonzeroWeights` (TF-Ranking estimator: ÷ lists with relevant items)',
    vectors: [],
    classification: (task) => (logits) => scalar(poly1SoftmaxListwiseLoss(oneHot(task), logits, { validate: false })),
  },
  {
    name: 'welfareRankLoss',
    tasks: ['ranking'],
    inputs: {
      ...AUCTIONS,
      extras: [
        { name: 'bids', passedAs: 'options.bids', required: true },
        { name: 'mask', passedAs: 'options.mask', required: false },
        { name: 'teacher', passedAs: 'options.teacher', required: false },
      ],
    },
    paper: 'our specification of Lyu et al., 2023',
    reference: 'float64 brute force of its definition (no reference code published)',
    defaultReduction: '`mean` over auctions',
    vectors: [],
    classification: (task) => (logits) => scalar(welfareRankLoss(oneHot(task), logits, { bids: classBids(task), validate: false })),
  },
  {
    name: 'combinedWelfareLoss',
    tasks: ['ranking'],
    inputs: {
      ...AUCTIONS,
      extras: [
        { name: 'bids', passedAs: 'options.bids', required: true },
        { name: 'mask', passedAs: 'options.mask', required: false },
      ],
    },
    paper: 'our specification of Lyu et al., 2023',
    reference: 'λ·logloss + (1 − λ)·welfareRankLoss, both pair/candidate means',
    defaultReduction: '`mean` (candidates for logloss, weighted pairs for the rank term)',
    vectors: [],
    classification: (task) => (logits) => combinedWelfareLoss(oneHot(task), logits, { bids: classBids(task), validate: false }),
  },
  {
    name: 'cumulativeLogitLoss',
    tasks: ['regression'],
    inputs: { targets: 'class ids `[B]` of K + 1 ordered classes (int32)', predictions: 'boundary logits `[B, K]`', extras: [] },
    paper: 'McCullagh, 1980; Faletto & Bien, 2023 (PRESTO)',
    reference: 'negative log-likelihood of ordinalNet (Wurm et al., 2021), separate boundary per class',
    defaultReduction: '`mean` (ordinalNet: (1/N)·NLL)',
    vectors: [],
    classification: (task) => (logits) => scalar(cumulativeLogitLoss(task.targets, logits, { validate: false })),
  },
  {
    name: 'meanAbsoluteError',
    tasks: ['regression'],
    inputs: REAL_VALUES,
    paper: '—',
    reference: 'PyTorch `l1_loss`; Keras `mean_absolute_error` (`perSample`)',
    defaultReduction: '`mean` (masked mean with `mask`)',
    vectors: [],
    classification: (task) => (logits) => scalar(meanAbsoluteError(classIdValues(task), expectedClass(logits), { validate: false })),
  },
  {
    name: 'meanSquaredError',
    tasks: ['regression'],
    inputs: REAL_VALUES,
    paper: '—',
    reference: 'PyTorch `mse_loss`; Keras `mean_squared_error` (`perSample`)',
    defaultReduction: '`mean` (masked mean with `mask`)',
    vectors: [],
    classification: (task) => (logits) => scalar(meanSquaredError(classIdValues(task), expectedClass(logits), { validate: false })),
  },
  {
    name: 'huberLoss',
    tasks: ['regression'],
    inputs: REAL_VALUES,
    paper: 'Huber, 1964',
    reference: 'PyTorch `huber_loss` (`delta`); Keras `huber` per-sample mean (`perSample`)',
    defaultReduction: '`mean` (PyTorch; masked mean with `mask`)',
    vectors: ['huber'],
    classification: (task) => (logits) => scalar(huberLoss(classIdValues(task), expectedClass(logits), { validate: false })),
  },
  {
    name: 'logCoshLoss',
    tasks: ['regression'],
    inputs: REAL_VALUES,
    paper: '—',
    reference: 'Keras `log_cosh` / `LogCosh` (stable form; exact for tiny errors too)',
    defaultReduction: '`mean` (Keras `SUM_OVER_BATCH_SIZE`)',
    vectors: ['log_cosh'],
    classification: (task) => (logits) => scalar(logCoshLoss(classIdValues(task), expectedClass(logits), { validate: false })),
  },
  {
    name: 'pinballLoss',
    tasks: ['regression'],
    inputs: {
      targets: 'real values `[B]` (broadcast to every quantile column) or `[B, Q]`',
      predictions: 'quantile predictions `[B, Q]`, one column per level',
      extras: [
        { name: 'quantileLevels', passedAs: 'options.quantileLevels', required: true },
        { name: 'mask', passedAs: 'options.mask', required: false },
      ],
    },
    paper: 'Koenker & Bassett, 1978',
    reference: 'TF-Addons `pinball_loss` / `PinballLoss`; pytorch-forecasting `QuantileLoss` (×2, `scale`)',
    defaultReduction: '`mean` over B·Q (TF-Addons)',
    vectors: ['pinball'],
    classification: (task) => (logits) =>
      scalar(pinballLoss(classIdValues(task), logits, { quantileLevels: Array.from({ length: task.numClasses }, (_, k) => (k + 0.5) / task.numClasses), validate: false })),
  },
  {
    name: 'frequencyWeightedMae',
    tasks: ['regression'],
    inputs: { ...REAL_VALUES, targets: 'real values `[B, V]` or a grid `[B, V, H, W]` (NaN where missing, with `mask`)' },
    paper: 'Nedungadi et al., 2025 (AirCast); Cui et al., 2019',
    reference: '`freq_lat_weighted_mae` of vishalned/AirCast (`binBy: \'prediction\', aircastQuirks`); target bins by default',
    defaultReduction: '`mean` (AirCast; masked mean with `mask`)',
    vectors: ['aircast_freq_mae'],
    classification: (task) => (logits) =>
      scalar(frequencyWeightedMae(classIdValues(task), expectedClass(logits), { histogram: classHistogram(task), validate: false })),
  },
  {
    name: 'aircastAuxiliaryLoss',
    tasks: ['regression'],
    inputs: { ...REAL_VALUES, targets: 'real values `[B, V]` or a grid `[B, V, H, W]` (NaN where missing, with `mask`)' },
    paper: 'Nedungadi et al., 2025 (AirCast)',
    reference: '`auxillary_loss` of vishalned/AirCast: 0.75·latMAE + 0.25·fMAE',
    defaultReduction: '`mean` (both terms)',
    vectors: [],
    classification: (task) => (logits) =>
      scalar(aircastAuxiliaryLoss(classIdValues(task), expectedClass(logits), { histogram: classHistogram(task), validate: false })),
  },
  {
    name: 'balancedMseLoss',
    tasks: ['regression'],
    inputs: { ...REAL_VALUES, targets: 'real values `[B]` or `[B, 1]` (NaN where missing, with `mask`)', predictions: 'real values `[B]` or `[B, 1]`' },
    paper: 'Ren et al., 2022',
    reference: '`bmc_loss` (batch Monte-Carlo) of jiawei-ren/BalancedMSE, fixed or learnable σ',
    defaultReduction: '`mean` over the batch',
    vectors: [],
    classification: (task) => (logits) => scalar(balancedMseLoss(classIdValues(task), expectedClass(logits), { validate: false })),
  },
  {
    name: 'classificationAidedRegressionLoss',
    tasks: ['regression'],
    inputs: {
      ...REAL_VALUES,
      targets: 'real values `[B]` (NaN where missing, with `mask`)',
      predictions: 'real values `[B]`, plus the auxiliary head\'s logits `[B, C]` (`options.classLogits`)',
    },
    paper: 'Pintea et al., 2023',
    reference: '`Reg_Cls.loss` of SilviaLauraPintea/reg-cls: MSE + λ·CE of the binned target',
    defaultReduction: '`mean` over the batch',
    vectors: [],
    classification: (task) => (logits) =>
      scalar(
        classificationAidedRegressionLoss(classIdValues(task), expectedClass(logits), {
          classLogits: logits,
          bins: { kind: 'targetBins', edges: Array.from({ length: task.numClasses + 1 }, (_, k) => k - 0.5) },
          validate: false,
        }),
      ),
  },
  {
    name: 'sampleReweightedLoss',
    tasks: ['language-modelling'],
    inputs: {
      targets: 'token ids `[B, T]` (−100 = padding), or `[B]` (one token per sequence)',
      predictions: 'logits `[B, T, V]` (or `[B, V]`)',
      extras: [{ name: 'mask', passedAs: 'options.mask', required: false }],
    },
    paper: 'Sow et al., 2025',
    reference: '`training_step` of sowmaster/Sample-Level-Loss-Reweighting-ICLR-2025: softmax(f(h)/r) of detached per-sequence losses (warm-up: `SampleReweighter`)',
    defaultReduction: '`sum` of B·w_i·s_i·l_i (the trainer\'s loss)',
    vectors: [],
    classification: (task) => (logits) => scalar(sampleReweightedLoss(task.targets, logits, { validate: false })),
  },
  {
    name: 'numberTokenLoss',
    tasks: ['language-modelling'],
    inputs: WEIGHTED_TOKEN_IDS,
    paper: 'Zausinger et al., 2025',
    reference: '`AbsDiffNumberTokenLoss` (NTL-WAS) / `NumberTokenLoss` (NTL-MSE) of tum-ai/number-token-loss (`ignoredLabels: \'reference\'`)',
    defaultReduction: '`mean` over digit positions',
    vectors: ['ntl_was', 'ntl_mse'],
    classification: (task) => (logits) => scalar(numberTokenLoss(task.targets, logits, { digitTokenIds: classDigits(task), validate: false })),
  },
  {
    name: 'crossEntropyWithNumberTokenLoss',
    tasks: ['language-modelling'],
    inputs: WEIGHTED_TOKEN_IDS,
    paper: 'Zausinger et al., 2025',
    reference: '`CEWithNTL` of tum-ai/number-token-loss: CE + λ·NTL, λ = 0.3',
    defaultReduction: '`mean` (CE over tokens + λ·NTL over digit positions)',
    vectors: [],
    classification: (task) => (logits) =>
      scalar(crossEntropyWithNumberTokenLoss(task.targets, logits, { digitTokenIds: classDigits(task), validate: false })),
  },
  {
    name: 'sphericalZLoss',
    tasks: ['language-modelling', 'classification'],
    inputs: WEIGHTED_TOKEN_IDS,
    paper: 'de Brébisson & Vincent, 2016',
    reference: '`z_loss` of pascal20100/factored_output_layer `timing_example.py` (a = 1, b = 0)',
    defaultReduction: '`sum` (the authors\' code)',
    vectors: [],
    classification: (task) => (logits) => scalar(sphericalZLoss(task.targets, logits, { validate: false })),
  },
  {
    name: 'logPartitionPenalty',
    tasks: ['language-modelling'],
    inputs: WEIGHTED_TOKEN_IDS,
    paper: 'Chowdhery et al., 2022 (PaLM)',
    reference: '`cross_entropy_with_logits(z_loss=1e-4)` of google-research/t5x: CE + c·(log Z)²',
    defaultReduction: '`sumOverWeights` (mean over counted tokens)',
    vectors: [],
    classification: (task) => (logits) => scalar(logPartitionPenalty(task.targets, logits, { validate: false })),
  },
  {
    name: 'maskedDiffusionLoss',
    tasks: ['language-modelling'],
    inputs: {
      targets: 'clean token ids `[B, T]` (or `[B]`: sequences of one token)',
      predictions: 'logits `[B, T, V]` over the real tokens, from the noisy input (or `[B, V]`)',
      extras: [
        { name: 'maskedTokens', passedAs: 'options.maskedTokens', required: true },
        { name: 'elboWeights', passedAs: 'options.elboWeights', required: true },
        { name: 'mask', passedAs: 'options.mask', required: false },
      ],
    },
    paper: 'Shi et al., 2024 (MD4)',
    reference: '`MD4.diffusion_loss` (continuous time) of google-deepmind/md4: w(t)·Σ masked CE, w = −α\'/(1 − α), linear/cosine schedules with ε = 1e-4 (`md4MaskTokens` draws the masks)',
    defaultReduction: '`mean` over sequences, in bits per token (÷ T·ln 2, the reference\'s `loss2bpt`)',
    vectors: [],
    classification: (task) => (logits) => {
      // each row a one-token sequence, every token masked, at the evenly spread times (b + ½)/B of the linear schedule
      const rows = task.targets.shape[0] ?? 0;
      return scalar(
        maskedDiffusionLoss(task.targets, logits, {
          maskedTokens: tf.ones([rows]),
          elboWeights: Array.from(md4ElboWeights(Array.from({ length: rows }, (_, b) => (b + 0.5) / rows))),
          validate: false,
        }),
      );
    },
  },
];

/**
 * Every task kind with the losses that serve it ({@link LossCatalogEntry.tasks}), derived from {@link LOSS_CATALOG}.
 */
export const TASK_CATALOG: readonly TaskCatalogEntry[] = TASK_KINDS.map((kind) => ({
  kind,
  description: TASK_DESCRIPTIONS[kind],
  losses: LOSS_CATALOG.filter((entry) => entry.tasks.includes(kind)).map((entry) => entry.name),
}));
