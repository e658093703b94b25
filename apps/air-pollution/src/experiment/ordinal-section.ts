import { seedStatistics, type RunRecord } from '@counterweight/experiment';
import { formatNumber } from '@counterweight/reports';

import { AQI_CATEGORY_NAMES } from '../evaluation/index.js';
import type { OrdinalRunResult } from './ordinal-run.js';
import type { AirRunResult } from './run-one.js';
import type { AirMethodOptions } from './settings.js';

const TITLES: Readonly<Record<string, string>> = { presto: 'PRESTO', proportionalOdds: 'proportional odds (λ → ∞)', separateLogistic: 'separate logistic (λ = 0)' };

/** `mean ± std` over seeds of the values of `key` in each run's ordinal headline ('' when a run lacks it). */
function cell(runs: readonly OrdinalRunResult[], key: string, digits: number): string {
  const values = runs.map((r) => r.ordinal.headline[key]);
  if (values.some((v) => v === undefined)) return '';
  const s = seedStatistics(values as number[]);
  return s.n > 1 ? `${s.mean.toFixed(digits)} ± ${s.std.toFixed(digits)}` : s.mean.toFixed(digits);
}

/**
 * The report section of the ordinal AQI forecasts: per method (PRESTO and its two limits) the multi-class Brier score,
 * accuracy, macro-F1, and the Brier score and ECE of the rare categories, mean ± std over seeds; the category counts
 * and the λ PRESTO chose. Undefined when the comparison has no `ordinal-aqi` runs.
 */
export function ordinalSection(all: readonly RunRecord<AirMethodOptions, AirRunResult>[]): { heading: string; lines: string[] } | undefined {
  const runs = all.map((r) => r.result).filter((r): r is OrdinalRunResult => r.kind === 'ordinal');
  const first = runs[0]?.ordinal;
  if (first === undefined) return undefined;
  const rare = first.rareCategories;
  const name = (k: number): string => `${k} ${AQI_CATEGORY_NAMES[k] ?? ''}`.trim();
  const header = ['method', 'Brier', 'accuracy', 'macro-F1', ...rare.flatMap((k) => [`Brier [${name(k)}]`, `ECE [${name(k)}]`])];
  const rows = first.methods.map((m) => {
    const id = m.method;
    return [TITLES[id] ?? id, cell(runs, `ordinalBrier.${id}`, 4), cell(runs, `ordinalAccuracy.${id}`, 3), cell(runs, `ordinalMacroF1.${id}`, 3), ...rare.flatMap((k) => [cell(runs, `ordinalBrier${k}.${id}`, 4), cell(runs, `ordinalEce${k}.${id}`, 4)])];
  });
  const lambdas = runs.map((r) => r.ordinal.methods.find((m) => m.method === 'presto')?.lambda).filter((l): l is number => l !== undefined);
  const counts = first.categoryCounts.test.map((n, k) => `${name(k)}: ${n}`).join(', ');
  return {
    heading: 'Ordinal forecast of the AQI category',
    lines: [
      `China AQI category of ${first.variable} ${first.horizon} steps ahead (HJ 633-2012 breakpoints 35/75/115/150/250 µg/m³, applied to the value at that step), ` +
        `from the last input step and the history mean of ${first.variable}; fitted on ${first.trainSample} of ${first.trainAvailable} training windows (seeded). ` +
        `PRESTO (Faletto & Bien, ICML 2023) penalises differences between neighbouring boundaries' coefficients; λ was chosen on the validation windows (${lambdas.map((l) => formatNumber(l, 4)).join(', ')}).`,
      `Rare categories scored: the two rarest in training (${rare.map(name).join(', ')}). Test windows per category: ${counts}.`,
      '',
      `| ${header.join(' | ')} |`,
      `| ${header.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`,
      ...rows.map((r) => `| ${r.join(' | ')} |`),
      '',
      `(test windows; mean ± std over ${runs.length} seed${runs.length === 1 ? '' : 's'}; lower Brier and ECE are better)`,
    ],
  };
}
