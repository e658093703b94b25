import type { SeedStatistics } from '@counterweight/experiment';
import { formatNumber } from '@counterweight/reports';

import type { SummaryMetric } from './domains.js';

/** A value with its unit, e.g. `12.3 %`, `45.10 µg/m³`, `0.9312` (a ratio has no unit). */
export function withUnit(text: string, unit: string): string {
  return unit === '' ? text : unit === '%' ? `${text} %` : `${text} ${unit}`;
}

/** A number with the metric's scale and digits (reports' formatNumber), negative with a true minus sign. */
export function formatValue(value: number, metric: SummaryMetric): string {
  return formatNumber(metric.scale * value, metric.digits).replace(/^-/, '−');
}

/** A difference with its sign, `+1.2` or `−0.8` (a true minus sign), with the metric's scale and digits. */
export function formatSigned(value: number, metric: SummaryMetric): string {
  const scaled = metric.scale * value;
  const text = formatNumber(Math.abs(scaled), metric.digits);
  return /^[0.]*$/.test(text) ? `±${text}` : `${scaled >= 0 ? '+' : '−'}${text}`;
}

/** `mean [lower, upper]` of a metric over seeds (just the mean for one seed, which has no interval). */
export function formatStatistics(s: SeedStatistics, metric: SummaryMetric, signed = false): string {
  const f = (v: number): string => (signed ? formatSigned(v, metric) : formatValue(v, metric));
  return s.interval95 === null ? f(s.mean) : `${f(s.mean)} [${f(s.interval95.lower)}, ${f(s.interval95.upper)}]`;
}

/** Where a paired difference's 95 % interval lies: above zero, below it, containing it, or no interval (one seed). */
export type IntervalSide = 'above' | 'below' | 'contains' | 'none';

/** The side of zero the 95 % interval of `d` lies on. */
export function intervalSide(d: SeedStatistics): IntervalSide {
  if (d.interval95 === null) return 'none';
  if (d.interval95.lower > 0) return 'above';
  if (d.interval95.upper < 0) return 'below';
  return 'contains';
}

/** Whether a paired difference favours the method (its mean is on the better side of zero for this metric). */
export function favours(d: SeedStatistics, metric: SummaryMetric): boolean {
  return metric.higherIsBetter ? d.mean > 0 : d.mean < 0;
}

/** Whether the interval of a paired difference excludes zero on the method's better side. */
export function significantlyBetter(d: SeedStatistics, metric: SummaryMetric): boolean {
  const side = intervalSide(d);
  return metric.higherIsBetter ? side === 'above' : side === 'below';
}

/** Whether the interval of a paired difference excludes zero on the method's worse side. */
export function significantlyWorse(d: SeedStatistics, metric: SummaryMetric): boolean {
  const side = intervalSide(d);
  return metric.higherIsBetter ? side === 'below' : side === 'above';
}
