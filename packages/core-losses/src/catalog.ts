import * as tf from '@tensorflow/tfjs-core';

import { asymmetricLoss } from './asl.js';
import { asymmetricLossSingleLabel } from './asl-single-label.js';
import { classBalancedLoss } from './class-balanced-loss.js';
import { densityNormalizedLoss } from './density-normalized.js';
import { distillationKL, dualHeadBinaryKL } from './distillation.js';
import { ldamLoss } from './ldam.js';
import { logitAdjustedLoss } from './logit-adjustment.js';
import { jaccardLoss, softDiceLoss, tverskyLoss } from './overlap.js';
import { pairwiseHingeLoss } from './pairwise-hinge.js';
import { pairwiseLogisticLoss } from './pairwise-logistic.js';
import { combinedWelfareLoss, welfareRankLoss } from './welfare-rank.js';
import { cumulativeLogitLoss } from './cumulative-logit.js';
import { poly1SoftmaxListwiseLoss } from './poly1-softmax-listwise.js';
import { sigmoidCrossEntropy } from './sigmoid-cross-entropy.js';
import { sigmoidFocalLoss } from './sigmoid-focal.js';
import { softmaxCrossEntropy } from './softmax-cross-entropy.js';
import { softmaxFocalLoss } from './softmax-focal.js';
import { softmaxListwiseLoss } from './softmax-listwise.js';
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

/** One loss of `@counterweight/core-losses`, with what it reproduces and how to run it on a classification batch. */
export interface LossCatalogEntry {
  /** Exported function name. */
  readonly name: string;
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
   * the C logits as the C boundaries of C + 1 ordered classes), reduced to a
   * scalar, inputs unvalidated (for hot loops; the task is trusted). Call inside a tidy.
   */
  readonly classification: (task: ClassificationTask) => (logits: tf.Tensor) => tf.Scalar;
}

const oneHot = (task: ClassificationTask): tf.Tensor => tf.cast(tf.oneHot(task.targets, task.numClasses), 'float32');
const scalar = (t: tf.Tensor): tf.Scalar => t as tf.Scalar;
const classBids = (task: ClassificationTask): tf.Tensor =>
  tf.add(tf.zeros([task.targets.shape[0] ?? 0, task.numClasses]), tf.add(tf.mul(tf.range(0, task.numClasses), 0.5), 1));

/**
 * Every loss of the package in one list, in README order: metadata for the documentation and the backend-support
 * table, and a uniform way to train or benchmark any of them on the same classification batch.
 */
