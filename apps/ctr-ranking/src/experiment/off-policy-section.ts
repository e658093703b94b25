import type { RunRecord } from '@counterweight/experiment';
import { formatNumber, markdownTable } from '@counterweight/reports';

import type { CtrMethodOptions } from './settings.js';
import type { CtrRunResult } from './run-one.js';

type Estimate = { readonly estimate: number; readonly ci95: readonly [number, number] };

/** `estimate [low, high]`, scaled (e.g. per 100 impressions). */
function interval(e: Estimate, scale: number, digits: number): string {
  return `${formatNumber(scale * e.estimate, digits)} [${formatNumber(scale * e.ci95[0], digits)}, ${formatNumber(scale * e.ci95[1], digits)}]`;
}

/**
 * The report section of the off-policy estimates on logged test impressions (Open Bandit): per method and seed, the
 * matched impressions and the IPS click rate, IPS welfare and SNIPS welfare per 100 impressions with 95 % intervals,
 * and the logging policy's own values. Empty when no run has off-policy estimates.
 */
export function offPolicySection(runs: readonly RunRecord<CtrMethodOptions, CtrRunResult>[]): { heading: string; lines: string[] } | undefined {
  const withLogs = runs.filter((r) => r.result.offPolicy !== undefined);
  const first = withLogs[0]?.result.offPolicy;
  if (first === undefined) return undefined;
  const rows = withLogs.map((r, i) => {
    const o = r.result.offPolicy as NonNullable<CtrRunResult['offPolicy']>;
    return [
      i === 0 || withLogs[i - 1]?.method !== r.method ? `\`${r.method}\`` : '',
      r.repetition,
      o.matched,
      interval(o.ips.clickRate, 100, 3),
      interval(o.ips.welfare, 100, 3),
      o.snips === undefined ? '— (none matched)' : interval(o.snips.welfare, 100, 3),
    ];
  });
  return {
    heading: 'Off-policy estimates on the logged test impressions',
    lines: [
      'The logging policy chose items uniformly at random, so inverse-propensity scoring (IPS) of the allocation "show the ' +
        'item with the highest value × predicted CTR" is unbiased. Per 100 impressions, with 95 % normal-approximation ' +
        `intervals; ${first.rows} impressions, of which only those where the model picks the logged item count ("matched").`,
      '',
      markdownTable(['method', 'seed', 'matched', 'IPS clicks / 100', 'IPS welfare / 100', 'SNIPS welfare / 100'], rows, {
        align: ['left', 'right', 'right', 'right', 'right', 'right'],
      }),
      '',
      `Uniform logging policy itself: clicks / 100 ${interval(first.logged.clickRate, 100, 3)}, welfare / 100 ${interval(first.logged.welfare, 100, 3)}.`,
    ],
  };
}
