import type { MethodSummary } from '@counterweight/experiment';

import type { DomainSpec } from './domains.js';
import { formatStatistics, intervalSide } from './format.js';
import type { SummaryCell, SummaryTable } from './summary-document.js';

/**
 * The table of a domain: one row per method of the app's summaries (in the app's order; the baseline marked), and for
 * every metric of the domain two columns: the mean with its 95 % t-interval over seeds, and the paired difference
 * from the baseline (method − baseline, per seed) with its interval, in bold when the interval excludes zero. A
 * metric a method does not report is an empty cell.
 */
export function domainTable(spec: DomainSpec, summaries: readonly MethodSummary[]): SummaryTable {
  const headers = [
    'method',
    ...spec.metrics.flatMap((m) => [
      `${m.label}${m.unit === '' || m.label.includes(m.unit) ? '' : ` (${m.unit})`} ${m.higherIsBetter ? '↑' : '↓'}`,
      `Δ vs ${spec.baseline}${m.differenceUnit === '' ? '' : ` (${m.differenceUnit})`}`,
    ]),
  ];
  const rows = summaries.map((s): SummaryCell[] => [
    s.method === spec.baseline ? { text: s.method, code: true, note: '(baseline)' } : { text: s.method, code: true },
    ...spec.metrics.flatMap((m): SummaryCell[] => {
      const value = s.metrics[m.key];
      const d = s.againstBaseline?.[m.key];
      return [
        { text: value === undefined ? '' : formatStatistics(value, m) },
        d === undefined ? { text: s.method === spec.baseline ? '—' : '' } : { text: formatStatistics(d, m, true), strong: intervalSide(d) === 'above' || intervalSide(d) === 'below' },
      ];
    }),
  ]);
  return { headers, align: headers.map((_, i) => (i === 0 ? 'left' : 'right')), rows };
}