export const LOSS_CATALOG: readonly LossCatalogEntry[] = [
  {
    name: 'softmaxCrossEntropy',
    paper: '—',
    reference: 'PyTorch `cross_entropy` (`weight`, `label_smoothing`, `ignore_index`)',
    defaultReduction: '`sumOverWeights` (PyTorch weighted mean)',
    vectors: [],
    classification: (task) => (logits) => scalar(softmaxCrossEntropy(task.targets, logits, { validate: false })),
  },
  {
    name: 'sigmoidCrossEntropy',
    paper: '—',
    reference: 'PyTorch `binary_cross_entropy_with_logits` (`weight`, `pos_weight`) + label smoothing',
    defaultReduction: '`mean`',
    vectors: [],
    classification: (task) => (logits) => scalar(sigmoidCrossEntropy(oneHot(task), logits, { validate: false })),
  },
  {
    name: 'sigmoidFocalLoss',
    paper: 'Lin et al., 2017',
    reference: '`torchvision.ops.sigmoid_focal_loss`',
    defaultReduction: '`none` (torchvision)',
    vectors: ['sigmoid_focal_loss'],
    classification: (task) => (logits) => scalar(sigmoidFocalLoss(oneHot(task), logits, { reduction: 'mean', validate: false })),
  },
  {
    name: 'softmaxFocalLoss',
    paper: 'Lin et al., 2017',
    reference: '`FocalLoss` of kaidic/LDAM-DRW',
    defaultReduction: '`mean`',
    vectors: ['softmax_focal_loss'],
    classification: (task) => (logits) => scalar(softmaxFocalLoss(task.targets, logits, { validate: false })),
  },
  {
    name: 'asymmetricLoss',
    paper: 'Ridnik et al., 2021',
    reference: '`AsymmetricLoss` / `AsymmetricLossOptimized` of Alibaba-MIIL/ASL',
    defaultReduction: '`sum` (the reference returns only a sum)',
    vectors: ['asl', 'asl_optimized'],
    classification: (task) => (logits) => scalar(asymmetricLoss(oneHot(task), logits, { validate: false })),
  },
  {
    name: 'asymmetricLossSingleLabel',
    paper: 'Ridnik et al., 2021',
    reference: '`ASLSingleLabel` of Alibaba-MIIL/ASL',
    defaultReduction: '`mean`',
    vectors: ['asl_single_label'],
    classification: (task) => (logits) => scalar(asymmetricLossSingleLabel(task.targets, logits, { validate: false })),
  },
  {
    name: 'classBalancedLoss',
    paper: 'Cui et al., 2019',
    reference: '`_tower_fn` / `focal_loss` of richardaecn/class-balanced-loss (softmax, sigmoid, focal)',
    defaultReduction: '`mean` (softmax: ÷ B; sigmoid/focal: ÷ positive labels)',
    vectors: ['cb_softmax', 'cb_sigmoid', 'cb_focal'],
    classification: (task) => (logits) =>
      scalar(classBalancedLoss(task.targets, logits, { samplesPerClass: task.classCounts, lossType: 'focal', validate: false })),
  },
  {
    name: 'ldamLoss',
    paper: 'Cao et al., 2019',
    reference: '`LDAMLoss` of kaidic/LDAM-DRW',
    defaultReduction: '`sumOverWeights` (PyTorch weighted mean)',
    vectors: ['ldam_drw'],
    classification: (task) => (logits) => scalar(ldamLoss(task.targets, logits, { classCounts: task.classCounts, validate: false })),
  },
  {
    name: 'logitAdjustedLoss',
    paper: 'Menon et al., 2021',
    reference: '`build_loss_fn(use_la_loss=True)` of google-research `logit_adjustment`',
    defaultReduction: '`mean`',
    vectors: ['logit_adjustment'],
    classification: (task) => (logits) =>
      scalar(logitAdjustedLoss(task.targets, logits, { classCounts: task.classCounts, validate: false })),
  },
  {
    name: 'vsLoss',
    paper: 'Kini et al., 2021',
    reference: '`VSLoss` of orparask/VS-Loss',
    defaultReduction: '`sumOverWeights` (PyTorch weighted mean)',
    vectors: ['vs_loss'],
    classification: (task) => (logits) => scalar(vsLoss(task.targets, logits, { classCounts: task.classCounts, validate: false })),
  },
  {
    name: 'densityNormalizedLoss',
    paper: 'Knyazev et al., 2020',
    reference: "`edge_losses('dnorm')` of bknyaz/sgg (`perBatch` = the code, `perGroup` = the paper)",
    defaultReduction: '`mean` over groups',
    vectors: [],
    classification: (task) => (logits) => scalar(densityNormalizedLoss(task.targets, logits, { validate: false })),
  },
  {
    name: 'softDiceLoss',
    paper: 'Milletari et al., 2016; Lacombe et al., 2023',
    reference: 'overlap losses of lhendre/ClimateNet (reduction axes differ on purpose)',
    defaultReduction: '`sumOverWeights` (class-weighted mean)',
    vectors: [],
    classification: (task) => (logits) => scalar(softDiceLoss(task.targets, logits, { validate: false })),
  },
  {
    name: 'jaccardLoss',
    paper: 'Lacombe et al., 2023',
    reference: 'overlap losses of lhendre/ClimateNet (reduction axes differ on purpose)',
    defaultReduction: '`sumOverWeights` (class-weighted mean)',
    vectors: [],
    classification: (task) => (logits) => scalar(jaccardLoss(task.targets, logits, { validate: false })),
  },
  {
    name: 'tverskyLoss',
    paper: 'Salehi et al., 2017',
    reference: 'Tversky index with α = 0.3, β = 0.7',
    defaultReduction: '`sumOverWeights` (class-weighted mean)',
    vectors: [],
    classification: (task) => (logits) => scalar(tverskyLoss(task.targets, logits, { validate: false })),
  },
  {
    name: 'distillationKL',
    paper: 'Hinton et al., 2015',
    reference: '`DistillKL` of penghui-yang/DHKD (T² · KL, batch mean)',
    defaultReduction: '`mean` over rows',
    vectors: [],
    classification: (task) => (logits) =>
      scalar(distillationKL(tf.mul(oneHot(task), 4), logits, { validate: false })),
  },
  {
    name: 'dualHeadBinaryKL',
    paper: 'Yang et al., 2024',
    reference: '`BinaryKLNorm` of penghui-yang/DHKD (auxiliary head)',
    defaultReduction: '`mean` over rows',
    vectors: [],
    classification: (task) => (logits) =>
      scalar(dualHeadBinaryKL(tf.mul(oneHot(task), 4), logits, { validate: false })),
  },
  {
    name: 'pairwiseLogisticLoss',
    paper: 'Burges et al., 2005',
    reference: '`PairwiseLogisticLoss` of tensorflow/ranking (RankNet pairs y_i > y_j, padding masked)',
    defaultReduction: '`sumByNonzeroWeights` (TF-Ranking estimator: ÷ number of pairs)',
    vectors: ['ranknet_pairwise_logistic'],
    classification: (task) => (logits) => scalar(pairwiseLogisticLoss(oneHot(task), logits, { validate: false })),
  },
  {
    name: 'pairwiseHingeLoss',
    paper: 'Joachims, 2002',
    reference: '`PairwiseHingeLoss` of tensorflow/ranking (margin 1)',
    defaultReduction: '`sumByNonzeroWeights` (TF-Ranking estimator: ÷ number of pairs)',
    vectors: [],
    classification: (task) => (logits) => scalar(pairwiseHingeLoss(oneHot(task), logits, { validate: false })),
  },
  {
    name: 'softmaxListwiseLoss',
    paper: 'Cao et al., 2007',
    reference: '`SoftmaxLoss` of tensorflow/ranking (lists weighted by their label sum)',
    defaultReduction: '`sumByNonzeroWeights` (TF-Ranking estimator: ÷ lists with relevant items)',
    vectors: ['softmax_listwise'],
    classification: (task) => (logits) => scalar(softmaxListwiseLoss(oneHot(task), logits, { validate: false })),
  },
  {
    name: 'poly1SoftmaxListwiseLoss',
    paper: 'Leng et al., 2022; Zhuang et al., 2023',
    reference: '`PolyOneSoftmaxLoss` of tensorflow/ranking (ε = 1)',
    defaultReduction: '`sumByNonzeroWeights` (TF-Ranking estimator: ÷ lists with relevant items)',
    vectors: [],
    classification: (task) => (logits) => scalar(poly1SoftmaxListwiseLoss(oneHot(task), logits, { validate: false })),
  },
  {
    name: 'welfareRankLoss',
    paper: 'our specification of Lyu et al., 2023',
    reference: 'float64 brute force of its definition (no reference code published)',
    defaultReduction: '`mean` over auctions',
    vectors: [],
    classification: (task) => (logits) => scalar(welfareRankLoss(oneHot(task), logits, { bids: classBids(task), validate: false })),
  },
  {
    name: 'combinedWelfareLoss',
    paper: 'our specification of Lyu et al., 2023',
    reference: 'λ·logloss + (1 − λ)·welfareRankLoss, both pair/candidate means',
    defaultReduction: '`mean` (candidates for logloss, weighted pairs for the rank term)',
    vectors: [],
    classification: (task) => (logits) => combinedWelfareLoss(oneHot(task), logits, { bids: classBids(task), validate: false }),
  },
  {
    name: 'cumulativeLogitLoss',
    paper: 'McCullagh, 1980; Faletto & Bien, 2023 (PRESTO)',
    reference: 'negative log-likelihood of ordinalNet (Wurm et al., 2021), separate boundary per class',
    defaultReduction: '`mean` (ordinalNet: (1/N)·NLL)',
    vectors: [],
    classification: (task) => (logits) => scalar(cumulativeLogitLoss(task.targets, logits, { validate: false })),
  },
];
