import {
  accuracy,
  balancedAccuracy,
  confusionMatrix,
  expectedCalibrationError,
  groupExpectedCalibrationError,
  groupAccuracy,
  macroF1,
  meanAveragePrecision,
  multilabelAveragePrecision,
  multilabelPrecisionRecall,
  perClassAccuracy,
  reliabilityBins,
  type ClassGrouping as MetricGrouping,
  type MultilabelPrecisionRecall,
} from '@counterweight/metrics';
import * as tf from '@tensorflow/tfjs-core';

import { rankThirdsGrouping, type ClassGrouping } from '../data/class-groups.js';
import type { ChannelStats } from '../data/normalize.js';
import { imagesToDataset, multiLabelToDataset } from '../data/to-dataset.js';
import type { VisionModel } from '../models/vision-model.js';
import type { Recipe, RecipeContext } from '../recipes/recipe.js';
import type { ExperimentData } from './prepare-data.js';

/** Bins of the reliability diagram and the ECE (Guo et al. 2017). */
export const CALIBRATION_BINS = 15;
/** Images per inference batch. */
export const EVALUATION_BATCH = 500;

/** One reliability bin (empty bins are left out). */
export interface CalibrationBin {
  readonly confidence: number;
  readonly accuracy: number;
  readonly count: number;
}

/** Test-set metrics of a single-label run. Accuracies are fractions in [0, 1]. */
export interface SingleLabelEvaluation {
  readonly task: 'single-label';
  readonly top1: number;
  /** Mean of the per-class accuracies (the test set is balanced, so close to top-1). */
  readonly balancedAccuracy: number;
  readonly macroF1: number;
  /** Top-label expected calibration error, 15 equal-width bins. */
  readonly ece: number;
  readonly perClassAccuracy: readonly number[];
  /** Accuracy per class group of the split's default grouping (head/mid/tail for Fashion-MNIST-LT). */
  readonly groups: Readonly<Record<string, number>>;
  /**
   * Top-label ECE (15 bins) of the test images of each group of the default grouping: whether a recipe's confidence is
   * trustworthy on the tail as well as on the head. `NaN` for a group without test images.
   */
  readonly groupEce: Readonly<Record<string, number>>;
  /** Accuracy per many/medium/few-shot group (> 100, 20–100, < 20 training images); empty groups are left out. */
  readonly shotGroups: Readonly<Record<string, number>>;
  /** `confusion[i][j]`: test images of class `i` predicted as `j`. */
  readonly confusion: readonly (readonly number[])[];
  readonly reliability: readonly CalibrationBin[];
}

/** Test-set metrics of a multi-label run (threshold 0.5 on sigmoid probabilities). */
export interface MultiLabelEvaluation extends MultilabelPrecisionRecall {
  readonly task: 'multi-label';
  /** Mean over classes of the per-class average precision. */
  readonly mAP: number;
  readonly perClassAP: readonly number[];
  /** Mean AP of the class groups (head/mid/tail thirds by training frequency, see {@link frequencyThirds}). */
  readonly groups: Readonly<Record<string, number>>;
}

export type Evaluation = SingleLabelEvaluation | MultiLabelEvaluation;

/**
 * Converts the split's class groups to the metrics package's form (`groups` names, group of every class), leaving
 * out groups without classes (e.g. no few-shot class at ρ = 100 with 6,000 head images), which have no accuracy.
 */
export function metricGrouping(grouping: ClassGrouping, numClasses: number): MetricGrouping {
  const classGroups = new Array<string>(numClasses).fill('');
  for (const group of grouping.groups) for (const c of group.classes) classGroups[c] = group.name;
  return { groups: grouping.groups.filter((g) => g.classes.length > 0).map((g) => g.name), classGroups };
}

/** Head/mid/tail thirds of the classes ranked by training frequency (ties by class id), as the long-tail splits. */
export function frequencyThirds(classCounts: readonly number[]): ClassGrouping {
  const order = classCounts.map((n, c) => [n, c] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]).map(([, c]) => c);
  return rankThirdsGrouping(order);
}

/**
 * The model's test-set logits `[N·C]` (row-major) in inference mode, after the recipe's post-hoc transform.
 * Runs in batches of {@link EVALUATION_BATCH}; leaves no tensors behind.
 */
