import type { MultiLabelEvaluation, SingleLabelEvaluation } from './evaluate.js';
import type { RunResult } from './run-one.js';

/** Metric keys of the report's main table, in order, with their column titles (↑ higher is better). */
export const SINGLE_LABEL_COLUMNS: ReadonlyArray<readonly [string, string]> = [
  ['top1', 'top-1 ↑'],
  ['balancedAccuracy', 'balanced acc. ↑'],
  ['macroF1', 'macro-F1 ↑'],
  ['ece', 'ECE ↓'],
];
export const MULTI_LABEL_COLUMNS: ReadonlyArray<readonly [string, string]> = [
  ['mAP', 'mAP ↑'],
  ['classPrecision', 'CP ↑'],
  ['classRecall', 'CR ↑'],
  ['classF1', 'CF1 ↑'],
  ['overallPrecision', 'OP ↑'],
  ['overallRecall', 'OR ↑'],
  ['overallF1', 'OF1 ↑'],
];

/** The headline metrics of one run, flattened to `key → value` (groups as `group.<name>`, `shot.<name>`, `ece.<name>`). */
export function headlineMetrics(result: RunResult): Record<string, number> {
  const e = result.evaluation;
  if (e.task === 'single-label') {
    const s: SingleLabelEvaluation = e;
    return {
      top1: s.top1,
      balancedAccuracy: s.balancedAccuracy,
      macroF1: s.macroF1,
      ece: s.ece,
      ...Object.fromEntries(Object.entries(s.groups).map(([k, v]) => [`group.${k}`, v])),
      ...Object.fromEntries(Object.entries(s.shotGroups).map(([k, v]) => [`shot.${k}`, v])),
      ...Object.fromEntries(Object.entries(s.groupEce).map(([k, v]) => [`ece.${k}`, v])),
    };
  }
  const m: MultiLabelEvaluation = e;
  return {
    mAP: m.mAP,
    classPrecision: m.classPrecision,
    classRecall: m.classRecall,
    classF1: m.classF1,
    overallPrecision: m.overallPrecision,
    overallRecall: m.overallRecall,
    overallF1: m.overallF1,
    ...Object.fromEntries(Object.entries(m.groups).map(([k, v]) => [`group.${k}`, v])),
  };
}

/**
 * Every number the summaries take over seeds: the headline metrics, per-class accuracy (single-label) or average
 * precision (multi-label) as `class.<id>`, and `trainSeconds`, `imagesPerSecond`.
 */
export function runMetrics(result: RunResult): Record<string, number> {
  const perClass = result.evaluation.task === 'single-label' ? result.evaluation.perClassAccuracy : result.evaluation.perClassAP;
  return {
    ...headlineMetrics(result),
    ...Object.fromEntries(perClass.map((v, c) => [`class.${c}`, v])),
    trainSeconds: result.trainSeconds,
    imagesPerSecond: result.imagesPerSecond,
  };
}
