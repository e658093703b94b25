import { meanAndStd } from '@counterweight/reports';

import type { Recipe } from '../recipes/recipe.js';
import type { MultiLabelEvaluation, SingleLabelEvaluation } from './evaluate.js';
import type { RunResult } from './run-one.js';

/** Mean and sample standard deviation (n − 1; 0 for one value) over seeds, plus the values themselves. */
export interface Spread {
  readonly mean: number;
  readonly std: number;
  readonly values: readonly number[];
}

/** A recipe's metrics over its seeds. */
export interface RecipeSummary {
  readonly recipe: string;
  readonly description: string;
  readonly reference: string;
  readonly seeds: readonly number[];
  /** Headline metrics by key (`top1`, `balancedAccuracy`, `group.tail`, `mAP`, …). */
  readonly metrics: Readonly<Record<string, Spread>>;
  /** Per-class accuracy (single-label) or average precision (multi-label), class by class. */
  readonly perClass: readonly Spread[];
  readonly trainSeconds: Spread;
  readonly imagesPerSecond: Spread;
}

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

/** Mean and sample standard deviation of values. */
export function spread(values: readonly number[]): Spread {
  return { ...meanAndStd(values), values };
}

/** The headline metrics of one run, flattened to `key → value` (groups as `group.<name>`, `shot.<name>`). */
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
      // Runs written before per-group ECE existed have none; their summaries simply lack the keys.
      ...Object.fromEntries(Object.entries(s.groupEce ?? {}).map(([k, v]) => [`ece.${k}`, v])),
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

function perClassOf(result: RunResult): readonly number[] {
  return result.evaluation.task === 'single-label' ? result.evaluation.perClassAccuracy : result.evaluation.perClassAP;
}

/** Summaries over seeds, one per recipe in the given order (every recipe must have at least one result). */
export function summarize(recipes: readonly Recipe[], results: readonly RunResult[]): RecipeSummary[] {
  return recipes.map((recipe) => {
    const runs = results.filter((r) => r.recipe === recipe.name).sort((a, b) => a.seed - b.seed);
    if (runs.length === 0) throw new RangeError(`no results for recipe ${recipe.name}`);
    const perRun = runs.map(headlineMetrics);
    const keys = Object.keys(perRun[0] ?? {});
    const classes = perClassOf(runs[0] as RunResult).length;
    return {
      recipe: recipe.name,
      description: recipe.description,
      reference: recipe.reference,
      seeds: runs.map((r) => r.seed),
      metrics: Object.fromEntries(keys.map((k) => [k, spread(perRun.map((m) => m[k] ?? Number.NaN))])),
      perClass: Array.from({ length: classes }, (_, c) => spread(runs.map((r) => perClassOf(r)[c] ?? Number.NaN))),
      trainSeconds: spread(runs.map((r) => r.trainSeconds)),
      imagesPerSecond: spread(runs.map((r) => r.imagesPerSecond)),
    };
  });
}
