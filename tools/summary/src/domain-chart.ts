import type { MethodSummary } from '@counterweight/experiment';
import { groupedBarChart, lineChart } from '@counterweight/reports';

import type { DomainSpec } from './domains.js';
import type { RunCurve } from './read-comparison.js';

/** A vega-lite spec as the reports package's builders return it. */
export type ChartSpec = ReturnType<typeof groupedBarChart>;

/** A bar of the differences chart. */
interface DifferenceBar {
  readonly metric: string;
  readonly method: string;
  readonly difference: number;
  readonly halfWidth: number;
}

/** A point of the curves chart: the mean over the seeds of a method's validation loss after `step` steps. */
interface CurveMean {
  readonly step: number;
  readonly method: string;
  readonly loss: number;
}

/**
 * Every method's paired difference from the baseline (mean over seeds, ± the half-width of its 95 % t-interval; 0
 * with one seed) for the metrics sharing the first metric's unit, drawn with the reports package's groupedBarChart:
 * one cluster per metric, one bar per method. Undefined when no method has a paired difference.
 */
function differencesChart(spec: DomainSpec, summaries: readonly MethodSummary[]): ChartSpec | undefined {
  const first = spec.metrics[0];
  if (first === undefined) return undefined;
  const charted = spec.metrics.filter((m) => m.differenceUnit === first.differenceUnit);
  const bars: DifferenceBar[] = charted.flatMap((m) =>
    summaries.flatMap((s) => {
      const d = s.againstBaseline?.[m.key];
      if (d === undefined || s.method === spec.baseline) return [];
      const half = d.interval95 === null ? 0 : d.interval95.upper - d.mean;
      return [{ metric: m.chartLabel, method: s.method, difference: m.scale * d.mean, halfWidth: m.scale * half }];
    }),
  );
  if (bars.length === 0) return undefined;
  const unit = first.differenceUnit === '' ? '' : ` (${first.differenceUnit})`;
  return groupedBarChart({
    title: `${spec.title}: difference from ${spec.baseline}`,
    subtitle: `method − ${spec.baseline}, paired by seed; bar: mean, line: 95 % interval; ${first.higherIsBetter ? 'higher' : 'lower'} is better`,
    data: bars,
    category: 'metric',
    group: 'method',
    value: 'difference',
    error: 'halfWidth',
    categoryTitle: '',
    groupTitle: 'method',
    valueTitle: `difference${unit}`,
    valueFormat: `.${Math.min(first.digits, 4)}~f`,
    // Value labels stay readable up to a few bars; beyond that the axis and the table carry the numbers.
    labels: bars.length <= 8,
  });
}

/**
 * The validation loss against optimiser steps, one line per method (the mean over its seeds at each step where every
 * seed has an estimate), drawn with the reports package's lineChart. Undefined when no run has a curve.
 */
function curvesChart(spec: DomainSpec, curves: readonly RunCurve[]): ChartSpec | undefined {
  const points: CurveMean[] = [];
  for (const method of [...new Set(curves.map((c) => c.method))]) {
    const own = curves.filter((c) => c.method === method);
    const steps = [...new Set(own.flatMap((c) => c.points.map((p) => p.step)))].sort((a, b) => a - b);
    for (const step of steps) {
      const losses = own.flatMap((c) => c.points.filter((p) => p.step === step).map((p) => p.validationLoss));
      if (losses.length === own.length) points.push({ step, method, loss: losses.reduce((a, b) => a + b, 0) / losses.length });
    }
  }
  if (points.length === 0) return undefined;
  const seeds = Math.max(...[...new Set(curves.map((c) => c.method))].map((m) => curves.filter((c) => c.method === m).length));
  return lineChart({
    title: `${spec.title}`,
    subtitle: `validation estimate (fixed windows) against optimiser steps, mean over ${seeds} seed${seeds === 1 ? '' : 's'}`,
    data: points,
    x: 'step',
    y: 'loss',
    series: 'method',
    xTitle: 'optimiser steps',
    yTitle: `validation loss (${spec.metrics[0]?.unit ?? 'nats'})`,
    seriesTitle: 'method',
  });
}

/**
 * The chart of a domain: the validation-loss curves (`chart: 'curves'`, when the runs have curves) or the paired
 * differences from the baseline; failing both (one method only), the means of the first metric per method.
 */
export function domainChart(spec: DomainSpec, summaries: readonly MethodSummary[], curves: readonly RunCurve[]): ChartSpec {
  const chart = (spec.chart === 'curves' ? curvesChart(spec, curves) : undefined) ?? differencesChart(spec, summaries);
  if (chart !== undefined) return chart;
  const metric = spec.metrics[0];
  return groupedBarChart({
    title: spec.title,
    subtitle: 'mean over seeds (no method to compare with the baseline)',
    data: summaries.map((s) => ({ metric: metric?.chartLabel ?? '', method: s.method, value: (metric?.scale ?? 1) * (s.metrics[metric?.key ?? '']?.mean ?? 0) })),
    category: 'metric',
    group: 'method',
    value: 'value',
    categoryTitle: '',
  });
}