export async function testLogits(
  model: VisionModel,
  data: ExperimentData,
  recipe: Recipe,
  context: RecipeContext,
  normalization: ChannelStats = data.normalization,
): Promise<Float32Array> {
  const dataset =
    data.task === 'single-label'
      ? imagesToDataset(data.test, { normalization })
      : multiLabelToDataset(data.test, { normalization });
  const C = data.classNames.length;
  const out = new Float32Array(dataset.size * C);
  for (let start = 0; start < dataset.size; start += EVALUATION_BATCH) {
    const rows = Int32Array.from({ length: Math.min(EVALUATION_BATCH, dataset.size - start) }, (_, i) => start + i);
    const batch = dataset.gather(rows);
    try {
      const logits = tf.tidy(() => {
        const raw = model.logits(batch.inputs as tf.Tensor);
        return recipe.posthoc === undefined ? raw : recipe.posthoc(raw, context);
      });
      out.set(await logits.data(), start * C);
      logits.dispose();
    } finally {
      tf.dispose([batch.inputs, batch.targets, ...(batch.weights === undefined ? [] : [batch.weights])]);
    }
  }
  return out;
}

function softmaxRows(logits: Float32Array, C: number): Float64Array {
  const probabilities = new Float64Array(logits.length);
  for (let i = 0; i < logits.length; i += C) {
    let max = -Infinity;
    for (let c = 0; c < C; c += 1) max = Math.max(max, logits[i + c] as number);
    let sum = 0;
    for (let c = 0; c < C; c += 1) sum += Math.exp((logits[i + c] as number) - max);
    for (let c = 0; c < C; c += 1) probabilities[i + c] = Math.exp((logits[i + c] as number) - max) / sum;
  }
  return probabilities;
}

function sigmoid(logits: Float32Array): Float64Array {
  return Float64Array.from(logits, (z) => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z))));
}

/**
 * Test-set metrics from logits `[N·C]` (row-major, after any post-hoc transform). Single-label: top-1, balanced
 * accuracy, macro-F1, ECE (softmax confidences), per-class and per-group accuracy, confusion matrix, reliability
 * bins. Multi-label: mAP and per-class AP (scores = logits), CP/CR/CF1 and OP/OR/OF1 at probability 0.5.
 */
export function evaluateLogits(data: ExperimentData, logits: Float32Array): Evaluation {
  const C = data.classNames.length;
  if (data.task === 'single-label') {
    const targets = data.test.labels;
    const probabilities = softmaxRows(logits, C);
    const grouping = data.metadata.groupings[data.metadata.defaultGrouping];
    return {
      task: 'single-label',
      top1: accuracy(targets, logits, C),
      balancedAccuracy: balancedAccuracy(targets, logits, C),
      macroF1: macroF1(targets, logits, C),
      ece: expectedCalibrationError(targets, probabilities, C, { bins: CALIBRATION_BINS }),
      perClassAccuracy: perClassAccuracy(targets, logits, C),
      groups: groupAccuracy(targets, logits, C, metricGrouping(grouping, C)),
      groupEce: groupExpectedCalibrationError(targets, probabilities, C, metricGrouping(grouping, C), { bins: CALIBRATION_BINS }),
      shotGroups: groupAccuracy(targets, logits, C, metricGrouping(data.metadata.groupings['shot-count'], C)),
      confusion: confusionMatrix(targets, logits, C),
      reliability: reliabilityBins(targets, probabilities, C, { bins: CALIBRATION_BINS })
        .filter((b) => b.count > 0)
        .map((b) => ({ confidence: b.confidence, accuracy: b.accuracy, count: b.count })),
    };
  }
  const targets = data.test.targets;
  const perClassAP = multilabelAveragePrecision(targets, logits, C);
  const groups: Record<string, number> = {};
  for (const group of frequencyThirds(data.classCounts).groups) {
    groups[group.name] = group.classes.reduce((sum, c) => sum + (perClassAP[c] ?? 0), 0) / group.classes.length;
  }
  return {
    task: 'multi-label',
    mAP: meanAveragePrecision(targets, logits, C),
    perClassAP,
    groups,
    ...multilabelPrecisionRecall(targets, sigmoid(logits), C, { threshold: 0.5 }),
  };
}
